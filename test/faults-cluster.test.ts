/**
 * Fault injection on a Cluster: the library's connection to one master is killed
 * (CLIENT KILL) during concurrent increments. An ioredis Cluster, by default, sends again every
 * command of a node connection that closed, whether Redis ran it or not; the library turns that
 * off (src/runtime/inflight.ts), so the accounting of faults-connection.test.ts holds here too:
 * stored = resolved + k with 0 <= k <= rejected, and Redis ran the script exactly `stored` times.
 */
import { expect } from 'chai';
import { Cluster, Redis } from 'ioredis';
import { ConnectionLostError, defineModel, field } from '../src/index.js';
import { preloadScripts } from '../src/runtime/connection.js';
import { keySlot } from '../src/runtime/topology.js';
import { startCluster, mastersOf, nodeKey, type TestCluster } from './helpers/cluster.js';
import { Tally, clientId, commandCalls } from './helpers/faults.js';

class NodeKillCounter extends defineModel('FaultNodeKillCounter', {
  id: field.str({ key: true }),
  n: field.int({ default: 0 }),
}) {}

describe('fault: CLIENT KILL of a cluster node connection during concurrent increments', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let lib: Cluster;
  const name = 'rapyer-fault-cluster';

  before(async () => {
    cluster = await startCluster({ masters: 3, replicas: 0 });
    lib = new Cluster([...cluster.startupNodes], { redisOptions: { connectionName: name } });
    lib.on('error', () => {
      /* reconnects are expected */
    });
    await preloadScripts(lib);
    NodeKillCounter.Meta.redis = lib;
  });
  after(async () => {
    NodeKillCounter.Meta.redis = null;
    lib?.disconnect();
    await cluster?.stop();
  });

  it('counts every resolved increment once; each rejected one is applied once or not at all', async () => {
    const c = await new NodeKillCounter({ id: 'k' }).asave();
    expect(lib.options.retryDelayOnFailover, 'the library turned the fail-over resend off').to.equal(0);
    const owner = (await mastersOf(lib)).find((m) => nodeKey(m) === lib.slots[keySlot(c.key)]![0])!;
    const admin = new Redis(owner.options.port!, owner.options.host!);
    try {
      await admin.config('RESETSTAT');
      const tally = new Tally();
      let kills = 0;
      let done = false;
      const killer = (async () => {
        while (!done) {
          await new Promise((r) => setTimeout(r, 40));
          const id = await clientId(admin, name);
          if (id && !done) {
            await admin.client('KILL', 'ID', id).catch(() => 0);
            kills += 1;
          }
        }
      })();
      let started = 0;
      const TOTAL = 20000;
      await Promise.all(
        Array.from({ length: 200 }, async () => {
          while (started < TOTAL) {
            started += 1;
            await tally.track(c.n.aincrease(1));
          }
        }),
      );
      done = true;
      await killer;
      const final = (await NodeKillCounter.aget('k')).n.value;
      const runs = (await commandCalls(admin, 'evalsha')) + (await commandCalls(admin, 'eval')) - 1; // minus aget
      const k = final - tally.resolved;
      console.log(
        `      kills ${kills}; ${TOTAL} increments: ${tally}; stored ${final} = resolved ${tally.resolved} + ${k} of the ${tally.rejected} rejected; script runs ${runs}`,
      );
      expect(kills).to.be.greaterThan(3);
      expect(tally.errorNames().filter((n) => n !== ConnectionLostError.name)).to.deep.equal([]);
      expect(k).to.be.within(0, tally.rejected);
      expect(runs, 'no increment ran twice').to.equal(final);
    } finally {
      admin.disconnect();
    }
  });
});
