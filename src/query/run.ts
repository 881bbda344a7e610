/**
 * Running a query (README, Queries): one query/run call per hash slot that holds buckets of the
 * class (on a single server, one call for every bucket), sent in one round trip per node; the
 * buckets' answers are merged here, ordered, and cut to `offset` and `maxResults`.
 */
import { bucketBase, INDEX_BUCKETS, indexKeys, mainKey } from '../keys.js';
import { headArgs, indexFieldArgs, clientOf, type ModelStatic } from '../model/calls.js';
import { loadAllArgs } from '../model/storage.js';
import { OPERATIONS, type MethodName } from '../ops/table.js';
import { performMany } from '../ops/run.js';
import { isCluster } from '../runtime/client.js';
import { slotOf } from '../runtime/topology.js';
import type { ScriptCall } from '../runtime/scripts.js';
import { fromScriptError } from '../errors.js';
import type { CompiledQuery } from './where.js';

export type QueryMode = 'find' | 'count' | 'delete';

/** One model a query found: its pk, the stored text of its orderBy field ('' without one), its model/load reply. */
export interface Found {
  readonly pk: string;
  readonly raw: string;
  readonly reply: unknown[];
}

/** The buckets of a class grouped by hash slot (one group on a single server). */
function bucketGroups(cls: ModelStatic): number[][] {
  const client = clientOf(cls);
  const all = Array.from({ length: INDEX_BUCKETS }, (_, b) => b);
  if (!isCluster(client)) return [all];
  const bySlot = new Map<number, number[]>();
  for (const b of all) {
    const slot = slotOf(client, `${bucketBase(cls.modelName, b)}~all`);
    bySlot.set(slot, [...(bySlot.get(slot) ?? []), b]);
  }
  return [...bySlot.values()];
}

/**
 * The query's calls, one per slot group. When there is one call, the script skips the offset
 * itself (it merges every bucket, so it reads and refreshes only the models returned); with
 * several, each answers its first offset + maxResults and the client merges and skips.
 */
function calls(cls: ModelStatic, method: MethodName, mode: QueryMode, q: CompiledQuery): ScriptCall[] {
  const schema = cls.schema;
  const groups = bucketGroups(cls);
  const paths = schema.indexed.map((l) => l.path);
  const limit = q.maxResults === null ? -1 : q.offset + q.maxResults;
  const kinds = loadAllArgs(schema).slice(1);
  const colls = [String(schema.collections.length), ...schema.collections.flatMap((c, i) => [c.path, kinds[i]!])];
  const args = [
    ...headArgs(cls, method),
    mode,
    JSON.stringify(q.plan),
    String(q.order?.f ?? 0),
    q.order?.desc ? '1' : '0',
    String(limit),
    String(groups.length === 1 ? q.offset : 0),
    indexFieldArgs(schema),
    ...colls,
  ];
  return groups.map((buckets) => ({
    script: OPERATIONS[method].script,
    keys: buckets.flatMap((b) => indexKeys(cls.modelName, b, paths)),
    args,
    label: `${cls.modelName} ${method}`,
    idempotent: OPERATIONS[method].idempotent,
  }));
}

async function send(cls: ModelStatic, method: MethodName, mode: QueryMode, q: CompiledQuery): Promise<unknown[]> {
  const settled = await performMany(clientOf(cls), method, calls(cls, method, mode, q));
  return settled.map((s) => {
    if (!s.ok) throw fromScriptError(s.error, `${cls.modelName} ${method}`);
    return s.value;
  });
}

/** UTF-8 byte order (what Redis sorts by): code point order. */
export function byBytes(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Orders the found models as the query asks: by the orderBy value (null first ascending), then pk. */
function order(found: Found[], desc: boolean, ordered: boolean): Found[] {
  const value = (f: Found): unknown => (ordered ? JSON.parse(f.raw) : null);
  const values = new Map(found.map((f) => [f, value(f)]));
  return found.sort((x, y) => {
    const a = values.get(x);
    const b = values.get(y);
    if (a !== b) {
      let c = 0;
      if (a === null) c = -1;
      else if (b === null) c = 1;
      else if (typeof a === 'string' && typeof b === 'string') c = byBytes(a, b);
      else c = (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
      if (c !== 0) return desc ? -c : c;
    }
    return byBytes(x.pk, y.pk);
  });
}

/** The models matching a query, in order, cut to offset and maxResults (afind, afindOne). */
export async function findWhere(cls: ModelStatic, method: MethodName, q: CompiledQuery): Promise<Found[]> {
  const found: Found[] = [];
  const replies = await send(cls, method, 'find', q);
  const offset = replies.length === 1 ? 0 : q.offset; // one script skipped it itself
  for (const reply of replies) {
    const flat = reply as unknown[];
    for (let i = 0; i < flat.length; i += 3) found.push({ pk: String(flat[i]), raw: String(flat[i + 1]), reply: flat[i + 2] as unknown[] });
  }
  const sorted = order(found, q.order?.desc === true, q.order !== null);
  return sorted.slice(offset, q.maxResults === null ? undefined : offset + q.maxResults);
}

/** The number of models matching a query (acount). */
export async function countWhere(cls: ModelStatic, method: MethodName, q: CompiledQuery): Promise<number> {
  return (await send(cls, method, 'count', q)).reduce<number>((n, r) => n + Number(r), 0);
}

/** Deletes the models matching a query, whole (adeleteMany). */
export async function deleteWhere(cls: ModelStatic, method: MethodName, q: CompiledQuery): Promise<{ modelsDeleted: number; keysDeleted: number }> {
  let modelsDeleted = 0;
  let keysDeleted = 0;
  for (const r of await send(cls, method, 'delete', q)) {
    const [m, k] = r as [number, number];
    modelsDeleted += m;
    keysDeleted += k;
  }
  return { modelsDeleted, keysDeleted };
}

/** The main key of a model a query found. */
export function foundKey(cls: ModelStatic, f: Found): string {
  return mainKey(cls.modelName, f.pk, true);
}
