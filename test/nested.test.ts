/** Nested models (README, Models and fields, §8): stored in the parent's keys; their collections get own keys. */
import { expect } from 'chai';
import { defineModel, field, ActionGroup, KeyNotFound, UnsupportedArgumentError, ValidationError } from '../src/index.js';
import { testClient, allKeys } from './helpers/hooks.js';
import { expectReject } from './helpers/reject.js';

const Geo = defineModel('NestGeo', { lat: field.float(), labels: field.set(field.str()) });
const Address = defineModel('NestAddress', {
  city: field.str(),
  zip: field.str({ optional: true }),
  tags: field.list(field.str()),
  codes: field.dict(field.int()),
  geo: field.model(Geo),
});
class Session extends defineModel(
  'NestSession',
  {
    userId: field.str({ key: true }),
    visits: field.int({ default: 0 }),
    tags: field.list(field.str()),
    address: field.model(Address),
  },
  { ttl: 100, refreshTtl: false },
) {}

const MAIN = 'NestSession:{u1}';

function make(): Session {
  return new Session({
    userId: 'u1',
    tags: ['top'],
    address: { city: 'Paris', tags: ['a', 'b'], codes: { x: 1 }, geo: { lat: 1.5, labels: ['home'] } },
  });
}

describe('nested models', () => {
  it('store scalars flattened in the main hash and collections in their own keys under the hash tag', async () => {
    const s = make();
    await s.asave();
    expect((await allKeys('*')).sort()).to.deep.equal(
      [MAIN, `${MAIN}:address.codes`, `${MAIN}:address.geo.labels`, `${MAIN}:address.tags`, `${MAIN}:tags`].sort(),
    );
    expect(await testClient().hgetall(MAIN)).to.deep.equal({
      userId: '"u1"',
      visits: '0',
      'address.city': '"Paris"',
      'address.zip': 'null',
      'address.geo.lat': '1.5',
    });
    expect(await testClient().lrange(`${MAIN}:address.tags`, 0, -1)).to.deep.equal(['"a"', '"b"']);
    for (const k of await allKeys('*')) expect(await testClient().pttl(k)).to.be.above(90_000);
  });

  it('load back with aget, nested collections included', async () => {
    const s = make();
    await s.asave();
    const t = await Session.aget('u1');
    expect(t.toJSON()).to.deep.equal(s.toJSON());
    expect([...t.address.tags]).to.deep.equal(['a', 'b']);
    expect(t.address.codes.get('x')).to.equal(1);
    expect(t.address.geo.labels.has('home')).to.equal(true);
  });

  it('run collection operations on a nested collection against its own key', async () => {
    const s = make();
    await s.asave();
    await s.address.tags.aappend('c');
    expect(await s.address.tags.apop(0)).to.equal('a');
    await s.address.codes.asetItem('y', 2);
    await s.address.geo.labels.aadd('work');
    expect(await testClient().lrange(`${MAIN}:address.tags`, 0, -1)).to.deep.equal(['"b"', '"c"']);
    expect(await testClient().lrange(`${MAIN}:tags`, 0, -1)).to.deep.equal(['"top"']);
    expect(await testClient().hgetall(`${MAIN}:address.codes`)).to.deep.equal({ x: '1', y: '2' });
    const t = await Session.aget('u1');
    expect([...t.address.geo.labels].sort()).to.deep.equal(['home', 'work']);
    expect(t.address.key).to.equal(MAIN);
  });

  it("a nested model's asave and aload cover its collections, and only its own fields", async () => {
    const s = make();
    await s.asave();
    s.tags.append('local only');
    s.address.tags.append('c');
    s.address.codes.setItem('z', 26);
    s.address.city.value = 'Lyon';
    await s.address.asave();
    expect(await testClient().lrange(`${MAIN}:address.tags`, 0, -1)).to.deep.equal(['"a"', '"b"', '"c"']);
    expect(await testClient().lrange(`${MAIN}:tags`, 0, -1)).to.deep.equal(['"top"']);
    expect(await testClient().hget(MAIN, 'address.city')).to.equal('"Lyon"');
    await testClient().rpush(`${MAIN}:address.tags`, '"d"');
    s.address.codes.clear();
    await s.address.aload();
    expect([...s.address.tags]).to.deep.equal(['a', 'b', 'c', 'd']);
    expect(Object.fromEntries(s.address.codes)).to.deep.equal({ x: 1, z: 26 });
    expect([...s.tags]).to.deep.equal(['top', 'local only']);
  });

  it('aupdate of a nested model replaces its collections (omitted ones become empty)', async () => {
    const s = make();
    await s.asave();
    await s.aupdate({ address: { city: 'Nice', tags: ['n'], geo: { lat: 2, labels: [] } } });
    expect(await testClient().lrange(`${MAIN}:address.tags`, 0, -1)).to.deep.equal(['"n"']);
    expect(await testClient().exists(`${MAIN}:address.codes`)).to.equal(0);
    expect(await testClient().exists(`${MAIN}:address.geo.labels`)).to.equal(0);
    expect(s.address.codes.size).to.equal(0);
    const t = await Session.aget('u1');
    expect(t.toJSON()).to.deep.equal(s.toJSON());
  });

  it('validates nested collection items, naming the nested field', () => {
    expect(() => new Session({ userId: 'u1', address: { city: 'P', tags: [1 as never], geo: { lat: 1 } } })).to.throw(
      ValidationError,
      /NestSession\.address field "tags\[0\]"/,
    );
    expect(() => new Session({ userId: 'u1', address: { city: 'P', geo: { lat: 1, labels: [null as never] } } })).to.throw(ValidationError, /labels\[0\]/);
  });

  it('a nested collection operation on a model that is not stored throws KeyNotFound and writes nothing', async () => {
    const s = make();
    await expectReject(s.address.tags.aappend('x'), KeyNotFound, /NestSession:\{u1\}/);
    await expectReject(s.address.geo.labels.aadd('x'), KeyNotFound);
    await expectReject(s.address.asave(), KeyNotFound);
    expect(await allKeys('*')).to.deep.equal([]);
  });

  it('rule 4 on a nested collection key recreated without refresh', async () => {
    const s = make();
    await s.asave();
    await testClient().pexpire(MAIN, 30_000);
    await s.address.geo.labels.aclear();
    await s.address.geo.labels.aadd('again');
    const main = await testClient().pttl(MAIN);
    const key = await testClient().pttl(`${MAIN}:address.geo.labels`);
    expect(key).to.be.above(0);
    expect(Math.abs(main - key)).to.be.below(1000);
  });

  it('rule 1: a refresh sets the TTL of the nested collection keys too', async () => {
    class R extends defineModel('NestRefresh', { id: field.str({ key: true }), address: field.model(Address) }, { ttl: 100, refreshTtl: ActionGroup.UPDATE }) {}
    const r = new R({ id: 'r1', address: { city: 'P', tags: ['a'], geo: { lat: 0, labels: ['l'] } } });
    await r.asave();
    for (const k of await allKeys('NestRefresh*')) await testClient().pexpire(k, 5000);
    await r.address.codes.asetItem('k', 1);
    for (const k of await allKeys('NestRefresh*')) expect(await testClient().pttl(k), k).to.be.above(90_000);
  });

  it('a nested model cannot be deleted, given a TTL or duplicated alone: UnsupportedArgumentError, nothing written', async () => {
    const s = make();
    await s.asave();
    const before = await testClient().hgetall(MAIN);
    const keys = (await allKeys('*')).sort();
    const pttl = await testClient().pttl(MAIN);
    await expectReject(s.address.adelete(), UnsupportedArgumentError, /nested model.*adelete/);
    await expectReject(s.address.asetTtl(5), UnsupportedArgumentError, /asetTtl/);
    await expectReject(s.address.geo.asetTtl(null), UnsupportedArgumentError, /asetTtl/);
    await expectReject(s.address.aduplicate(), UnsupportedArgumentError, /aduplicate/);
    await expectReject(s.address.aduplicateMany(2), UnsupportedArgumentError, /aduplicateMany/);
    expect(await testClient().hgetall(MAIN)).to.deep.equal(before);
    expect((await allKeys('*')).sort()).to.deep.equal(keys);
    expect(await testClient().pttl(MAIN)).to.be.within(pttl - 1000, pttl);
    expect(await s.adelete()).to.equal(true); // the root still can
  });
});

describe('nested model fields', () => {
  it('cannot be optional: refused at definition with a typed error (there is no stored null model)', () => {
    const Inner = defineModel('NestOptInner', { city: field.str({ default: '' }) });
    expect(() => defineModel('NestOptOuter', { where: field.model(Inner, { optional: true }) })).to.throw(UnsupportedArgumentError, /cannot be optional/);
  });
});
