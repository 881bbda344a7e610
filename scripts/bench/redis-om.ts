/**
 * The peer: redis-om 0.4 with its own client (node-redis), HASH storage, on plain Redis (no
 * RediSearch: only save, fetch and expire). Each workload where redis-om has an equivalent gets
 * an impl written the way a redis-om user would write it:
 *
 * - save: `save(id, entity)` (MULTI, UNLINK, HSET, EXEC) then `expire(id, ttl)`: save drops the
 *   TTL (it unlinks the key), so a model that expires needs its EXPIRE after every save.
 * - incr-seq / incr-conc: `fetch`, add 1, `save`, `expire` (read-modify-write: concurrent
 *   callers overwrite each other's increments; the bench counts the increments lost).
 * - get: `fetch` of the scalar part (redis-om has no dict, list of JSON or priority queue).
 * - insert-1000: 1,000 `save` at once, then one `expire` of the 1,000 ids.
 * - find-1000: `fetch` of 1,000 ids.
 *
 * Its keys are `BenchOm*:{id}`, inside the bench's key pattern.
 */
import net, { type Socket } from 'node:net';
import type { Redis } from 'ioredis';
import { createClient } from 'redis';
import { Repository, Schema, type Entity } from 'redis-om';
import { TTL_SECONDS, profile } from './models.js';
import type { Prepared } from './runner.js';

type NodeRedis = ReturnType<typeof createClient>;

export interface Om {
  readonly client: NodeRedis;
  /** The client's socket, for the round-trip counter. */
  readonly socket: Socket;
  readonly counters: Repository;
  readonly profiles: Repository;
  readonly bags: Repository;
  close(): Promise<void>;
}

const schemas = {
  counters: new Schema('BenchOmCounter', { visits: { type: 'number' } }, { dataStructure: 'HASH' }),
  profiles: new Schema(
    'BenchOmProfile',
    {
      name: { type: 'string' },
      email: { type: 'string' },
      age: { type: 'number' },
      score: { type: 'number' },
      active: { type: 'boolean' },
      joined: { type: 'date' },
      plan: { type: 'string' },
      prefs: { type: 'string' },
      bio: { type: 'string' },
    },
    { dataStructure: 'HASH' },
  ),
  bags: new Schema('BenchOmBag', { name: { type: 'string' }, count: { type: 'number' } }, { dataStructure: 'HASH' }),
};

/**
 * Connects node-redis and captures the socket it opens: net.connect is wrapped for the time of
 * the connection only (node-redis calls `net.connect` of the shared `net` module).
 */
export async function connectOm(url: string, onError: (e: Error) => void): Promise<Om> {
  const original = net.connect;
  let socket: Socket | null = null;
  const capture = (...args: unknown[]): Socket => {
    const s = (original as (...a: unknown[]) => Socket).apply(net, args);
    socket ??= s;
    return s;
  };
  net.connect = capture as typeof net.connect;
  const client = createClient({ url, socket: { reconnectStrategy: false } });
  client.on('error', onError);
  try {
    await client.connect();
  } finally {
    net.connect = original;
  }
  if (!socket) throw new Error('node-redis connected without net.connect: its round trips cannot be counted');
  return {
    client,
    socket,
    counters: new Repository(schemas.counters, client),
    profiles: new Repository(schemas.profiles, client),
    bags: new Repository(schemas.bags, client),
    close: async () => {
      await client.quit().catch(() => client.disconnect());
    },
  };
}

/** The values of the 10-field model as redis-om stores them (prefs as JSON text, bio absent). */
export function omProfile(i: number): Entity {
  const p = profile('', i);
  return { name: p.name, email: p.email, age: p.age, score: p.score, active: p.active, joined: p.joined, plan: p.plan, prefs: JSON.stringify(p.prefs) };
}

const omId = (name: string) => `{${name}-om}`;

async function saveExpiring(repo: Repository, id: string, entity: Entity): Promise<void> {
  await repo.save(id, entity);
  await repo.expire(id, TTL_SECONDS);
}

/** fetch, add 1, save, expire: the increment as a redis-om user writes it. */
function incr(om: Om, reader: Redis, name: string) {
  return async (): Promise<Prepared> => {
    const id = omId(name);
    await saveExpiring(om.counters, id, { visits: 0 });
    const key = `BenchOmCounter:${id}`;
    const stored = async () => Number(await reader.hget(key, 'visits'));
    return {
      op: async () => {
        const e = await om.counters.fetch(id);
        e.visits = (e.visits as number) + 1;
        await om.counters.save(e);
        await om.counters.expire(id, TTL_SECONDS);
      },
      verify: async () => ((await reader.pttl(key)) > 0 ? null : `${key} has no TTL`),
      lost: async (ops) => ops - (await stored()),
    };
  };
}

function save(om: Om, reader: Redis) {
  return async (): Promise<Prepared> => {
    const id = omId('save');
    const entity = omProfile(1);
    return {
      op: () => saveExpiring(om.profiles, id, entity),
      verify: async () => {
        const email = await reader.hget(`BenchOmProfile:${id}`, 'email');
        return email === entity.email ? null : `BenchOmProfile:${id} email is ${email}`;
      },
    };
  };
}

function get(om: Om) {
  return async (): Promise<Prepared> => {
    const id = omId('get');
    await saveExpiring(om.bags, id, { name: 'a bag', count: 3 });
    return {
      op: async () => {
        const e = await om.bags.fetch(id);
        if (e.name !== 'a bag') throw new Error(`fetch ${id}: ${JSON.stringify(e)}`);
        return e;
      },
    };
  };
}

const BATCH = 1000;

function insert(om: Om, reader: Redis) {
  return async (): Promise<Prepared> => {
    const ids = Array.from({ length: BATCH }, (_x, i) => `{ins-om-${i}}`);
    const entities = ids.map((_id, i) => omProfile(i));
    return {
      op: async () => {
        await Promise.all(ids.map((id, i) => om.profiles.save(id, entities[i]!)));
        await om.profiles.expire(ids, TTL_SECONDS);
      },
      verify: async () => {
        const n = await reader.exists(...ids.map((id) => `BenchOmProfile:${id}`));
        return n === BATCH ? null : `${n} of ${BATCH} models stored`;
      },
    };
  };
}

function find(om: Om) {
  return async (): Promise<Prepared> => {
    const ids = Array.from({ length: BATCH }, (_x, i) => `{find-om-${i}}`);
    await Promise.all(ids.map((id, i) => om.profiles.save(id, omProfile(i))));
    await om.profiles.expire(ids, TTL_SECONDS);
    return {
      op: async () => {
        const found = await om.profiles.fetch(ids);
        // fetch answers a missing key with an entity holding only its id
        if (found.length !== BATCH || found.some((e) => e.name === undefined))
          throw new Error(`fetch found ${found.filter((e) => e.name !== undefined).length} of ${BATCH}`);
        return found;
      },
    };
  };
}

/** Workload name → redis-om's impl of it. */
export function omImpls(om: Om, reader: Redis): Record<string, () => Promise<Prepared>> {
  return {
    'incr-seq': incr(om, reader, 'incr-seq'),
    'incr-conc': incr(om, reader, 'incr-conc'),
    save: save(om, reader),
    get: get(om),
    'insert-1000': insert(om, reader),
    'find-1000': find(om),
  };
}

/** Stores one 10-field model the redis-om way; returns its keys (for MEMORY USAGE). */
export async function omMemoryModel(om: Om): Promise<string[]> {
  const id = '{mem-om}';
  await saveExpiring(om.profiles, id, omProfile(1));
  return [`BenchOmProfile:${id}`];
}
