/**
 * fast-check generators of the query model-based tests: values from small domains (so that
 * queries match often and orders tie), where-trees over every indexed field with every operator
 * and AND / OR / NOT at both levels, orderBy, offset and maxResults.
 */
import fc from 'fast-check';
import { PKS, ROLES, type Patch, type Values } from './queries-schema.js';
import type { FindQuery, OrderBy, Where } from './queries-ref.js';

export const pk = fc.constantFrom<string>(...PKS);

/**
 * Names: a prefix of another, NUL inside and at the end, \x01 (next to the index's separators),
 * non-BMP, and orders where UTF-8 and UTF-16 differ. No lone surrogate: an indexed str holding
 * one is not indexed, and a where naming one fails in Redis (reported; to be decided).
 */
const NAMES = ['', 'a', 'ab', 'abc', 'b', 'é', 'a\0', 'a\0b', '\0', 'a\x01', '😀', '😀a', 'ｎ', 'A'];
const name = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NAMES) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('a', 'b', 'é', '😀', '\0', 'ｎ'), maxLength: 3 }) },
);
const CITIES = ['', 'P', 'Pa', 'Pé', 'L', '😀'];
const city = fc.constantFrom(...CITIES);
const XS = [-1.5, 0, 0.5, 1, 2.5];
const ATS = [-1000, 0, 5, 1000, 86_400_000];
const ns = fc.integer({ min: 0, max: 3 });
const xs = fc.option(fc.constantFrom(...XS), { nil: null, freq: 3 });
const ats = fc.option(fc.constantFrom(...ATS), { nil: null, freq: 3 });
const role = fc.constantFrom(...ROLES);
const note = fc.constantFrom('', 'x', 'y');
const tags = fc.array(fc.constantFrom('t', 'u'), { maxLength: 2 });
const address = fc.record({ city, zip: fc.constantFrom('', '1', '2') });

export const values: fc.Arbitrary<Values> = fc
  .record({ n: ns, x: xs, name, flag: fc.boolean(), at: ats, role, note, tags, address })
  .map(({ address: a, ...v }) => ({ ...v, city: a.city, zip: a.zip }));

export const patch: fc.Arbitrary<Patch> = fc.record({ n: ns, x: xs, name, flag: fc.boolean(), at: ats, role, note, tags, address }, { requiredKeys: [] });

/** A field's new value alone (`field.value = v`), in the reference's form (datetime in ms). */
export const assignment = fc.oneof(
  fc.record({ f: fc.constant('n' as const), value: ns }),
  fc.record({ f: fc.constant('x' as const), value: xs }),
  fc.record({ f: fc.constant('name' as const), value: name }),
  fc.record({ f: fc.constant('flag' as const), value: fc.boolean() }),
  fc.record({ f: fc.constant('at' as const), value: ats }),
  fc.record({ f: fc.constant('role' as const), value: role }),
  fc.record({ f: fc.constant('city' as const), value: city }),
);
export type Assignment = { f: 'n' | 'x' | 'name' | 'flag' | 'at' | 'role' | 'city'; value: unknown };

/** Amounts of arithmetic that stay exact in binary floats. */
export const intBy = fc.integer({ min: -2, max: 2 });
export const floatBy = fc.constantFrom(-1.5, -1, 0.5, 1, 2);
export const msBy = fc.constantFrom(-5, 5, 1000);

// ----- where-trees -----

/** The values a query compares with: the stored domains and a few beside them. */
const qn = fc.integer({ min: -1, max: 4 });
const qx = fc.constantFrom(...XS, -2, 0.75, 3);
const qname = fc.oneof(name, fc.constantFrom('aa', 'a\0a', 'a\x01a', 'b\0', '\uFFFF', 'é\0'));
const qat = fc.constantFrom(...ATS, -1, 1, 6).map((ms) => new Date(ms));
const qcity = fc.constantFrom(...CITIES, 'Q', 'P\0');
const PREFIXES = ['', 'a', 'ab', 'a\0', 'a\x01', '\0', 'é', '😀', 'ｎ', 'P', 'Pa', 'b', 'x'];
const prefix = fc.constantFrom(...PREFIXES);

interface FieldDomain {
  readonly value: fc.Arbitrary<unknown>;
  readonly optional: boolean;
  readonly ranged: boolean;
  readonly str: boolean;
}

const DOMAINS: Record<string, FieldDomain> = {
  n: { value: qn, optional: false, ranged: true, str: false },
  x: { value: qx, optional: true, ranged: true, str: false },
  name: { value: qname, optional: false, ranged: true, str: true },
  flag: { value: fc.boolean(), optional: false, ranged: false, str: false },
  at: { value: qat, optional: true, ranged: true, str: false },
  role: { value: role, optional: false, ranged: false, str: false },
  city: { value: qcity, optional: false, ranged: true, str: true },
};

/** A field's condition: a plain value (equality), or an operator object of one or two operators. */
function condition(d: FieldDomain): fc.Arbitrary<unknown> {
  const v = d.optional ? fc.option(d.value, { nil: null, freq: 3 }) : d.value;
  const single: fc.Arbitrary<Record<string, unknown>>[] = [fc.record({ eq: v }), fc.record({ ne: v }), fc.record({ in: fc.array(v, { maxLength: 3 }) })];
  if (d.ranged) for (const op of ['gt', 'gte', 'lt', 'lte']) single.push(fc.record({ [op]: d.value }));
  if (d.str) single.push(fc.record({ startsWith: prefix }), fc.record({ startsWith: prefix }));
  const one = fc.oneof(...single);
  return fc.oneof({ weight: 3, arbitrary: v }, { weight: 4, arbitrary: one }, { weight: 2, arbitrary: fc.tuple(one, one).map(([a, b]) => ({ ...a, ...b })) });
}

const CONDITIONS = Object.fromEntries(Object.entries(DOMAINS).map(([f, d]) => [f, condition(d)]));
const cache = new Map<string, fc.Arbitrary<Where>>();

/** A where-object of the top level or of the nested model, with combinators `depth` levels deep. */
function whereAt(nested: boolean, depth: number): fc.Arbitrary<Where> {
  const id = `${nested}:${depth}`;
  const known = cache.get(id);
  if (known) return known;
  const fields = nested ? ['city'] : ['n', 'x', 'name', 'flag', 'at', 'role'];
  const entries: fc.WeightedArbitrary<[string, unknown]>[] = fields.map((f) => ({ weight: 3, arbitrary: fc.tuple(fc.constant(f), CONDITIONS[f]!) }));
  if (!nested) entries.push({ weight: 3, arbitrary: fc.tuple(fc.constant('address'), whereAt(true, Math.max(depth - 1, 0))) });
  if (depth > 0) {
    const sub = whereAt(nested, depth - 1);
    entries.push(
      { weight: 2, arbitrary: fc.tuple(fc.constant('AND'), fc.array(sub, { maxLength: 3 })) },
      { weight: 3, arbitrary: fc.tuple(fc.constant('OR'), fc.array(sub, { maxLength: 3 })) },
      { weight: 2, arbitrary: fc.tuple(fc.constant('NOT'), sub) },
    );
  }
  const entry = fc.oneof(...entries);
  const arb = fc.oneof(
    { weight: 1, arbitrary: fc.constant<Where>({}) },
    { weight: 6, arbitrary: entry.map((e) => Object.fromEntries([e]) as Where) },
    { weight: 3, arbitrary: fc.tuple(entry, entry).map((es) => Object.fromEntries(es) as Where) },
  );
  cache.set(id, arb);
  return arb;
}

export const where = whereAt(false, 3);

const dir = fc.constantFrom('asc', 'desc');
const ORDERED = ['n', 'x', 'name', 'at', 'city'] as const;
const orderOn = (f: (typeof ORDERED)[number], d: string): OrderBy => (f === 'city' ? { address: { city: d } } : { [f]: d });
export const orderBy: fc.Arbitrary<OrderBy | undefined> = fc.option(
  fc.tuple(fc.constantFrom(...ORDERED), dir).map(([f, d]) => orderOn(f, d)),
  { nil: undefined, freq: 3 },
);
const offset = fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined, freq: 3 });
const maxResults = fc.option(fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 6, arbitrary: fc.integer({ min: 1, max: 4 }) }), {
  nil: undefined,
  freq: 2,
});

const withOptions = (w: Where, o: OrderBy | undefined, offset: number | undefined, maxResults: number | undefined): FindQuery => ({
  where: w,
  ...(o !== undefined ? { orderBy: o } : {}),
  ...(offset !== undefined ? { offset } : {}),
  ...(maxResults !== undefined ? { maxResults } : {}),
});

/** A query of afind: a random where, orderBy and window. */
export const findQuery: fc.Arbitrary<FindQuery> = fc.tuple(where, orderBy, offset, maxResults).map(([w, o, off, max]) => withOptions(w, o, off, max));

/**
 * A query whose where is one condition on the field it orders by: the script walks that
 * field's index in order and stops at the window (lua/query/run.lua), a path of its own.
 */
export const walkQuery: fc.Arbitrary<FindQuery> = fc.oneof(
  ...ORDERED.map((f) =>
    fc
      .tuple(CONDITIONS[f]!, dir, offset, maxResults)
      .map(([c, d, off, max]) => withOptions(f === 'city' ? { address: { city: c } } : { [f]: c }, orderOn(f, d), off, max)),
  ),
);
