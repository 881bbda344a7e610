/**
 * `Model.areindex()` (README, Queries): rebuilds the indexes of a class from its stored models.
 * Every index key of its buckets is deleted first (entries of fields no longer indexed, of
 * models gone behind the library's back, of values written while a field was not indexed), then
 * the models in their bucket are indexed again by model/reindex, in batches; models written
 * before the class had an indexed field (`${name}:{${pk}}`) are moved into their bucket (DUMP
 * here, then model/import restores and indexes them, then the old keys are deleted).
 */
import { ValidationError, show } from '../errors.js';
import { indexScanPattern, isIndexKey, mainKey, parseMainKey } from '../keys.js';
import { performMany } from '../ops/run.js';
import { keyPrefixOf } from '../runtime/client.js';
import type { Client } from '../runtime/scripts.js';
import { callFor, clientOf, keysOf, type ModelStatic } from './calls.js';
import { scanKeys, scanMatching } from './class-ops.js';

export interface ReindexOptions {
  /** Models per batch (one round trip per node each), default 100. */
  readonly batchSize?: number;
  /** Called after each batch with the number of models done so far. */
  readonly onProgress?: (done: number) => void;
}

/** Deletes every index key of the class's buckets (`${name}:{${name}#b}:~…`). */
async function dropIndexes(client: Client, name: string): Promise<void> {
  const keys = await scanMatching(client, name, indexScanPattern(keyPrefixOf(client), name), (key) => isIndexKey(key, name));
  await Promise.all(keys.map((k) => client.del(k)));
}

/** Moves a batch of models of the old layout into their buckets; the old keys go once moved. */
async function move(cls: ModelStatic, client: Client, olds: readonly string[]): Promise<void> {
  const schema = cls.schema;
  const calls = await Promise.all(
    olds.map(async (old) => {
      const keys = keysOf(schema, old);
      const pttl = await client.pttl(old);
      const dumps = await Promise.all(keys.map(async (k) => (await client.dumpBuffer(k)) ?? '')); // '' when absent
      const main = mainKey(cls.modelName, parseMainKey(old)!.pk, true);
      const extra = [String(Math.max(pttl, 0)), ...(dumps as unknown as string[])]; // Buffers: ioredis sends them as they are;
      return callFor(cls, 'AtomicRedisModel.areindexMove', main, extra, keysOf(schema, main));
    }),
  );
  const settled = await performMany(client, 'AtomicRedisModel.areindexMove', calls);
  settled.forEach((s) => {
    if (!s.ok) throw s.error;
  });
  await Promise.all(olds.map((old) => client.del(...keysOf(schema, old))));
}

export async function reindex(cls: ModelStatic, options: ReindexOptions = {}): Promise<number> {
  const { batchSize = 100, onProgress } = options;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1)
    throw new ValidationError(`${cls.modelName}.areindex: batchSize must be a positive integer, got ${show(batchSize)}`);
  if (onProgress !== undefined && typeof onProgress !== 'function')
    throw new ValidationError(`${cls.modelName}.areindex: onProgress must be a function, got ${show(onProgress)}`);
  if (cls.schema.indexed.length === 0) throw new ValidationError(`${cls.modelName}.areindex: the model has no indexed field (index: true)`);
  const client = clientOf(cls);
  let done = 0;
  await dropIndexes(client, cls.modelName);
  const keys = await scanKeys(cls as Parameters<typeof scanKeys>[0]);
  for (let i = 0; i < keys.length; i += batchSize) {
    const batch = keys.slice(i, i + batchSize);
    const settled = await performMany(
      client,
      'AtomicRedisModel.areindex',
      batch.map((k) => callFor(cls, 'AtomicRedisModel.areindex', k, [], [k])),
    );
    settled.forEach((s) => {
      if (!s.ok) throw s.error;
    });
    done += batch.length;
    onProgress?.(done);
  }
  const olds = await scanKeys(cls as Parameters<typeof scanKeys>[0], Infinity, false); // the layout without buckets
  for (let i = 0; i < olds.length; i += batchSize) {
    await move(cls, client, olds.slice(i, i + batchSize));
    done += Math.min(batchSize, olds.length - i);
    onProgress?.(done);
  }
  return done;
}
