/**
 * Start-up and shutdown as a user meets them: a second init, a wrong client or URL, an
 * unreachable server (connectTimeoutMs), teardown leaving nothing that keeps the process alive
 * (child processes that must exit by themselves), and the ioredis internals the library reads.
 * The root hooks called init() with the run's client: every test here that calls init with
 * something else restores it in `finally`.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Cluster, Redis } from 'ioredis';
import { ConnectionTimeoutError, UnsupportedArgumentError, defineModel, field, init, teardown } from '../src/index.js';
import { getDefaultClient } from '../src/runtime/connection.js';
import { keySlot, nodeGroupOf } from '../src/runtime/topology.js';
import { SCRIPT_NAMES, scriptSource } from '../src/runtime/scripts.js';
import { libraryClient, scriptFlushAll, testClient, testMasters, testServer, testTopology } from './helpers/hooks.js';
import { expectReject } from './helpers/reject.js';

const CHILD = fileURLToPath(new URL('./fixtures/init-child.ts', import.meta.url));
const InitThing = defineModel('InitThing', { n: field.int({ default: 0 }) });

/** A loopback port nothing listens on (listened on, then closed). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

interface ChildResult {
  code: number | null;
  killed: boolean;
  ms: number;
  outputAt: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs test/fixtures/init-child.ts; kills it (killed: true) if it has not exited within limitMs.
 * outputAt: ms from the start to its last output (its last step done).
 */
function runChild(args: string[], limitMs: number): Promise<ChildResult> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let outputAt = -1;
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    outputAt = Date.now() - started;
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, limitMs);
  return new Promise((resolve, reject) => {
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, killed, ms: Date.now() - started, outputAt, stdout, stderr });
    });
  });
}

/** A pk whose InitChildTiny key lives on the node of testServer() (any pk on a single server). */
function pkOnTestServer(): string {
  const client = testClient();
  if (!(client instanceof Cluster)) return 'p1';
  const { host, port } = testServer();
  for (let i = 0; i < 10_000; i += 1) {
    if (client.slots[keySlot(`InitChildTiny:{p${i}}`)]?.[0] === `${host}:${port}`) return `p${i}`;
  }
  throw new Error('no pk found on the first master');
}

async function connectionsReceived(admin: Redis): Promise<number> {
  return Number(/total_connections_received:(\d+)/.exec(await admin.info('stats'))?.[1]);
}

describe('init and teardown', () => {
  describe('a second init', () => {
    it('replaces the first, closing the connection the first opened from a URL, never a client the caller gave', async () => {
      try {
        await init({ redis: testServer().url });
        const first = getDefaultClient()!;
        await init({ redis: testServer().url });
        const second = getDefaultClient()!;
        expect(second).to.not.equal(first);
        expect(first.status).to.equal('end');
        await init({ redis: libraryClient() });
        expect(getDefaultClient()).to.equal(libraryClient());
        expect(second.status).to.equal('end');
        await teardown();
        expect(getDefaultClient()).to.equal(null);
        expect(libraryClient().status).to.equal('ready');
      } finally {
        await init({ redis: libraryClient() });
      }
      await new InitThing({}).asave();
    });

    it('with the same client preloads the scripts again', async () => {
      await scriptFlushAll();
      await init({ redis: libraryClient() });
      for (const m of await testMasters()) {
        expect(await m.script('EXISTS', ...SCRIPT_NAMES.map((n) => scriptSource(n).sha))).to.deep.equal(SCRIPT_NAMES.map(() => 1));
      }
      expect(getDefaultClient()).to.equal(libraryClient());
    });

    it('that fails leaves the first in place', async () => {
      await expectReject(init({ redis: `redis://127.0.0.1:${await closedPort()}`, connectTimeoutMs: 300 }), ConnectionTimeoutError);
      expect(getDefaultClient()).to.equal(libraryClient());
      await new InitThing({}).asave();
    });
  });

  describe('wrong input is a typed error at once, before any I/O', () => {
    class RedisClient {
      // the shape of a node-redis client: sendCommand and evalSha, no evalsha/pipeline/options
      sendCommand(): void {}
      evalSha(): void {}
      on(): void {}
    }
    const cases: [string, unknown, RegExp][] = [
      ['null', null, /got null$/],
      ['undefined', undefined, /got undefined$/],
      ['a number', 6379, /got the number 6379$/],
      ['a plain object', { host: '127.0.0.1', port: 6379 }, /got a plain object with keys host, port$/],
      ['a node-redis client', new RedisClient(), /got a RedisClient \(it has sendCommand: a node-redis client\?/],
      ['a function', Redis, /got a function \(Redis\)$/],
    ];
    for (const [what, value, message] of cases) {
      it(`init({ redis: ${what} }) throws UnsupportedArgumentError naming it`, async () => {
        const started = Date.now();
        const e = await expectReject(init({ redis: value as Redis }), UnsupportedArgumentError, message);
        expect(e.message).to.match(/^init: redis must be an ioredis Redis or Cluster client/);
        expect(Date.now() - started).to.be.below(200);
        expect(getDefaultClient()).to.equal(libraryClient());
      });
    }

    it('a string that is not a redis:// or rediss:// URL opens no connection', async () => {
      const admin = new Redis(testServer().url);
      try {
        const before = await connectionsReceived(admin);
        const { host, port } = testServer();
        for (const [url, message] of [
          [`http://${host}:${port}`, /"http:\/\/.*" has the scheme http:; expected redis:\/\/ or rediss:\/\//],
          [`localhost:${port}`, /"localhost:\d+" has the scheme localhost:/],
          ['not a url', /"not a url" is not a URL/],
          [`redis://:secret@${host}:${port}/db`, /"redis:\/\/:\*\*\*@.*": the path must be a database number/],
        ] as const) {
          const started = Date.now();
          const e = await expectReject(init({ redis: url }), UnsupportedArgumentError, message);
          expect(e.message).to.not.contain('secret');
          expect(Date.now() - started).to.be.below(200);
        }
        expect(await connectionsReceived(admin)).to.equal(before);
        expect(getDefaultClient()).to.equal(libraryClient());
      } finally {
        admin.disconnect();
      }
    });

    it('a closed client, a missing options object or a bad connectTimeoutMs throws UnsupportedArgumentError', async () => {
      const closed = new Redis(testServer().url);
      try {
        const ended = new Promise((r) => closed.once('end', r));
        await closed.quit();
        await ended;
        await expectReject(init({ redis: closed }), UnsupportedArgumentError, /closed client/);
      } finally {
        closed.disconnect();
      }
      await expectReject(init(undefined as never), UnsupportedArgumentError, /expected an options object \{ redis \}, got undefined/);
      for (const t of [0, -1, 1.5, Number.NaN, '500', 2 ** 31]) {
        await expectReject(
          init({ redis: libraryClient(), connectTimeoutMs: t as number }),
          UnsupportedArgumentError,
          /connectTimeoutMs must be a whole number/,
        );
      }
    });

    it('a wrong Meta.redis throws UnsupportedArgumentError naming the model at its first operation', async () => {
      const Own = defineModel('InitOwnClient', { n: field.int({ default: 0 }) });
      Own.Meta.redis = { host: 'x' } as unknown as Redis;
      await expectReject(new Own({}).asave(), UnsupportedArgumentError, /^InitOwnClient: Meta\.redis must be an ioredis .*got a plain object with keys host$/);
      Own.Meta.redis = 5 as unknown as Redis;
      await expectReject(Own.aget('x'), UnsupportedArgumentError, /got the number 5$/);
    });
  });

  describe('connectTimeoutMs', () => {
    it('with nothing listening, init from a URL rejects with ConnectionTimeoutError within about the timeout', async () => {
      const started = Date.now();
      const e = await expectReject(init({ redis: `redis://127.0.0.1:${await closedPort()}`, connectTimeoutMs: 500 }), ConnectionTimeoutError, /within 500 ms/);
      expect(e.message).to.match(/ECONNREFUSED/);
      expect(Date.now() - started).to.be.within(450, 1200);
      expect(getDefaultClient()).to.equal(libraryClient());
    });

    it('a client the caller gave that cannot connect: rejects in time, is not closed, and holds no queued command of ours', async () => {
      const client = new Redis(`redis://127.0.0.1:${await closedPort()}`, { lazyConnect: true });
      client.on('error', () => {
        /* expected: nothing listens */
      });
      try {
        const started = Date.now();
        await expectReject(init({ redis: client, connectTimeoutMs: 400 }), ConnectionTimeoutError, /within 400 ms/);
        expect(Date.now() - started).to.be.below(1200);
        expect(client.status).to.not.equal('end');
        expect((client as unknown as { offlineQueue: { length: number } }).offlineQueue.length).to.equal(0);
        expect(getDefaultClient()).to.equal(libraryClient());
      } finally {
        client.disconnect();
      }
    });
  });

  describe('a process exits by itself', function () {
    this.timeout(20000);
    it('after init from a URL, one save and teardown', async () => {
      const pk = pkOnTestServer();
      const r = await runChild(['save', testServer().url, pk], 8000);
      expect(r, r.stderr).to.include({ killed: false, code: 0 });
      expect(r.stdout).to.equal('saved\n');
      expect(await testClient().exists(`InitChildTiny:{${pk}}`)).to.equal(1);
    });

    it('after two inits from a URL, one save and teardown (the first connection is not leaked)', async () => {
      const r = await runChild(['twice', testServer().url, pkOnTestServer()], 8000);
      expect(r, r.stderr).to.include({ killed: false, code: 0 });
      expect(r.stdout).to.equal('saved\n');
    });

    it('after init from a URL nothing listens on rejects with ConnectionTimeoutError', async () => {
      const r = await runChild(['unreachable', `redis://127.0.0.1:${await closedPort()}`], 8000);
      expect(r, r.stderr).to.include({ killed: false, code: 0 });
      expect(r.stdout).to.match(/^timeout after \d+ ms\n$/);
      expect(Number(/(\d+) ms/.exec(r.stdout)?.[1])).to.be.within(450, 1200);
      expect(r.ms - r.outputAt, 'ms from the rejection to the exit').to.be.below(1000);
    });
  });

  describe('the ioredis internals the library reads', () => {
    it('a Redis client keeps the unanswered commands of a closed connection in prevCommandQueue (inflight.ts)', async () => {
      const admin = new Redis(testServer().url);
      const client = new Redis(testServer().url, { autoResendUnfulfilledCommands: false });
      client.on('error', () => {
        /* the kill below */
      });
      try {
        const id = Number(await client.client('ID'));
        const blocked = client.call('WAIT', '1', '0').then(
          () => 'answered',
          (e: Error) => e.message,
        ); // no replica: waits forever
        const seen = new Promise<{ length: number; names: string[] }>((resolve) => {
          client.once('close', () => {
            const q = (
              client as unknown as { prevCommandQueue?: { length: number; shift(): { command: { name: string; reject(e: Error): void } } | undefined } | null }
            ).prevCommandQueue;
            const length = q?.length ?? -1;
            const names: string[] = [];
            for (let item = q?.shift(); item; item = q?.shift()) {
              names.push(item.command.name.toLowerCase());
              item.command.reject(new Error('rejected from prevCommandQueue'));
            }
            resolve({ length, names });
          });
        });
        await new Promise((r) => setTimeout(r, 50));
        await admin.client('KILL', 'ID', String(id));
        expect(await seen).to.deep.equal({ length: 1, names: ['wait'] });
        expect(await blocked).to.equal('rejected from prevCommandQueue');
      } finally {
        client.disconnect();
        admin.disconnect();
      }
    });

    if (testTopology() === 'cluster') {
      it('a Cluster client groups the slots of each master in _groupsBySlot (topology.ts nodeGroupOf)', () => {
        const cluster = testClient() as Cluster;
        const groups = (cluster as unknown as { _groupsBySlot?: unknown[] })._groupsBySlot;
        expect(groups).to.be.an('array').with.length(16384);
        const masterOfGroup = new Map<unknown, string>();
        for (let slot = 0; slot < 16384; slot += 1) {
          expect(groups![slot], `slot ${slot}`).to.be.a('number');
          expect(nodeGroupOf(cluster, slot)).to.equal(`group ${String(groups![slot])}`);
          const master = cluster.slots[slot]![0]!;
          expect(masterOfGroup.get(groups![slot]) ?? master, `slot ${slot}`).to.equal(master);
          masterOfGroup.set(groups![slot], master);
        }
        expect(new Set(masterOfGroup.values()).size).to.equal(3);
      });
    }
  });
});
