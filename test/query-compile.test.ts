/**
 * compileQuery (README, Queries): every operator compiles to its plan (src/query/plan.ts), and
 * every bad query is a ValidationError naming the model, the field path and the value. Pure: no
 * Redis is used.
 */
import { expect } from 'chai';
import { defineModel, field, show, ValidationError } from '../src/index.js';
import { compileQuery, isQuery, type QueryParts } from '../src/query/where.js';
import type { PlanNode } from '../src/query/plan.js';

const QcAddress = defineModel('QcAddress', {
  city: field.str({ index: true, default: '' }),
  zip: field.str({ index: true, optional: true }),
  street: field.str({ default: '' }),
});
const QcPlain = defineModel('QcPlain', { note: field.str({ default: '' }) });
const QcUser = defineModel('QcUser', {
  id: field.str({ key: true }),
  name: field.str({ index: true }),
  nick: field.str({ index: true, optional: true }),
  age: field.int({ index: true, default: 0 }),
  score: field.float({ index: true, optional: true }),
  active: field.bool({ index: true, default: true }),
  joined: field.datetime({ index: true, optional: true }),
  role: field.enum(['admin', 'user', 7], { index: true, default: 'user' }),
  bio: field.str({ default: '' }),
  local: field.str({ default: '', exclude: true }),
  tags: field.list(field.str()),
  address: field.model(QcAddress),
  extra: field.model(QcPlain),
});

const EVERYTHING: QueryParts = { order: true, limit: true };
const run = (query: unknown, allowed: QueryParts = EVERYTHING) => compileQuery('QcUser', QcUser.schema, query, allowed);
const plan = (where: unknown) => run({ where }).plan;

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

/** A ValidationError whose message names the model and each of `parts`. */
function refused(query: unknown, parts: readonly string[], allowed: QueryParts = EVERYTHING): string {
  const e = thrown(() => run(query, allowed));
  expect(e).to.be.instanceOf(ValidationError);
  expect(e.message).to.include('QcUser');
  for (const p of parts) expect(e.message).to.include(p);
  return e.message;
}

/** A bad where: the message names the model, the field path (quoted) and the value. */
function refusedWhere(where: unknown, path: string, value: unknown): string {
  return refused({ where }, [`"${path}"`, show(value)]);
}

// Positions in schema.indexed, counted from 1.
const NAME = 1;
const NICK = 2;
const AGE = 3;
const SCORE = 4;
const ACTIVE = 5;
const JOINED = 6;
const ROLE = 7;
const CITY = 8;
const ZIP = 9;
const NONE: PlanNode = { t: 'or', c: [] };

describe('compileQuery', () => {
  it('numbers the indexed leaves as schema.indexed does, nested ones included', () => {
    expect(QcUser.schema.indexed.map((l) => l.path)).to.deep.equal(['name', 'nick', 'age', 'score', 'active', 'joined', 'role', 'address.city', 'address.zip']);
  });

  describe('values and operators', () => {
    const cases: [string, unknown, PlanNode][] = [
      ['{} matches everything', {}, { t: 'all' }],
      ['a str value', { name: 'Ann' }, { t: 'eq', f: NAME, v: 'Ann' }],
      ['null on an optional field', { nick: null }, { t: 'null', f: NICK }],
      ['eq', { age: { eq: 3 } }, { t: 'eq', f: AGE, v: 3 }],
      ['eq null', { nick: { eq: null } }, { t: 'null', f: NICK }],
      ['ne', { age: { ne: 3 } }, { t: 'not', c: { t: 'eq', f: AGE, v: 3 } }],
      ['ne null', { nick: { ne: null } }, { t: 'not', c: { t: 'null', f: NICK } }],
      [
        'in, duplicates once',
        { age: { in: [1, 2, 1] } },
        {
          t: 'or',
          c: [
            { t: 'eq', f: AGE, v: 1 },
            { t: 'eq', f: AGE, v: 2 },
          ],
        },
      ],
      ['in of one value', { age: { in: [1] } }, { t: 'eq', f: AGE, v: 1 }],
      ['in of nothing matches nothing', { age: { in: [] } }, NONE],
      [
        'in with null',
        { nick: { in: ['a', null] } },
        {
          t: 'or',
          c: [
            { t: 'eq', f: NICK, v: 'a' },
            { t: 'null', f: NICK },
          ],
        },
      ],
      ['gt', { age: { gt: 1 } }, { t: 'range', f: AGE, gt: 1, gx: true }],
      ['gte', { age: { gte: 1 } }, { t: 'range', f: AGE, gt: 1 }],
      ['lt', { age: { lt: 1 } }, { t: 'range', f: AGE, lt: 1, lx: true }],
      ['lte', { age: { lte: -1 } }, { t: 'range', f: AGE, lt: -1 }],
      ['two bounds make one range', { age: { gt: 1, lte: 9 } }, { t: 'range', f: AGE, gt: 1, gx: true, lt: 9 }],
      [
        'gt and gte both',
        { age: { gt: 1, gte: 2 } },
        {
          t: 'and',
          c: [
            { t: 'range', f: AGE, gt: 1, gx: true },
            { t: 'range', f: AGE, gt: 2 },
          ],
        },
      ],
      ['a float range', { score: { gte: 0.5, lt: 2 } }, { t: 'range', f: SCORE, gt: 0.5, lt: 2, lx: true }],
      ['a str range', { name: { gte: 'a', lt: 'b' } }, { t: 'range', f: NAME, gt: 'a', lt: 'b', lx: true }],
      ['startsWith', { name: { startsWith: 'An' } }, { t: 'prefix', f: NAME, v: 'An' }],
      [
        'operators of one field all hold',
        { name: { startsWith: 'A', ne: 'Al' } },
        {
          t: 'and',
          c: [
            { t: 'prefix', f: NAME, v: 'A' },
            { t: 'not', c: { t: 'eq', f: NAME, v: 'Al' } },
          ],
        },
      ],
      ['bool true is 1', { active: true }, { t: 'eq', f: ACTIVE, v: 1 }],
      ['bool false is 0', { active: { ne: false } }, { t: 'not', c: { t: 'eq', f: ACTIVE, v: 0 } }],
      ['a datetime is epoch ms', { joined: new Date(5) }, { t: 'eq', f: JOINED, v: 5 }],
      ['a datetime range', { joined: { gte: new Date(5), lt: new Date(9) } }, { t: 'range', f: JOINED, gt: 5, lt: 9, lx: true }],
      ['an enum is its stored text', { role: 'admin' }, { t: 'eq', f: ROLE, v: '"admin"' }],
      [
        'a number enum',
        { role: { in: [7, 'user'] } },
        {
          t: 'or',
          c: [
            { t: 'eq', f: ROLE, v: '7' },
            { t: 'eq', f: ROLE, v: '"user"' },
          ],
        },
      ],
      ['a nested field', { address: { city: 'Paris' } }, { t: 'eq', f: CITY, v: 'Paris' }],
      ['a null nested field', { address: { zip: null } }, { t: 'null', f: ZIP }],
      ['an empty nested where', { address: {} }, { t: 'all' }],
    ];
    for (const [title, where, expected] of cases) {
      it(title, () => expect(plan(where)).to.deep.equal(expected));
    }
  });

  describe('combinations', () => {
    const eqAge = (v: number): PlanNode => ({ t: 'eq', f: AGE, v });
    const cases: [string, unknown, PlanNode][] = [
      ['keys of one object: and', { age: 1, name: 'x' }, { t: 'and', c: [eqAge(1), { t: 'eq', f: NAME, v: 'x' }] }],
      ['OR', { OR: [{ age: 1 }, { age: 2 }] }, { t: 'or', c: [eqAge(1), eqAge(2)] }],
      ['OR of one', { OR: [{ age: 1 }] }, eqAge(1)],
      ['OR of nothing matches nothing', { OR: [] }, NONE],
      ['OR with {} matches everything', { OR: [{}, { age: 1 }] }, { t: 'all' }],
      ['nested ORs flatten', { OR: [{ OR: [{ age: 1 }, { age: 2 }] }, { age: 3 }] }, { t: 'or', c: [eqAge(1), eqAge(2), eqAge(3)] }],
      ['an OR of nothing drops out of an OR', { OR: [{ OR: [] }, { age: 1 }, { age: 2 }] }, { t: 'or', c: [eqAge(1), eqAge(2)] }],
      ['AND', { AND: [{ age: 1 }, { age: 2 }] }, { t: 'and', c: [eqAge(1), eqAge(2)] }],
      ['AND of nothing matches everything', { AND: [] }, { t: 'all' }],
      ['AND drops {}', { AND: [{}, { age: 1 }] }, eqAge(1)],
      ['ANDs flatten', { AND: [{ age: 1, name: 'x' }], active: true }, { t: 'and', c: [eqAge(1), { t: 'eq', f: NAME, v: 'x' }, { t: 'eq', f: ACTIVE, v: 1 }] }],
      ['and with nothing matches nothing', { age: { in: [] }, name: 'x' }, NONE],
      ['NOT', { NOT: { age: 1 } }, { t: 'not', c: eqAge(1) }],
      ['NOT NOT', { NOT: { NOT: { age: 1 } } }, eqAge(1)],
      ['NOT {} matches nothing', { NOT: {} }, NONE],
      ['NOT of nothing matches everything', { NOT: { OR: [] } }, { t: 'all' }],
      ['combinators beside fields', { age: 1, NOT: { name: 'x' } }, { t: 'and', c: [eqAge(1), { t: 'not', c: { t: 'eq', f: NAME, v: 'x' } }] }],
      [
        'combinators inside a nested where name its fields',
        { address: { OR: [{ city: 'Paris' }, { zip: null }] } },
        {
          t: 'or',
          c: [
            { t: 'eq', f: CITY, v: 'Paris' },
            { t: 'null', f: ZIP },
          ],
        },
      ],
    ];
    for (const [title, where, expected] of cases) {
      it(title, () => expect(plan(where)).to.deep.equal(expected));
    }

    it('takes a where made with a null prototype', () => {
      const where = Object.assign(Object.create(null) as object, { age: 1 });
      expect(plan(where)).to.deep.equal(eqAge(1));
    });
  });

  describe('orderBy, maxResults, offset', () => {
    it('defaults: no order, no limit, offset 0', () => {
      expect(run({ where: {} })).to.deep.equal({ plan: { t: 'all' }, order: null, maxResults: null, offset: 0 });
    });
    const orders: [unknown, { f: number; desc: boolean }][] = [
      [{ age: 'desc' }, { f: AGE, desc: true }],
      [{ name: 'asc' }, { f: NAME, desc: false }],
      [{ score: 'asc' }, { f: SCORE, desc: false }],
      [{ joined: 'desc' }, { f: JOINED, desc: true }],
      [{ address: { city: 'asc' } }, { f: CITY, desc: false }],
    ];
    for (const [orderBy, expected] of orders) {
      it(`orderBy ${JSON.stringify(orderBy)}`, () => expect(run({ where: {}, orderBy }).order).to.deep.equal(expected));
    }
    it('maxResults and offset', () => {
      expect(run({ where: {}, maxResults: 0, offset: 10 })).to.include({ maxResults: 0, offset: 10 });
      expect(run({ where: {}, maxResults: 5, offset: undefined, orderBy: undefined })).to.include({ maxResults: 5, offset: 0, order: null });
    });
  });

  describe('refuses, naming the model, the field and the value', () => {
    const bad: [string, unknown, string, unknown][] = [
      ['a field that is not indexed', { bio: 'x' }, 'bio', 'x'],
      ['a key field that is not indexed', { id: 'u1' }, 'id', 'u1'],
      ['a field kept out of storage', { local: 'x' }, 'local', 'x'],
      ['a collection', { tags: 'x' }, 'tags', 'x'],
      ['an unknown field', { nope: 1 }, 'nope', 1],
      ['a name of Object.prototype', { constructor: 1 }, 'constructor', 1],
      ['a nested field that is not indexed', { address: { street: 'x' } }, 'address.street', 'x'],
      ['an unknown nested field', { address: { town: 'x' } }, 'address.town', 'x'],
      ['a nested model without indexed fields', { extra: {} }, 'extra', {}],
      ['a value for a nested model', { address: 'Paris' }, 'address', 'Paris'],
      ['a str for an int', { age: 'x' }, 'age', 'x'],
      ['a fraction for an int', { age: 1.5 }, 'age', 1.5],
      ['an unsafe integer', { age: 2 ** 53 }, 'age', 2 ** 53],
      ['NaN for a float', { score: Number.NaN }, 'score', Number.NaN],
      ['Infinity in a range', { score: { gt: Number.POSITIVE_INFINITY } }, 'score', Number.POSITIVE_INFINITY],
      ['a number for a datetime', { joined: 5 }, 'joined', 5],
      ['an invalid Date', { joined: { lt: new Date(Number.NaN) } }, 'joined', new Date(Number.NaN)],
      ['a value outside an enum', { role: 'owner' }, 'role', 'owner'],
      ['a str for a bool', { active: 'yes' }, 'active', 'yes'],
      ['an array as a value', { name: ['a'] }, 'name', ['a']],
      ['null on a field that is not optional', { age: null }, 'age', null],
      ['eq null on a field that is not optional', { age: { eq: null } }, 'age', null],
      ['ne null on a field that is not optional', { name: { ne: null } }, 'name', null],
      ['null in an in on a field that is not optional', { age: { in: [1, null] } }, 'age', null],
      ['undefined', { age: undefined }, 'age', undefined],
      ['eq undefined', { nick: { eq: undefined } }, 'nick', undefined],
      ['a range with null', { score: { gt: null } }, 'score', null],
      ['startsWith null', { nick: { startsWith: null } }, 'nick', null],
      ['a range on a bool', { active: { gt: true } }, 'active', true],
      ['a range on an enum', { role: { lt: 'user' } }, 'role', 'user'],
      ['startsWith on an int', { age: { startsWith: '1' } }, 'age', '1'],
      ['startsWith on an enum', { role: { startsWith: 'a' } }, 'role', 'a'],
      ['startsWith with a number', { name: { startsWith: 1 } }, 'name', 1],
      ['an unknown operator', { age: { between: [1, 2] } }, 'age', { between: [1, 2] }],
      ['an empty operator object', { age: {} }, 'age', {}],
      ['in without an array', { age: { in: 1 } }, 'age', 1],
      ['a bad value inside OR', { OR: [{ age: 'x' }] }, 'age', 'x'],
      ['a field that is not indexed inside NOT', { NOT: { bio: 'x' } }, 'bio', 'x'],
      ['a bad value in a nested OR', { address: { OR: [{ city: 1 }] } }, 'address.city', 1],
    ];
    for (const [title, where, path, value] of bad) {
      it(title, () => {
        refusedWhere(where, path, value);
      });
    }

    it('says why: not indexed, unknown, not optional', () => {
      expect(refusedWhere({ bio: 'x' }, 'bio', 'x')).to.match(/not indexed/);
      expect(refusedWhere({ nope: 1 }, 'nope', 1)).to.match(/no such field/);
      expect(refusedWhere({ age: null }, 'age', null)).to.match(/not optional/);
      expect(refusedWhere({ active: { gte: false } }, 'active', false)).to.match(/gte is for int, float, datetime and str fields/);
    });

    it('a __proto__ key of a parsed where', () => {
      refusedWhere(JSON.parse('{"__proto__": {"age": 1}}'), '__proto__', { age: 1 });
    });
  });

  describe('refuses bad shapes of where, AND, OR, NOT', () => {
    const bad: [string, unknown, string][] = [
      ['a where that is a string', 'x', '"x"'],
      ['a where that is an array', [], '[]'],
      ['a where that is null', null, 'null'],
      ['a where that is a Date', new Date(1), 'Date(1)'],
      ['OR without an array', { OR: { age: 1 } }, '{"age":1}'],
      ['AND without an array', { AND: 1 }, '1'],
      ['an OR item that is not an object', { OR: [1] }, '1'],
      ['NOT without an object', { NOT: [{ age: 1 }] }, '[{"age":1}]'],
    ];
    for (const [title, where, shown] of bad) {
      it(title, () => {
        refused({ where }, [shown]);
      });
    }
  });

  describe('refuses bad queries', () => {
    it('not an object', () => {
      refused('x', ['"x"']);
      refused(null, ['null']);
    });
    it('no where', () => {
      refused({}, ['where']);
      refused({ orderBy: { age: 'asc' } }, ['where']);
    });
    it('an unknown key', () => {
      refused({ where: {}, skipMissing: true }, ['"skipMissing"']);
    });
    it('orderBy where the call takes none (afindOne takes no maxResults either)', () => {
      refused({ where: {}, orderBy: { age: 'asc' } }, ['"orderBy"'], { order: false, limit: false });
      refused({ where: {}, maxResults: 1 }, ['"maxResults"'], { order: true, limit: false });
      refused({ where: {}, offset: 1 }, ['"offset"'], { order: true, limit: false });
      expect(compileQuery('QcUser', QcUser.schema, { where: { age: 1 } }, { order: false, limit: false }).plan).to.deep.equal({ t: 'eq', f: AGE, v: 1 });
    });
    const orders: [string, unknown, string[]][] = [
      ['on a bool', { active: 'asc' }, ['"active"', '"asc"']],
      ['on an enum', { role: 'desc' }, ['"role"', '"desc"']],
      ['on a field that is not indexed', { bio: 'asc' }, ['"bio"', '"asc"']],
      ['on an unknown field', { nope: 'asc' }, ['"nope"']],
      ['a bad direction', { age: 'up' }, ['"age"', '"up"']],
      ['two fields', { age: 'asc', name: 'desc' }, ['{"age":"asc","name":"desc"}']],
      ['no field', {}, ['{}']],
      ['a string', 'age', ['"age"']],
      ['a direction for a nested model', { address: 'asc' }, ['"address"', '"asc"']],
      ['a nested field that is not indexed', { address: { street: 'asc' } }, ['"address.street"', '"asc"']],
    ];
    for (const [title, orderBy, parts] of orders) {
      it(`orderBy ${title}`, () => {
        refused({ where: {}, orderBy }, parts);
      });
    }
    for (const v of [-1, 1.5, '3', null, Number.POSITIVE_INFINITY, 2 ** 53]) {
      it(`maxResults ${show(v)} and offset ${show(v)}`, () => {
        refused({ where: {}, maxResults: v }, ['maxResults', show(v)]);
        refused({ where: {}, offset: v }, ['offset', show(v)]);
      });
    }
  });
});

describe('isQuery', () => {
  it('is a plain object with a where', () => {
    expect(isQuery({ where: {} })).to.equal(true);
    expect(isQuery({ where: undefined })).to.equal(true);
    expect(isQuery(Object.assign(Object.create(null) as object, { where: {} }))).to.equal(true);
  });
  it('is not keys, FindOptions, models, nor anything else', () => {
    for (const x of ['where', 'u1', {}, { maxResults: 1 }, null, undefined, [], [{ where: {} }], new Date(0), 1]) {
      expect(isQuery(x), show(x)).to.equal(false);
    }
    const user = new QcUser({ id: 'u1', name: 'Ann', address: {}, extra: {} });
    expect(isQuery(user)).to.equal(false);
  });
});
