/**
 * Throwaway Redis servers for the tests: redis-memory-server with the system `redis-server`
 * found on PATH, on a free loopback port. Tests never touch a server they did not start.
 */
import { execFileSync } from 'node:child_process';
import { RedisMemoryServer } from 'redis-memory-server';
import { Redis } from 'ioredis';
import { MarkerSender, MonitorStream, newMarkerId } from './monitor.js';

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
  return {
    host,
    port,
    url: `redis://${host}:${port}`,
    stop: async () => {
      await server.stop();
    },
  };
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
 *
 * No sleeps: a marker (`ECHO rapyer-mark-<random>-start|end`, sent on a connection of its own to
 * every monitored node) bounds the window. The start marker shown on a stream means the stream
 * is live; commands are counted from there. The end marker is sent only once `fn`'s promise has
 * settled, so every command `fn` awaited was answered, hence run, before the marker was sent:
 * Redis runs the marker after them, and a MONITOR stream shows a node's commands in the order
 * it runs them (each one as it runs, before its reply is written). So once every stream has
 * shown the end marker, it has shown everything `fn` sent.
 */
export async function countCommands(url: string, fn: () => Promise<unknown>): Promise<{ count: number; commands: string[] }> {
  const nodes = (await everyMaster(url)).map((u) => new URL(u));
  const id = newMarkerId();
  const start = `${id}-start`;
  const end = `${id}-end`;
  const isMarker = (args: readonly string[]) => (args.length === 2 && String(args[0]).toLowerCase() === 'echo' && args[1]!.startsWith(id) ? args[1]! : null);
  const commands: string[] = [];
  const streams: MonitorStream[] = [];
  const senders: MarkerSender[] = [];
  try {
    for (const n of nodes) {
      streams.push(
        await MonitorStream.open(n.hostname, Number(n.port), isMarker, (line, seen) => {
          const name = String(line.args[0]).toLowerCase();
          const inWindow = seen.has(start) && !seen.has(end);
          if (inWindow && line.source !== 'lua' && !HANDSHAKE.has(name)) commands.push(name);
        }),
      );
      senders.push(await MarkerSender.open(n.hostname, Number(n.port)));
    }
    await marked(streams, senders, start);
    await fn();
    await marked(streams, senders, end);
    return { count: commands.length, commands };
  } finally {
    for (const s of streams) s.close();
    for (const s of senders) s.close();
  }
}

/** Sends the marker to every node and waits until every MONITOR stream has shown it. */
async function marked(streams: readonly MonitorStream[], senders: readonly MarkerSender[], marker: string): Promise<void> {
  for (const s of senders) s.send(marker);
  await Promise.all(streams.map((s) => s.waitMarker(marker)));
}

/** This URL, or on a Cluster node the URL of every master. */
async function everyMaster(url: string): Promise<string[]> {
  const probe = new Redis(url, { retryStrategy: () => null });
  try {
    if (!/cluster_enabled:1/.test(await probe.info('cluster'))) return [url];
    return String(await probe.cluster('NODES'))
      .trim()
      .split('\n')
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
