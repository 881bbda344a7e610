/**
 * What the `rapyer-ts` commands share: their error type (exit 1 or 2), the --url parsing, and a
 * connection that becomes a Cluster client when the server says it is one.
 */
import { Redis, Cluster, type RedisOptions } from 'ioredis';
import { ConnectionLostError } from '../errors.js';

/** A usage error (exit 2) or a failure (exit 1), reported as one clear line. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: 1 | 2,
  ) {
    super(message);
  }
}

/** Checks a --url value and turns it into ioredis options (connect timeout, no retries). */
export function connectionOptions(command: string, url: string | undefined, timeoutMs: number): { host: string; port: number; options: RedisOptions } {
  if (!url) throw new CliError(`${command} needs --url redis://host:port (or REDIS_URL)`, 2);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new CliError(`invalid --url ${JSON.stringify(url)}: expected redis://host:port`, 2);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new CliError(`invalid --url ${JSON.stringify(url)}: the scheme must be redis:// or rediss://`, 2);
  if (!u.hostname) throw new CliError(`invalid --url ${JSON.stringify(url)}: no host`, 2);
  const port = u.port ? Number(u.port) : 6379;
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new CliError(`invalid --url ${JSON.stringify(url)}: the database must be a number`, 2);
  const options: RedisOptions = {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    db,
    connectTimeout: timeoutMs,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
  return { host: options.host!, port, options };
}

export function describeError(e: unknown): string {
  const err = e as { code?: string; message?: string };
  if (err.code === 'ECONNREFUSED') return 'connection refused (ECONNREFUSED): is a Redis server listening there?';
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return `unknown host (${err.code})`;
  if (err.code === 'ETIMEDOUT' || /timeout/i.test(err.message ?? '')) return `connect timed out (${err.message ?? 'ETIMEDOUT'})`;
  return err.message ?? String(e);
}

/** disconnect(), except on a client that already ended (ioredis would then wait disconnectTimeout). */
export function close(client: Redis | Cluster): void {
  if (client.status !== 'end') client.disconnect();
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_r, reject) => {
    timer = setTimeout(() => reject(new ConnectionLostError(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** Connects, and switches to a Cluster client when the server says it is one. */
export async function connectTo(url: string, host: string, port: number, options: RedisOptions, timeoutMs: number): Promise<Redis | Cluster> {
  const single = new Redis(options);
  let socketError: unknown = null;
  single.on('error', (e: unknown) => {
    socketError ??= e;
  });
  try {
    await withTimeout(single.connect(), timeoutMs, 'connect').catch((e: unknown) => {
      throw socketError ?? e;
    });
    const info = await single.info('cluster');
    if (!/cluster_enabled:1/.test(info)) return single;
  } catch (e) {
    close(single);
    throw new CliError(`cannot connect to ${url}: ${describeError(e)}`, 1);
  }
  close(single);
  const { host: _h, port: _p, lazyConnect: _l, retryStrategy: _r, enableOfflineQueue: _q, db: _d, ...redisOptions } = options;
  const cluster = new Cluster([{ host, port }], { redisOptions, lazyConnect: true, enableOfflineQueue: false, clusterRetryStrategy: () => null });
  let clusterError: unknown = null;
  cluster.on('error', (e: unknown) => {
    clusterError ??= e;
  });
  try {
    await withTimeout(cluster.connect(), timeoutMs, 'cluster connect').catch((e: unknown) => {
      throw clusterError ?? e;
    });
  } catch (e) {
    close(cluster);
    throw new CliError(`cannot connect to the cluster at ${url}: ${describeError(e)}`, 1);
  }
  return cluster;
}

/** Parses --url and connects (a Cluster client when the server is one); `shown` hides the password. */
export async function openClient(command: string, url: string | undefined, timeoutMs: number): Promise<{ client: Redis | Cluster; shown: string }> {
  const { host, port, options } = connectionOptions(command, url, timeoutMs);
  const shown = url!.replace(/\/\/[^@/]*@/, '//***@');
  return { client: await connectTo(shown, host, port, options, timeoutMs), shown };
}

/** Writes to stdout (an EPIPE, when the reader went away, is handled in main). */
export function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}
