/**
 * The index check of the query model-based tests: reads every bucket's index keys of QmItem
 * (their layout is the one of README, Queries: ~all, ~values, ~expiry and ~index:<path>) and
 * checks that they describe exactly the stored models:
 * - every stored model has a ~values record holding its indexed values;
 * - a record of a model that is not stored is allowed only for a model that expired (the sweep
 *   takes it later) and whose main key is gone;
 * - ~all and each field's index hold exactly the entries of the records (no entry left behind
 *   by a delete, a change or a pipeline that rolled back, none missing), ~expiry none other;
 * - no ~expiry entry was due when the last query was sent: its sweep dropped the entries of
 *   models that had expired and moved those of models whose TTL was refreshed since.
 * Queries cannot see a stale entry (they check the record), so only this check can.
 */
import type { Redis } from 'ioredis';
import { bucketOf, indexKeys, mainKey, INDEX_BUCKETS } from '../../src/keys.js';
import { testClient } from '../helpers/hooks.js';
import type { QRef } from './queries-ref.js';
import { KIND, QmItem, show, type Values } from './queries-schema.js';

const FIELD_OF: Record<string, keyof typeof KIND> = { n: 'n', x: 'x', name: 'name', flag: 'flag', at: 'at', role: 'role', 'address.city': 'city' };

/** A ~values record -> path -> stored text. */
function parseRecord(rec: string): Map<string, string> {
  const parts = rec.split('\0');
  const out = new Map<string, string>();
  for (let i = 0; i + 1 < parts.length; i += 2) out.set(parts[i]!, parts[i + 1]!);
  return out;
}

/** The entry a stored text makes in a field's index: [member, score]. */
function entryOf(path: string, text: string, pk: string): [string, number] {
  const kind = KIND[FIELD_OF[path]!];
  if (kind === 'str' || kind === 'enum') {
    if (text === 'null') return [`\0${pk}`, 0];
    const v = kind === 'str' ? (JSON.parse(text) as string) : text;
    return [`\x01${v.replaceAll('\0', '\0\x01')}\0\0${pk}`, 0];
  }
  if (text === 'null') return [pk, -Infinity];
  if (kind === 'bool') return [pk, text === 'true' ? 1 : 0];
  return [pk, Number(text)];
}

/** What a record says, in the reference's form (only the indexed fields). */
function indexedOf(rec: Map<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [path, text] of rec) {
    const v = JSON.parse(text) as unknown;
    out[FIELD_OF[path]!] = v === 0 ? 0 : v;
  }
  return out;
}

function indexedOfValues(v: Values): Record<string, unknown> {
  return Object.fromEntries(Object.values(FIELD_OF).map((f) => [f, v[f] === 0 ? 0 : v[f]]));
}

const score = (s: string): number => (s === '-inf' ? -Infinity : s === '+inf' ? Infinity : Number(s));
const pairs = (flat: string[]): [string, number][] => {
  const out: [string, number][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, score(flat[i + 1]!)]);
  return out;
};
const sortPairs = (ps: [string, number][]) => ps.map(([m, s]) => `${show(m)}=${s}`).sort();

async function checkBucket(ref: QRef, b: number): Promise<string[]> {
  const paths = QmItem.schema.indexed.map((l) => l.path);
  const [all, vals, exp, ...fields] = indexKeys('QmItem', b, paths);
  const client = testClient() as Redis; // a Cluster client has the same API; every key here is in one slot
  const pipe = client.pipeline().zrange(all!, '0', '-1', 'WITHSCORES').hgetall(vals!).zrange(exp!, '0', '-1', 'WITHSCORES');
  for (const k of fields) pipe.zrange(k, '0', '-1', 'WITHSCORES');
  const replies = ((await pipe.exec()) ?? []).map(([e, r]) => {
    if (e) throw e;
    return r;
  });
  const records = new Map(Object.entries(replies[1] as Record<string, string>).map(([pk, rec]) => [pk, parseRecord(rec)]));
  const wrong: string[] = [];
  for (const [pk, v] of ref.stored) {
    if (bucketOf(pk) !== b) continue;
    const rec = records.get(pk);
    if (!rec) wrong.push(`stored model ${show(pk)} has no ~values record`);
    else if (JSON.stringify(indexedOf(rec)) !== JSON.stringify(indexedOfValues(v))) {
      wrong.push(`~values record of ${show(pk)}: ${show(indexedOf(rec))}, stored ${show(indexedOfValues(v))}`);
    }
  }
  for (const pk of records.keys()) {
    if (ref.stored.has(pk)) continue;
    if (!ref.expired.has(pk)) wrong.push(`~values has a record of ${show(pk)}, which is not stored (nor expired)`);
    else if ((await client.exists(mainKey('QmItem', pk, true))) === 1) wrong.push(`the main key of expired ${show(pk)} exists`);
  }
  const expect = (key: string, got: [string, number][], want: [string, number][]) => {
    const g = sortPairs(got);
    const w = sortPairs(want);
    if (JSON.stringify(g) !== JSON.stringify(w)) wrong.push(`${key}: ${g.join(' ')}, expected ${w.join(' ')}`);
  };
  expect(
    all!,
    pairs(replies[0] as string[]),
    [...records.keys()].map((pk) => [pk, 0]),
  );
  paths.forEach((path, i) => {
    const want = [...records].map(([pk, rec]) => entryOf(path, rec.get(path)!, pk));
    expect(fields[i]!, pairs(replies[3 + i] as string[]), want);
  });
  for (const [pk, at] of pairs(replies[2] as string[])) {
    if (!records.has(pk)) wrong.push(`${exp}: ${show(pk)} has no record`);
    if (at <= ref.lastQuery) wrong.push(`${exp}: ${show(pk)} was due at ${at}, before the last query's sweep (${ref.lastQuery})`);
  }
  return wrong;
}

/** Throws when any bucket's index keys do not describe exactly the stored models. */
export async function checkIndex(ref: QRef): Promise<void> {
  const wrong = (await Promise.all(Array.from({ length: INDEX_BUCKETS }, (_, b) => checkBucket(ref, b)))).flat();
  if (wrong.length > 0) throw new Error(`the index keys do not describe the stored models:\n  ${wrong.join('\n  ')}`);
}
