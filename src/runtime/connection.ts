/**
 * init() / teardown(): the default client, and the preload of every script on every master in
 * one round trip per node. Redis older than 7.0 is refused. What a second init, a wrong client,
 * an unreachable server and teardown do is described in the README (init and teardown).
 *
 * `Redis` is the one value import of ioredis here: a URL needs a client made with the app's
 * ioredis (a peer dependency); a client the caller gives is recognised by its shape, not by
 * `instanceof`, so it may come from any copy of ioredis.
 */
import { Redis } from 'ioredis';
import { SCRIPT_NAMES, scriptSource } from './scripts.js';
import { masters, type Client } from './client.js';
import { ConnectionTimeoutError, RedisError, ScriptsNotInitializedError, UnsupportedArgumentError, fromScriptError, show } from '../errors.js';
import { isPrepared, prepareClient } from './inflight.js';

/** How long init waits, by default, for the server to answer and the scripts to be loaded. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

interface Installed {
  readonly client: Client;
  /** Opened by init from a URL: the library closes it. A client the caller gave stays theirs. */
  readonly owned: boolean;
}

let current: Installed | null = null;
/** Bumped by every init and teardown call: the one called last wins. */
let calls = 0;
/** The call number of the init or teardown whose effect is in place. */
let installedCall = 0;
/** Connections opened from a URL by an init still running (teardown closes them). */
const opening = new Set<Redis>();

export function getDefaultClient(): Client | null {
  return current?.client ?? null;
}

/** Loads every script on one node in one round trip, checking the server version. */
export async function preloadNode(node: Redis): Promise<string[]> {
  const pipe = node.pipeline();
  pipe.info('server');
  for (const name of SCRIPT_NAMES) pipe.script('LOAD', scriptSource(name).lua);
  const replies =
    (await pipe.exec().catch((e: unknown) => {
      throw fromScriptError(e, 'init: INFO and SCRIPT LOAD');
    })) ?? [];
  const [infoErr, info] = replies[0] ?? [];
  if (infoErr) throw fromScriptError(infoErr, 'init: INFO server');
  const version = /redis_version:(\d+)\.(\d+)/.exec(String(info));
  if (!version || Number(version[1]) < 7) {
    throw new UnsupportedArgumentError(`rapyer-ts needs Redis 7.0 or newer; this server is ${version ? `${version[1]}.${version[2]}` : 'unknown'}`);
  }
  return SCRIPT_NAMES.map((name, i) => {
    const [err, sha] = replies[i + 1] ?? [];
    if (err) throw fromScriptError(err, `init: SCRIPT LOAD of ${name}`);
    if (sha !== scriptSource(name).sha) throw new RedisError(`SCRIPT LOAD of ${name} answered ${String(sha)}, expected ${scriptSource(name).sha}`);
    return String(sha);
  });
}

/** Preloads every script on every master of the client. */
export async function preloadScripts(client: Client): Promise<void> {
  await Promise.all((await masters(client)).map(preloadNode));
}

/** A URL with its password hidden, for error messages. */
function redact(url: string): string {
  return url.replace(/\/\/([^@/]*):([^@/]*)@/, '//$1:***@');
}

/** What a wrong `redis` argument is, in words (never its contents: it may hold a password). */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'string') return `the string ${show(redact(value))}`;
  if (typeof value === 'function') return `a function${value.name ? ` (${value.name})` : ''}`;
  if (typeof value !== 'object') return `the ${typeof value} ${show(value)}`;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    const keys = Object.keys(value).slice(0, 5);
    return keys.length > 0 ? `a plain object with keys ${keys.join(', ')}` : 'an empty plain object';
  }
  const name = (value as { constructor?: { name?: string } }).constructor?.name || 'object';
  const nodeRedis = typeof (value as { sendCommand?: unknown }).sendCommand === 'function';
  return `a ${name}${nodeRedis ? ' (it has sendCommand: a node-redis client? rapyer-ts runs on ioredis)' : ''}`;
}

/** Whether a value has the shape of an ioredis Redis or Cluster (of any copy of ioredis). */
function isIoredisClient(value: unknown): value is Client {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  const common =
    typeof c.evalsha === 'function' &&
    typeof c.pipeline === 'function' &&
    typeof c.on === 'function' &&
    typeof c.status === 'string' &&
    typeof c.options === 'object' &&
    c.options !== null;
  if (!common) return false;
  return c.isCluster === true ? typeof c.nodes === 'function' : typeof c.script === 'function';
}

/** Throws UnsupportedArgumentError, before any I/O, unless the value is an ioredis client. */
export function assertClient(value: unknown, where: string): asserts value is Client {
  if (!isIoredisClient(value)) {
    throw new UnsupportedArgumentError(`${where} must be an ioredis Redis or Cluster client (or a redis:// URL); got ${describeValue(value)}`);
  }
}

/** Throws UnsupportedArgumentError unless the string is a redis:// or rediss:// URL. */
function checkUrl(url: string): void {
  const shown = show(redact(url));
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UnsupportedArgumentError(`init: redis ${shown} is not a URL; expected redis://host:port or rediss://host:port`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new UnsupportedArgumentError(
      `init: redis ${shown} has the scheme ${u.protocol}; expected redis:// or rediss:// (for a unix socket, pass a client: new Redis({ path }))`,
    );
  }
  if (!u.hostname) throw new UnsupportedArgumentError(`init: redis ${shown} has no host`);
  if (u.pathname.length > 1 && !/^\/\d+$/.test(u.pathname)) {
    throw new UnsupportedArgumentError(`init: redis ${shown}: the path must be a database number (redis://host:port/0)`);
  }
}

export interface ConnectionOptions {
  /** An ioredis Redis or Cluster (it stays yours), or a redis:// or rediss:// URL (the library opens and closes that connection). */
  readonly redis: Client | string;
  /** How long init waits for the server to answer and the scripts to load (ms; default 10,000). */
  readonly connectTimeoutMs?: number;
}

function checkOptions(options: unknown): { redis: Client | string; timeoutMs: number } {
  if (typeof options !== 'object' || options === null) {
    throw new UnsupportedArgumentError(`init: expected an options object { redis }, got ${describeValue(options)}`);
  }
  const { redis, connectTimeoutMs } = options as { redis?: unknown; connectTimeoutMs?: unknown };
  if (typeof redis === 'string') checkUrl(redis);
  else assertClient(redis, 'init: redis');
  if (typeof redis !== 'string' && redis.status === 'end') {
    throw new UnsupportedArgumentError('init: redis is a closed client (quit() or disconnect() was called on it)');
  }
  const timeoutMs = connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 2 ** 31 - 1) {
    throw new UnsupportedArgumentError(
      `init: connectTimeoutMs must be a whole number of milliseconds from 1 to ${2 ** 31 - 1}; got ${describeValue(connectTimeoutMs)}`,
    );
  }
  return { redis, timeoutMs };
}

/** Resolves when the client is ready (connecting a lazyConnect client); rejects if it ends first. */
function whenReady(client: Client, until: Promise<unknown>): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onReady = () => {
      off();
      resolve();
    };
    const onEnd = () => {
      off();
      reject(new ConnectionTimeoutError('init: the connection closed before it was ready (teardown(), or the client stopped reconnecting)'));
    };
    const off = () => {
      client.off('ready', onReady);
      client.off('end', onEnd);
    };
    client.on('ready', onReady);
    client.on('end', onEnd);
    until.catch(off);
    if (client.status === 'wait')
      client.connect().catch(() => {
        /* reported by 'end' or the timeout */
      });
  });
}

/**
 * Waits for the client and preloads the scripts, within timeoutMs. Nothing is sent before the
 * client is ready, so on a timeout no command of ours waits in the client's offline queue.
 */
async function readyAndPreload(client: Client, timeoutMs: number, lastError: () => Error | null): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const last = lastError();
      reject(
        new ConnectionTimeoutError(`init: could not reach Redis and load the scripts within ${timeoutMs} ms${last ? ` (last error: ${last.message})` : ''}`),
      );
    }, timeoutMs);
  });
  const work = whenReady(client, deadline).then(() => preloadScripts(client));
  work.catch(() => {
    /* when the deadline won, the preload settles later (or is closed) */
  });
  try {
    await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Closes a connection the library opened: gracefully (QUIT, after the replies in flight) when it
 * is up, at once otherwise; resolves once it has ended.
 */
async function closeOwned(client: Client): Promise<void> {
  if (client.status === 'end') return;
  const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
  if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
  else client.disconnect();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      client.disconnect();
      resolve();
    }, 2000);
  });
  await Promise.race([ended, late]);
  clearTimeout(timer);
}

/**
 * Connects and preloads, then makes the client the default, in place of the previous one
 * (closed if the library had opened it). A failed call leaves the previous default in place.
 */
export async function connect(options: ConnectionOptions): Promise<Client> {
  const { redis, timeoutMs } = checkOptions(options); // throws before any I/O
  const call = ++calls;
  const owned = typeof redis === 'string';
  // disconnectTimeout: ioredis otherwise keeps a 2 s timer alive after closing a connection
  // whose socket had already failed (init giving up on an unreachable server).
  const client: Client = typeof redis === 'string' ? new Redis(redis, { connectTimeout: timeoutMs, disconnectTimeout: 200 }) : redis;
  let last: Error | null = null;
  const onError = (e: Error) => {
    last = e;
  };
  client.on('error', onError);
  if (owned) opening.add(client as Redis);
  try {
    prepareClient(client); // no resend of lost commands: see inflight.ts
    await readyAndPreload(client, timeoutMs, () => last);
  } catch (e) {
    if (owned) client.disconnect(); // no reconnect loop left behind
    throw call < installedCall ? new ScriptsNotInitializedError('init: teardown() was called before init finished') : fromScriptError(e, 'init');
  } finally {
    if (owned) opening.delete(client as Redis);
    client.off('error', onError);
  }
  if (call < installedCall) {
    // a later init or teardown already took effect
    if (owned) await closeOwned(client);
    return client;
  }
  const previous = current;
  current = { client, owned };
  installedCall = call;
  if (previous?.owned && previous.client !== client) await closeOwned(previous.client);
  return client;
}

/** Forgets the default client, closing it if init opened it from a URL (and any still opening). */
export async function disconnect(): Promise<void> {
  installedCall = ++calls;
  const previous = current;
  current = null;
  for (const c of opening) c.disconnect();
  if (previous?.owned) await closeOwned(previous.client);
}

export function requireClient(explicit: Client | null | undefined, model: string): Client {
  const c = explicit ?? current?.client;
  if (!c) throw new ScriptsNotInitializedError(`${model}: no Redis client; call init({ redis }) or set Meta.redis`);
  if (c !== current?.client && !isPrepared(c)) {
    // a Meta.redis client, at its first operation
    assertClient(c, `${model}: Meta.redis`);
    prepareClient(c);
  }
  return c;
}
