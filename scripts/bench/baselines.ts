/**
 * What the baselines use instead of rapyer-ts: hand-written ioredis `defineCommand` scripts
 * (impl `raw-script`: the mutation and its PEXPIRE in one script, no checks, the limit of the
 * client stack), and plain JSON encoding of the same stored layout (every hash value is JSON
 * text, exactly as rapyer-ts stores it), so that every impl reads and writes the same data.
 * Baselines encode with JSON.stringify and decode with JSON.parse, without validation.
 */
import type { ChainableCommander, Redis } from 'ioredis';

/**
 * The impls: ours, the three baselines, the peer library redis-om (scripts/bench/redis-om.ts;
 * only on the workloads where it has an equivalent), then scan-filter, the query baseline (what a
 * user without indexes does: SCAN the class's keys, read the field, filter, load the matches;
 * scripts/bench/workloads-queries.ts, only on the query workloads).
 */
export const IMPLS = ['rapyer-ts', 'raw-script', 'two-round-trips', 'multi', 'redis-om', 'scan-filter'] as const;
export type ImplName = (typeof IMPLS)[number];

const PEXPIRE_ALL = "for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], ARGV[1]) end";

/**
 * name → [number of keys, Lua]. ARGV[1] is always the TTL in milliseconds. A null number of keys:
 * the caller passes it first (as with EVALSHA).
 */
const SCRIPTS = {
  /** HINCRBY KEYS[1] ARGV[2] ARGV[3] */
  benchIncr: [1, `local v = redis.call('HINCRBY', KEYS[1], ARGV[2], ARGV[3])\n${PEXPIRE_ALL}\nreturn v`],
  /** DEL + HSET KEYS[1] with the pairs ARGV[2..] */
  benchSave: [1, `redis.call('DEL', KEYS[1])\nredis.call('HSET', KEYS[1], unpack(ARGV, 2))\n${PEXPIRE_ALL}\nreturn 1`],
  /** HGETALL KEYS[1] */
  benchLoad: [1, `local h = redis.call('HGETALL', KEYS[1])\n${PEXPIRE_ALL}\nreturn h`],
  /** RPUSH KEYS[2] ARGV[2] (KEYS[1] is the main hash) */
  benchPush: [2, `local n = redis.call('RPUSH', KEYS[2], ARGV[2])\n${PEXPIRE_ALL}\nreturn n`],
  /** ZADD KEYS[2] ARGV[2] ARGV[3] */
  benchZadd: [2, `local n = redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])\n${PEXPIRE_ALL}\nreturn n`],
  /** ZPOPMIN KEYS[2] */
  benchZpop: [2, `local r = redis.call('ZPOPMIN', KEYS[2])\n${PEXPIRE_ALL}\nreturn r[1] or false`],
  /** HGETALL KEYS[1], LRANGE KEYS[2], HGETALL KEYS[3] (KEYS[4], the queue, only gets its TTL) */
  benchGetBag: [
    4,
    `local r = { redis.call('HGETALL', KEYS[1]), redis.call('LRANGE', KEYS[2], 0, -1), redis.call('HGETALL', KEYS[3]) }\n${PEXPIRE_ALL}\nreturn r`,
  ],
  /** ARGV[2] times: HINCRBY KEYS[1] visits 1 and HINCRBYFLOAT KEYS[1] score ARGV[3] (pipeline-10) */
  benchBatch: [
    1,
    `for i = 1, tonumber(ARGV[2]) do\n  redis.call('HINCRBY', KEYS[1], 'visits', 1)\n  redis.call('HINCRBYFLOAT', KEYS[1], 'score', ARGV[3])\nend\n${PEXPIRE_ALL}\nreturn 1`,
  ],
  /** Like benchIncr, on KEYS[1], with the TTL refreshed on every key given (incr-colls-N). */
  benchIncrAll: [null, `local v = redis.call('HINCRBY', KEYS[1], ARGV[2], ARGV[3])\n${PEXPIRE_ALL}\nreturn v`],
  /** Like benchBatch, on KEYS[1], with the TTL refreshed on every key given (pipeline-10-big). */
  benchBatchAll: [
    null,
    `for i = 1, tonumber(ARGV[2]) do\n  redis.call('HINCRBY', KEYS[1], 'visits', 1)\n  redis.call('HINCRBYFLOAT', KEYS[1], 'score', ARGV[3])\nend\n${PEXPIRE_ALL}\nreturn 1`,
  ],
  /** HGETALL KEYS[1], LRANGE KEYS[2], HGETALL KEYS[3] (get-items-N) */
  benchGetBig: [
    3,
    `local r = { redis.call('HGETALL', KEYS[1]), redis.call('LRANGE', KEYS[2], 0, -1), redis.call('HGETALL', KEYS[3]) }\n${PEXPIRE_ALL}\nreturn r`,
  ],
} as const;

export type BaselineScript = keyof typeof SCRIPTS;

/** Defines every baseline script on the client (ioredis runs them with EVALSHA, EVAL once). */
export function defineBaselines(client: Redis): void {
  for (const [name, [numberOfKeys, lua]] of Object.entries(SCRIPTS)) client.defineCommand(name, numberOfKeys === null ? { lua } : { numberOfKeys, lua });
}

type Scripted = (...args: (string | number)[]) => Promise<unknown>;

/** Calls a baseline script on a client or queues it on a pipeline. */
export function raw(target: Redis | ChainableCommander, name: BaselineScript, ...args: (string | number)[]): Promise<unknown> {
  const fn = (target as unknown as Record<string, Scripted>)[name];
  if (!fn) throw new Error(`baseline script ${name} is not defined on this client`);
  return fn.apply(target, args);
}

export type Plain = Record<string, unknown>;

/** A plain value as rapyer-ts stores it in a hash: JSON text (a Date as epoch milliseconds). */
export function encodeValue(v: unknown): string {
  return JSON.stringify(v instanceof Date ? v.getTime() : v);
}

/** A plain object → the flat field/value pairs of HSET. */
export function encodeHash(obj: Plain): string[] {
  const out: string[] = [];
  for (const k in obj) out.push(k, encodeValue(obj[k]));
  return out;
}

/** HGETALL's reply (an object, or a flat array from a script) → a plain object of parsed values. */
export function decodeHash(reply: unknown): Plain {
  const out: Plain = {};
  if (Array.isArray(reply)) {
    for (let i = 0; i < reply.length; i += 2) out[String(reply[i])] = JSON.parse(String(reply[i + 1]));
  } else {
    for (const [k, v] of Object.entries(reply as Record<string, string>)) out[k] = JSON.parse(v);
  }
  return out;
}

/** Throws the first error of a pipeline / MULTI reply. */
export function checkExec(replies: [Error | null, unknown][] | null): unknown[] {
  if (!replies) throw new Error('the transaction was aborted');
  return replies.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}
