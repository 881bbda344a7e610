/**
 * Fail-over on a real Redis Cluster (3 masters, one replica each): increments run while one
 * master's process is SIGKILLed; its replica is promoted; operations resume, including scripts
 * on the promoted node, which never saw SCRIPT LOAD (Redis 7 does not replicate the script
 * cache), so its first EVALSHA meets NOSCRIPT and the runner sends EVAL.
 *
 * What Redis guarantees: replication is asynchronous, so a write the master acknowledged may be
 * lost if the master dies before its replica got it. An increment therefore counts as durable
 * once it resolved AND a `WAIT 1 1000` sent afterwards on the same node connection confirmed
 * that the replica has it (or once it was sent to the promoted master). Every durable increment
 * must still be counted; no increment may be applied twice.
 */
import { expect } from 'chai';
import { Cluster, Redis } from 'ioredis';
import { defineModel, field } from '../src/index.js';
import { preloadScripts } from '../src/runtime/connection.js';
import { scriptSource } from '../src/runtime/scripts.js';
import { keySlot } from '../src/runtime/topology.js';
import { commandCalls, mastersOf, nodeKey, startCluster, type TestCluster } from './helpers/cluster.js';

class Counter extends defineModel('FailoverCounter', { name: field.str({ key: true }), n: field.int({ default: 0 }) }) {}

interface Tally {
  readonly counter: Counter;
  /** The master of the counter's slot before the fail-over ('host:port'). */
  readonly owner: string;
  /** Increments sent (each one call). */
  attempted: number;
  /** Increments whose promise resolved. */
  resolved: number;
  /** Resolved and durable: confirmed on the replica by WAIT, or sent after the promotion. */
  durable: number;
  /** Resolved, sent after the promotion was observed. */
  afterPromotion: number;
  /** Rejected: the outcome of such a call is unknown (it may or may not have applied). */
  failed: number;
  /** The values the resolved increments returned (distinct unless a write was lost). */
  readonly values: number[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Increments in a loop per counter until stopped, keeping the tallies. */
function incrementLoop(client: Cluster, tallies: readonly Tally[]) {
  const state = { running: true, promoted: false };
  // WAIT blocks the connection it is sent on, which the Cluster client shares for every command
  // to that node: send it only to the slot's first owner, never to the promoted node (it has no
  // replica left, so WAIT would hold that connection for its whole timeout).
  const replicated = async (t: Tally): Promise<boolean> => {
    const owner = client.slots[keySlot(t.counter.key)]?.[0];
    const conn = client.nodes('master').find((n) => nodeKey(n) === owner);
    if (!conn || owner !== t.owner) return false;
    // WAIT covers every earlier write sent on this connection, this increment included.
    return Number(await conn.wait(1, 1000).catch(() => 0)) >= 1;
  };
  const worker = async (t: Tally) => {
    while (state.running) {
      t.attempted += 1;
      const after = state.promoted;
      try {
        t.values.push(await t.counter.n.aincrease(1));
      } catch {
        t.failed += 1;
        await sleep(50);
        continue;
      }
      t.resolved += 1;
      if (after) t.afterPromotion += 1;
      if (after || (await replicated(t))) t.durable += 1;
    }
  };
  const workers = tallies.map(worker);
  return {
    state,
    async stop() {
      state.running = false;
      await Promise.all(workers);
    },
  };
}

/** An admin connection to the replica of a master (found through CLUSTER NODES). */
async function replicaOf(cluster: TestCluster, master: Redis): Promise<Redis> {
  const masterId = String(await master.cluster('MYID'));
  for (const n of cluster.nodes.filter((x) => x.role === 'replica')) {
    const admin = new Redis({ host: n.host, port: n.port });
    try {
      const myself = String(await admin.cluster('NODES'))
        .split('\n')
        .find((l) => l.includes('myself'))!;
      if (myself.split(' ')[3] === masterId) return admin;
    } catch (e) {
      admin.disconnect();
      throw e;
    }
    admin.disconnect();
  }
  throw new Error(`no replica of ${nodeKey(master)}`);
}

describe('fail-over on a Redis Cluster with one replica per master', function () {
  this.timeout(60000);
  let cluster: TestCluster;
  let client: Cluster;
  let replica: Redis | null = null;

  before(async () => {
    cluster = await startCluster({ masters: 3, replicas: 1 });
    client = new Cluster([...cluster.startupNodes], { redisOptions: { connectTimeout: 500 } });
    client.on('error', () => undefined);
    client.on('node error', () => undefined);
    Counter.Meta.redis = client;
    await preloadScripts(client);
  });

  after(async () => {
    Counter.Meta.redis = null;
    replica?.disconnect();
    client?.disconnect();
    await cluster?.stop();
  });

  it('keeps every durable increment, applies none twice, and resumes on the promoted replica', async () => {
    const masters = await mastersOf(client);
    const victim = nodeKey(masters[0]!);
    const victimPid = cluster.nodes.find((n) => `${n.host}:${n.port}` === victim)!.pid;
    replica = await replicaOf(cluster, masters[0]!);
    const incr = scriptSource('int/incr').sha;
    expect(await replica.script('EXISTS', incr), 'the replica has not the scripts').to.deep.equal([0]);
    await replica.config('RESETSTAT');

    // Four counters on every master.
    const ownerOf = (name: string) => client.slots[keySlot(`FailoverCounter:{${name}}`)]![0]!;
    const names = Array.from({ length: 400 }, (_v, i) => `c${i}`);
    const chosen = masters.flatMap((m) => names.filter((n) => ownerOf(n) === nodeKey(m)).slice(0, 4));
    const tallies: Tally[] = (await Promise.all(chosen.map((n) => new Counter({ name: n }).asave()))).map((counter) => ({
      counter,
      owner: ownerOf(counter.pk),
      attempted: 0,
      resolved: 0,
      durable: 0,
      afterPromotion: 0,
      failed: 0,
      values: [],
    }));
    const onVictim = tallies.filter((t) => t.owner === victim);
    expect(onVictim).to.have.length(4);

    const loop = incrementLoop(client, tallies);
    const promotedKey = `${replica.options.host}:${replica.options.port}`;
    let promotedAfter = -1;
    try {
      await until('durable increments on every counter', async () => tallies.every((t) => t.durable >= 20));
      const killedAt = Date.now();
      await cluster.kill(victimPid);
      await until(
        'the replica promoted and the cluster ok',
        async () => /role:master/.test(await replica!.info('replication')) && /cluster_state:ok/.test(String(await replica!.cluster('INFO'))),
      );
      client.refreshSlotsCache();
      await until('the client to route the slots to the promoted node', async () =>
        onVictim.every((t) => client.slots[keySlot(t.counter.key)]?.[0] === promotedKey),
      );
      loop.state.promoted = true;
      promotedAfter = Date.now() - killedAt;
      await until('increments on the promoted node', async () => onVictim.every((t) => t.afterPromotion >= 20));
    } finally {
      await loop.stop();
    }

    // Scripts ran on the promoted node: its first EVALSHA met NOSCRIPT and was sent with EVAL.
    expect(await commandCalls(replica, 'eval')).to.be.greaterThan(0);
    expect(await replica.script('EXISTS', incr)).to.deep.equal([1]);

    // A bulk read over every master, after the fail-over.
    const stored = (await Counter.afind(...tallies.map((t) => t.counter.key))).map((c) => c.n.value);
    tallies.forEach((t, i) => {
      const n = stored[i]!;
      expect(n, `${t.counter.key}: every durable increment is counted`).to.be.at.least(t.durable);
      // Applied twice, an increment would leave a value no call returned: only a rejected call
      // (applied or not, unknown) may account for such a gap.
      expect(n, `${t.counter.key}: no increment applied twice`).to.be.at.most(new Set(t.values).size + t.failed);
      if (t.owner !== victim) expect(n, `${t.counter.key} (its master stayed up)`).to.be.at.least(t.resolved);
    });
    const sum = (f: (t: Tally, stored: number) => number) => onVictim.reduce((s, t) => s + f(t, stored[tallies.indexOf(t)]!), 0);
    console.log(
      `      promoted ${promotedAfter} ms after the kill; on the killed master's counters: ` +
        `${sum((t) => t.resolved)} resolved, ${sum((t) => t.durable)} durable, ` +
        `${sum((t, n) => Math.max(0, t.resolved - n))} resolved but lost, ${sum((t) => t.failed)} rejected, ` +
        `${sum((t, n) => n - new Set(t.values).size)} applied without a reply`,
    );
  });
});
