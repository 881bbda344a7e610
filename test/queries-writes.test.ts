/**
 * README, Queries: every write path of a model with indexed fields keeps its indexes equal to
 * its data, in the same script as the write. After each write the raw index keys are compared
 * with the stored hashes (test/helpers/index-check.ts) and queries are asked what the write
 * changed. Both topologies.
 */
import { expect } from 'chai';
import * as rapyer from '../src/index.js';
import { defineModel, field } from '../src/index.js';
import { bucketOf } from '../src/keys.js';
import { testClient } from './helpers/hooks.js';
import { byBytes, expectIndexExact } from './helpers/index-check.js';

const WAddr = defineModel('QwAddr', { city: field.str({ default: '', index: true }), zip: field.str({ default: '' }) });
const shape = () => ({
  id: field.str({ key: true }),
  name: field.str({ default: '', index: true }),
  n: field.int({ default: 0, index: true }),
  f: field.float({ default: 0, index: true }),
  on: field.bool({ default: true, index: true }),
  at: field.datetime({ optional: true, index: true }),
  role: field.enum(['a', 'b', 'c'] as const, { default: 'a', index: true }),
  note: field.str({ default: '' }),
  tags: field.list(field.str()),
  address: field.model(WAddr, { default: () => ({ city: '', zip: '' }) }),
});
class W extends defineModel('QwItem', shape()) {}
/** A second class with indexed fields, for module-level writes over several classes. */
const W2 = defineModel('QwOther', { id: field.str({ key: true }), n: field.int({ default: 0, index: true }) });
/** A class with a generated pk (aduplicate makes new ids for it). */
const Gen = defineModel('QwGen', { n: field.int({ default: 0, index: true }), s: field.str({ default: '', index: true }) });

const pks = (ms: readonly { pk: string }[]) => ms.map((m) => m.pk);
const sorted = (xs: readonly string[]) => [...xs].sort(byBytes);
/** Ten pks spread over several buckets. */
const IDS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];

async function seed(): Promise<W[]> {
  return W.ainsert(...IDS.map((id, i) => new W({ id, name: `n${i % 3}`, n: i % 4, f: i / 2, on: i % 2 === 0, role: (['a', 'b', 'c'] as const)[i % 3] })));
}

describe('queries: every write path keeps the index exact', () => {
  it('the seed spreads over several buckets', () => {
    expect(new Set(IDS.map(bucketOf)).size).to.be.greaterThan(5);
  });

  it('asave creates, then overwrites (old values leave the index)', async () => {
    const m = await new W({ id: 'x', name: 'ann', n: 3, f: 1.5, on: false, at: new Date(2000), role: 'b', address: { city: 'Paris', zip: '' } }).asave();
    await expectIndexExact(W);
    expect(pks(await W.afind({ where: { name: 'ann', n: 3, f: 1.5, on: false, role: 'b', at: new Date(2000), address: { city: 'Paris' } } }))).to.deep.equal([
      'x',
    ]);
    m.name.value = 'bea';
    m.n.value = 4;
    m.at.value = null;
    m.address.city.value = 'Lyon';
    await m.asave();
    await expectIndexExact(W);
    expect(await W.acount({ where: { name: 'ann' } })).to.equal(0);
    expect(await W.acount({ where: { address: { city: 'Paris' } } })).to.equal(0);
    expect(pks(await W.afind({ where: { name: 'bea', n: 4, at: null, address: { city: 'Lyon' } } }))).to.deep.equal(['x']);
    // a fresh instance of the same pk replaces every field with its defaults
    await new W({ id: 'x' }).asave();
    await expectIndexExact(W);
    expect(pks(await W.afind({ where: { name: '', n: 0, role: 'a', on: true, address: { city: '' } } }))).to.deep.equal(['x']);
  });

  it('ainsert of the class and rapyer.ainsert over two classes', async () => {
    await seed();
    await expectIndexExact(W);
    expect(pks(await W.afind({ where: { n: 1 } }))).to.deep.equal(['b', 'f', 'j']);
    await rapyer.ainsert(new W({ id: 'k', n: 1 }), new W2({ id: 'k', n: 1 }), new W2({ id: 'l', n: 2 }), new W({ id: 'l', n: 7 }));
    await expectIndexExact(W);
    await expectIndexExact(W2);
    expect(pks(await W.afind({ where: { n: 1 } }))).to.deep.equal(['b', 'f', 'j', 'k']);
    expect(pks(await W2.afind({ where: { n: { gte: 1 } } }))).to.deep.equal(['k', 'l']);
  });

  it('aupdate of top-level, nested and enum fields', async () => {
    const [m] = await seed();
    await m!.aupdate({ name: 'zed', n: 40, on: false, role: 'c', at: new Date(5), address: { city: 'Rome', zip: '1' } });
    await expectIndexExact(W);
    expect(pks(await W.afind({ where: { name: 'zed', n: 40, on: false, role: 'c', at: new Date(5), address: { city: 'Rome' } } }))).to.deep.equal(['a']);
    expect(pks(await W.afind({ where: { role: 'c' } }))).to.deep.equal(['a', 'c', 'f', 'i']);
    expect(await W.acount({ where: { n: 0 } })).to.equal(2); // e, i
  });

  it('field-level asave: a top-level field, a nested field, a whole nested model', async () => {
    const [a, b] = await seed();
    a!.n.value = 99;
    await a!.n.asave();
    await expectIndexExact(W);
    expect(pks(await W.afind({ where: { n: 99 } }))).to.deep.equal(['a']);
    a!.address.city.value = 'Oslo';
    await a!.address.city.asave();
    b!.address.city.value = 'Oslo';
    b!.address.zip.value = '0150';
    await b!.address.asave();
    await expectIndexExact(W);
    expect(pks(await W.afind({ where: { address: { city: 'Oslo' } } }))).to.deep.equal(['a', 'b']);
    a!.role.value = 'c';
    await a!.role.asave();
    a!.at.value = new Date(77);
    await a!.at.asave();
    await expectIndexExact(W);
    expect(pks(await W.afind({ where: { role: 'c', at: { gte: new Date(77) } } }))).to.deep.equal(['a']);
  });

  it('aincrease on int and float', async () => {
    const [a, b] = await seed();
    expect(await a!.n.aincrease(10)).to.equal(10);
    expect(await b!.f.aincrease(0.25)).to.equal(0.75);
    await expectIndexExact(W);
    expect(pks(await W.afind({ where: { n: 10 } }))).to.deep.equal(['a']);
    expect(pks(await W.afind({ where: { f: 0.75 } }))).to.deep.equal(['b']);
    expect(pks(await W.afind({ where: { f: { gt: 0.5, lt: 1 } } }))).to.deep.equal(['b']);
    await b!.f.aincrease(-10);
    await expectIndexExact(W);
    expect(pks(await W.afind({ where: {}, orderBy: { f: 'asc' }, maxResults: 1 }))).to.deep.equal(['b']);
  });

  it('aincrease(by, { upsert: true }) creates, then increments', async () => {
    expect(await new W({ id: 'u', n: 5, name: 'up' }).n.aincrease(2, { upsert: true })).to.equal(7);
    await expectIndexExact(W);
    expect(pks(await W.afind({ where: { n: 7, name: 'up' } }))).to.deep.equal(['u']);
    expect(await new W({ id: 'u', n: 100 }).n.aincrease(2, { upsert: true })).to.equal(9);
    expect(await new W({ id: 'v' }).f.aincrease(1.5, { upsert: true })).to.equal(1.5);
    expect(await new W({ id: 'v' }).f.aincrease(1.5, { upsert: true })).to.equal(3);
    await expectIndexExact(W);
    expect(pks(await W.afind({ where: { n: 9 } }))).to.deep.equal(['u']);
    expect(await W.acount({ where: { n: 7 } })).to.equal(0);
    expect(pks(await W.afind({ where: { f: 3 } }))).to.deep.equal(['v']);
  });

  it('agetOrCreate: created, then found (the draft of a found model changes nothing)', async () => {
    const r1 = await W.agetOrCreate(new W({ id: 'g', n: 3, name: 'goc' }));
    expect(r1.status).to.equal('created');
    await expectIndexExact(W);
    expect(pks(await W.afind({ where: { name: 'goc' } }))).to.deep.equal(['g']);
    const r2 = await rapyer.agetOrCreate(new W({ id: 'g', n: 4, name: 'other' }));
    expect(r2.status).to.equal('found');
    await expectIndexExact(W);
    expect(await W.acount({ where: { name: 'other' } })).to.equal(0);
    expect(pks(await W.afind({ where: { n: 3 } }))).to.deep.equal(['g']);
  });

  it('aduplicate and aduplicateMany index the copies in the source bucket', async () => {
    const src = await new Gen({ n: 5, s: 'dup' }).asave();
    const one = await src.aduplicate();
    const many = await src.aduplicateMany(4);
    const all = [src, one, ...many];
    for (const m of all) expect(bucketOf(m.pk)).to.equal(bucketOf(src.pk));
    await expectIndexExact(Gen);
    expect(pks(await Gen.afind({ where: { n: 5, s: 'dup' } }))).to.deep.equal(sorted(pks(all)));
    await many[0]!.n.aincrease(1);
    await expectIndexExact(Gen);
    expect(pks(await Gen.afind({ where: { n: 6 } }))).to.deep.equal([many[0]!.pk]);
  });

  it('adelete, adeleteByKey, adeleteMany of keys, pks and models, rapyer.adeleteMany', async () => {
    const ms = await seed();
    expect(await ms[0]!.adelete()).to.equal(true);
    await expectIndexExact(W);
    expect(await W.adeleteByKey('b')).to.equal(true);
    expect(await W.adeleteByKey(ms[2]!.key)).to.equal(true);
    await expectIndexExact(W);
    expect((await W.adeleteMany('d', ms[4]!.key, ms[5]!)).modelsDeleted).to.equal(3);
    await expectIndexExact(W);
    await W2.ainsert(new W2({ id: 'g', n: 1 }));
    const r = await rapyer.adeleteMany(ms[6]!.key, `QwOther:{QwOther#${bucketOf('g')}}:{g}`);
    expect(r.modelsDeleted).to.equal(2);
    await expectIndexExact(W);
    await expectIndexExact(W2);
    expect(pks(await W.afind({ where: {} }))).to.deep.equal(['h', 'i', 'j']);
    expect(await W2.acount({ where: {} })).to.equal(0);
  });

  it('adeleteMany({ where }) deletes the matches whole and their entries', async () => {
    await seed();
    await W.ainsert(new W({ id: 'x', n: 1, tags: ['t'] }));
    const r = await W.adeleteMany({ where: { n: 1 } });
    expect(r.modelsDeleted).to.equal(4); // b, f, j, x
    expect(r.keysDeleted).to.equal(5); // x's tags too
    expect(await testClient().exists(new W({ id: 'x' }).key, `${new W({ id: 'x' }).key}:tags`)).to.equal(0);
    await expectIndexExact(W);
    expect(await W.adeleteMany({ where: { n: 1 } })).to.deep.equal({ modelsDeleted: 0, keysDeleted: 0 });
    expect(pks(await W.afind({ where: {} }))).to.deep.equal(['a', 'c', 'd', 'e', 'g', 'h', 'i']);
    expect((await W.adeleteMany({ where: {} })).modelsDeleted).to.equal(7);
    await expectIndexExact(W);
  });

  it('alock with saveAtEnd saves the changes and their index entries (lock/save)', async () => {
    const [a] = await seed();
    await a!.alock('edit', { saveAtEnd: true }, (m) => {
      m.n.value = 50;
      m.role.value = 'b';
      m.address.city.value = 'Nice';
    });
    await expectIndexExact(W);
    expect(pks(await W.afind({ where: { n: 50, role: 'b', address: { city: 'Nice' } } }))).to.deep.equal(['a']);
    await W.alockFromKey('c', 'edit', { saveAtEnd: true }, (m) => {
      m!.name.value = 'locked';
    });
    await expectIndexExact(W);
    expect(pks(await W.afind({ where: { name: 'locked' } }))).to.deep.equal(['c']);
  });

  it('a model changed outside the library is indexed again by its next write', async () => {
    const [a] = await seed();
    await testClient().hset(a!.key, 'n', '123'); // behind the library's back: the index is stale
    expect(await W.acount({ where: { n: 123 } })).to.equal(0);
    await a!.name.aload(); // a read does not reindex
    await a!.aupdate({ note: 'touch' }); // any indexed write re-reads every indexed field
    await expectIndexExact(W);
    expect(pks(await W.afind({ where: { n: 123 } }))).to.deep.equal(['a']);
  });
});
