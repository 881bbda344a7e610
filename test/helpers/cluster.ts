/**
 * A throwaway Redis Cluster for the tests: system `redis-server` processes with
 * `--cluster-enabled yes` on free loopback ports, each with its own --dir in a temp folder.
 * Slots are assigned with CLUSTER ADDSLOTSRANGE, the nodes meet with CLUSTER MEET, replicas
 * follow their master with CLUSTER REPLICATE. Every process is stopped by its PID.
 * Never uses port 6379 (nor its bus port 16379).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { systemRedisBinary } from './server.js';

const HOST = '127.0.0.1';
const SLOTS = 16384;

export interface ClusterNode {
  readonly host: string;
  readonly port: number;
  readonly pid: number;
  /** The role given at startup (a fail-over may change it later). */
  readonly role: 'master' | 'replica';
}

export interface TestCluster {
  readonly nodes: readonly ClusterNode[];
  readonly startupNodes: readonly { host: string; port: number }[];
  /** Kills every process by its PID and removes the temp dirs. */
  stop(): Promise<void>;
  /** SIGKILLs one node's process and waits until it is gone. */
  kill(pid: number): Promise<void>;
}

export interface ClusterOptions {
  readonly masters?: number;
  /** Replicas per master. */
  readonly replicas?: 0 | 1;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, HOST, () => srv.close(() => resolve(true)));
  });
}

function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** A free port P whose cluster bus port P+10000 is free too (never 6379). */
async function freeClusterPort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const p = await anyFreePort();
    if (p + 10000 > 65535 || p === 6379 || taken.has(p) || taken.has(p + 10000)) continue;
    if (await canBind(p + 10000)) {
      taken.add(p);
      taken.add(p + 10000);
      return p;
    }
  }
  throw new Error('no free port pair (P, P+10000) found');
}

const children = new Map<number, ChildProcess>();
process.once('exit', () => {
  for (const pid of children.keys()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
});

function startNode(port: number, dir: string, replica: boolean): ChildProcess {
  const args = [
    '--port',
    String(port),
    '--bind',
    HOST,
    '--dir',
    dir,
    '--cluster-enabled',
    'yes',
    '--cluster-config-file',
    `nodes-${port}.conf`,
    '--cluster-node-timeout',
    '1000',
    '--save',
    '',
    '--appendonly',
    'no',
    '--daemonize',
    'no',
    '--loglevel',
    'warning',
    '--logfile',
    join(dir, 'redis.log'),
    '--repl-diskless-sync-delay',
    '0',
  ];
  // A replica may always fail over, however long ago it last heard from its master.
  if (replica) args.push('--cluster-replica-validity-factor', '0');
  const child = spawn(systemRedisBinary(), args, { stdio: 'ignore' });
  if (child.pid === undefined) throw new Error(`redis-server on port ${port} did not start`);
  children.set(child.pid, child);
  child.once('exit', () => children.delete(child.pid!));
  return child;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > end) throw new Error(`cluster: timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** `cluster_state:ok` and every node known (no handshake) on every given admin connection. */
export async function waitClusterOk(admins: readonly Redis[], total: number, timeoutMs = 20000): Promise<void> {
  await until(
    'cluster_state:ok on every node',
    async () => {
      for (const a of admins) {
        const info = await a.cluster('INFO');
        if (!/cluster_state:ok/.test(info)) return false;
        const nodes = String(await a.cluster('NODES'))
          .trim()
          .split('\n');
        if (nodes.length !== total || nodes.some((l) => /handshake|noaddr|fail/.test(l.split(' ')[2] ?? ''))) return false;
      }
      return true;
    },
    timeoutMs,
  );
}

/** Resolves when the process exits (never, while it runs). */
function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function waitExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => child.once('exit', () => resolve()));
}

export async function startCluster(options: ClusterOptions = {}): Promise<TestCluster> {
  const masters = options.masters ?? 3;
  const replicas = options.replicas ?? 0;
  const total = masters * (1 + replicas);
  const root = mkdtempSync(join(tmpdir(), 'rapyer-cluster-'));
  const taken = new Set<number>();
  const procs: { port: number; child: ChildProcess; role: 'master' | 'replica' }[] = [];
  const admins: Redis[] = [];
  const stop = async () => {
    for (const a of admins) a.disconnect();
    for (const p of procs) {
      try {
        process.kill(p.child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    await Promise.all(procs.map((p) => waitExit(p.child)));
    rmSync(root, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < total; i += 1) {
      const port = await freeClusterPort(taken);
      const dir = join(root, String(port));
      mkdirSync(dir);
      const role = i < masters ? 'master' : 'replica';
      procs.push({ port, child: startNode(port, dir, role === 'replica'), role });
    }
    for (const p of procs) {
      const admin = new Redis({ host: HOST, port: p.port, lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: null });
      admin.on('error', () => undefined); // refused until the process listens
      admins.push(admin);
    }
    await Promise.all(admins.map((a) => a.connect().catch(() => undefined)));
    await Promise.all(
      admins.map((a, i) =>
        Promise.race([
          until('PING', async () => (await a.ping()) === 'PONG'),
          exited(procs[i]!.child).then(() => {
            throw new Error(`redis-server on port ${procs[i]!.port} exited (port taken?)`);
          }),
        ]),
      ),
    );
    await assignSlots(admins.slice(0, masters));
    await Promise.all(procs.slice(1).map((p) => admins[0]!.cluster('MEET', HOST, p.port)));
    await waitClusterOk(admins.slice(0, masters), total);
    await attachReplicas(admins, masters, replicas);
    await waitClusterOk(admins, total);
  } catch (e) {
    await stop();
    throw e;
  }
  for (const a of admins) a.disconnect();
  admins.length = 0;
  return {
    nodes: procs.map((p) => ({ host: HOST, port: p.port, pid: p.child.pid!, role: p.role })),
    startupNodes: procs.slice(0, masters).map((p) => ({ host: HOST, port: p.port })),
    stop,
    async kill(pid: number) {
      const p = procs.find((x) => x.child.pid === pid);
      if (!p) throw new Error(`pid ${pid} is not a node of this cluster`);
      process.kill(pid, 'SIGKILL');
      await waitExit(p.child);
    },
  };
}

/** Splits the 16384 slots into equal ranges, one per master. */
async function assignSlots(masterAdmins: readonly Redis[]): Promise<void> {
  const n = masterAdmins.length;
  await Promise.all(
    masterAdmins.map((a, i) => {
      const from = Math.floor((SLOTS * i) / n);
      const to = Math.floor((SLOTS * (i + 1)) / n) - 1;
      return a.cluster('ADDSLOTSRANGE', from, to);
    }),
  );
}

/** Replica j of master i is node masters + i * replicas + j; it replicates its master and syncs. */
async function attachReplicas(admins: readonly Redis[], masters: number, replicas: number): Promise<void> {
  if (replicas === 0) return;
  const ids = await Promise.all(admins.slice(0, masters).map(async (a) => String(await a.cluster('MYID'))));
  await Promise.all(
    admins.slice(masters).map(async (a, k) => {
      const masterId = ids[Math.floor(k / replicas)]!;
      await until('the replica to know its master', async () => String(await a.cluster('NODES')).includes(masterId));
      await a.cluster('REPLICATE', masterId);
      await until('the replica link', async () => /master_link_status:up/.test(await a.info('replication')));
    }),
  );
}

/** The master connections of a Cluster client, once it is ready. */
export async function mastersOf(cluster: Cluster): Promise<Redis[]> {
  if (cluster.status !== 'ready') await new Promise<void>((resolve) => cluster.once('ready', () => resolve()));
  return cluster.nodes('master');
}

/** FLUSHALL on every master of a Cluster client (or on the one server of a Redis client). */
export async function flushEveryMaster(client: Redis | Cluster): Promise<void> {
  const nodes = client instanceof Cluster ? await mastersOf(client) : [client];
  await Promise.all(nodes.map((n) => n.flushall()));
}

export { commandCalls } from './server.js';

/** 'host:port' of a node connection, as ioredis names nodes in Cluster#slots. */
export function nodeKey(node: Redis): string {
  return `${node.options.host}:${node.options.port}`;
}
