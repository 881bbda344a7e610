/**
 * Fault injection: the library's connection is killed (CLIENT KILL) during concurrent
 * increments, and the server itself is killed and restarted (AOF, appendfsync always).
 *
 * The accounting: an operation whose promise resolved was applied exactly once; one that
 * rejected (ConnectionLostError: its reply was lost with the connection) was applied once or
 * not at all. So the stored counter is resolved + k, with 0 <= k <= rejected. ioredis by
 * default sends the commands whose replies were lost again after it reconnects, which applied
 * hundreds of increments twice in this test before the library turned that off (see
 * src/runtime/inflight.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import * as rapyer from '../src/index.js';
import { ConnectionLostError, defineModel, field } from '../src/index.js';
import { closeAll } from './helpers/handles.js';
import { checkInvariants } from './helpers/invariants.js';
import { Tally, clientId, commandCalls, faultRig, freePort, spawnRedis, type FaultRig } from './helpers/faults.js';

class KillCounter extends defineModel(
  'FaultKillCounter',
  {
    id: field.str({ key: true }),
    n: field.int({ default: 0 }),
  },
  { ttl: 3600 },
) {}

class RestartDoc extends defineModel(
  'FaultRestartDoc',
  {
    id: field.str({ key: true }),
    n: field.int({ default: 0 }),
    body: field.str({ default: '' }),
    tags: field.list(field.str()),
  },
  { ttl: 3600 },
) {}

/** Runs `total` operations on `workers` concurrent loops; `onProgress` sees every settlement. */
async function stream(total: number, workers: number, op: (i: number) => Promise<unknown>, tally: Tally, onProgress?: () => void): Promise<void> {
  let started = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (started < total) {
        const i = started;
        started += 1;
        await tally.track(op(i));
        onProgress?.();
      }
    }),
  );
}

describe('fault: CLIENT KILL of the library connection during concurrent increments', function () {
  this.timeout(120000);
  let rig: FaultRig;

  before(async () => {
    rig = await faultRig();
    KillCounter.Meta.redis = rig.lib;
  });
  after(async () => {
    KillCounter.Meta.redis = null;
    await rig?.close();
  });

  it('counts every resolved increment once; each rejected one is applied once or not at all', async () => {
    const c = await new KillCounter({ id: 'k' }).asave();
    expect(rig.lib.options.autoResendUnfulfilledCommands, 'the library turned resending off').to.equal(false);
    const tally = new Tally();
    const TOTAL = 30000;
    const EVERY = 1500;
    let kills = 0;
    let nextKill = EVERY;
    let killing: Promise<void> | null = null;
    const kill = async () => {
      const id = await clientId(rig.admin, rig.name);
      if (!id) return;
      const back = new Promise((resolve) => rig.lib.once('ready', resolve)); // reconnected
      await rig.admin.client('KILL', 'ID', id);
      kills += 1;
      await back;
    };
    // Kill whenever another EVERY operations settled: always while increments are in flight.
    await stream(
      TOTAL,
      200,
      () => c.n.aincrease(1),
      tally,
      () => {
        if (!killing && tally.resolved + tally.rejected >= nextKill) {
          nextKill += EVERY;
          killing = kill().finally(() => {
            killing = null;
          });
        }
      },
    );
    await killing;

    const final = (await KillCounter.aget('k')).n.value;
    const runs = (await commandCalls(rig.admin, 'evalsha')) - 2; // minus asave and aget
    const k = final - tally.resolved;
    console.log(
      `      kills ${kills}; ${TOTAL} increments: ${tally}; stored ${final} = resolved ${tally.resolved} + ${k} of the ${tally.rejected} rejected (the rest never ran); EVALSHA runs ${runs}`,
    );
    expect(kills).to.be.greaterThan(5);
    expect(tally.errorNames().filter((n) => n !== ConnectionLostError.name)).to.deep.equal([]);
    expect(k).to.be.within(0, tally.rejected);
    expect(runs, 'no increment ran twice').to.equal(final);
    expect(await checkInvariants(rig.lib, KillCounter)).to.deep.equal([]);
  });

  it('a killed connection during bulk pipelines: each call settles, none runs twice', async () => {
    const ids = Array.from({ length: 20 }, (_v, i) => `bulk${i}`);
    await rapyer.ainsert(...ids.map((id) => new KillCounter({ id })));
    const tally = new Tally();
    const before = await commandCalls(rig.admin, 'evalsha');
    let kills = 0;
    await stream(
      400,
      20,
      async (i) => {
        if (i % 40 === 20) {
          const id = await clientId(rig.admin, rig.name);
          if (id) {
            await rig.admin.client('KILL', 'ID', id);
            kills += 1;
          }
        }
        return rapyer.apipeline(async () => {
          for (const m of await KillCounter.afind(...ids.slice(0, 3))) m.n.iadd(1);
        });
      },
      tally,
    );
    const runs = (await commandCalls(rig.admin, 'evalsha')) - before;
    console.log(`      kills ${kills}; 400 pipelines over 3 models: ${tally}; EVALSHA runs ${runs}`);
    expect(tally.errorNames().filter((n) => n !== ConnectionLostError.name)).to.deep.equal([]);
    const stored = (await KillCounter.afind(...ids.slice(0, 3))).map((m) => m.n.value);
    for (const v of stored) expect(v - tally.resolved).to.be.within(0, tally.rejected);
    expect(await checkInvariants(rig.lib, KillCounter)).to.deep.equal([]);
  });

  it('reads in flight when the connection closes are sent again (reads only): none rejects', async () => {
    const c = await new KillCounter({ id: 'reads', n: 7 }).asave();
    const tally = new Tally();
    let kills = 0;
    let done = false;
    const killer = (async () => {
      while (!done) {
        await new Promise((r) => setTimeout(r, 30));
        const id = await clientId(rig.admin, rig.name);
        if (id && !done) {
          await rig.admin.client('KILL', 'ID', id).catch(() => 0);
          kills += 1;
        }
      }
    })();
    await stream(6000, 100, () => KillCounter.aget('reads').then((m) => expect(m.n.value).to.equal(7)), tally);
    done = true;
    await killer;
    console.log(`      kills ${kills}; 6000 reads: ${tally}`);
    expect(kills).to.be.greaterThan(2);
    expect(tally.rejected).to.equal(0);
    expect((await KillCounter.aget(c.pk)).n.value).to.equal(7);
  });

  it("settles the user's own in-flight command on the library's client too (no hang, no resend)", async () => {
    await new KillCounter({ id: 'own' }).asave(); // the client is the library's, prepared
    const id = await clientId(rig.admin, rig.name);
    const blocked = rig.lib.blpop('FaultKillCounter:{own}:nothing', 30).then(
      () => 'answered',
      (e: Error) => e.message,
    );
    // BLPOP is in flight on the server once CLIENT LIST shows the connection blocked in it
    // (asked again, round trip after round trip, rather than a sleep that may be too short).
    const inBlpop = new RegExp(`^id=${id} [^\\n]*\\bcmd=blpop\\b`, 'm');
    const until = Date.now() + 10000;
    while (!inBlpop.test(String(await rig.admin.client('LIST')))) {
      if (Date.now() > until) throw new Error('BLPOP never reached the server');
    }
    const back = new Promise((resolve) => rig.lib.once('ready', resolve));
    await rig.admin.client('KILL', 'ID', id!);
    expect(await blocked).to.equal('Connection is closed.');
    await back;
    expect(await rig.lib.ping()).to.equal('PONG');
  });
});

describe('fault: server restart with AOF (appendfsync always)', function () {
  this.timeout(120000);
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rapyer-aof-'));
  });
  after(async () => {
    RestartDoc.Meta.redis = null;
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps acknowledged writes, reconnects, and runs scripts again without a new init', async () => {
    const port = await freePort();
    const aof = ['--appendonly', 'yes', '--appendfsync', 'always'];
    let server = await spawnRedis(port, dir, aof);
    // The restart, once begun: the finally waits for it, so the server it starts is the one
    // killed there (not left running, which would keep the run from exiting).
    let restart: Promise<void> | null = null;
    const lib = new Redis({ port, host: '127.0.0.1', connectionName: 'rapyer-restart' });
    lib.on('error', () => {
      /* the restart drops the connection */
    });
    RestartDoc.Meta.redis = lib;
    try {
      // Acknowledged before the crash: saved models, increments, pipelines.
      const docs = await rapyer.ainsert(...Array.from({ length: 50 }, (_v, i) => new RestartDoc({ id: `d${i}`, body: `body ${i}`, tags: [`t${i}`] })));
      for (const d of docs)
        await d.apipeline(async (m) => {
          m.n.iadd(5);
          m.tags.append('x');
        });
      const c = await new RestartDoc({ id: 'counter' }).asave();
      const tally = new Tally();
      await stream(
        6000,
        100,
        () => c.n.aincrease(1),
        tally,
        () => {
          if (!restart && tally.resolved >= 2000) {
            restart = (async () => {
              await server.kill('SIGKILL');
              server = await spawnRedis(port, dir, aof);
            })();
          }
        },
      );
      expect(restart).to.not.equal(null);
      await restart;

      const admin = new Redis({ port, host: '127.0.0.1' });
      try {
        const stored = await RestartDoc.afind(...docs.map((d) => d.pk));
        expect(stored.map((m) => m.toJSON())).to.deep.equal(docs.map((_d, i) => ({ id: `d${i}`, n: 5, body: `body ${i}`, tags: [`t${i}`, 'x'] })));
        const final = (await RestartDoc.aget('counter')).n.value;
        const k = final - tally.resolved;
        console.log(`      restart after 2000 increments; 6000 increments: ${tally}; stored ${final} = resolved ${tally.resolved} + ${k} of the rejected`);
        expect(tally.errorNames().filter((n) => n !== ConnectionLostError.name)).to.deep.equal([]);
        expect(k).to.be.within(0, tally.rejected);
        // the new process had no scripts: they came back by the EVAL fallback, without init()
        expect(await commandCalls(admin, 'eval')).to.be.greaterThan(0);
        expect(await c.n.aincrease(1)).to.equal(final + 1);
        expect(await checkInvariants(lib, RestartDoc)).to.deep.equal([]);
      } finally {
        admin.disconnect();
      }
    } finally {
      lib.disconnect();
      await closeAll(
        () => restart,
        () => server.kill(),
      );
    }
  });
});
