/**
 * npm run bench:expiry [-- --models N] [--bound B] [--src]
 *
 * How long the index entries of expired models stay (README, Queries: expiry). Stores N models
 * (default 100,000) with an indexed str field and a short TTL, so that they all expire about 1 s
 * after the last one is written, waits until they have expired, then counts the stale index
 * entries (over the 16 buckets: ZCARD ~all, HLEN ~values, ZCARD of each ~index:*, ZCARD ~expiry,
 * found by SCAN of `BenchExpiry:{BenchExpiry#*}:~*`) and runs, in separate scenarios on a fresh
 * set of expired models each:
 *
 * - `acount({ where: {} })`, one at a time, counting again after each;
 * - `afind({ where: { city: 'c7' } })` (100 of the N models had that city), likewise;
 * - writes only: asave of 1,000 other models of the class (no TTL) per step, counting after each.
 *
 * Each scenario stops once the stale entries are at most the bound (default 0) or after its
 * maximum number of steps. Uses REDIS_URL when set (only keys named BenchExpiry:{…} are written
 * and removed), otherwise an embedded redis-server on a free port.
 */
import { Redis } from 'ioredis';
import { loadLib, type Lib } from './bench/models.js';
import { benchServer, wasInterrupted } from './bench/server.js';
import { num, textTable } from './bench/report.js';
import { removeKeys } from './bench/workloads-queries.js';

const NAME = 'BenchExpiry';
const INSERT_BATCH = 1000;
/** Models per city value: afind on one city is a query matching this many (before expiry). */
const PER_CITY = 100;
/** The TTL of the last models written, and the wait after the last expiry time. */
const LAST_TTL_MS = 1000;
const IDLE_SLACK_MS = 500;
const WRITES_PER_STEP = 1000;

interface Args {
  readonly models: number;
  readonly bound: number;
  readonly src: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  let models = 100_000;
  let bound = 0;
  let src = false;
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i]!;
    if (a === '--models') models = Number(argv[++i]);
    else if (a === '--bound') bound = Number(argv[++i]);
    else if (a === '--src') src = true;
    else throw new Error(`unknown argument ${a}; usage: npm run bench:expiry -- [--models N] [--bound B] [--src]`);
  }
  if (!Number.isSafeInteger(models) || models % (PER_CITY * 10) !== 0 || models <= WARM_BATCHES * INSERT_BATCH || !Number.isSafeInteger(bound) || bound < 0) {
    throw new Error(`--models takes a multiple of ${PER_CITY * 10} above ${WARM_BATCHES * INSERT_BATCH}, --bound an integer >= 0`);
  }
  return { models, bound, src };
}

function defineExpiring(lib: Lib) {
  const { defineModel, field } = lib;
  return defineModel(NAME, { id: field.str({ key: true }), city: field.str({ index: true }) }, { ttl: LAST_TTL_MS / 1000, refreshTtl: true });
}
type Expiring = ReturnType<typeof defineExpiring>;

interface Stale {
  readonly all: number;
  readonly values: number;
  readonly index: number;
  readonly expiry: number;
  readonly total: number;
}

/** The index entries of the class: SCAN of its `~` keys, then ZCARD/HLEN of each. */
async function countEntries(client: Redis): Promise<Stale> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', `${NAME}:{${NAME}#*}:~*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  const pipe = client.pipeline();
  for (const k of keys) {
    if (k.endsWith(':~values')) pipe.hlen(k);
    else pipe.zcard(k);
  }
  const sizes = ((await pipe.exec()) ?? []).map(([err, n]) => {
    if (err) throw err;
    return Number(n);
  });
  const sum = (suffix: RegExp) => keys.reduce((t, k, i) => t + (suffix.test(k) ? sizes[i]! : 0), 0);
  const c = { all: sum(/:~all$/), values: sum(/:~values$/), index: sum(/:~index:/), expiry: sum(/:~expiry$/) };
  return { ...c, total: c.all + c.values + c.index + c.expiry };
}

/** `count` models from `start`: ids e0, e1, …; city c(i mod N/100). */
function models(M: Expiring, n: number, start: number, count = INSERT_BATCH) {
  return Array.from({ length: Math.min(n, start + count) - start }, (_x, j) => new M({ id: `e${start + j}`, city: `c${(start + j) % (n / PER_CITY)}` }));
}

/** Batches written before the speed is estimated (the first is slower: the code is not warm yet). */
const WARM_BATCHES = 5;

/**
 * Writes N models so that they expire together: each batch's TTL is the time left until one
 * moment, twice the populate's time left as estimated from the speed of the first batches after
 * the end of the populate (never below LAST_TTL_MS: when the estimate was short, the last batches
 * expire a little later). Otherwise the writes of the
 * populate would sweep the first models as they expire. The first batches, written with a long
 * TTL while the speed is measured, are deleted and written again at the end with the common
 * expiry time.
 * Returns the time the last model expires and the spread of the expiry times.
 */
async function populate(M: Expiring, n: number): Promise<{ lastExpiry: number; spreadMs: number; ms: number }> {
  const t0 = Date.now();
  const batches = Math.ceil(n / INSERT_BATCH);
  let tWarm = t0;
  let target = 0;
  let first = Infinity;
  let last = 0;
  for (let b = 0; b < batches; b += 1) {
    const now = Date.now();
    if (b === 1) tWarm = now;
    // twice the estimated time left: a batch slower than the estimate must not let models expire before the end
    if (b === WARM_BATCHES) target = now + 2 * ((now - tWarm) / (WARM_BATCHES - 1)) * (batches - b) + LAST_TTL_MS;
    const ttlMs = b < WARM_BATCHES ? 60_000 : Math.max(LAST_TTL_MS, target - now);
    M.Meta.ttl = ttlMs / 1000;
    await M.ainsert(...models(M, n, b * INSERT_BATCH));
    if (b >= WARM_BATCHES) {
      first = Math.min(first, now + ttlMs);
      last = Math.max(last, Date.now() + ttlMs);
    }
  }
  M.Meta.ttl = Math.max(LAST_TTL_MS, first - Date.now()) / 1000;
  // deleted, then inserted anew: an index records a model's expiry time when the model enters it
  // (a later write with a shorter TTL would leave the longer time until that time comes)
  const warm = models(M, n, 0, WARM_BATCHES * INSERT_BATCH);
  await M.adeleteMany(...warm);
  await M.ainsert(...warm);
  last = Math.max(last, Date.now() + M.Meta.ttl * 1000);
  return { lastExpiry: last, spreadMs: last - first, ms: Date.now() - t0 };
}

interface Scenario {
  readonly title: string;
  /** What one step does (its unit: a query or WRITES_PER_STEP writes). */
  readonly step: (M: Expiring, i: number) => Promise<unknown>;
  readonly unit: string;
  readonly maxSteps: number;
}

const SCENARIOS: readonly Scenario[] = [
  { title: 'acount({ where: {} })', step: (M) => M.acount({ where: {} }), unit: 'queries', maxSteps: 20 },
  { title: "afind({ where: { city: 'c7' } })", step: (M) => M.afind({ where: { city: 'c7' } }), unit: 'queries', maxSteps: 40 },
  {
    title: `asave of ${num(WRITES_PER_STEP, 0)} other models (no TTL) per step, no query`,
    step: async (M, i) => {
      M.Meta.ttl = null;
      await Promise.all(Array.from({ length: WRITES_PER_STEP }, (_x, j) => new M({ id: `w${i * WRITES_PER_STEP + j}`, city: 'w' }).asave()));
    },
    unit: 'writes',
    maxSteps: 120,
  },
];

interface Row {
  readonly steps: number;
  readonly ms: number | null;
  readonly stale: Stale;
}

async function runScenario(s: Scenario, M: Expiring, client: Redis, args: Args): Promise<{ rows: Row[]; reachedAt: number | null; populate: string }> {
  await removeKeys(client, `${NAME}:{*`);
  const p = await populate(M, args.models);
  const before = await countEntries(client);
  const wait = p.lastExpiry + IDLE_SLACK_MS - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const note = `${num(args.models, 0)} models written in ${(p.ms / 1000).toFixed(1)} s, expiry times within ${(p.spreadMs / 1000).toFixed(1)} s; ${num(before.total, 0)} index entries before expiry${before.total === 4 * args.models ? '' : ' (WARNING: not 4 per model, some were swept during the populate)'}; idle ${(Math.max(0, wait) / 1000).toFixed(1)} s`;
  const rows: Row[] = [{ steps: 0, ms: null, stale: await countEntries(client) }];
  let reachedAt: number | null = rows[0]!.stale.total <= args.bound ? 0 : null;
  for (let i = 1; i <= s.maxSteps && reachedAt === null; i += 1) {
    const t0 = performance.now();
    await s.step(M, i - 1);
    const ms = performance.now() - t0;
    // the writes' own live models are not stale: leave their entries out
    const live = s.unit === 'writes' ? i * WRITES_PER_STEP : 0;
    const all = await countEntries(client);
    const stale =
      live === 0 ? all : { all: all.all - live, values: all.values - live, index: all.index - live, expiry: all.expiry, total: all.total - 3 * live };
    rows.push({ steps: i, ms, stale });
    if (stale.total <= args.bound) reachedAt = i;
    process.stderr.write(`  ${s.title}: step ${i}, ${num(stale.total, 0)} stale entries\n`);
  }
  M.Meta.ttl = LAST_TTL_MS / 1000;
  return { rows, reachedAt, populate: note };
}

function report(s: Scenario, r: Awaited<ReturnType<typeof runScenario>>, bound: number): string {
  const per = s.unit === 'writes' ? WRITES_PER_STEP : 1;
  const shown = r.rows.filter((row, i) => r.rows.length <= 16 || i <= 3 || i === r.rows.length - 1 || row.steps % 10 === 0);
  const rows = shown.map((row) => [
    num(row.steps * per, 0),
    row.ms === null ? '' : num(row.ms, 1),
    num(row.stale.all, 0),
    num(row.stale.values, 0),
    num(row.stale.index, 0),
    num(row.stale.expiry, 0),
    num(row.stale.total, 0),
  ]);
  const verdict =
    r.reachedAt === null
      ? `still above ${num(bound, 0)} stale entries after ${num(s.maxSteps * per, 0)} ${s.unit}`
      : `${num(r.reachedAt * per, 0)} ${s.unit} until at most ${num(bound, 0)} stale entries`;
  const head = [s.unit, s.unit === 'writes' ? `ms per ${num(per, 0)}` : 'ms', '~all', '~values', '~index:city', '~expiry', 'stale entries'];
  return `${s.title}: ${verdict} (${r.populate})\n\n${textTable(head, rows)}`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const { lib, origin, warning } = await loadLib(args.src);
  if (warning) process.stderr.write(`WARNING ${warning}\n`);
  const server = await benchServer();
  const client = new Redis(server.url, { maxRetriesPerRequest: 1 });
  client.on('error', (e: Error) => {
    if (!wasInterrupted()) process.stderr.write(`redis: ${e.message}\n`);
  });
  try {
    await lib.init({ redis: client });
    const M = defineExpiring(lib);
    const info = await client.info('server');
    const version = /redis_version:([^\r\n]+)/.exec(info)?.[1] ?? 'unknown';
    process.stderr.write(`index expiry: Redis ${version} (${server.origin}), Node ${process.version}, library from ${origin}\n`);
    const out: string[] = [];
    for (const s of SCENARIOS) out.push(report(s, await runScenario(s, M, client, args), args.bound));
    process.stdout.write(`\n${out.join('\n\n')}\n`);
    await removeKeys(client, `${NAME}:{*`);
  } finally {
    await lib.teardown().catch(() => {});
    client.disconnect();
    await server.stop();
  }
}

main().catch((e: unknown) => {
  if (wasInterrupted()) return;
  process.stderr.write(`index expiry failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
