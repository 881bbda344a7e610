/**
 * README, Queries and Pipelines: in-place operations queued in a pipeline keep the indexes exact
 * (the batch runs each operation's wrapped body), a pipeline over several models and classes
 * too, and a failed batch leaves every key of the class (index keys included) exactly as it
 * was. A lock's fenced save keeps them as well, and a lost lease writes nothing. Both topologies.
 */
import { expect } from 'chai';
import * as rapyer from '../src/index.js';
import { ActionGroup, defineModel, field, KeyNotFound, LockLostError } from '../src/index.js';
import { bucketOf } from '../src/keys.js';
import { preloadScripts } from '../src/runtime/connection.js';
import { keySlot } from '../src/runtime/topology.js';
import { testClient, testServer, testTopology } from './helpers/hooks.js';
import { expectIndexExact, expectSameState, snapshotClass } from './helpers/index-check.js';
import { expectReject } from './helpers/reject.js';
import { countCommands } from './helpers/server.js';

const shape = () => ({
  id: field.str({ key: true }),
  name: field.str({ default: '', index: true }),
  n: field.int({ default: 0, index: true }),
  f: field.float({ default: 0, index: true }),
  at: field.datetime({ default: () => new Date(1000), index: true }),
  tags: field.list(field.str()),
});
class P extends defineModel('QpItem', shape()) {}
/**
 * The same shape with a TTL refreshed by every write: a failed batch must restore expiry times
 * too. Not by reads: the models of a failed batch are reloaded (README, Pipelines), and a
 * reload refreshes when READ meets the mask (TTL rule 7).
 */
class PT extends defineModel('QpTtl', shape(), {
  ttl: 1000,
  refreshTtl: ActionGroup.CREATE | ActionGroup.UPDATE | ActionGroup.ARITHMETIC | ActionGroup.ERASE,
}) {}
const P2 = defineModel('QpOther', { id: field.str({ key: true }), n: field.int({ default: 0, index: true }) });

const pks = (ms: readonly { pk: string }[]) => ms.map((m) => m.pk);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `count` ids whose bucket is `bucket` (so their keys share a hash slot), made from `stem`. */
function idsInBucket(bucket: number, count: number, stem: string): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < count; i += 1) if (bucketOf(`${stem}${i}`) === bucket) out.push(`${stem}${i}`);
  return out;
}

describe('queries: pipelines keep the index exact', () => {
  before(async () => {
    await preloadScripts(testClient()); // EVALSHA finds its script: the command counts are exact
  });

  it('RedisInt iadd, isub, imul, ifloordiv, imod, ipow, each in a pipeline', async () => {
    const m = await new P({ id: 'i', n: 7 }).asave();
    const steps: [(x: P) => void, number][] = [
      [(x) => x.n.iadd(5), 12],
      [(x) => x.n.isub(2), 10],
      [(x) => x.n.imul(3), 30],
      [(x) => x.n.ifloordiv(4), 7],
      [(x) => x.n.imod(4), 3],
      [(x) => x.n.ipow(3), 27],
    ];
    let was = 7;
    for (const [op, want] of steps) {
      await m.apipeline((x) => op(x));
      expect(m.n.value).to.equal(want);
      expect(pks(await P.afind({ where: { n: want } }))).to.deep.equal(['i']);
      expect(await P.acount({ where: { n: was } })).to.equal(0);
      was = want;
    }
    await expectIndexExact(P);
  });

  it('RedisFloat operations, RedisStr iadd / imul and RedisDatetime iadd / isub in pipelines', async () => {
    const m = await new P({ id: 'x', f: 1, name: 'ab' }).asave();
    await m.apipeline((x) => {
      x.f.iadd(0.5);
      x.f.imul(3);
      x.f.itruediv(2);
    });
    expect(pks(await P.afind({ where: { f: 2.25 } }))).to.deep.equal(['x']);
    await m.apipeline((x) => {
      x.f.ifloordiv(0.5);
      x.f.imod(1.5);
      x.f.ipow(2);
      x.f.isub(0.5);
    });
    expect(m.f.value).to.equal(0.5); // 2.25 // 0.5 = 4; 4 % 1.5 = 1; 1 ** 2 = 1; 1 - 0.5
    expect(pks(await P.afind({ where: { f: 0.5 } }))).to.deep.equal(['x']);
    await expectIndexExact(P);
    await m.apipeline((x) => {
      x.name.iadd('cd');
    });
    expect(pks(await P.afind({ where: { name: 'abcd' } }))).to.deep.equal(['x']);
    await m.apipeline((x) => {
      x.name.imul(2);
    });
    expect(pks(await P.afind({ where: { name: { startsWith: 'abcda' } } }))).to.deep.equal(['x']);
    expect(await P.acount({ where: { name: 'abcd' } })).to.equal(0);
    await m.apipeline((x) => {
      x.at.iadd(500);
    });
    expect(pks(await P.afind({ where: { at: new Date(1500) } }))).to.deep.equal(['x']);
    await m.apipeline((x) => {
      x.at.isub(200);
    });
    expect(pks(await P.afind({ where: { at: { gt: new Date(1200), lt: new Date(1400) } } }))).to.deep.equal(['x']);
    await expectIndexExact(P);
  });

  it('rapyer.apipeline over many models of two classes: saves, updates, deletes, increments', async () => {
    const ms = await P.ainsert(...['a', 'b', 'c', 'd', 'e', 'f'].map((id, i) => new P({ id, n: i })));
    const [o] = await P2.ainsert(new P2({ id: 'o', n: 1 }));
    await rapyer.apipeline(async () => {
      ms[0]!.n.iadd(10);
      ms[0]!.n.imul(2);
      await ms[1]!.aupdate({ name: 'bee', n: 100 });
      await ms[2]!.adelete();
      ms[3]!.name.value = 'saved';
      await ms[3]!.asave();
      await ms[4]!.n.aincrease(7);
      await P.ainsert(new P({ id: 'g', n: 20 }), new P({ id: 'h', n: 21 }));
      await P.adeleteMany('f');
      o!.n.iadd(1);
    });
    await expectIndexExact(P);
    await expectIndexExact(P2);
    expect(pks(await P.afind({ where: {}, orderBy: { n: 'asc' } }))).to.deep.equal(['d', 'e', 'a', 'g', 'h', 'b']);
    expect(pks(await P.afind({ where: { n: 20 } }))).to.deep.equal(['a', 'g']);
    expect(pks(await P2.afind({ where: { n: 2 } }))).to.deep.equal(['o']);
  });

  it('model.apipeline(fn, { load: false }) is one EVALSHA and indexes what it changed', async () => {
    const m = await new P({ id: 'one', n: 1, name: 'x' }).asave();
    const { commands } = await countCommands(testServer().url, () =>
      m.apipeline(
        (x) => {
          x.n.iadd(41);
          x.name.iadd('yz');
        },
        { load: false },
      ),
    );
    expect(commands).to.deep.equal(['evalsha']);
    expect(pks(await P.afind({ where: { n: 42, name: 'xyz' } }))).to.deep.equal(['one']);
    await expectIndexExact(P);
  });

  it('rapyer.apipeline over several buckets: one EVALSHA (single server) or one per slot (Cluster)', async () => {
    const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const ms = await P.ainsert(...ids.map((id) => new P({ id })));
    const slots = new Set(ids.map((id) => keySlot(`QpItem#${bucketOf(id)}`)));
    const { commands } = await countCommands(testServer().url, () =>
      rapyer.apipeline(() => {
        for (const m of ms) m.n.iadd(3);
      }),
    );
    expect(commands).to.deep.equal(Array(testTopology() === 'single' ? 1 : slots.size).fill('evalsha'));
    expect(await P.acount({ where: { n: 3 } })).to.equal(ids.length);
    await expectIndexExact(P);
  });

  for (const cls of [P, PT]) {
    it(`a failed batch leaves every key of ${cls.modelName} as it was (index keys, values, expiry times)`, async () => {
      // Every model of the batch in one bucket (one hash slot: all or nothing on a Cluster too);
      // the bucket holds models before, and the batch creates one that did not exist.
      const [s1, s2, s3, fresh, ghost] = idsInBucket(5, 5, 'fb');
      const ms = await cls.ainsert(new cls({ id: s1!, n: 1, name: 'one' }), new cls({ id: s2!, n: 2, tags: ['t'] }), new cls({ id: s3!, n: 3 }));
      const before = await snapshotClass(cls.modelName);
      await sleep(5); // a refresh by the batch would move the expiry times
      await expectReject(
        rapyer.apipeline(async () => {
          ms[0]!.n.iadd(100);
          await ms[0]!.aupdate({ name: 'changed' });
          await ms[1]!.adelete();
          ms[2]!.f.iadd(0.5);
          await new cls({ id: fresh!, n: 9 }).asave();
          new cls({ id: ghost! }).n.iadd(1); // not stored: KeyNotFound in Lua, after the writes above
        }),
        KeyNotFound,
      );
      expectSameState(await snapshotClass(cls.modelName), before, 10);
      await expectIndexExact(cls);
      expect(pks(await cls.afind({ where: { n: { gte: 1 } } }))).to.deep.equal([s1, s2, s3].sort());
    });
  }

  it('a failed batch that first created a bucket leaves no key of it', async () => {
    const [fresh, ghost] = idsInBucket(9, 2, 'nb');
    await new P({ id: 'other', n: 1 }).asave(); // another bucket
    expect(bucketOf('other')).to.not.equal(9);
    const before = await snapshotClass('QpItem');
    await expectReject(
      rapyer.apipeline(async () => {
        await new P({ id: fresh!, n: 5 }).asave();
        new P({ id: ghost! }).n.iadd(1);
      }),
      KeyNotFound,
    );
    expect(await snapshotClass('QpItem')).to.deep.equal(before);
    expect(await testClient().exists('QpItem:{QpItem#9}:~all', 'QpItem:{QpItem#9}:~values', 'QpItem:{QpItem#9}:~index:n')).to.equal(0);
  });

  it('a lock whose lease ran out saves nothing: LockLostError, index unchanged', async () => {
    const m = await new P({ id: 'lk', n: 1 }).asave();
    const before = await snapshotClass('QpItem');
    await expectReject(
      m.alock('slow', { leaseMs: 50, saveAtEnd: true }, async (x) => {
        x.n.value = 2;
        await sleep(150);
      }),
      LockLostError,
    );
    expect(await snapshotClass('QpItem')).to.deep.equal(before);
    expect(pks(await P.afind({ where: { n: 1 } }))).to.deep.equal(['lk']);
  });
});
