/**
 * Throwaway Redis servers for the tests: redis-memory-server with the system `redis-server`
 * found on PATH, on a free loopback port. Tests never touch a server they did not start.
 */
import { execFileSync } from 'node:child_process';
import { RedisMemoryServer } from 'redis-memory-server';
import { Redis } from 'ioredis';

export function systemRedisBinary(): string {
  const fromEnv = process.env.REDIS_SERVER_BINARY;
  if (fromEnv) return fromEnv;
  try {
    return execFileSync('which', ['redis-server'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('redis-server is not on PATH: install it (Debian: apt-get install redis-server)');
  }
}

export interface TestServer {
  readonly host: string;
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
}

export async function startServer(args: string[] = []): Promise<TestServer> {
  const server = await RedisMemoryServer.create({
    binary: { systemBinary: systemRedisBinary() },
    instance: { args: ['--save', '', '--appendonly', 'no', ...args] },
  });
  const host = await server.getHost();
  const port = await server.getPort();
  return { host, port, url: `redis://${host}:${port}`, stop: async () => { await server.stop(); } };
}

/**
 * Commands a connection sends when it opens (ioredis's ready check and hand-shake; on a Cluster,
 * its slot refresh), never as part of an operation: other connections of a run open at any time
 * (seen on the cluster topology under CI load), so they are not counted.
 */
const HANDSHAKE = new Set(['info', 'hello', 'auth', 'client', 'select', 'cluster']);

/**
 * Counts the commands clients send (not those scripts run) while `fn` runs, with MONITOR. Given
 * a node of a Redis Cluster, it monitors every master (MONITOR sees one node only).
 */
export async function countCommands(url: string, fn: () => Promise<unknown>): Promise<{ count: number; commands: string[] }> {
  const watchers = (await everyMaster(url)).map((u) => new Redis(u));
  const commands: string[] = [];
  const monitors = await Promise.all(watchers.map(async (watcher) => {
    watcher.on('error', () => { /* reported by the assertions, not as an uncaught error */ });
    const monitor = await watcher.monitor();
    // A MONITOR line that races the connection's own ready check makes ioredis emit a "command
    // queue state" error on this connection (seen once under CI load): it is not the test's.
    monitor.on('error', () => {});
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      const name = String(args[0]).toLowerCase();
      if (source !== 'lua' && !HANDSHAKE.has(name)) commands.push(name);
    });
    return monitor;
  }));
  await new Promise((r) => setTimeout(r, 50));
  await fn();
  await new Promise((r) => setTimeout(r, 100));
  for (const m of monitors) m.disconnect();
  for (const w of watchers) w.disconnect();
  return { count: commands.length, commands };
}

/** This URL, or on a Cluster node the URL of every master. */
async function everyMaster(url: string): Promise<string[]> {
  const probe = new Redis(url);
  try {
    if (!/cluster_enabled:1/.test(await probe.info('cluster'))) return [url];
    return String(await probe.cluster('NODES')).trim().split('\n')
      .map((line) => line.split(' '))
      .filter((f) => /master/.test(f[2] ?? '') && !/fail/.test(f[2] ?? ''))
      .map((f) => `redis://${f[1]!.split('@')[0]}`);
  } finally {
    probe.disconnect();
  }
}

/** How many times Redis ran a command (INFO commandstats), e.g. 'evalsha', 'eval'. */
export async function commandCalls(node: Redis, command: string): Promise<number> {
  const info = String(await node.info('commandstats'));
  return Number(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(info)?.[1] ?? 0);
}
