/**
 * init() / teardown(): the default client, and the preload of every script on every master in
 * one round trip per node. Redis older than 7.0 is refused.
 */
import { Redis } from 'ioredis';
import { SCRIPT_NAMES, scriptSource } from './scripts.js';
import { masters, type Client } from './client.js';
import { RedisError, ScriptsNotInitializedError, UnsupportedArgumentError, fromScriptError } from '../errors.js';
import { prepareClient } from './inflight.js';

let defaultClient: Client | null = null;
let owned = false;

export function getDefaultClient(): Client | null {
  return defaultClient;
}

/** Loads every script on one node in one round trip, checking the server version. */
export async function preloadNode(node: Redis): Promise<string[]> {
  const pipe = node.pipeline();
  pipe.info('server');
  for (const name of SCRIPT_NAMES) pipe.script('LOAD', scriptSource(name).lua);
  const replies = (await pipe.exec().catch((e: unknown) => { throw fromScriptError(e, 'init: INFO and SCRIPT LOAD'); })) ?? [];
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

export interface ConnectionOptions {
  /** An ioredis Redis or Cluster, or a redis:// URL (the library then owns the connection). */
  readonly redis: Client | string;
}

export async function connect(options: ConnectionOptions): Promise<Client> {
  const client = typeof options.redis === 'string' ? new Redis(options.redis) : options.redis;
  prepareClient(client); // no resend of lost commands: see inflight.ts
  try {
    await preloadScripts(client);
  } catch (e) {
    if (typeof options.redis === 'string') client.disconnect();
    throw fromScriptError(e, 'init');
  }
  defaultClient = client;
  owned = typeof options.redis === 'string';
  return client;
}

export async function disconnect(): Promise<void> {
  const client = defaultClient;
  defaultClient = null;
  if (client && owned) await client.quit().catch((e: unknown) => { throw fromScriptError(e, 'teardown'); });
  owned = false;
}

export function requireClient(explicit: Client | null | undefined, model: string): Client {
  const c = explicit ?? defaultClient;
  if (!c) throw new ScriptsNotInitializedError(`${model}: no Redis client; call init({ redis }) or set Meta.redis`);
  if (c !== defaultClient) prepareClient(c); // a Meta.redis client, at its first operation
  return c;
}
