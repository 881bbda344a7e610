/**
 * README, Queries and TTL rules: an expired model is never returned or counted; a model whose
 * TTL reads refresh stays found; the index entries of expired models are reclaimed by queries
 * (every bucket swept) and by writes (two per script, in the written bucket); queries refresh
 * the TTL of the models they return. Both topologies.
 */
import { expect } from 'chai';
import { ActionGroup, defineModel, field } from '../src/index.js';
import { bucketOf } from '../src/keys.js';
import { allKeys, testClient } from './helpers/hooks.js';
import { expectRawIndexExact } from './helpers/index-check.js';

const shape = () => ({ id: field.str({ key: true }), n: field.int({ default: 0, index: true }), s: field.str({ default: '', index: true }) });
/** Expires fast; never refreshed by reads (so a query does not keep what it checks alive). */
const Short = defineModel('QxShort', shape(), { ttl: 0.1, refreshTtl: ActionGroup.UPDATE });
/** Kept alive by reads. */
const Read = defineModel('QxRead', shape(), { ttl: 0.4, refreshTtl: ActionGroup.READ | ActionGroup.FETCH });
/** No TTL of its own: asetTtl gives one to some models. */
const Plain = defineModel('QxPlain', shape());
/** A long TTL refreshed by every read and write. */
const Long = defineModel('QxLong', shape(), { ttl: 100 });

const pks = (ms: readonly { pk: string }[]) => ms.map((m) => m.pk);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function idsInBucket(bucket: number, count: number, stem: string): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < count; i += 1) if (bucketOf(`${stem}${i}`) === bucket) out.push(`${stem}${i}`);
  return out;
}

/** How many pks the ~all keys of a class hold, over every bucket (raw, stale entries included). */
async function indexed(name: string, bucket?: number): Promise<number> {
  let n = 0;
  for (let b = 0; b < 16; b += 1) if (bucket === undefined || b === bucket) n += await testClient().zcard(`${name}:{${name}#${b}}:~all`);
  return n;
}

/** Every query form a caller can use, on models with n = 1 and s = 'x'. */
async function everyQuery(cls: typeof Plain): Promise<unknown[]> {
  return [
    pks(await cls.afind({ where: {} })),
    pks(await cls.afind({ where: { n: 1 } })),
    pks(await cls.afind({ where: { n: { gte: 0 } }, orderBy: { n: 'desc' } })),
    pks(await cls.afind({ where: { s: { startsWith: 'x' } }, orderBy: { s: 'asc' }, maxResults: 5 })),
    pks(await cls.afind({ where: { OR: [{ n: 1 }, { NOT: { s: 'x' } }] } })),
    (await cls.afindOne({ where: { n: 1 }, orderBy: { n: 'asc' } }))?.pk ?? null,
    await cls.acount({ where: {} }),
    await cls.acount({ where: { s: 'x', n: { lt: 5 } } }),
  ];
}

describe('queries and expiry', () => {
  it('models whose class TTL passed are never returned or counted, and every bucket is swept', async () => {
    const ids = Array.from({ length: 40 }, (_v, i) => `e${i}`);
    await Short.ainsert(...ids.map((id) => new Short({ id, n: 1, s: 'x' })));
    expect(new Set(ids.map(bucketOf)).size).to.equal(16);
    await sleep(200);
    expect(await indexed('QxShort')).to.equal(40); // nothing swept them yet
    expect(await Short.acount({ where: { n: 999 } })).to.equal(0); // matches none, sweeps all
    expect(await allKeys('QxShort:*')).to.deep.equal([]);
    await Short.ainsert(...ids.map((id) => new Short({ id, n: 1, s: 'x' })));
    await sleep(200);
    expect(await everyQuery(Short as unknown as typeof Plain)).to.deep.equal([[], [], [], [], [], null, 0, 0]);
    expect(await allKeys('QxShort:*')).to.deep.equal([]);
  });

  it('a model whose TTL asetTtl gave it is never returned once expired, whatever the query', async () => {
    const ids = Array.from({ length: 20 }, (_v, i) => `p${i}`);
    const ms = await Plain.ainsert(...ids.map((id) => new Plain({ id, n: 1, s: 'x' })));
    for (const m of ms.slice(0, 10)) await m.asetTtl(0.05);
    await sleep(150);
    const alive = ids.slice(10).sort();
    // each query on its own: entries stale until one of them looks at them
    for (let q = 0; q < 8; q += 1) {
      const answers = await everyQuery(Plain);
      expect(answers[0]).to.deep.equal(alive);
      expect(answers[1]).to.deep.equal(alive);
      expect(answers[6]).to.equal(10);
      expect(answers[7]).to.equal(10);
    }
    await expectRawIndexExact(Plain);
  });

  it('a model kept alive by reads (refreshTtl READ) stays found; the sweep moves its expiry time', async () => {
    const m = await new Read({ id: 'r', n: 1 }).asave();
    await new Read({ id: 'gone', n: 1 }).asave();
    for (let i = 0; i < 5; i += 1) {
      await sleep(150);
      await Read.aget('r'); // model/load: refreshes the TTL, not the ~expiry entry
    }
    expect(await testClient().exists(m.key)).to.equal(1);
    expect(pks(await Read.afind({ where: { n: 1 } }))).to.deep.equal(['r']);
    expect(await Read.acount({ where: {} })).to.equal(1);
    const at = await testClient().pexpiretime(m.key);
    const score = Number(await testClient().zscore(`QxRead:{QxRead#${bucketOf('r')}}:~expiry`, 'r'));
    expect(score).to.be.within(at - 5, at); // the sweep (or the find's refresh) recorded the new time
    await expectRawIndexExact(Read);
  });

  it('queries refresh the TTL of the models they find (READ|FETCH), keeping them found', async () => {
    await Read.ainsert(new Read({ id: 'a', n: 1 }), new Read({ id: 'b', n: 2 }));
    for (let i = 0; i < 5; i += 1) {
      await sleep(150);
      expect(pks(await Read.afind({ where: { n: 1 } }))).to.deep.equal(['a']);
    }
    expect(await Read.acount({ where: {} })).to.equal(1); // b was never read: gone
    await expectRawIndexExact(Read);
  });

  it('acount refreshes the TTL of the models it counts when READ meets the mask (TTL rule 7)', async () => {
    await new Read({ id: 'c', n: 1 }).asave();
    for (let i = 0; i < 5; i += 1) {
      await sleep(150);
      expect(await Read.acount({ where: { n: 1 } })).to.equal(1);
    }
  });

  // On one server the query is one script, which merges its buckets before it reads: it refreshes
  // only the models it returns. On a Cluster each slot's script reads (and refreshes) its own first
  // offset + maxResults matches, and the client keeps the first ones overall (README, Queries).
  it('afindOne and maxResults refresh only the models they return (a Cluster: at most the first of each slot)', async () => {
    const ids = Array.from({ length: 32 }, (_v, i) => `m${String(i).padStart(2, '0')}`);
    const ms = await Long.ainsert(...ids.map((id, i) => new Long({ id, n: i })));
    for (const m of ms) await m.asetTtl(50);
    const first = await Long.afindOne({ where: {}, orderBy: { n: 'asc' } });
    const page = await Long.afind({ where: { n: { gte: 10 } }, orderBy: { n: 'desc' }, maxResults: 2 });
    const returned = new Set([first!.pk, ...pks(page)]);
    expect([...returned]).to.deep.equal(['m00', 'm31', 'm30']);
    const refreshed: string[] = [];
    for (const m of ms) if ((await testClient().pttl(m.key)) > 60_000) refreshed.push(m.pk);
    if (process.env.TEST_TOPOLOGY !== 'cluster') expect(refreshed.sort()).to.deep.equal([...returned].sort());
    else {
      for (const pk of returned) expect(refreshed).to.include(pk);
      expect(refreshed.length).to.be.at.most(16 * 3); // afindOne: 1 per slot group, the page: 2 per slot group
    }
  });

  // A write that adds a model to the index or removes one sweeps 2 expired entries of its bucket
  // (README, Queries); one that only changes values does not.
  it('writes that add or remove a model reclaim the entries of expired models of their bucket, two each', async () => {
    const [l, l2, ...olds] = idsInBucket(7, 7, 'w');
    Short.Meta.ttl = 0.05;
    try {
      await Short.ainsert(...olds.map((id) => new Short({ id, n: 1 })));
    } finally {
      Short.Meta.ttl = 100;
    }
    await sleep(150);
    try {
      expect(await indexed('QxShort', 7)).to.equal(5);
      const live = await new Short({ id: l!, n: 1 }).asave(); // adds a model: sweeps 2
      expect(await indexed('QxShort', 7)).to.equal(4);
      await live.n.aincrease(1); // changes a value only: no sweep
      await live.aupdate({ s: 'y' });
      expect(await indexed('QxShort', 7)).to.equal(4);
      const other = await new Short({ id: l2!, n: 2 }).asave(); // 2 more
      expect(await indexed('QxShort', 7)).to.equal(3);
      await other.adelete(); // removes a model: the last one
      expect(await indexed('QxShort', 7)).to.equal(1);
      await expectRawIndexExact(Short);
    } finally {
      Short.Meta.ttl = 0.1;
    }
  });

  it('writes also reclaim the entries of a model whose TTL asetTtl gave it', async () => {
    const [l, old, l2] = idsInBucket(3, 3, 'st');
    const [, gone] = await Plain.ainsert(new Plain({ id: l!, n: 1 }), new Plain({ id: old!, n: 2 }));
    await gone!.asetTtl(0.05);
    await sleep(150);
    expect(await indexed('QxPlain', 3)).to.equal(2);
    await new Plain({ id: l2!, n: 3 }).asave(); // adds a model: sweeps the expired one
    expect(await indexed('QxPlain', 3)).to.equal(2);
    await expectRawIndexExact(Plain);
  });
});
