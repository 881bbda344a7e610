/**
 * `rapyer-ts inspect <key>`: a model's keys (the main hash and every key beside it: collections,
 * locks), their Redis types and TTLs, and their contents decoded from the storage layout
 * (README, Storage layout and encodings). The CLI does not know the model classes: it decodes
 * the JSON text of each hash value and collection item, nothing more (bytes stay hex strings,
 * datetimes epoch milliseconds).
 */
import type { Cluster, Redis } from 'ioredis';
import { masters } from '../runtime/client.js';
import { CliError, withTimeout } from './common.js';

export interface InspectedKey {
  readonly key: string;
  /** 'main', 'collection' (its path) or 'lock' (its action). */
  readonly role: 'main' | 'collection' | 'lock';
  readonly path: string | null;
  readonly type: string;
  /** Milliseconds left, or null when the key has no TTL. */
  readonly ttlMs: number | null;
  /** How many entries the key holds (fields, items, members); null for a string. */
  readonly size: number | null;
  /** The decoded contents, at most `limit` entries: an object (hash), an array, or a value. */
  readonly value: unknown;
  readonly truncated: boolean;
  /** Entries whose text is not JSON (shown raw). */
  readonly notJson: string[];
}

export interface Inspection {
  readonly key: string;
  readonly model: string;
  readonly pk: string;
  readonly keys: InspectedKey[];
  readonly note: string;
}

export const DECODE_NOTE =
  'decoded from the storage layout, without the model class: each value is its stored JSON (bytes as hex strings, datetimes as epoch ms)';

/**
 * `[prefix]Name:{pk}`, or `[prefix]Name:{Name#bucket}:{pk}` for a model with indexed fields
 * (README, Queries): the model name and pk of a main key (a keyPrefix may stand before it).
 */
function parseKey(key: string): { model: string; pk: string } {
  const m = /^(?:.*:)?([^:{}]+):\{([^{}]+)\}$/.exec(key) ?? /^(?:.*:)?([^:{}]+):\{\1#\d+\}:\{([^{}]+)\}$/.exec(key);
  if (!m) throw new CliError(`${JSON.stringify(key)} is not a model's main key (Name:{pk} or Name:{Name#b}:{pk}, after any keyPrefix)`, 2);
  return { model: m[1]!, pk: m[2]! };
}

function globEscape(s: string): string {
  return s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/** Every key beside the main key (`main:...`), found by SCAN on every master (one holds them). */
async function besideKeys(client: Redis | Cluster, main: string): Promise<string[]> {
  const found = new Set<string>();
  for (const node of await masters(client)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${globEscape(main)}:*`, 'COUNT', 1000);
      cursor = next;
      for (const k of keys) found.add(k);
    } while (cursor !== '0');
  }
  return [...found].sort();
}

function decode(text: string, notJson: string[], where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    notJson.push(where);
    return text;
  }
}

type Contents = Pick<InspectedKey, 'size' | 'value' | 'truncated' | 'notJson'>;

/** Reads and decodes one key's contents, at most `limit` entries. */
async function contents(client: Redis | Cluster, key: string, type: string, limit: number): Promise<Contents> {
  const notJson: string[] = [];
  if (type === 'hash') {
    const size = await client.hlen(key);
    const value: Record<string, unknown> = {};
    let cursor = '0';
    let n = 0;
    do {
      const [next, flat] = await client.hscan(key, cursor, 'COUNT', Math.min(limit, 1000));
      cursor = next;
      for (let i = 0; i + 1 < flat.length && n < limit; i += 2, n += 1) value[flat[i]!] = decode(flat[i + 1]!, notJson, flat[i]!);
    } while (cursor !== '0' && n < limit);
    return { size, value, truncated: size > n, notJson };
  }
  if (type === 'list') {
    const size = await client.llen(key);
    const items = await client.lrange(key, 0, limit - 1);
    return { size, value: items.map((t, i) => decode(t, notJson, `[${i}]`)), truncated: size > items.length, notJson };
  }
  if (type === 'set') {
    const size = await client.scard(key);
    const items: string[] = [];
    let cursor = '0';
    do {
      const [next, page] = await client.sscan(key, cursor, 'COUNT', Math.min(limit, 1000));
      cursor = next;
      items.push(...page.slice(0, limit - items.length));
    } while (cursor !== '0' && items.length < limit);
    return { size, value: items.sort().map((t) => decode(t, notJson, t)), truncated: size > items.length, notJson };
  }
  if (type === 'zset') {
    const size = await client.zcard(key);
    const flat = await client.zrange(key, '0', String(limit - 1), 'WITHSCORES');
    const value: { item: unknown; score: number }[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) value.push({ item: decode(flat[i]!, notJson, flat[i]!), score: Number(flat[i + 1]) });
    return { size, value, truncated: size > value.length, notJson };
  }
  if (type === 'string') {
    const text = (await client.get(key)) ?? '';
    return { size: null, value: decode(text, notJson, key), truncated: false, notJson };
  }
  return { size: null, value: null, truncated: false, notJson };
}

export async function inspect(client: Redis | Cluster, key: string, limit: number, timeoutMs: number): Promise<Inspection> {
  const { model, pk } = parseKey(key);
  const run = async (): Promise<InspectedKey[]> => {
    const keys = [key, ...(await besideKeys(client, key))];
    const out: InspectedKey[] = [];
    for (const k of keys) {
      const type = await client.type(k);
      if (type === 'none') continue;
      const pttl = await client.pttl(k);
      const rest = k.slice(key.length + 1);
      const role = k === key ? 'main' : rest.startsWith('lock:') ? 'lock' : 'collection';
      const path = role === 'main' ? null : role === 'lock' ? rest.slice('lock:'.length) : rest;
      out.push({ key: k, role, path, type, ttlMs: pttl >= 0 ? pttl : null, ...(await contents(client, k, type, limit)) });
    }
    return out;
  };
  const keys = await withTimeout(run(), Math.max(timeoutMs, 30_000), 'inspect');
  if (keys.length === 0) throw new CliError(`${key}: no such key (nothing stored under it or beside it)`, 1);
  return { key, model, pk, keys, note: DECODE_NOTE };
}

function ttlText(ms: number | null): string {
  return ms === null ? 'no TTL' : `${(ms / 1000).toFixed(3)} s`;
}

/** The human form of an inspection. */
export function formatInspection(r: Inspection): string {
  const lines = [`${r.key}: model ${r.model}, pk ${JSON.stringify(r.pk)}`, ''];
  const width = Math.max(...r.keys.map((k) => k.key.length), 3);
  lines.push(`${'KEY'.padEnd(width)}  ${'ROLE'.padEnd(10)}  ${'TYPE'.padEnd(6)}  ${'SIZE'.padEnd(6)}  TTL`);
  for (const k of r.keys)
    lines.push(`${k.key.padEnd(width)}  ${k.role.padEnd(10)}  ${k.type.padEnd(6)}  ${String(k.size ?? '-').padEnd(6)}  ${ttlText(k.ttlMs)}`);
  for (const k of r.keys) {
    lines.push('', k.role === 'main' ? 'fields (main hash):' : `${k.role} ${k.path} (${k.type}):`);
    if (k.value !== null && typeof k.value === 'object' && !Array.isArray(k.value)) {
      const entries = Object.entries(k.value);
      const w = Math.max(0, ...entries.map(([f]) => f.length));
      for (const [f, v] of entries) lines.push(`  ${f.padEnd(w)}  ${JSON.stringify(v)}`);
    } else if (Array.isArray(k.value)) {
      for (const v of k.value) lines.push(`  ${JSON.stringify(v)}`);
    } else lines.push(`  ${JSON.stringify(k.value)}`);
    if (k.truncated) lines.push(`  … ${k.size} in all (--limit to show more)`);
    if (k.notJson.length > 0) lines.push(`  not JSON (shown raw): ${k.notJson.join(', ')}`);
  }
  lines.push('', `note: ${r.note}`);
  return lines.join('\n');
}
