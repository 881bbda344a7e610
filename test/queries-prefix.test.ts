/**
 * README, Queries, with an ioredis keyPrefix: writes, queries, the expiry sweep (which makes a
 * main key from its bucket's key, so the prefix must be kept), areindex (the layout without
 * buckets is found and moved under the prefix) and aduplicate all stay under the prefix. A
 * prefix holding a hash tag puts every bucket in one slot: a query is then one EVALSHA on a
 * Cluster too. Both topologies.
 */
import { expect } from 'chai';
import { Cluster, Redis } from 'ioredis';
import * as rapyer from '../src/index.js';
import { ActionGroup, defineModel, field, type Client } from '../src/index.js';
import { bucketOf } from '../src/keys.js';
import { preloadScripts } from '../src/runtime/connection.js';
import { keySlot } from '../src/runtime/topology.js';
import { allKeys, testClient, testServer, testTopology } from './helpers/hooks.js';
import { expectIndexExact, type RawView } from './helpers/index-check.js';
import { countCommands } from './helpers/server.js';

const shape = () => ({
  id: field.str({ key: true }),
  n: field.int({ default: 0, index: true }),
  s: field.str({ default: '', index: true }),
  tags: field.list(field.str()),
});
const Item = defineModel('QkItem', shape());
const Gen = defineModel('QkGen', { n: field.int({ default: 0, index: true }) });
const Ttl = defineModel('QkTtl', shape(), { ttl: 0.1, refreshTtl: ActionGroup.UPDATE });
const MovedV1 = defineModel('QkMovedV1', { id: field.str({ key: true }), n: field.int({ default: 0 }), tags: field.list(field.str()) });
const Moved = defineModel('QkMoved', { id: field.str({ key: true }), n: field.int({ default: 0, index: true }), tags: field.list(field.str()) });
const CLASSES = [Item, Gen, Ttl, MovedV1, Moved];

const pks = (ms: readonly { pk: string }[]) => ms.map((m) => m.pk);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function idsInBucket(bucket: number, count: number, stem: string): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < count; i += 1) if (bucketOf(`${stem}${i}`) === bucket) out.push(`${stem}${i}`);
  return out;
}

for (const prefix of ['kp:', '{t}:']) {
  describe(`queries under the keyPrefix ${prefix}`, () => {
    let client: Redis | Cluster;
    const view = (): RawView => ({ raw: testClient(), prefix });
    /** Keys of a model name, with and without the prefix. */
    const keysOf = async (name: string) => ({ prefixed: await allKeys(`${prefix}${name}:*`), bare: await allKeys(`${name}:*`) });

    before(async () => {
      const { host, port, url } = testServer();
      client = testTopology() === 'cluster' ? new Cluster([{ host, port }], { keyPrefix: prefix }) : new Redis(url, { keyPrefix: prefix });
      for (const c of CLASSES) c.Meta.redis = client as Client;
      await preloadScripts(testClient());
    });

    after(() => {
      for (const c of CLASSES) c.Meta.redis = null;
      client.disconnect();
    });

    it('writes keep the index exact under the prefix, and no key is written without it', async () => {
      const ms = await Item.ainsert(...Array.from({ length: 20 }, (_v, i) => new Item({ id: `i${i}`, n: i % 4, s: `s${i % 3}`, tags: ['t'] })));
      await ms[0]!.aupdate({ n: 10 });
      await ms[1]!.n.aincrease(20);
      await ms[2]!.adelete();
      await rapyer.apipeline(() => {
        ms[3]!.n.iadd(30);
        ms[4]!.s.iadd('x');
      });
      await Item.adeleteMany({ where: { n: 3 } });
      await expectIndexExact(Item, view());
      expect(pks(await Item.afind({ where: { n: { gte: 10 } }, orderBy: { n: 'desc' } }))).to.deep.equal(['i3', 'i1', 'i0']);
      expect(pks(await Item.afind({ where: { s: 's1x' } }))).to.deep.equal(['i4']);
      const { prefixed, bare } = await keysOf('QkItem');
      expect(bare).to.deep.equal([]);
      expect(prefixed).to.include(`${prefix}QkItem:{QkItem#${bucketOf('i5')}}:~all`);
    });

    it('aduplicateMany makes copies in the source bucket, indexed under the prefix', async () => {
      const src = await new Gen({ n: 7 }).asave();
      const copies = await src.aduplicateMany(3);
      for (const c of copies) expect(bucketOf(c.pk)).to.equal(bucketOf(src.pk));
      await expectIndexExact(Gen, view());
      expect(await Gen.acount({ where: { n: 7 } })).to.equal(4);
    });

    it('a query sweeps expired models under the prefix: no key of them is left', async () => {
      await Ttl.ainsert(...Array.from({ length: 40 }, (_v, i) => new Ttl({ id: `e${i}`, n: 1, tags: ['t'] })));
      await sleep(200);
      expect((await keysOf('QkTtl')).prefixed).to.not.deep.equal([]);
      expect(await Ttl.acount({ where: { n: 2 } })).to.equal(0);
      expect(await keysOf('QkTtl')).to.deep.equal({ prefixed: [], bare: [] });
    });

    it('a write sweeps expired models of its bucket under the prefix', async () => {
      const [live, ...olds] = idsInBucket(4, 3, 'w');
      await Ttl.ainsert(...olds.map((id) => new Ttl({ id: id!, n: 1 })));
      await sleep(200);
      const all = `${prefix}QkTtl:{QkTtl#4}:~all`;
      expect(await testClient().zcard(all)).to.equal(2);
      Ttl.Meta.ttl = 100;
      try {
        await new Ttl({ id: live!, n: 5 }).asave();
      } finally {
        Ttl.Meta.ttl = 0.1;
      }
      expect(await testClient().zrange(all, '0', '-1')).to.deep.equal([live]);
      await expectIndexExact(Ttl, view());
    });

    it('areindex moves the layout without buckets under the prefix', async () => {
      await MovedV1.ainsert(...Array.from({ length: 7 }, (_v, i) => new MovedV1({ id: `m${i}`, n: i % 2, tags: [`m${i}`] })));
      const c = testClient();
      for (const k of await allKeys(`${prefix}QkMovedV1:*`)) {
        await c.restore(k.replace('QkMovedV1', 'QkMoved'), 0, (await c.dumpBuffer(k))!);
        await c.del(k);
      }
      const progress: number[] = [];
      expect(await Moved.areindex({ batchSize: 3, onProgress: (d) => progress.push(d) })).to.equal(7);
      expect(progress).to.deep.equal([3, 6, 7]);
      await expectIndexExact(Moved, view());
      expect(pks(await Moved.afind({ where: { n: 1 } }))).to.deep.equal(['m1', 'm3', 'm5']);
      expect((await Moved.aget('m3')).tags.toJSON()).to.deep.equal(['m3']);
      const { prefixed, bare } = await keysOf('QkMoved');
      expect(bare).to.deep.equal([]);
      expect(prefixed.filter((k) => !k.includes('#'))).to.deep.equal([]); // nothing left in the old layout
    });

    it('a query is one EVALSHA per slot group of the prefixed bucket keys', async () => {
      await Item.ainsert(new Item({ id: 'a' }), new Item({ id: 'b' }));
      const groups = new Set(Array.from({ length: 16 }, (_v, b) => keySlot(`${prefix}QkItem:{QkItem#${b}}:~all`))).size;
      const expected = testTopology() === 'single' ? 1 : groups;
      if (prefix.startsWith('{')) expect(groups).to.equal(1);
      const { commands } = await countCommands(testServer().url, () => Item.afind({ where: {}, orderBy: { n: 'asc' } }));
      expect(commands).to.deep.equal(Array(expected).fill('evalsha'));
    });
  });
}
