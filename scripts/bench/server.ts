/**
 * The benchmark's Redis: REDIS_URL when set (nothing is started), otherwise an embedded
 * redis-server (redis-memory-server with the system binary) on a free loopback port, stopped
 * at the end, on Ctrl-C, on SIGTERM and on an uncaught error.
 */
import { execFileSync } from 'node:child_process';
import { startServer } from '../../test/helpers/server.js';

export interface BenchServer {
  readonly url: string;
  /** 'embedded' or 'REDIS_URL'. */
  readonly origin: string;
  stop(): Promise<void>;
}

let stopping: (() => Promise<void>) | null = null;
let interrupted = false;

/** True once Ctrl-C or SIGTERM arrived: the errors of the connection going away are expected. */
export function wasInterrupted(): boolean {
  return interrupted;
}

/** Stops the embedded server (if any) once; safe to call from signal handlers. */
export async function stopEmbedded(): Promise<void> {
  const stop = stopping;
  stopping = null;
  if (stop) await stop();
}

function onSignal(signal: NodeJS.Signals): void {
  interrupted = true;
  process.stderr.write(`\n${signal}: stopping the embedded Redis\n`);
  void stopEmbedded().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
}

export async function benchServer(): Promise<BenchServer> {
  const url = process.env.REDIS_URL;
  if (url) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    return { url, origin: 'REDIS_URL', stop: async () => {} };
  }
  const server = await startServer();
  stopping = () => server.stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return { url: server.url, origin: 'embedded', stop: stopEmbedded };
}

/** `redis-server --version` of the binary the embedded server uses, for the report. */
export function redisServerVersion(): string | null {
  try {
    const bin = process.env.REDIS_SERVER_BINARY ?? 'redis-server';
    return execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}
