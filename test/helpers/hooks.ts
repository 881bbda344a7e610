/**
 * Mocha root hooks: one Redis for the whole run (started here, stopped here), a client bound
 * with init(), and a clean database before each test. `TEST_TOPOLOGY=single` (the default)
 * starts one server; `TEST_TOPOLOGY=cluster` starts a 3-master Redis Cluster and binds an ioredis
 * Cluster client instead.
 */
import { Cluster, Redis } from 'ioredis';
import { init, teardown } from '../../src/index.js';
import { startServer, type TestServer } from './server.js';
import { flushEveryMaster, mastersOf, startCluster, type TestCluster } from './cluster.js';
import { assertNoDenials, libraryClientFor, refreshAclKeys } from './acl.js';
import { closeAll, reportIfStillRunning } from './handles.js';

export type TestTopology = 'single' | 'cluster';

/** The topology of this run, from TEST_TOPOLOGY (single|cluster; single when unset). */
export function testTopology(): TestTopology {
  const t = process.env.TEST_TOPOLOGY ?? 'single';
  if (t !== 'single' && t !== 'cluster') throw new Error(`TEST_TOPOLOGY must be single or cluster, got ${t}`);
  return t;
}

let server: TestServer | null = null;
let cluster: TestCluster | null = null;
let client: Redis | Cluster | null = null;

/**
 * The server of the run; on the cluster topology, its first master (a URL that reaches one
 * node only: countCommands monitors every master from it).
 */
export function testServer(): TestServer {
  if (server) return server;
  const first = cluster?.startupNodes[0];
  if (!first) throw new Error('the test server is not started');
  const url = `redis://${first.host}:${first.port}`;
  return {
    ...first,
    url,
    stop: async () => {
      throw new Error('the root hooks stop the test cluster');
    },
  };
}

export function testClient(): Redis | Cluster {
  if (!client) throw new Error('the test client is not connected');
  return client;
}

let library: Redis | Cluster | null = null;

/**
 * The client the library was given by init(): testClient() itself, or with TEST_ACL=1 a client
 * of the least-privilege ACL user (test/helpers/acl.ts); testClient() always stays the admin.
 */
export function libraryClient(): Redis | Cluster {
  return library ?? testClient();
}

/** The masters of the run: the one server, or every master of the cluster (for DBSIZE, KEYS, SCRIPT). */
export async function testMasters(): Promise<Redis[]> {
  const c = testClient();
  return c instanceof Cluster ? mastersOf(c) : [c];
}

/** Every key matching a pattern, on every master (KEYS on a Cluster client reaches one node). */
export async function allKeys(pattern = '*'): Promise<string[]> {
  return (await Promise.all((await testMasters()).map((m) => m.keys(pattern)))).flat();
}

/** The number of keys on every master together. */
export async function dbsizeAll(): Promise<number> {
  return (await Promise.all((await testMasters()).map((m) => m.dbsize()))).reduce((a, b) => a + b, 0);
}

/** SCRIPT FLUSH on every master. */
export async function scriptFlushAll(): Promise<void> {
  await Promise.all((await testMasters()).map((m) => m.script('FLUSH')));
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(60000);
    if (testTopology() === 'cluster') {
      cluster = await startCluster({ masters: 3, replicas: 0 });
      client = new Cluster([...cluster.startupNodes]);
    } else {
      server = await startServer();
      client = new Redis(server.url);
    }
    library = await libraryClientFor(client, server?.url ?? '', cluster?.startupNodes);
    await init({ redis: library });
  },
  async beforeEach() {
    await flushEveryMaster(client!);
    await refreshAclKeys(client!);
  },
  async afterAll() {
    // Every step runs whatever failed before it: a client left connected to a stopped server
    // reconnects forever and the run never exits.
    await closeAll(
      () => (client ? assertNoDenials(client) : undefined),
      () => teardown(),
      () => {
        if (library !== client) library?.disconnect();
      },
      () => client?.disconnect(),
      () => server?.stop(),
      () => cluster?.stop(),
      () => reportIfStillRunning(),
    );
  },
};
