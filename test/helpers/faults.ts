/**
 * Tools for the fault-injection tests: a server of the test's own with a named library
 * connection and an admin connection, Redis's own command counts, an accounting of operations
 * (resolved / rejected, by error class), and a redis-server the test can kill and start again
 * on the same port and directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis, type RedisOptions } from 'ioredis';
import { preloadScripts } from '../../src/runtime/connection.js';
import { closeAll } from './handles.js';
import { startServer, systemRedisBinary, type TestServer } from './server.js';

export interface FaultRig {
  readonly server: TestServer;
  /** The library's connection, named `name` (CLIENT LIST shows it). */
  readonly lib: Redis;
  /** The test's own connection: CONFIG, SCRIPT FLUSH, CLIENT KILL, assertions. */
  readonly admin: Redis;
  readonly name: string;
  close(): Promise<void>;
}

let rigs = 0;

/** Starts a server for one test, with the scripts preloaded on it (as init would). */
export async function faultRig(args: string[] = [], options: RedisOptions = {}): Promise<FaultRig> {
  const server = await startServer(args);
  rigs += 1;
  const name = `rapyer-fault-${rigs}`;
  const lib = new Redis(server.url, { connectionName: name, ...options });
  lib.on('error', () => {
    /* reconnects are expected in these tests */
  });
  const admin = new Redis(server.url);
  const close = () =>
    closeAll(
      () => lib.disconnect(),
      () => admin.disconnect(),
      () => server.stop(),
    );
  try {
    await preloadScripts(lib);
  } catch (e) {
    await close();
    throw e;
  }
  return { server, lib, admin, name, close };
}

/** The CLIENT LIST id of the connection named `name`, or null while it is not connected. */
export async function clientId(admin: Redis, name: string): Promise<string | null> {
  const list = String(await admin.client('LIST'));
  return new RegExp(`^id=(\\d+) [^\\n]*\\bname=${name}\\b`, 'm').exec(list)?.[1] ?? null;
}

export { commandCalls } from './server.js';

/** Counts settled operations, and their errors by class name. */
export class Tally {
  resolved = 0;
  rejected = 0;
  readonly errors = new Map<string, number>();
  readonly samples: string[] = [];

  track<T>(p: Promise<T>): Promise<void> {
    return p.then(
      () => {
        this.resolved += 1;
      },
      (e: unknown) => {
        this.rejected += 1;
        const name = e instanceof Error ? e.constructor.name : typeof e;
        this.errors.set(name, (this.errors.get(name) ?? 0) + 1);
        if (this.samples.length < 3) this.samples.push(e instanceof Error ? e.message : String(e));
      },
    );
  }

  errorNames(): string[] {
    return [...this.errors.keys()];
  }

  toString(): string {
    const errs = [...this.errors].map(([k, v]) => `${k} x${v}`).join(', ') || 'none';
    return `resolved ${this.resolved}, rejected ${this.rejected} (${errs})`;
  }
}

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface SpawnedRedis {
  readonly url: string;
  /** Kills the process (SIGKILL by default: no shutdown save) and waits for it to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Every process spawnRedis started and that has not exited, killed if the run itself exits. */
const spawned = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of spawned) child.kill('SIGKILL');
});

/**
 * A redis-server on a fixed port and directory, ready to accept connections (killed, and an
 * error, if it is not ready within 20 s).
 */
export async function spawnRedis(port: number, dir: string, args: string[] = []): Promise<SpawnedRedis> {
  const child: ChildProcess = spawn(systemRedisBinary(), ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', ...args], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  spawned.add(child);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      spawned.delete(child);
      resolve();
    }),
  );
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  let log = '';
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes('Ready to accept connections')) resolve();
      });
      void exited.then(() => reject(new Error(`redis-server exited (${child.exitCode}) before it was ready:\n${log}`)));
      timer = setTimeout(() => reject(new Error(`redis-server on port ${port} not ready after 20 s:\n${log}`)), 20000);
    });
  } catch (e) {
    await kill();
    throw e;
  } finally {
    clearTimeout(timer);
  }
  return { url: `redis://127.0.0.1:${port}`, kill };
}
