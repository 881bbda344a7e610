/** fast-check generators of the operations' arguments: small alphabets (collisions) and edges. */
import fc from 'fast-check';
import type { DictOp, FieldPath, ListOp, Op, PqOp, SetOp } from './ops.js';
import type { PartialInput } from './schema.js';

const MAX = Number.MAX_SAFE_INTEGER;

/** Strings with JSON's special characters, braces, glob characters and surrogate halves. */
export const text = fc.string({
  unit: fc.constantFrom('a', 'b', 'é', '"', '\\', '{', '}', '*', '\n', ' ', '😀', '\uD83D', '\uDE00'),
  maxLength: 3,
});
const item = fc.oneof({ weight: 3, arbitrary: fc.constantFrom('a', 'b', 'c', '') }, { weight: 1, arbitrary: text });
const items = fc.array(item, { maxLength: 4 });
const index = fc.oneof({ weight: 5, arbitrary: fc.integer({ min: -6, max: 6 }) }, { weight: 1, arbitrary: fc.constantFrom(-1000, 1000, MAX, -MAX) });
const dictKey = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('k1', 'k2', 'k3', '', '__proto__', 'constructor', '{x}', '*', '\n', '7') },
  { weight: 1, arbitrary: fc.constant('x\uDC00') }, // refused: a dict key must be well-formed
);
const smallInt = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -10, max: 10 }) },
  { weight: 1, arbitrary: fc.constantFrom(MAX, -MAX, 2 ** 52, -(2 ** 52), 94906266, 2 ** 26) },
);
const float = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(0, 0.1, 0.5, 1.5, -2.5, 3, -7.25, 1e-3, 1e15, 1e300, -1e300, 2, 10, 0.3, -0.1) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }) },
);
const member = fc.constantFrom('x', 'y', 'z', '', '__proto__', '{a}', '*');
const pqValue = fc.constantFrom('j1', 'j2', 'j3', 'a', 'b', '10', '9', '');
const priority = fc.constantFrom(0, 1, -1, 2.5, 10, 9, 0.1, 1e-9, -1e300);
const entries = fc.array(fc.tuple(dictKey, smallInt), { maxLength: 4 });

const address = fc.record({ city: text, tags: items }, { requiredKeys: ['city'] });
const partialShape = {
  count: smallInt,
  score: float,
  label: text,
  note: fc.option(text, { nil: null }),
  tags: items,
  attrs: entries.map((e) => Object.fromEntries(e) as Record<string, number>),
  seen: fc.array(member, { maxLength: 4 }),
  address,
};
export const partial: fc.Arbitrary<PartialInput> = fc.record(partialShape, { requiredKeys: [] });
export const init: fc.Arbitrary<PartialInput> = fc.record(partialShape, { requiredKeys: ['address'] });

const listOp: fc.Arbitrary<ListOp> = fc.oneof(
  fc.record({ m: fc.constant('aappend' as const), x: item }),
  fc.record({ m: fc.constant('aextend' as const), xs: items }),
  fc.record({ m: fc.constant('ainsert' as const), i: index, x: item }),
  fc.record({ m: fc.constant('apop' as const), i: index }, { requiredKeys: ['m'] }),
  fc.record({ m: fc.constant('aclear' as const) }),
  fc.record({ m: fc.constant('append' as const), x: item }),
  fc.record({ m: fc.constantFrom('extend' as const, 'iadd' as const), xs: items }),
  fc.record({ m: fc.constant('insert' as const), i: index, x: item }),
  fc.record({ m: fc.constant('setItem' as const), i: index, x: item }),
  fc.record({ m: fc.constant('removeRange' as const), start: index, end: index }, { requiredKeys: ['m'] }),
  fc.record({ m: fc.constant('clear' as const) }),
);

const dictOp: fc.Arbitrary<DictOp> = fc.oneof(
  fc.record({ m: fc.constantFrom('asetItem' as const, 'setItem' as const), k: dictKey, v: smallInt }),
  fc.record({ m: fc.constant('adelItem' as const), k: dictKey }),
  fc.record({ m: fc.constantFrom('aupdate' as const, 'update' as const), entries }),
  fc.record({ m: fc.constant('apop' as const), k: dictKey, fallback: smallInt }, { requiredKeys: ['m', 'k'] }),
  fc.record({ m: fc.constantFrom('apopitem' as const, 'aclear' as const, 'clear' as const) }),
);

const setOp: fc.Arbitrary<SetOp> = fc.oneof(
  fc.record({ m: fc.constantFrom('aadd' as const, 'aremove' as const, 'acontains' as const, 'add' as const, 'delete' as const), x: member }),
  fc.record({ m: fc.constantFrom('apop' as const, 'aclear' as const, 'asize' as const, 'clear' as const, 'amembers' as const) }),
  fc.record({ m: fc.constant('aaddMany' as const), xs: fc.array(member, { maxLength: 3 }) }),
  fc.record({ m: fc.constantFrom('adiscard' as const, 'discard' as const), x: member }),
  fc.record({ m: fc.constant('update' as const), xs: fc.array(member, { maxLength: 3 }) }),
  fc.record({
    m: fc.constantFrom(
      'aunion' as const,
      'aintersect' as const,
      'adifference' as const,
      'aunionUpdate' as const,
      'aintersectUpdate' as const,
      'adifferenceUpdate' as const,
    ),
  }),
);

const pqOp: fc.Arbitrary<PqOp> = fc.oneof(
  fc.record({ m: fc.constant('apush' as const), v: pqValue, p: priority }),
  fc.record({ m: fc.constant('apushMany' as const), items: fc.array(fc.record({ value: pqValue, priority }), { maxLength: 4 }) }),
  fc.record({ m: fc.constantFrom('apop' as const, 'apeek' as const, 'asize' as const, 'aitems' as const, 'aclear' as const) }),
  fc.record({ m: fc.constant('aremove' as const), v: pqValue }),
);

const fieldPath = fc.constantFrom<FieldPath>('count', 'score', 'label', 'note', 'tags', 'attrs', 'seen', 'jobs', 'address', 'address.city', 'address.tags');

/** Any operation on one model's instance (also what pipelines are made of). */
export const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom<Op>({ k: 'save' }, { k: 'load' }) },
  { weight: 1, arbitrary: fc.constant<Op>({ k: 'delete' }) },
  { weight: 2, arbitrary: partial.map((p): Op => ({ k: 'update', partial: p })) },
  { weight: 1, arbitrary: fc.constantFrom(null, 150, 500.5, 900).map((s): Op => ({ k: 'setTtl', seconds: s })) },
  {
    weight: 2,
    arbitrary: fc.oneof(
      smallInt.map((by): Op => ({ k: 'incr', field: 'count', by })),
      float.map((by): Op => ({ k: 'incr', field: 'score', by })),
    ),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('intOp' as const),
      op: fc.constantFrom('add' as const, 'sub' as const, 'mul' as const, 'floordiv' as const, 'mod' as const, 'pow' as const),
      n: smallInt,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('floatOp' as const),
      op: fc.constantFrom('add' as const, 'sub' as const, 'mul' as const, 'truediv' as const, 'floordiv' as const, 'mod' as const, 'pow' as const),
      n: float,
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('strAdd' as const), field: fc.constantFrom('label' as const, 'note' as const), text }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 3 }).map((n): Op => ({ k: 'strMul', n })) },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.record({ k: fc.constant('assign' as const), field: fc.constantFrom('label' as const, 'city' as const), value: text }),
      fc.record({ k: fc.constant('assign' as const), field: fc.constant('note' as const), value: fc.option(text, { nil: null }) }),
      fc.record({ k: fc.constant('assign' as const), field: fc.constant('count' as const), value: smallInt }),
      fc.record({ k: fc.constant('assign' as const), field: fc.constant('score' as const), value: float }),
    ),
  },
  { weight: 2, arbitrary: fc.record({ k: fc.constantFrom('fieldLoad' as const, 'fieldSave' as const), path: fieldPath }) },
  { weight: 6, arbitrary: fc.record({ k: fc.constant('list' as const), path: fc.constantFrom('tags' as const, 'address.tags' as const), op: listOp }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('dict' as const), op: dictOp }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('set' as const), op: setOp }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('pq' as const), op: pqOp }) },
);
