/**
 * README, Queries: afind / afindOne / acount / adeleteMany with `where` on indexed fields, kept
 * exact by every write script (same script as the write), on both topologies.
 */
import { expect } from 'chai';
import { defineModel, field, UnsupportedArgumentError, ValidationError, ZeroDivisionError } from '../src/index.js';
import { testClient } from './helpers/hooks.js';
import { expectReject } from './helpers/reject.js';

const QAddress = defineModel('QAddress', { city: field.str({ default: '', index: true }), zip: field.str({ default: '' }) });
const QUser = defineModel('QUser', {
  id: field.str({ key: true }),
  name: field.str({ default: '', index: true }),
  age: field.int({ default: 0, index: true }),
  score: field.float({ optional: true, index: true }),
  active: field.bool({ default: true, index: true }),
  born: field.datetime({ optional: true, index: true }),
  role: field.enum(['admin', 'user', 'guest'] as const, { default: 'user', index: true }),
  note: field.str({ default: '' }),
  tags: field.list(field.str()),
  address: field.model(QAddress, { default: () => ({ city: '', zip: '' }) }),
});

const pks = (ms: { pk: string }[]) => ms.map((m) => m.pk);

describe('queries on indexed fields', () => {
  beforeEach(async () => {
    await new QUser({ id: 'a', name: 'ann', age: 30, score: 1.5, role: 'admin', address: { city: 'Paris', zip: '75' } }).asave();
    await new QUser({ id: 'b', name: 'bob', age: 25, score: null, active: false, address: { city: 'Lyon', zip: '69' } }).asave();
    await new QUser({ id: 'c', name: 'carl', age: 35, score: 3, born: new Date(1000), tags: ['x'], address: { city: 'Paris', zip: '75' } }).asave();
    await new QUser({ id: 'd', name: 'dan', age: 30, role: 'guest' }).asave();
  });

  it('finds by equality, in pk order', async () => {
    expect(pks(await QUser.afind({ where: { age: 30 } }))).to.deep.equal(['a', 'd']);
    expect(pks(await QUser.afind({ where: { name: 'bob' } }))).to.deep.equal(['b']);
    expect(pks(await QUser.afind({ where: { role: 'admin' } }))).to.deep.equal(['a']);
    expect(pks(await QUser.afind({ where: { active: false } }))).to.deep.equal(['b']);
    expect(pks(await QUser.afind({ where: { score: null } }))).to.deep.equal(['b', 'd']);
    expect(pks(await QUser.afind({ where: { address: { city: 'Paris' } } }))).to.deep.equal(['a', 'c']);
    expect(pks(await QUser.afind({ where: {} }))).to.deep.equal(['a', 'b', 'c', 'd']);
  });

  it('ranges, startsWith, ne, in, AND / OR / NOT', async () => {
    expect(pks(await QUser.afind({ where: { age: { gte: 30 } } }))).to.deep.equal(['a', 'c', 'd']);
    expect(pks(await QUser.afind({ where: { age: { gt: 25, lt: 35 } } }))).to.deep.equal(['a', 'd']);
    expect(pks(await QUser.afind({ where: { name: { startsWith: 'ca' } } }))).to.deep.equal(['c']);
    expect(pks(await QUser.afind({ where: { name: { gt: 'b' } } }))).to.deep.equal(['b', 'c', 'd']);
    expect(pks(await QUser.afind({ where: { age: { ne: 30 } } }))).to.deep.equal(['b', 'c']);
    expect(pks(await QUser.afind({ where: { role: { in: ['admin', 'guest'] } } }))).to.deep.equal(['a', 'd']);
    expect(pks(await QUser.afind({ where: { OR: [{ age: 25 }, { name: 'dan' }] } }))).to.deep.equal(['b', 'd']);
    expect(pks(await QUser.afind({ where: { NOT: { age: 30 }, active: true } }))).to.deep.equal(['c']);
    expect(pks(await QUser.afind({ where: { born: { gt: new Date(0) } } }))).to.deep.equal(['c']);
    expect(pks(await QUser.afind({ where: { score: { lte: 3 } } }))).to.deep.equal(['a', 'c']);
  });

  it('orders, with offset and maxResults; afindOne; acount', async () => {
    expect(pks(await QUser.afind({ where: {}, orderBy: { age: 'desc' } }))).to.deep.equal(['c', 'a', 'd', 'b']);
    expect(pks(await QUser.afind({ where: {}, orderBy: { age: 'asc' }, offset: 1, maxResults: 2 }))).to.deep.equal(['a', 'd']);
    expect(pks(await QUser.afind({ where: {}, orderBy: { score: 'asc' } }))).to.deep.equal(['b', 'd', 'a', 'c']);
    expect(pks(await QUser.afind({ where: {}, orderBy: { name: 'desc' }, maxResults: 2 }))).to.deep.equal(['d', 'c']);
    expect((await QUser.afindOne({ where: { age: 30 }, orderBy: { name: 'desc' } }))?.pk).to.equal('d');
    expect(await QUser.afindOne({ where: { age: 99 } })).to.equal(null);
    expect(await QUser.acount({ where: { age: 30 } })).to.equal(2);
    expect(await QUser.acount({ where: {} })).to.equal(4);
    expect(await QUser.acount()).to.equal(4);
  });

  it('returns whole models, collections included', async () => {
    const [c] = await QUser.afind({ where: { name: 'carl' } });
    expect(c!.tags.toJSON()).to.deep.equal(['x']);
    expect(c!.address.city.value).to.equal('Paris');
    expect(c!.born.value).to.deep.equal(new Date(1000));
  });

  it('every write keeps the index exact', async () => {
    const a = await QUser.aget('a');
    await a.age.aincrease(10);
    expect(pks(await QUser.afind({ where: { age: 40 } }))).to.deep.equal(['a']);
    expect(pks(await QUser.afind({ where: { age: 30 } }))).to.deep.equal(['d']);
    await a.aupdate({ name: 'zed' });
    expect(pks(await QUser.afind({ where: { name: 'zed' } }))).to.deep.equal(['a']);
    a.score.value = 9;
    await a.score.asave();
    expect(pks(await QUser.afind({ where: { score: 9 } }))).to.deep.equal(['a']);
    a.age.iadd(1); // a sync method changes the local copy: asave writes it
    await a.asave();
    expect(pks(await QUser.afind({ where: { age: 41 } }))).to.deep.equal(['a']);
    const [copy] = await a.aduplicateMany(1);
    expect(pks(await QUser.afind({ where: { age: 41 } })).sort()).to.deep.equal(['a', copy!.pk].sort());
    await a.adelete();
    expect(pks(await QUser.afind({ where: { age: 41 } }))).to.deep.equal([copy!.pk]);
    await QUser.adeleteByKey(copy!.pk);
    expect(await QUser.acount({ where: { age: 41 } })).to.equal(0);
  });

  it('pipelines keep the index exact, and a failed pipeline leaves it as it was', async () => {
    const b = await QUser.aget('b');
    await b.apipeline(async (m) => {
      m.age.iadd(5);
      m.name.value = 'bert';
    });
    expect(pks(await QUser.afind({ where: { age: 30 } }))).to.deep.equal(['a', 'b', 'd']);
    await expectReject(
      b.apipeline(async (m) => {
        m.age.iadd(1);
        m.age.ifloordiv(0);
      }),
      ZeroDivisionError,
    );
    expect(pks(await QUser.afind({ where: { age: 30 } }))).to.deep.equal(['a', 'b', 'd']);
    expect(await QUser.acount({ where: { age: 31 } })).to.equal(0);
  });

  it('adeleteMany with where deletes matched models whole', async () => {
    const r = await QUser.adeleteMany({ where: { address: { city: 'Paris' } } });
    expect(r.modelsDeleted).to.equal(2);
    expect(await testClient().exists((await QUser.afind({ where: {} }))[0]!.key)).to.equal(1);
    expect(pks(await QUser.afind({ where: {} }))).to.deep.equal(['b', 'd']);
  });

  it('refuses index: true at definition on a kind that cannot be indexed', () => {
    const bad = {
      list: field.list(field.str(), { index: true } as never),
      json: field.json({ index: true } as never),
      bytes: field.bytes({ index: true } as never),
      excluded: field.str({ index: true, exclude: true }),
      AND: field.str({ index: true }),
    };
    for (const [name, spec] of Object.entries(bad)) {
      expect(() => defineModel(`QBad_${name}`, { [name]: spec }, { register: false }), name).to.throw(UnsupportedArgumentError, /cannot be indexed/);
    }
  });

  it('an indexed str refuses a lone surrogate (no UTF-8 form to compare), in values and in a where', async () => {
    expect(() => new QUser({ id: 'ls', name: 'x\uD83D' })).to.throw(ValidationError, /lone surrogate/);
    const a = await QUser.aget('a');
    expect(() => {
      a.name.value = '\uDC00';
    }).to.throw(ValidationError, /lone surrogate/);
    await expectReject(a.aupdate({ name: 'y\uD83D' }), ValidationError);
    await expectReject(QUser.afind({ where: { name: 'x\uD83D' } }), ValidationError);
    expect(new QUser({ id: 'ok', name: 'x\uD83D\uDE00', note: '\uD83D' }).name.value).to.equal('x\uD83D\uDE00'); // a pair, and a plain str
  });

  it('a bad where is a ValidationError before anything is sent', async () => {
    await expectReject(QUser.afind({ where: { note: 'x' } as never }), ValidationError);
    await expectReject(QUser.afind({ where: { age: 'x' } as never }), ValidationError);
  });

  it('expired models are never returned or counted, and their entries go', async () => {
    const T = defineModel('QTtl', { id: field.str({ key: true }), n: field.int({ default: 0, index: true }) }, { ttl: 0.05 });
    await new T({ id: 'x', n: 1 }).asave();
    await new T({ id: 'y', n: 1 }).asave();
    await new Promise((r) => setTimeout(r, 120));
    expect(await T.acount({ where: { n: 1 } })).to.equal(0);
    expect(await T.afind({ where: {} })).to.deep.equal([]);
    // the query's sweep took their index entries: no key of the class is left
    expect(await testClient().keys('QTtl:*')).to.deep.equal([]);
  });
});
