/**
 * Bad input raises a typed error before anything is sent, and the stored model is unchanged
 *; stored data that does not validate raises CorruptedModelError; old
 * records load with the defaults of fields added since; Meta and model-name checks.
 */
import { expect } from 'chai';
import {
  ActionGroup,
  CorruptedModelError,
  defineModel,
  DuplicateModelNameError,
  field,
  InvalidRefreshTtlError,
  RapyerError,
  ValidationError,
} from '../src/index.js';
import { testClient, testServer } from './helpers/hooks.js';
import { countCommands } from './helpers/server.js';

const ValAddr = defineModel('ValAddr', { city: field.str() });
const ValModel = defineModel(
  'ValModel',
  {
    userId: field.str({ key: true }),
    name: field.str(),
    visits: field.int({ default: 0 }),
    score: field.float({ default: 0 }),
    active: field.bool({ default: true }),
    avatar: field.bytes({ optional: true }),
    seen: field.datetime({ optional: true }),
    extra: field.json({ optional: true }),
    color: field.enum(['red', 'blue'] as const, { default: 'red' }),
    address: field.model(ValAddr),
  },
  { ttl: 100 },
);

type Val = InstanceType<typeof ValModel>;
type ErrorClass = abstract new (...args: never[]) => Error;

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

async function rejected(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

async function storedModel(): Promise<Val> {
  const m = new ValModel({ userId: 'u1', name: 'Ann', address: { city: 'Paris' } });
  await m.asave();
  return m;
}

/**
 * Runs `fn`, expects it to throw `Err` with a message matching every pattern, with zero
 * commands sent and the stored hash unchanged.
 */
async function refused(m: Val, fn: () => unknown, Err: ErrorClass, ...patterns: RegExp[]): Promise<void> {
  const before = await testClient().hgetall(m.key);
  const localBefore = JSON.stringify(m.toJSON());
  const { commands } = await countCommands(testServer().url, async () => {
    const err = await rejected(fn);
    expect(err).to.be.instanceOf(Err);
    expect(err).to.be.instanceOf(RapyerError);
    for (const p of patterns) expect((err as Error).message).to.match(p);
  });
  expect(commands, 'commands sent').to.deep.equal([]);
  expect(await testClient().hgetall(m.key)).to.deep.equal(before);
  expect(JSON.stringify(m.toJSON()), 'local copy').to.equal(localBefore);
}

const base = { userId: 'u2', name: 'Bob', address: { city: 'Rome' } };

describe('validation', () => {
  describe('constructor', () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['wrong type', { visits: 'x' }, /ValModel.*visits.*"x"/],
      ['unsafe integer', { visits: 2 ** 53 }, /ValModel.*visits.*9007199254740992/],
      ['a float for an int', { visits: 1.5 }, /ValModel.*visits.*1\.5/],
      ['NaN', { score: NaN }, /ValModel.*score.*NaN/],
      ['+Infinity', { score: Infinity }, /ValModel.*score.*Infinity/],
      ['-Infinity', { score: -Infinity }, /ValModel.*score.*-Infinity/],
      ['pk with {', { userId: 'a{b' }, /ValModel.*"a\{b"/],
      ['pk with }', { userId: 'a}b' }, /ValModel.*"a\}b"/],
      ['unknown field', { nope: 1 }, /ValModel.*nope.*1/],
      ['bytes that are not a Uint8Array', { avatar: [1, 2] }, /ValModel.*avatar.*\[1,2\]/],
      ['invalid Date', { seen: new Date(NaN) }, /ValModel.*seen.*Date\(NaN\)/],
      ['a number for a datetime', { seen: 5 }, /ValModel.*seen.*5/],
      ['enum value outside the list', { color: 'green' }, /ValModel.*color.*"green"/],
      ['json: undefined inside', { extra: { a: undefined } }, /ValModel.*extra/],
      [
        'json: a class instance',
        {
          extra: new (class Point {
            x = 1;
          })(),
        },
        /ValModel.*extra.*\{"x":1\}/,
      ],
      ['json: NaN', { extra: [1, NaN] }, /ValModel.*extra/],
      ['json: a Map', { extra: new Map([['a', 1]]) }, /ValModel.*extra/],
      ['nested: wrong type', { address: { city: 3 } }, /ValModel.*address.*city.*3/],
      ['nested: unknown field', { address: { city: 'x', zip: 1 } }, /ValModel.*address.*zip/],
      ['null for a required field', { name: null }, /ValModel.*name.*null/],
    ];
    for (const [name, extra, re] of cases) {
      it(`refuses ${name}`, () => {
        const err = thrown(() => new ValModel({ ...base, ...extra } as never));
        expect(err).to.be.instanceOf(ValidationError);
        expect((err as Error).message).to.match(re);
      });
    }

    it('refuses a missing required field, naming it', () => {
      const err = thrown(() => new ValModel({ userId: 'u3', address: { city: 'x' } } as never));
      expect(err).to.be.instanceOf(ValidationError);
      expect((err as Error).message).to.match(/ValModel.*name.*required/);
    });

    it('sends nothing when construction fails', async () => {
      const { commands } = await countCommands(testServer().url, async () => {
        thrown(() => new ValModel({ ...base, visits: 'x' } as never));
      });
      expect(commands).to.deep.equal([]);
    });

    it('accepts a Buffer for bytes and keeps millisecond dates', () => {
      const m = new ValModel({ ...base, avatar: Buffer.from([1, 2]), seen: new Date(1234) });
      expect([...m.avatar.value!]).to.deep.equal([1, 2]);
      expect(m.seen.value!.getTime()).to.equal(1234);
    });
  });

  describe('.value = on a stored model', () => {
    const cases: [string, (m: Val) => void, RegExp][] = [
      [
        'a string for an int',
        (m) => {
          m.visits.value = 'x' as never;
        },
        /ValModel:\{u1\}.*visits.*"x"/,
      ],
      [
        'an unsafe integer',
        (m) => {
          m.visits.value = 2 ** 53;
        },
        /visits.*9007199254740992/,
      ],
      [
        'NaN for a float',
        (m) => {
          m.score.value = NaN;
        },
        /score.*NaN/,
      ],
      [
        'Infinity for a float',
        (m) => {
          m.score.value = Infinity;
        },
        /score.*Infinity/,
      ],
      [
        'null for a required str',
        (m) => {
          m.name.value = null as never;
        },
        /name.*null/,
      ],
      [
        'undefined in a json field',
        (m) => {
          m.extra.value = undefined as never;
        },
        /extra.*undefined/,
      ],
      [
        'an enum value outside the list',
        (m) => {
          m.color.value = 'green' as never;
        },
        /color.*"green"/,
      ],
      [
        'a changed key field',
        (m) => {
          m.userId.value = 'other';
        },
        /userId.*"other"/,
      ],
    ];
    for (const [name, fn, re] of cases) {
      it(`refuses ${name}; local and stored values unchanged`, async () => {
        const m = await storedModel();
        await refused(m, () => fn(m), ValidationError, re);
      });
    }
  });

  describe('aupdate', () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['a wrong type', { visits: 'x' }, /ValModel:\{u1\}.*visits.*"x"/],
      ['an unsafe integer', { visits: -(2 ** 53) }, /visits.*-9007199254740992/],
      ['NaN', { score: NaN }, /score.*NaN/],
      ['an unknown field', { nope: 1 }, /ValModel:\{u1\}.*nope.*1/],
      ['a valid field next to an unknown one', { name: 'new', nope: 1 }, /nope/],
      ['a valid field next to a wrong one', { name: 'new', visits: 1.5 }, /visits.*1\.5/],
      ['a nested wrong type', { address: { city: 7 } }, /address.*city.*7/],
      ['a changed key field', { userId: 'zz' }, /userId.*"zz"/],
      ['a non-JSON json value', { extra: { d: new Date(0) } }, /extra/],
      ['a non-object', 'visits' as unknown as Record<string, unknown>, /ValModel:\{u1\}.*"visits"/],
    ];
    for (const [name, partial, re] of cases) {
      it(`refuses ${name} before sending anything`, async () => {
        const m = await storedModel();
        await refused(m, () => m.aupdate(partial as never), ValidationError, re);
      });
    }
  });

  describe('operation arguments', () => {
    it('refuses bad aincrease, asetTtl, aduplicateMany and key arguments before sending', async () => {
      const m = await storedModel();
      await refused(m, () => m.visits.aincrease(2 ** 53), ValidationError, /ValModel:\{u1\}.*visits.*9007199254740992/);
      await refused(m, () => m.visits.aincrease(0.5), ValidationError, /visits.*0\.5/);
      await refused(m, () => m.score.aincrease(NaN), ValidationError, /score.*NaN/);
      await refused(m, () => m.score.aincrease(-Infinity), ValidationError, /score.*-Infinity/);
      await refused(m, () => m.asetTtl(-1), ValidationError, /ValModel:\{u1\}.*-1/);
      await refused(m, () => m.aduplicateMany(0), ValidationError, /ValModel:\{u1\}.*0/);
      await refused(m, () => ValModel.aget('a{b'), ValidationError, /ValModel.*"a\{b"/);
      await refused(m, () => ValModel.aget('Other:{u1}'), ValidationError, /another model/);
      await refused(m, () => ValModel.adeleteMany('x}y'), ValidationError, /"x\}y"/);
    });
  });

  describe('stored data', () => {
    it('raises CorruptedModelError naming key and field for a value of the wrong type', async () => {
      const m = await storedModel();
      await testClient().hset(m.key, 'visits', '"many"');
      const err = await rejected(() => ValModel.aget('u1'));
      expect(err).to.be.instanceOf(CorruptedModelError);
      expect((err as Error).message).to.match(/ValModel:\{u1\}.*visits.*many/);
    });

    it('raises CorruptedModelError for text that is not JSON, and for a nested field', async () => {
      const m = await storedModel();
      await testClient().hset(m.key, 'address.city', 'Paris');
      const err = await rejected(() => m.aload());
      expect(err).to.be.instanceOf(CorruptedModelError);
      expect((err as Error).message).to.match(/ValModel:\{u1\}.*address\.city/);
      expect(m.address.city.value, 'local copy unchanged').to.equal('Paris');
    });

    it('raises CorruptedModelError for a missing field without default, an enum value out of the list, bad hex', async () => {
      for (const [f, raw] of [
        ['color', '"green"'],
        ['avatar', '"zz"'],
        ['seen', '1.5'],
      ] as const) {
        await storedModel();
        await testClient().hset('ValModel:{u1}', f, raw);
        const err = await rejected(() => ValModel.aget('u1'));
        expect(err, f).to.be.instanceOf(CorruptedModelError);
        expect((err as Error).message).to.match(new RegExp(`ValModel:\\{u1\\}.*${f}`));
      }
      await testClient().hdel('ValModel:{u1}', 'color', 'avatar', 'seen', 'name');
      const err = await rejected(() => ValModel.aget('u1'));
      expect(err).to.be.instanceOf(CorruptedModelError);
      expect((err as Error).message).to.match(/ValModel:\{u1\}.*name.*missing/);
    });

    it('raises CorruptedModelError on a field aload of a corrupted value', async () => {
      const m = await storedModel();
      await testClient().hset(m.key, 'score', 'true');
      const err = await rejected(() => m.score.aload());
      expect(err).to.be.instanceOf(CorruptedModelError);
      expect((err as Error).message).to.match(/ValModel:\{u1\}.*score/);
    });
  });

  describe('a record saved before a field was added', () => {
    const ValV2 = defineModel('ValV2', {
      name: field.str(),
      visits: field.int({ default: 10 }),
      tags: field.json({ default: () => ['new'] }),
      note: field.str({ optional: true }),
      address: field.model(defineModel('ValV2Addr', { city: field.str({ default: 'Nowhere' }) })),
    });

    it('loads with the new fields\' defaults (V1 wrote only "name")', async () => {
      await testClient().hset('ValV2:{old}', 'name', '"Ann"');
      const m = await ValV2.aget('old');
      expect(m.toJSON()).to.deep.equal({ name: 'Ann', visits: 10, tags: ['new'], note: null, address: { city: 'Nowhere' } });
    });

    it('field operations on the missing field start from its default', async () => {
      await testClient().hset('ValV2:{old}', 'name', '"Ann"');
      const m = await ValV2.aget('old');
      await testClient().hdel(m.key, 'visits');
      expect(await m.visits.aincrease(5)).to.equal(15);
      expect(await m.note.aload()).to.equal(null);
    });
  });

  describe('Meta and model names', () => {
    it('refuses a refreshTtl with DELETE or that is not a mask, at definition', () => {
      for (const bad of [ActionGroup.DELETE, ActionGroup.READ | ActionGroup.DELETE, ActionGroup.all(), 1.5, -1, 256, NaN, '1']) {
        const err = thrown(() => defineModel('ValBadMeta', { a: field.int() }, { refreshTtl: bad as never }));
        expect(err, String(bad)).to.be.instanceOf(InvalidRefreshTtlError);
        expect((err as Error).message).to.match(/ValBadMeta/);
      }
      // a refused definition did not take the name
      expect(defineModel('ValBadMeta', { a: field.int() }).modelName).to.equal('ValBadMeta');
    });

    it('refuses a refreshTtl with DELETE at assignment and keeps the old value', () => {
      const M = defineModel('ValMetaAssign', { a: field.int() }, { refreshTtl: ActionGroup.UPDATE });
      for (const bad of [ActionGroup.DELETE, ActionGroup.DELETE | ActionGroup.UPDATE, 2.5, -8, 512]) {
        const err = thrown(() => {
          M.Meta.refreshTtl = bad;
        });
        expect(err, String(bad)).to.be.instanceOf(InvalidRefreshTtlError);
        expect((err as Error).message).to.match(/ValMetaAssign/);
      }
      expect(M.Meta.refreshTtl).to.equal(ActionGroup.UPDATE);
      M.Meta.refreshTtl = ActionGroup.all({ forTtl: true });
      expect(M.Meta.refreshTtl).to.equal(ActionGroup.all({ forTtl: true }));
      M.Meta.refreshTtl = false;
      expect(M.Meta.refreshTtl).to.equal(false);
    });

    it('refuses a second model with the same name', () => {
      defineModel('ValDup', { a: field.int() });
      const err = thrown(() => defineModel('ValDup', { b: field.str() }));
      expect(err).to.be.instanceOf(DuplicateModelNameError);
      expect((err as Error).message).to.match(/ValDup/);
    });

    it('refuses model names that would break the key scheme', () => {
      for (const bad of ['a:b', 'a{b', 'a*', '']) expect(() => defineModel(bad, {}), bad).to.throw(ValidationError);
    });
  });
});
