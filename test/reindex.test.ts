/**
 * README, Queries: `Model.areindex({ batchSize?, onProgress? })`. Models written before their
 * class had an indexed field (the layout without buckets, `${name}:{${pk}}`) move into their
 * bucket with their collections and TTL, and queries and aget find them; models of an indexed
 * class written before a field became indexed are found by it afterwards; an index that lost
 * entries is rebuilt. The data of the "old" class is written by the library itself under another
 * model name and copied (DUMP / RESTORE, TTL kept) to the name of the class under test, since a
 * model name is defined once. Both topologies.
 */
import { expect } from 'chai';
import { defineModel, field, KeyNotFound, ValidationError } from '../src/index.js';
import { bucketOf } from '../src/keys.js';
import { allKeys, testClient } from './helpers/hooks.js';
import { expectIndexExact, rawKeys } from './helpers/index-check.js';
import { expectReject } from './helpers/reject.js';

const shape = <N extends boolean, S extends boolean>(indexN: N, indexS: S) => ({
  id: field.str({ key: true }),
  n: field.int({ default: 0, index: indexN }),
  s: field.str({ default: '', index: indexS }),
  tags: field.list(field.str()),
  attrs: field.dict(field.int()),
});
/** Version 1: no indexed field (layout without buckets). */
const MovedV1 = defineModel('QrMovedV1', shape(false, false));
/** Version 2 of the same model: n and s indexed. */
const Moved = defineModel('QrMoved', shape(true, true));
/** Version 1: n indexed. Version 2: s indexed too. */
const GrowV1 = defineModel('QrGrowV1', shape(true, false));
const Grow = defineModel('QrGrow', shape(true, true));
const Unindexed = defineModel('QrNone', shape(false, false));
/** One model in three periods: s indexed, not indexed, indexed again. */
const Tog1 = defineModel('QrTog1', shape(true, true));
const Tog2 = defineModel('QrTog2', shape(true, false));
const Tog = defineModel('QrTog', shape(true, true));

const pks = (ms: readonly { pk: string }[]) => ms.map((m) => m.pk);

/** Copies every key of model `from` to the same key of model `to` (DUMP / RESTORE, TTL kept); deletes the source unless `keep`. */
async function copyModelKeys(from: string, to: string, keep = false): Promise<void> {
  const c = testClient();
  for (const k of await allKeys(`${from}:*`)) {
    const dump = await c.dumpBuffer(k);
    const pttl = await c.pttl(k);
    await c.restore(k.split(from).join(to), Math.max(pttl, 0), dump!);
    if (!keep) await c.del(k);
  }
}

function idsInBucket(bucket: number, count: number, stem: string): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < count; i += 1) if (bucketOf(`${stem}${i}`) === bucket) out.push(`${stem}${i}`);
  return out;
}

const IDS = Array.from({ length: 11 }, (_v, i) => `m${i}`);

describe('areindex', () => {
  it('moves models of the layout without buckets into their bucket: keys, collections, TTL; found by queries and aget', async () => {
    const olds = IDS.map((id, i) => new MovedV1({ id, n: i % 3, s: `s${i}`, tags: [id], attrs: { i } }));
    await MovedV1.ainsert(...olds);
    for (const m of olds.slice(0, 4)) await m.asetTtl(100);
    await copyModelKeys('QrMovedV1', 'QrMoved');
    expect(await testClient().exists('QrMoved:{m0}', 'QrMoved:{m0}:tags', 'QrMoved:{m0}:attrs')).to.equal(3);
    await expectReject(Moved.aget('m0'), KeyNotFound);
    expect(await Moved.acount({ where: {} })).to.equal(0);

    const progress: number[] = [];
    expect(await Moved.areindex({ batchSize: 4, onProgress: (d) => progress.push(d) })).to.equal(11);
    expect(progress).to.deep.equal([4, 8, 11]);
    expect(await rawKeys({ raw: testClient(), prefix: '' }, 'QrMoved:{m*')).to.deep.equal([]); // the old keys are gone
    await expectIndexExact(Moved);
    expect(pks(await Moved.afind({ where: { n: 1 } }))).to.deep.equal(['m1', 'm10', 'm4', 'm7']);
    expect(pks(await Moved.afind({ where: { s: { startsWith: 's1' } } }))).to.deep.equal(['m1', 'm10']);
    const m3 = await Moved.aget('m3');
    expect(m3.key).to.equal(`QrMoved:{QrMoved#${bucketOf('m3')}}:{m3}`);
    expect(m3.tags.toJSON()).to.deep.equal(['m3']);
    expect(m3.attrs.get('i')).to.equal(3);
    for (const id of ['m0', 'm3']) {
      const main = new Moved({ id }).key;
      for (const k of [main, `${main}:tags`, `${main}:attrs`]) expect(await testClient().pttl(k), k).to.be.within(90_000, 100_000);
    }
    for (const k of [new Moved({ id: 'm5' }).key, `${new Moved({ id: 'm5' }).key}:tags`]) expect(await testClient().pttl(k), k).to.equal(-1);
    // nothing left to move: a second run indexes the bucketed models again and changes nothing
    const again: number[] = [];
    expect(await Moved.areindex({ batchSize: 100, onProgress: (d) => again.push(d) })).to.equal(11);
    expect(again).to.deep.equal([11]);
    await expectIndexExact(Moved);
  });

  it('a pk stored in both layouts keeps its bucketed model', async () => {
    await MovedV1.ainsert(new MovedV1({ id: 'both', n: 1 }), new MovedV1({ id: 'old', n: 1 }));
    await copyModelKeys('QrMovedV1', 'QrMoved');
    await new Moved({ id: 'both', n: 2, tags: ['new'] }).asave();
    await Moved.areindex();
    expect((await Moved.aget('both')).toJSON()).to.deep.include({ n: 2 });
    expect((await Moved.aget('both')).tags.toJSON()).to.deep.equal(['new']);
    expect(pks(await Moved.afind({ where: { n: 1 } }))).to.deep.equal(['old']);
    await expectIndexExact(Moved);
  });

  it('a field that became indexed: models written before are found by it after areindex', async () => {
    await GrowV1.ainsert(...IDS.map((id, i) => new GrowV1({ id, n: i, s: i % 2 ? 'odd' : 'even' })));
    await copyModelKeys('QrGrowV1', 'QrGrow'); // the index of n comes along; s has none
    expect(await Grow.acount({ where: { n: { gte: 0 } } })).to.equal(11);
    expect(await Grow.acount({ where: { s: 'odd' } })).to.equal(0);
    expect((await Grow.aget('m1')).s.value).to.equal('odd');
    const progress: number[] = [];
    expect(await Grow.areindex({ batchSize: 5, onProgress: (d) => progress.push(d) })).to.equal(11);
    expect(progress).to.deep.equal([5, 10, 11]);
    await expectIndexExact(Grow);
    expect(pks(await Grow.afind({ where: { s: 'odd' }, orderBy: { n: 'desc' } }))).to.deep.equal(['m9', 'm7', 'm5', 'm3', 'm1']);
  });

  it("repairs the entries of a value changed behind the library's back", async () => {
    await Grow.ainsert(...IDS.map((id, i) => new Grow({ id, n: i, s: `v${i}` })));
    await testClient().hset(new Grow({ id: 'm2' }).key, 'n', '200', 's', '"w"');
    expect(await Grow.acount({ where: { n: 200 } })).to.equal(0);
    await Grow.areindex({ batchSize: 3 });
    await expectIndexExact(Grow);
    expect(pks(await Grow.afind({ where: { n: 200, s: 'w' } }))).to.deep.equal(['m2']);
  });

  it('a field indexed, then not, then again: no entry of the first period is left, ordered queries are right', async () => {
    const [x, y] = idsInBucket(6, 2, 't');
    await new Tog1({ id: x!, s: 'a' }).asave(); // period 1: s indexed
    await copyModelKeys('QrTog1', 'QrTog2');
    await (await Tog2.aget(x!)).aupdate({ s: 'b' }); // period 2: s not indexed, its index left as it was
    await copyModelKeys('QrTog2', 'QrTog');
    await new Tog({ id: y!, s: 'aa' }).asave(); // period 3: s indexed again
    await Tog.areindex();
    // 'aa' < 'b': an entry of x left at 'a' would make the ordered walk take x first
    expect(pks(await Tog.afind({ where: { s: { gte: '' } }, orderBy: { s: 'asc' }, maxResults: 1 }))).to.deep.equal([y]);
    await expectIndexExact(Tog);
  });

  it('drops the entries of models that are no longer stored', async () => {
    await Grow.ainsert(...IDS.map((id, i) => new Grow({ id, n: i })));
    await testClient().del(new Grow({ id: 'm4' }).key); // evicted, or deleted by hand: its entries stay
    await Grow.areindex();
    await expectIndexExact(Grow);
  });

  it('validates batchSize and onProgress, and refuses a class without indexed fields, before anything runs', async () => {
    await Grow.ainsert(new Grow({ id: 'a' }));
    for (const batchSize of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '3' as unknown as number]) {
      await expectReject(Grow.areindex({ batchSize }), ValidationError, /QrGrow\.areindex: batchSize must be a positive integer/);
    }
    await expectReject(Grow.areindex({ onProgress: 5 as unknown as () => void }), ValidationError, /QrGrow\.areindex: onProgress must be a function/);
    await expectReject(Unindexed.areindex(), ValidationError, /QrNone\.areindex: the model has no indexed field/);
    expect(await Grow.areindex({ batchSize: 1 })).to.equal(1);
  });

  it('an empty class: nothing to do, onProgress never called', async () => {
    const progress: number[] = [];
    expect(await Grow.areindex({ onProgress: (d) => progress.push(d) })).to.equal(0);
    expect(progress).to.deep.equal([]);
  });
});
