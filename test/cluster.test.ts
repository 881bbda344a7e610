/**
 * The library on a real 3-master Redis Cluster (started here, stopped here), and ioredis
 * keyPrefix on both topologies. The models of this file are bound to their client through
 * Meta.redis, so the rest of the suite keeps its own server.
 */
import { expect } from 'chai';
import { Cluster, Redis } from 'ioredis';
import * as rapyer from '../src/index.js';
import { defineModel, field, init, KeyNotFound, type Client } from '../src/index.js';
import { preloadScripts } from '../src/runtime/connection.js';
import { SCRIPT_NAMES, scriptSource } from '../src/runtime/scripts.js';
import { keySlot, newIdsBeside } from '../src/runtime/topology.js';
import { libraryClient } from './helpers/hooks.js';
import { startServer, type TestServer } from './helpers/server.js';
import { commandCalls, flushEveryMaster, mastersOf, nodeKey, startCluster, type TestCluster } from './helpers/cluster.js';

const Addr = defineModel('ClusterAddr', { city: field.str(), zip: field.str({ optional: true }) });
class Session extends defineModel('ClusterSession', {
  userId: field.str({ key: true }),
  visits: field.int({ default: 0 }),
  score: field.float({ default: 0 }),
  address: field.model(Addr),
}) {}
class Item extends defineModel('ClusterItem', { n: field.int({ default: 0 }), label: field.str({ default: '' }) }) {}

let cluster: TestCluster;
let single: TestServer;
const clients: (Redis | Cluster)[] = [];

function track<C extends Redis | Cluster>(c: C): C {
  clients.push(c);
  return c;
}

function bind(client: Client | null): void {
  Session.Meta.redis = client;
  Item.Meta.redis = client;
}

/** One way of reaching Redis: the client the models use, and a prefix-less one to look inside. */
interface Topology {
  readonly name: string;
  readonly prefix: string;
  /** Whether keys spread over several masters (not with a prefix that carries a hash tag). */
  readonly spreads: boolean;
  client(): Redis | Cluster;
  raw(): Redis | Cluster;
}

const made = new Map<string, { client: Redis | Cluster; raw: Redis | Cluster }>();
function topology(name: string, prefix: string, spreads: boolean, make: () => { client: Redis | Cluster; raw: Redis | Cluster }): Topology {
  const get = () => {
    if (!made.has(name)) made.set(name, make());
    return made.get(name)!;
  };
  return { name, prefix, spreads, client: () => get().client, raw: () => get().raw };
}

const onCluster = (prefix: string) => () => {
  const opts = prefix ? { keyPrefix: prefix } : {};
  return { client: track(new Cluster([...cluster.startupNodes], opts)), raw: track(new Cluster([...cluster.startupNodes])) };
};

const TOPOLOGIES: Topology[] = [
  topology('the cluster', '', true, onCluster('')),
  topology("the cluster with keyPrefix 'app:'", 'app:', true, onCluster('app:')),
  topology("the cluster with keyPrefix '{tenant}:' (one slot for all)", '{tenant}:', false, onCluster('{tenant}:')),
  topology("a single server with keyPrefix 'pfx:'", 'pfx:', false, () => ({
    client: track(new Redis(single.url, { keyPrefix: 'pfx:' })),
    raw: track(new Redis(single.url)),
  })),
];

async function mastersOfClient(c: Redis | Cluster): Promise<Redis[]> {
  return c instanceof Cluster ? mastersOf(c) : [c];
}

/** Main keys stored on each master, as Redis holds them (prefix included). */
async function mainKeysPerMaster(raw: Redis | Cluster, model: string): Promise<string[][]> {
  return Promise.all((await mastersOfClient(raw)).map(async (n) => (await n.keys(`*${model}:{*}`)).sort()));
}

describe('on a Redis Cluster', () => {
  before(async function () {
    this.timeout(60000);
    [cluster, single] = await Promise.all([startCluster({ masters: 3, replicas: 0 }), startServer()]);
  });

  after(async () => {
    bind(null);
    for (const c of clients) c.disconnect();
    await Promise.all([cluster?.stop(), single?.stop()]);
  });

  describe('cluster: slots and scripts', () => {
    it('computes the slot of a key as Redis does (hash tags, prefixes, UTF-8)', async () => {
      const node = (await mastersOf(TOPOLOGIES[0]!.raw() as Cluster))[0]!;
      const keys = ['ClusterSession:{u1}', 'app:ClusterSession:{u1}:tags', '{tenant}:X:{a}', 'x{}:X:{a}', 'a{b:X:{c}', 'plain', 'é{ü}', '{}', '{', 'a}{b}'];
      for (const k of keys) expect(keySlot(k), k).to.equal(await node.cluster('KEYSLOT', k));
    });

    it('init with a Cluster loads every script on every master', async () => {
      const c = track(new Cluster([...cluster.startupNodes]));
      const masters = await mastersOf(c);
      await Promise.all(masters.map((m) => m.script('FLUSH')));
      try {
        await init({ redis: c });
        const shas = SCRIPT_NAMES.map((n) => scriptSource(n).sha);
        expect(masters).to.have.length(3);
        for (const m of masters) expect(await m.script('EXISTS', ...shas)).to.deep.equal(shas.map(() => 1));
      } finally {
        await init({ redis: libraryClient() });
      }
    });

    it('applies every operation exactly once after SCRIPT FLUSH on every master', async () => {
      const c = TOPOLOGIES[0]!.client() as Cluster;
      bind(c);
      await flushEveryMaster(c);
      const items = Array.from({ length: 30 }, (_v, i) => new Item({ n: i }));
      for (const m of await mastersOf(c)) await m.script('FLUSH');
      await Item.ainsert(...items);
      for (const m of await mastersOf(c)) await m.script('FLUSH');
      expect(await items[0]!.n.aincrease(5)).to.equal(5);
      for (const m of await mastersOf(c)) await m.script('FLUSH');
      await rapyer.apipeline(async () => {
        for (const it of items) it.n.iadd(1);
      });
      for (const m of await mastersOf(c)) await m.script('FLUSH');
      const found = await Item.afind(...items.map((it) => it.pk));
      expect(found.map((it) => it.n.value)).to.deep.equal(items.map((_it, i) => i + 1 + (i === 0 ? 5 : 0)));
      for (const m of await mastersOf(c)) await m.script('FLUSH');
      expect(await Item.adeleteMany(...items)).to.deep.equal({ modelsDeleted: 30, keysDeleted: 30 });
    });

    it('ainsert of 1,000 models sends pipelines per master (chunks of at most 100 calls), not one command per model', async () => {
      const c = TOPOLOGIES[0]!.client() as Cluster;
      bind(c);
      await preloadScripts(c);
      const masters = await mastersOf(c);
      const items = Array.from({ length: 1000 }, (_v, i) => new Item({ n: i }));
      const expected = new Map(masters.map((m) => [nodeKey(m), 0]));
      for (const it of items) {
        const owner = c.slots[keySlot(it.key)]![0]!;
        expected.set(owner, expected.get(owner)! + 1);
      }
      const pipelines: number[] = [];
      const original = c.pipeline.bind(c);
      c.pipeline = ((...args: Parameters<Cluster['pipeline']>) => {
        const p = original(...args);
        const exec = p.exec.bind(p);
        p.exec = (() => {
          pipelines.push(p.length);
          return exec();
        }) as typeof p.exec;
        return p;
      }) as Cluster['pipeline'];
      await Promise.all(masters.map((m) => m.config('RESETSTAT')));
      try {
        await Item.ainsert(...items);
      } finally {
        delete (c as { pipeline?: unknown }).pipeline; // back to the prototype's method
      }
      const calls = await Promise.all(
        masters.map(async (m) => ({
          node: nodeKey(m),
          evalsha: await commandCalls(m, 'evalsha'),
          eval: await commandCalls(m, 'eval'),
        })),
      );
      expect(calls.map((x) => x.eval)).to.deep.equal([0, 0, 0]);
      expect(calls.map((x) => x.evalsha)).to.deep.equal(calls.map((x) => expected.get(x.node)));
      expect(calls.every((x) => x.evalsha > 200)).to.equal(true);
      // Each master's calls in pipelines of at most 100 calls (all in flight at once).
      const chunks = calls.flatMap((x) => [...Array(Math.ceil(x.evalsha / 100)).keys()].map((k) => Math.min(100, x.evalsha - 100 * k)));
      expect([...pipelines].sort()).to.deep.equal(chunks.sort());
      const perMaster = await mainKeysPerMaster(c, 'ClusterItem');
      expect(perMaster.map((keys) => keys.length)).to.deep.equal(calls.map((x) => x.evalsha));
    });

    it('a bulk operation whose slot moved (stale slot map) follows MOVED and applies once', async () => {
      const c = TOPOLOGIES[0]!.client() as Cluster;
      bind(c);
      await flushEveryMaster(c);
      const items = Array.from({ length: 12 }, (_v, i) => new Item({ n: i }));
      const moved = items[0]!;
      const slot = keySlot(moved.key);
      const masters = await mastersOf(c);
      const owner = masters.find((m) => nodeKey(m) === c.slots[slot]![0])!;
      const target = masters.find((m) => m !== owner)!;
      const targetId = String(await target.cluster('MYID'));
      // Move the (empty) slot behind ioredis's back: its slot map still names the old owner.
      for (const m of [target, ...masters.filter((m) => m !== target)]) await m.cluster('SETSLOT', slot, 'NODE', targetId);
      expect(c.slots[slot]![0]).to.equal(nodeKey(owner));
      await Item.ainsert(...items);
      expect(await target.exists(moved.key)).to.equal(1);
      const found = await Item.afind(...items.map((it) => it.pk));
      expect(found.map((it) => it.n.value)).to.deep.equal(items.map((_it, i) => i));
      expect(await moved.n.aincrease(1)).to.equal(1);
      await flushEveryMaster(c); // an empty slot can move back
      for (const m of [owner, ...masters.filter((m) => m !== owner)]) await m.cluster('SETSLOT', slot, 'NODE', String(await owner.cluster('MYID')));
      await c.refreshSlotsCache?.();
    });

    it('new ids of copies land in the source slot under any prefix', () => {
      // aduplicate picks ids in the source's slot on a Cluster (COPY cannot cross slots).
      for (const prefix of ['', 'app:', '{tenant}:', 'x{}:', 'a{b:']) {
        const c = new Cluster([...cluster.startupNodes], { keyPrefix: prefix, lazyConnect: true });
        try {
          for (const pk of ['u1', 'zzz', '01JABCDEF']) {
            const src = `ClusterItem:{${pk}}`;
            const ids = newIdsBeside(c, src, 20);
            expect(new Set(ids).size).to.equal(20);
            expect([...ids].sort()).to.deep.equal(ids);
            for (const id of ids) {
              expect(id).to.match(/^[0-9A-HJKMNP-TV-Z]{26}$/);
              expect(keySlot(`${prefix}ClusterItem:{${id}}`), `${prefix} ${id}`).to.equal(keySlot(prefix + src));
            }
          }
        } finally {
          c.disconnect();
        }
      }
    });
  });

  for (const t of TOPOLOGIES) {
    describe(`operations on ${t.name}`, () => {
      before(async () => {
        bind(t.client());
        await preloadScripts(t.client());
      });
      beforeEach(async () => {
        await flushEveryMaster(t.raw());
      });
      after(() => bind(null));

      it('asave, aget, aupdate, aincrease, aload: keys carry the prefix in Redis, not for the user', async () => {
        const s = await new Session({ userId: 'u1', address: { city: 'Paris' } }).asave();
        expect(s.key).to.equal('ClusterSession:{u1}');
        expect(await t.raw().exists(`${t.prefix}ClusterSession:{u1}`)).to.equal(1);
        if (t.prefix) expect(await t.raw().exists('ClusterSession:{u1}')).to.equal(0);
        expect(await t.raw().hget(`${t.prefix}ClusterSession:{u1}`, 'address.city')).to.equal('"Paris"');
        const loaded = await Session.aget('u1');
        expect(loaded.toJSON()).to.deep.equal(s.toJSON());
        await loaded.aupdate({ score: 2.5, address: { city: 'Lyon' } });
        expect(await loaded.visits.aincrease(3)).to.equal(3);
        expect(await loaded.score.aincrease(0.5)).to.equal(3);
        expect((await s.aload()).toJSON()).to.deep.equal({ userId: 'u1', visits: 3, score: 3, address: { city: 'Lyon', zip: null } });
        expect(await Session.aexists('u1')).to.equal(true);
        expect(await s.adelete()).to.equal(true);
        expect(await Session.aexists('u1')).to.equal(false);
      });

      it('afindKeys and afind() scan every master; maxResults holds across them', async () => {
        const items = await Item.ainsert(...Array.from({ length: 60 }, (_v, i) => new Item({ n: i })));
        const perMaster = await mainKeysPerMaster(t.raw(), 'ClusterItem');
        expect(perMaster.flat()).to.have.length(60);
        if (t.spreads) {
          expect(perMaster).to.have.length(3);
          for (const keys of perMaster) expect(keys.length).to.be.greaterThan(5);
        }
        const keys = await Item.afindKeys();
        expect([...keys].sort()).to.deep.equal(items.map((it) => it.key).sort());
        expect(keys.every((k) => /^ClusterItem:\{[0-9A-Z]{26}\}$/.test(k))).to.equal(true);
        for (const max of [1, 7, 25, 59, 60, 100]) {
          expect(await Item.afindKeys({ maxResults: max })).to.have.length(Math.min(max, 60));
          expect(await Item.afind({ maxResults: max })).to.have.length(Math.min(max, 60));
        }
        const all = await Item.afind();
        expect(all.map((it) => it.n.value).sort((a, b) => a - b)).to.deep.equal(items.map((_it, i) => i));
      });

      it('afind(keys) answers in the caller order; a missing key is named', async () => {
        const items = await Item.ainsert(...Array.from({ length: 40 }, (_v, i) => new Item({ n: i, label: `l${i}` })));
        const order = [...items].reverse();
        const found = await Item.afind(...order.map((it) => it.key));
        expect(found.map((it) => it.label.value)).to.deep.equal(order.map((it) => it.label.value));
        const missing = 'ClusterItem:{NOPE}';
        let error: unknown = null;
        await Item.afind(items[3]!.key, missing, items[30]!.key).catch((e: unknown) => {
          error = e;
        });
        expect(error).to.be.instanceOf(KeyNotFound);
        expect((error as Error).message).to.contain(missing);
        const skipped = await Item.afind(items[3]!.key, missing, items[30]!.key, { skipMissing: true });
        expect(skipped.map((it) => it.n.value)).to.deep.equal([3, 30]);
      });

      it('a failure of one key in a bulk operation names that key', async () => {
        const items = await Item.ainsert(...Array.from({ length: 12 }, (_v, i) => new Item({ n: i })));
        const bad = items[7]!;
        await t.raw().hset(`${t.prefix}${bad.key}`, 'n', '"not a number"');
        let error: unknown = null;
        await Item.afind(...items.map((it) => it.key)).catch((e: unknown) => {
          error = e;
        });
        expect(error).to.be.instanceOf(Error);
        expect((error as Error).message).to.contain(bad.key);
      });

      it('adeleteMany and adeleteByKey remove every model, on every master', async () => {
        const items = await Item.ainsert(...Array.from({ length: 30 }, (_v, i) => new Item({ n: i })));
        expect(await Item.adeleteByKey(items[0]!.pk)).to.equal(true);
        expect(await Item.adeleteMany(...items.slice(1, 20), items[0]!.key)).to.deep.equal({ modelsDeleted: 19, keysDeleted: 19 });
        expect(await Item.adeleteMany(...items.slice(20).map((it) => it.key))).to.deep.equal({ modelsDeleted: 10, keysDeleted: 10 });
        expect((await mainKeysPerMaster(t.raw(), 'ClusterItem')).flat()).to.deep.equal([]);
      });

      it('aduplicate and aduplicateMany copy the stored state in one script', async () => {
        const s = await new Session({ userId: 'dup', visits: 4, address: { city: 'Oslo' } }).asave();
        await s.visits.aincrease(1);
        const copy = await s.aduplicate();
        expect(copy.pk).to.not.equal('dup');
        expect(copy.toJSON()).to.deep.equal({ userId: copy.pk, visits: 5, score: 0, address: { city: 'Oslo', zip: null } });
        expect((await Session.aget(copy.pk)).toJSON()).to.deep.equal(copy.toJSON());
        const many = await (await Item.ainsert(new Item({ n: 9 })))[0]!.aduplicateMany(5);
        expect(new Set(many.map((m) => m.pk)).size).to.equal(5);
        expect((await Item.afind(...many.map((m) => m.key))).map((m) => m.n.value)).to.deep.equal([9, 9, 9, 9, 9]);
      });

      it('asetTtl sets and removes the TTL of every key', async () => {
        const s = await new Session({ userId: 'ttl', address: { city: 'Rome' } }).asave();
        await s.asetTtl(50);
        const pttl = await t.raw().pttl(`${t.prefix}${s.key}`);
        expect(pttl).to.be.within(1, 50000);
        await s.asetTtl(null);
        expect(await t.raw().pttl(`${t.prefix}${s.key}`)).to.equal(-1);
      });

      it('module-level operations on keys of several models and slots', async () => {
        const sessions = Array.from({ length: 10 }, (_v, i) => new Session({ userId: `m${i}`, visits: i, address: { city: `c${i}` } }));
        const items = Array.from({ length: 10 }, (_v, i) => new Item({ n: 100 + i }));
        const mixed = sessions.flatMap((s, i) => [s, items[i]!]);
        await rapyer.ainsert(...mixed);
        const found = await rapyer.afind(...mixed.map((m) => m.key).reverse());
        expect(found.map((m) => m.key)).to.deep.equal(mixed.map((m) => m.key).reverse());
        expect((await rapyer.aget(items[4]!.key)).toJSON()).to.deep.equal({ n: 104, label: '' });
        expect(await rapyer.aexists(sessions[2]!.key)).to.equal(true);
        expect(await rapyer.afindOne('ClusterItem:{NOPE}', sessions[5]!.key)).to.have.property('key', sessions[5]!.key);
        expect(await rapyer.adeleteMany(...mixed.map((m) => m.key))).to.deep.equal({
          modelsDeleted: 20,
          keysDeleted: 20,
          byModel: { ClusterSession: 10, ClusterItem: 10 },
        });
        expect(await rapyer.aexists(sessions[2]!.key)).to.equal(false);
      });

      it('apipeline over models in several slots: one command per slot on a Cluster, one on a server, each applied', async () => {
        const items = await Item.ainsert(...Array.from({ length: 6 }, (_v, i) => new Item({ n: i })));
        const masters = await mastersOfClient(t.raw());
        await Promise.all(masters.map((m) => m.config('RESETSTAT')));
        await rapyer.apipeline(async () => {
          for (const it of items) {
            it.n.iadd(10);
            it.label.value = 'p';
            it.n.iadd(1);
          }
        });
        let sent = 0;
        for (const m of masters) sent += (await commandCalls(m, 'evalsha')) + (await commandCalls(m, 'eval'));
        // On a Cluster one batch script per model's hash tag (with a '{tenant}:' prefix they share
        // one slot, but the pipeline still groups by the model's own tag); on a server, one.
        const isCluster = t.raw() instanceof Cluster;
        expect(sent).to.equal(isCluster ? new Set(items.map((it) => keySlot(it.key))).size : 1);
        expect((await Item.afind(...items.map((it) => it.key))).map((it) => [it.n.value, it.label.value])).to.deep.equal(items.map((_it, i) => [i + 11, 'p']));
      });
    });
  }
});
