/**
 * The query workloads (README, Queries) and the cost of an indexed write:
 *
 * - query-eq-10k, query-eq-100k: `afind({ where: { city: 'c7' } })` on an indexed str field, 100
 *   of N stored models matching, against scan-filter, what a user without indexes does: SCAN the
 *   class's main keys (MATCH, COUNT 1000), one pipeline of HGET city per SCAN batch, keep the
 *   matches, load them (HGETALL + PEXPIRE, the raw-script load of find-1000).
 * - query-range: `afind({ where: { age: { gte: 500 } }, orderBy: { age: 'desc' }, maxResults: 10 })`
 *   on an indexed int field of 100,000 models (ages 0..999, half of them match), against
 *   scan-filter (HGET age of every key, filter, sort, top 10, load).
 * - incr-indexed-seq, incr-indexed-conc: `aincrease(1)` on an indexed int field, each in a group
 *   with its `-plain` twin, the same on the same model without the index (BenchCounter).
 *
 * The query data set is stored in each workload's setup, not timed: every other Bench key is
 * removed first, so that scan-filter's SCAN walks only the N models (and the class's 80 index
 * keys), and the N models are written with ainsert in batches of 1,000. N = 10k and N = 100k
 * cannot be stored side by side (scan-filter would walk both), so query-eq-10k and query-eq-100k
 * run one after the other, not interleaved: the cost growth compares the medians of their rounds.
 */
import type { Redis } from 'ioredis';
import { checkExec, decodeHash, raw, type ImplName, type Plain } from './baselines.js';
import { ratio } from './goals.js';
import { TTL_MS, type CountedModel, type Models } from './models.js';
import { num, textTable, type Result } from './report.js';
import type { Prepared, Workload } from './runner.js';

/** The data set sizes of query-eq; query-range uses the last. */
export const QUERY_SIZES = [10_000, 100_000] as const;
/** Models per city: every query-eq finds this many, at every N. */
const PER_CITY = 100;
const CITY = 'c7';
/** Ages are i mod AGES; query-range keeps age >= RANGE_FROM, ordered by age descending. */
const AGES = 1000;
const RANGE_FROM = 500;
const TOP = 10;
const INSERT_BATCH = 1000;
/** The main keys of BenchCity (its index keys end in `:~…`, its main keys in `:{pk}`). */
const MAIN_PATTERN = 'BenchCity:{BenchCity#*}:{*}';

export const sizeName = (n: number) => `${n / 1000}k`;
const pkOf = (key: string) => key.slice(key.lastIndexOf(':{') + 2, -1);

/** Removes the keys matching `pattern` (SCAN + UNLINK). */
export async function removeKeys(client: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await client.unlink(...keys);
  } while (cursor !== '0');
}

/** The N of the BenchCity models stored now (0: none); the workloads run one after the other. */
let stored = 0;

/** Stores N BenchCity models (city c(i mod N/100), age i mod 1000) in a keyspace without other Bench keys. */
async function storeCities({ BenchCity }: Models, client: Redis, n: number, note: (message: string) => void): Promise<void> {
  if (stored === n) return;
  await removeKeys(client, 'Bench*:{*');
  stored = 0;
  const t0 = performance.now();
  for (let start = 0; start < n; start += INSERT_BATCH) {
    const batch = [];
    for (let i = start; i < Math.min(n, start + INSERT_BATCH); i += 1) {
      batch.push(
        new BenchCity({
          id: `u${i}`,
          name: `User ${i}`,
          email: `user${i}@example.com`,
          city: `c${i % (n / PER_CITY)}`,
          age: i % AGES,
          score: i * 1.5,
          active: i % 2 === 0,
        }),
      );
    }
    await BenchCity.ainsert(...batch);
  }
  stored = n;
  note(`stored ${num(n, 0)} BenchCity models in ${((performance.now() - t0) / 1000).toFixed(1)} s (ainsert, batches of ${INSERT_BATCH}; not timed)`);
}

interface Scanned {
  readonly key: string;
  readonly text: string;
}

/**
 * scan-filter's first half: SCAN the class's main keys; for each SCAN batch one pipeline of HGET
 * `field` (sent without waiting for the previous); the keys whose stored text passes `keep`.
 */
async function scanField(client: Redis, field: string, keep: (text: string) => boolean): Promise<Scanned[]> {
  const pending: Promise<Scanned[]>[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', MAIN_PATTERN, 'COUNT', 1000);
    cursor = next;
    if (keys.length === 0) continue;
    const pipe = client.pipeline();
    for (const k of keys) pipe.hget(k, field);
    pending.push(
      pipe.exec().then((replies) => {
        const texts = checkExec(replies) as (string | null)[];
        return keys.flatMap((key, i) => {
          const text = texts[i];
          return text !== null && text !== undefined && keep(text) ? [{ key, text }] : [];
        });
      }),
    );
  } while (cursor !== '0');
  return (await Promise.all(pending)).flat();
}

/** scan-filter's second half: one pipeline loading the matches (HGETALL + PEXPIRE, as raw-script's find-1000). */
async function loadAll(client: Redis, keys: readonly string[]): Promise<Plain[]> {
  if (keys.length === 0) return [];
  const pipe = client.pipeline();
  for (const k of keys) raw(pipe, 'benchLoad', k, TTL_MS);
  return checkExec(await pipe.exec()).map(decodeHash);
}

const byPk = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

async function scanEq(client: Redis): Promise<Plain[]> {
  const want = JSON.stringify(CITY);
  const found = await scanField(client, 'city', (t) => t === want);
  return loadAll(
    client,
    found.map((f) => f.key).sort((a, b) => byPk(pkOf(a), pkOf(b))),
  );
}

async function scanRange(client: Redis): Promise<Plain[]> {
  const found = (await scanField(client, 'age', (t) => Number(t) >= RANGE_FROM)).map((f) => ({ key: f.key, pk: pkOf(f.key), age: Number(f.text) }));
  found.sort((a, b) => b.age - a.age || byPk(a.pk, b.pk));
  return loadAll(
    client,
    found.slice(0, TOP).map((f) => f.key),
  );
}

function expectCount<T>(what: string, n: number, xs: T[]): T[] {
  if (xs.length !== n) throw new Error(`${what}: ${xs.length} models, expected ${n}`);
  return xs;
}

/** Both impls found the same models in the same order (a check once the workload ran). */
async function samePks(ours: () => Promise<{ key: string }[]>, theirs: () => Promise<Plain[]>): Promise<string | null> {
  const a = (await ours()).map((m) => pkOf(m.key)).join(',');
  const b = (await theirs()).map((p) => String(p.id)).join(',');
  return a === b ? null : `rapyer-ts found ${a}; scan-filter found ${b}`;
}

function queryEq(n: number, models: Models, client: Redis): Workload {
  const { BenchCity } = models;
  const ours = () => BenchCity.afind({ where: { city: CITY } });
  const what = `query-eq-${sizeName(n)}`;
  return {
    name: what,
    concurrency: 1,
    describe: `afind({ where: { city: '${CITY}' } }) on an indexed str field: ${PER_CITY} of ${num(n, 0)} models`,
    setup: (note) => storeCities(models, client, n, note),
    impls: {
      'rapyer-ts': async (): Promise<Prepared> => ({
        op: async () => expectCount(what, PER_CITY, await ours()),
        verify: () => samePks(ours, () => scanEq(client)),
      }),
      'scan-filter': async (): Promise<Prepared> => ({ op: async () => expectCount(what, PER_CITY, await scanEq(client)) }),
    },
  };
}

function queryRange(models: Models, client: Redis): Workload {
  const { BenchCity } = models;
  const n = QUERY_SIZES[QUERY_SIZES.length - 1]!;
  const ours = () => BenchCity.afind({ where: { age: { gte: RANGE_FROM } }, orderBy: { age: 'desc' }, maxResults: TOP });
  return {
    name: 'query-range',
    concurrency: 1,
    describe: `afind({ where: { age: { gte: ${RANGE_FROM} } }, orderBy: { age: 'desc' }, maxResults: ${TOP} }) on an indexed int field of ${num(n, 0)} models`,
    setup: (note) => storeCities(models, client, n, note),
    teardown: async () => {
      await removeKeys(client, 'BenchCity:{*');
      stored = 0;
    },
    impls: {
      'rapyer-ts': async (): Promise<Prepared> => ({
        op: async () => expectCount('query-range', TOP, await ours()),
        verify: () => samePks(ours, () => scanRange(client)),
      }),
      'scan-filter': async (): Promise<Prepared> => ({ op: async () => expectCount('query-range', TOP, await scanRange(client)) }),
    },
  };
}

/** aincrease(1) on an indexed int field (`incr-indexed-…`) and on the same field without the index (`…-plain`), one group. */
function incrIndexed(kind: 'seq' | 'conc', { BenchIdxCounter, BenchCounter }: Models, client: Redis): Workload[] {
  const concurrency = kind === 'seq' ? 1 : 256;
  const make = (name: string, Model: CountedModel, indexed: boolean): Workload => ({
    name,
    concurrency,
    group: `incr-indexed-${kind}`,
    describe: `aincrease(1) of an int field${indexed ? ' with index: true' : ' without an index'}${concurrency > 1 ? `, ${concurrency} concurrent callers on one model` : ''}`,
    impls: {
      'rapyer-ts': async (): Promise<Prepared> => {
        const m = await new Model({ id: name }).asave();
        const visits = async () => Number(await client.hget(m.key, 'visits'));
        return {
          op: () => m.visits.aincrease(1),
          verify: async (ops) => {
            if ((await visits()) !== ops) return `${m.key} visits is ${await visits()} after ${ops} increments`;
            if (!indexed) return null;
            const base = m.key.slice(0, m.key.lastIndexOf(':{') + 1);
            const score = await client.zscore(`${base}~index:visits`, pkOf(m.key));
            return score === String(ops) ? null : `${base}~index:visits scores ${pkOf(m.key)} ${score}, expected ${ops}`;
          },
          lost: async (ops) => ops - (await visits()),
        };
      },
    },
  });
  return [make(`incr-indexed-${kind}`, BenchIdxCounter as unknown as CountedModel, true), make(`incr-indexed-${kind}-plain`, BenchCounter, false)];
}

export function queryWorkloads(models: Models, client: Redis): Workload[] {
  return [
    ...QUERY_SIZES.map((n) => queryEq(n, models, client)),
    queryRange(models, client),
    ...incrIndexed('seq', models, client),
    ...incrIndexed('conc', models, client),
  ];
}

const times = (x: number) => `${x >= 0.1 ? x.toFixed(2) : x.toPrecision(2)}x`;

/** The query tables, as text that is also Markdown. Null when none of their workloads ran. */
export function queryTables(results: readonly Result[]): string | null {
  const find = (w: string, impl: ImplName) => results.find((r) => r.workload === w && r.impl === impl);
  const out: string[] = [];
  const first = find(`query-eq-${sizeName(QUERY_SIZES[0])}`, 'rapyer-ts');
  const rows = (names: readonly [string, string][], growth: boolean) =>
    names.flatMap(([label, w]) => {
      const ours = find(w, 'rapyer-ts');
      const scan = find(w, 'scan-filter');
      if (!ours || !scan) return [];
      return [
        [
          label,
          num(ours.opsPerSec, 1),
          num(scan.opsPerSec, 1),
          times(ratio(ours, scan).value),
          ...(growth ? [first ? times(ratio(first, ours).value) : 'n/a'] : []),
          num(ours.p50Ms, 3),
          num(scan.p50Ms, 3),
          `${num(ours.roundTripsPerOp, 2)} / ${num(scan.roundTripsPerOp, 2)}`,
        ],
      ];
    });
  const eq = rows(
    QUERY_SIZES.map((n) => [num(n, 0), `query-eq-${sizeName(n)}`]),
    true,
  );
  const tail = ['rapyer-ts p50 ms', 'scan-filter p50 ms', 'round trips/op (rapyer-ts / scan-filter)'];
  if (eq.length > 0) {
    out.push(
      `afind({ where: { city: '${CITY}' } }), ${PER_CITY} of N models, against SCAN + filter:\n\n${textTable(['N', 'rapyer-ts ops/s', 'scan-filter ops/s', 'rapyer-ts / scan-filter', `rapyer-ts cost / at ${num(QUERY_SIZES[0], 0)}`, ...tail], eq)}`,
    );
  }
  const range = rows([[num(QUERY_SIZES[QUERY_SIZES.length - 1]!, 0), 'query-range']], false);
  if (range.length > 0) {
    out.push(
      `afind({ where: { age: { gte: ${RANGE_FROM} } }, orderBy: { age: 'desc' }, maxResults: ${TOP} }), against SCAN + filter + sort:\n\n${textTable(['N', 'rapyer-ts ops/s', 'scan-filter ops/s', 'rapyer-ts / scan-filter', ...tail], range)}`,
    );
  }
  const incr = (['seq', 'conc'] as const).flatMap((kind) => {
    const a = find(`incr-indexed-${kind}`, 'rapyer-ts');
    const b = find(`incr-indexed-${kind}-plain`, 'rapyer-ts');
    if (!a || !b) return [];
    return [[kind === 'seq' ? '1' : '256', num(a.opsPerSec, 0), num(b.opsPerSec, 0), times(ratio(a, b).value), num(a.p50Ms, 3), num(a.roundTripsPerOp, 2)]];
  });
  if (incr.length > 0) {
    out.push(
      `aincrease(1) on an int field with index: true against the same field without it:\n\n${textTable(['callers', 'indexed ops/s', 'plain ops/s', 'indexed / plain', 'indexed p50 ms', 'indexed round trips/op'], incr)}`,
    );
  }
  return out.length > 0 ? out.join('\n\n') : null;
}
