/**
 * How cost grows: an increment on models with 0, 4 and 16 collection fields (incr-colls-N: the
 * TTL refresh touches every key of the model), `aget` of a model whose list and dict hold 10,
 * 1,000 and 10,000 items each (get-items-N), and the Redis memory of one stored model (the sum of
 * MEMORY USAGE over its keys) for rapyer-ts, the raw layout and redis-om. The workloads of one
 * table run interleaved (one group), so the ratios between sizes are paired rounds.
 */
import type { Redis } from 'ioredis';
import { decodeHash, encodeHash, encodeValue, raw, type ImplName } from './baselines.js';
import { ratio } from './goals.js';
import { COLLECTION_COUNTS, TTL_MS, collectionFields, profile, type Models } from './models.js';
import { omMemoryModel, type Om } from './redis-om.js';
import { num, textTable, type Result } from './report.js';
import type { Prepared, Workload } from './runner.js';
import { storeBig } from './workloads-collections.js';

const tag = (impl: ImplName) => impl.replace(/[^a-z]/g, '');

export const ITEM_COUNTS = [10, 1_000, 10_000] as const;

function incrColls(n: number, { BenchColls }: Models, client: Redis): Workload {
  const Model = BenchColls[n]!;
  const prepare = (impl: ImplName, op: (m: ReturnType<typeof newModel>, keys: string[]) => () => Promise<unknown>) => async (): Promise<Prepared> => {
    const m = newModel(impl);
    await m.asave();
    const colls = collectionFields(n).map((f) => `${m.key}:${f}`);
    // one item in each collection, so that every key of the model exists
    for (const k of colls) await client.multi().rpush(k, encodeValue('x')).pexpire(k, TTL_MS).exec();
    const visits = async () => Number(await client.hget(m.key, 'visits'));
    return {
      op: op(m, [m.key, ...colls]),
      verify: async (ops) => ((await visits()) === ops ? null : `${m.key} visits is ${await visits()} after ${ops} increments`),
      lost: async (ops) => ops - (await visits()),
    };
  };
  const newModel = (impl: ImplName) => new Model({ id: `colls${n}-${tag(impl)}` });
  return {
    name: `incr-colls-${n}`,
    concurrency: 256,
    group: 'incr-colls',
    describe: `incr-conc on a model with ${n} list fields (the TTL of ${n + 1} keys refreshed)`,
    impls: {
      'rapyer-ts': prepare('rapyer-ts', (m) => () => m.visits.aincrease(1)),
      'raw-script': prepare('raw-script', (_m, keys) => () => raw(client, 'benchIncrAll', keys.length, ...keys, TTL_MS, 'visits', 1)),
    },
  };
}

function getItems(n: number, models: Models, client: Redis): Workload {
  const id = `items${n}`;
  const main = `BenchBig:{${id}}`;
  const check = (items: readonly unknown[]) => {
    if (items.length !== n) throw new Error(`${main}: ${items.length} items, expected ${n}`);
  };
  const prepare = (op: () => Promise<unknown>) => async (): Promise<Prepared> => {
    await storeBig(models, client, id, n);
    return { op };
  };
  return {
    name: `get-items-${n}`,
    concurrency: 1,
    group: 'get-items',
    describe: `aget of a model with 3 scalars, a list of ${n} and a dict of ${n}`,
    impls: {
      'rapyer-ts': prepare(async () => {
        const m = await models.BenchBig.aget(id);
        check(m.items);
        return m;
      }),
      'raw-script': prepare(async () => {
        const [h, list, dict] = (await raw(client, 'benchGetBig', main, `${main}:items`, `${main}:attrs`, TTL_MS)) as unknown[];
        const items = (list as string[]).map((x) => JSON.parse(x) as unknown);
        check(items);
        return { ...decodeHash(h), items, attrs: decodeHash(dict) };
      }),
    },
  };
}

export function growthWorkloads(models: Models, client: Redis): Workload[] {
  return [...COLLECTION_COUNTS.map((n) => incrColls(n, models, client)), ...ITEM_COUNTS.map((n) => getItems(n, models, client))];
}

export interface MemoryRow {
  readonly model: string;
  readonly bytes: Partial<Record<'rapyer-ts' | 'raw layout' | 'redis-om', number>>;
}

async function memoryOf(client: Redis, keys: readonly string[]): Promise<number> {
  let total = 0;
  for (const k of keys) total += Number(await client.call('MEMORY', 'USAGE', k, 'SAMPLES', '0')) || 0;
  return total;
}

/** Stores one model of each kind per layout, sums MEMORY USAGE over its keys, removes them. */
export async function measureMemory({ BenchProfile, BenchBag }: Models, client: Redis, om: Om | null): Promise<MemoryRow[]> {
  const p = profile('mem-rapyer', 1);
  const ours = await new BenchProfile(p).asave();
  const rawProfile = 'BenchProfile:{mem-raw}';
  await client.hset(rawProfile, ...encodeHash({ ...p, id: 'mem-raw' }));
  const rows: MemoryRow[] = [
    {
      model: '10-field model (save)',
      bytes: {
        'rapyer-ts': await memoryOf(client, [ours.key]),
        'raw layout': await memoryOf(client, [rawProfile]),
        ...(om ? { 'redis-om': await memoryOf(client, await omMemoryModel(om)) } : {}),
      },
    },
  ];
  for (const n of [10, 1000]) {
    const ten = Array.from({ length: n }, (_x, i) => i);
    const bag = await new BenchBag({
      id: `mem-rapyer-${n}`,
      name: 'a bag',
      count: 3,
      items: ten.map((i) => `item${i}`),
      attrs: Object.fromEntries(ten.map((i) => [`k${i}`, `v${i}`])),
    }).asave();
    await bag.jobs.apushMany(ten.map((i) => ({ value: `job${i}`, priority: i })));
    const main = `BenchBag:{mem-raw-${n}}`;
    await client
      .pipeline()
      .hset(main, ...encodeHash({ id: `mem-raw-${n}`, name: 'a bag', count: 3 }))
      .rpush(`${main}:items`, ...ten.map((i) => encodeValue(`item${i}`)))
      .hset(`${main}:attrs`, ...ten.flatMap((i) => [`k${i}`, encodeValue(`v${i}`)]))
      .zadd(`${main}:jobs`, ...ten.flatMap((i) => [i, encodeValue(`job${i}`)]))
      .exec();
    const keysOf = (k: string) => [k, `${k}:items`, `${k}:attrs`, `${k}:jobs`];
    rows.push({
      model: `2 scalars, list/dict/queue of ${num(n, 0)} (get)`,
      bytes: { 'rapyer-ts': await memoryOf(client, keysOf(bag.key)), 'raw layout': await memoryOf(client, keysOf(main)) },
    });
  }
  return rows;
}

const cell = (x: number | undefined) => (x === undefined ? 'n/a' : num(x, 0));
/** A ratio with two decimals, or two significant digits below 0.1 (0.0026x, not 0.00x). */
const times = (x: number) => `${x >= 0.1 ? x.toFixed(2) : x.toPrecision(2)}x`;

/** The growth tables, as text that is also Markdown. Null when none of their workloads ran. */
export function growthTables(results: readonly Result[], memory: readonly MemoryRow[]): string | null {
  const find = (w: string, impl: ImplName) => results.find((r) => r.workload === w && r.impl === impl);
  const out: string[] = [];
  const sized = (title: string, prefix: string, sizes: readonly number[], label: string) => {
    const first = find(`${prefix}${sizes[0]}`, 'rapyer-ts');
    const rows = sizes.flatMap((n) => {
      const ours = find(`${prefix}${n}`, 'rapyer-ts');
      const base = find(`${prefix}${n}`, 'raw-script');
      if (!ours || !base) return [];
      return [
        [
          num(n, 0),
          num(ours.opsPerSec, 0),
          num(base.opsPerSec, 0),
          times(ratio(ours, base).value),
          first ? times(ratio(ours, first).value) : 'n/a',
          num(ours.p50Ms, 3),
        ],
      ];
    });
    if (rows.length > 0)
      out.push(
        `${title}\n\n${textTable([label, 'rapyer-ts ops/s', 'raw-script ops/s', 'rapyer-ts / raw-script', `rapyer-ts / at ${num(sizes[0]!, 0)}`, 'rapyer-ts p50 ms'], rows)}`,
      );
  };
  sized('Increment (256 concurrent callers) by number of collection fields:', 'incr-colls-', COLLECTION_COUNTS, 'collection fields');
  sized('aget by items in its list and in its dict:', 'get-items-', ITEM_COUNTS, 'items');
  if (memory.length > 0) {
    const rows = memory.map((m) => [m.model, cell(m.bytes['rapyer-ts']), cell(m.bytes['raw layout']), cell(m.bytes['redis-om'])]);
    out.push(
      `Redis memory of one stored model (MEMORY USAGE of each of its keys, summed, bytes):\n\n${textTable(['model', 'rapyer-ts', 'raw layout', 'redis-om'], rows)}`,
    );
  }
  return out.length > 0 ? out.join('\n\n') : null;
}
