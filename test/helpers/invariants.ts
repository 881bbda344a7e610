/**
 * The invariant checker, used by the fault tests and the random tests. For the stored
 * models of one class it checks, on every master (SCAN, never KEYS):
 * - every key under the class's hash tags belongs to a model: the main hash `${name}:{pk}`, one
 *   of its collection keys `${main}:${path}` (of the right Redis type, and only while the main
 *   key exists: no orphans, README, TTL rules rule 6), or a lock key `${main}:lock:${action}` (allowed;
 *   it must carry its lease as a TTL);
 * - when the class has a TTL, every key of every model has one, no greater than `ttl`
 *   (README, TTL rules rules 1 to 4: no key of a model with a TTL ever lives without one).
 * It returns the violations as sentences; tests assert the list is empty.
 */
import type { Redis } from 'ioredis';
import { keyPrefixOf, masters, type Client } from '../../src/runtime/client.js';

/** What the checker needs of a model class (any class made by defineModel fits). */
export interface CheckedModel {
  readonly modelName: string;
  readonly schema: { readonly collections: readonly { readonly path: string; readonly spec: { readonly kind: string } }[] };
  readonly Meta: { readonly ttl: number | null };
}

/** The Redis type each collection kind is stored as. */
const REDIS_TYPE: Record<string, string> = { list: 'list', dict: 'hash', set: 'set', pq: 'zset' };

interface Found {
  /** The key as the library names it (no keyPrefix). */
  readonly key: string;
  readonly pttl: number;
  readonly type: string;
}

const glob = (s: string) => s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every key under the class's hash tags on one master, with its PTTL and type. */
async function scanNode(node: Redis, prefix: string, name: string): Promise<Found[]> {
  const nodePrefix = (node.options as { keyPrefix?: string }).keyPrefix ?? '';
  const raw: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await node.scan(cursor, 'MATCH', `${glob(prefix)}${glob(name)}:{*}*`, 'COUNT', 1000);
    cursor = next;
    raw.push(...keys);
  } while (cursor !== '0');
  const unique = [...new Set(raw)];
  const pipe = node.pipeline();
  for (const k of unique) {
    pipe.pttl(k.slice(nodePrefix.length));
    pipe.type(k.slice(nodePrefix.length));
  }
  const replies = unique.length > 0 ? ((await pipe.exec()) ?? []) : [];
  for (const [err] of replies) if (err) throw err; // e.g. NOPERM: check with an admin client
  return unique.map((k, i) => ({
    key: k.slice(prefix.length),
    pttl: Number(replies[2 * i]?.[1]),
    type: String(replies[2 * i + 1]?.[1]),
  }));
}

/** The violations of the invariants for the stored models of `model`; empty when all hold. */
export async function checkInvariants(client: Client, model: CheckedModel): Promise<string[]> {
  const prefix = keyPrefixOf(client);
  const found: Found[] = [];
  for (const node of await masters(client)) found.push(...(await scanNode(node, prefix, model.modelName)));
  const byKey = new Map(found.map((f) => [f.key, f]));
  const collections = new Map(model.schema.collections.map((c) => [`:${c.path}`, REDIS_TYPE[c.spec.kind] ?? c.spec.kind]));
  const shape = new RegExp(`^${escapeRe(model.modelName)}:\\{([^{}]+)\\}(.*)$`, 's');
  const ttlMs = model.Meta.ttl === null ? null : Math.round(model.Meta.ttl * 1000);
  const violations: string[] = [];
  for (const f of found) {
    if (f.pttl === -2) continue; // expired or deleted between SCAN and PTTL
    const m = shape.exec(f.key);
    if (!m) {
      violations.push(`${f.key}: not a key of the ${model.modelName} scheme`);
      continue;
    }
    const main = `${model.modelName}:{${m[1]}}`;
    const rest = m[2]!;
    if (rest.startsWith(':lock:')) {
      if (f.type !== 'string') violations.push(`${f.key}: a lock key of type ${f.type}`);
      if (f.pttl <= 0) violations.push(`${f.key}: a lock key without a lease (PTTL ${f.pttl})`);
      continue;
    }
    const expected = rest === '' ? 'hash' : collections.get(rest);
    if (expected === undefined) {
      violations.push(`${f.key}: a key the model ${main} does not own`);
      continue;
    }
    if (f.type !== expected) violations.push(`${f.key}: type ${f.type}, expected ${expected}`);
    if (rest !== '' && !byKey.has(main)) violations.push(`${f.key}: a collection key whose model ${main} is not stored (orphan)`);
    if (ttlMs !== null) {
      if (f.pttl === -1) violations.push(`${f.key}: no TTL, but ${model.modelName} has ttl ${model.Meta.ttl}s`);
      else if (f.pttl > ttlMs) violations.push(`${f.key}: PTTL ${f.pttl} ms is greater than the model's ttl (${ttlMs} ms)`);
    }
  }
  return violations;
}
