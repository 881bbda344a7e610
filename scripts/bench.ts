/**
 * npm run bench [-- --quick] [--check] [--json FILE] [--svg FILE] [--md FILE] [--only w1,w2]
 *
 * Measures rapyer-ts against three baselines on the same server in the same run: raw-script
 * (a hand-written defineCommand script: mutation + PEXPIRE), two-round-trips (the mutation, then
 * EXPIRE) and multi (MULTI/EXEC of the native commands + PEXPIRE), and against a peer library,
 * redis-om (its own client, node-redis), where it has an equivalent. Starts an embedded Redis on
 * a free loopback port unless REDIS_URL is set. Prints ops/s, p50/p99 latency, round trips per
 * operation (counted on the clients' sockets) and the updates lost under concurrency, then one
 * line per goal, the growth tables and the query tables (scripts/bench/workloads-queries.ts).
 * `--check` exits with 3 when a goal is missed.
 */
import { cpus } from 'node:os';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { IMPLS, defineBaselines, type ImplName } from './bench/baselines.js';
import { collectionWorkloads } from './bench/workloads-collections.js';
import { growthTables, growthWorkloads, measureMemory, type MemoryRow } from './bench/workloads-growth.js';
import { scalarWorkloads } from './bench/workloads.js';
import { queryTables, queryWorkloads } from './bench/workloads-queries.js';
import { measureSlice, summarize, type Prepared, type Slice, type Timing, type Workload } from './bench/runner.js';
import { progress, type Progress } from './bench/progress.js';
import { PIPELINE_ONE_ROUND_TRIP, checkFailures, goalLines, type GoalLine } from './bench/goals.js';
import { jsonReport, svgChart, table, type Result } from './bench/report.js';
import { Counters, RoundTripCounter, NodeRedisCounter, type TripCounter } from './bench/round-trips.js';
import { connectOm, omImpls, type Om } from './bench/redis-om.js';
import { benchServer, redisServerVersion, wasInterrupted } from './bench/server.js';
import { defineModels, loadLib, type Models } from './bench/models.js';

const USAGE = `Usage: npm run bench -- [--quick] [--check] [--json FILE] [--svg FILE] [--md FILE] [--only WORKLOAD[,WORKLOAD]]

  --quick        short runs (about two minutes in total); the default run takes about 7 minutes
  --check        exit with status 3 when a goal is missed (or a stored-state check failed)
  --json FILE    write { redis, node, results: [{ workload, impl, opsPerSec, p50Ms, p99Ms,
                 roundTripsPerOp, lostUpdates? }], goals, memory }
  --svg FILE     write a bar chart of ops/s per workload, one bar per impl
  --md FILE      write the growth tables between <!-- bench:growth --> and <!-- /bench:growth -->
                 and the query tables between <!-- bench:queries --> and <!-- /bench:queries -->
                 in FILE (e.g. BENCHMARKS.md; a section whose workloads did not run is left as it
                 is), or as the whole FILE when it has neither pair of markers
  --only LIST    run only these workloads (comma-separated); a name that is no workload's selects
                 every workload named NAME-… (e.g. query-eq, incr-indexed)
  --impl LIST    run only these impls (comma-separated; for profiling)
  --src          measure src/ through tsx instead of the compiled dist/esm (for profiling)

Uses REDIS_URL when set (only keys named Bench*:{...} are written and removed); otherwise starts
an embedded redis-server on a free loopback port and stops it at the end.
`;

interface Args {
  readonly quick: boolean;
  readonly json: string | null;
  readonly svg: string | null;
  readonly only: string[] | null;
  readonly impls: string[] | null;
  readonly src: boolean;
  readonly check: boolean;
  readonly md: string | null;
}

function parseArgs(argv: readonly string[]): Args {
  let quick = false;
  let json: string | null = null;
  let svg: string | null = null;
  let only: string[] | null = null;
  let impls: string[] | null = null;
  let src = false;
  let check = false;
  let md: string | null = null;
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (!v) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') quick = true;
    else if (a === '--json') json = value();
    else if (a === '--svg') svg = value();
    else if (a === '--only') only = value().split(',');
    else if (a === '--impl') impls = value().split(',');
    else if (a === '--src') src = true;
    else if (a === '--check') check = true;
    else if (a === '--md') md = value();
    else if (a === '-h' || a === '--help') {
      process.stdout.write(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  return { quick, json, svg, only, impls, src, check, md };
}

/**
 * The order of the run and of the report. Every workload that runs the library's pipelines comes
 * after those that do not (incr-conc must be measured before any pipeline ran in the process:
 * incr-conc-after-pipeline is compared with it); the workloads of one group are adjacent. A name
 * with no workload defined in this build is left out (pipeline-10-1rt until its form exists).
 */
const ORDER = [
  'incr-seq',
  'incr-seq-traced',
  'incr-conc',
  'append-conc',
  'pq-push-pop',
  'save',
  'get',
  'insert-1000',
  'find-1000',
  'incr-colls-0',
  'incr-colls-4',
  'incr-colls-16',
  'get-items-10',
  'get-items-1000',
  'get-items-10000',
  'query-eq-10k',
  'query-eq-100k',
  'query-range',
  'incr-indexed-seq',
  'incr-indexed-seq-plain',
  'incr-indexed-conc',
  'incr-indexed-conc-plain',
  'pipeline-10',
  PIPELINE_ONE_ROUND_TRIP,
  'pipeline-10-big',
  'incr-conc-after-pipeline',
];

/** The workloads of the growth tables (left out of the SVG chart). */
const GROWTH = /^(incr-colls|get-items)-/;

/** The exit status of `--check` when a goal is missed. */
const CHECK_FAILED = 3;

const TIMING: Record<'quick' | 'full', Timing> = {
  quick: { warmupMs: 150, durationMs: 700, rounds: 4, minOps: 8 },
  full: { warmupMs: 1000, durationMs: 4000, rounds: 8, minOps: 24 },
};

/** Removes the benchmark's keys (and only those): a REDIS_URL server may hold other data. */
async function removeBenchKeys(client: Redis): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', 'Bench*:{*', 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await client.unlink(...keys);
  } while (cursor !== '0');
}

interface RunState {
  readonly timing: Timing;
  readonly impls: readonly ImplName[];
  readonly counter: TripCounter;
  readonly bar: Progress;
  /** Set once a workload that runs the library's pipelines has run. */
  pipelinesRan: boolean;
  readonly warnings: string[];
}

/**
 * Runs every impl of a group of workloads (one workload, or the workloads of one `group`) in
 * interleaved slices: each round runs every (workload, impl) once, the next round in reverse.
 */
async function runGroup(ws: readonly Workload[], st: RunState): Promise<Result[]> {
  const entries: { w: Workload; impl: ImplName; prepared: Prepared; slices: Slice[] }[] = [];
  for (const w of ws) {
    await w.setup?.((message) => st.bar.note(message));
    for (const impl of st.impls) {
      const prepare = w.impls[impl];
      if (prepare) entries.push({ w, impl, prepared: await prepare(), slices: [] });
    }
  }
  const afterPipelines = st.pipelinesRan || ws.some((w) => w.pipelines);
  const { timing, bar } = st;
  const slice = timing.durationMs / timing.rounds;
  for (let r = 0; r < timing.rounds; r += 1) {
    for (const e of r % 2 === 0 ? entries : [...entries].reverse()) {
      const warmup = r === 0 ? timing.warmupMs : 0;
      bar.start(`${e.w.name} ${e.impl} (${r + 1}/${timing.rounds})`, warmup + slice);
      const measure = () => measureSlice(e.prepared.op, e.w.concurrency, warmup, slice, Math.ceil(timing.minOps / timing.rounds), st.counter);
      e.slices.push(await (e.prepared.around ? e.prepared.around(measure) : measure()));
      bar.done();
    }
  }
  st.pipelinesRan = afterPipelines;
  const results: Result[] = [];
  for (const e of entries) {
    const { ops: _ops, ...stats } = summarize(e.slices);
    const problem = await e.prepared.verify?.(stats.totalOps);
    if (problem) {
      st.warnings.push(`${e.w.name} ${e.impl}: ${problem}`);
      bar.note(`WARNING ${e.w.name} ${e.impl}: ${problem}`);
    }
    const lostUpdates = await e.prepared.lost?.(stats.totalOps);
    results.push({
      workload: e.w.name,
      impl: e.impl,
      ...stats,
      group: e.w.group ?? e.w.name,
      afterPipelines,
      ...(lostUpdates === undefined ? {} : { lostUpdates }),
    });
  }
  for (const w of ws) await w.teardown?.();
  for (const w of ws) {
    const mine = results.filter((x) => x.workload === w.name);
    const lost = mine
      .filter((x) => x.lostUpdates)
      .map((x) => `; ${x.impl} lost ${x.lostUpdates!.toLocaleString('en-US')} of ${x.totalOps!.toLocaleString('en-US')} updates`)
      .join('');
    const om = mine.find((x) => x.impl === 'redis-om');
    const sends = om ? `; redis-om ${om.roundTripsPerOp.toFixed(2)} requests in ${om.sendsPerOp!.toFixed(2)} sends per op` : '';
    bar.note(`${w.name.padEnd(12)} ${mine.map((x) => `${x.impl} ${Math.round(x.opsPerSec).toLocaleString('en-US')}`).join(' | ')} ops/s${lost}${sends}`);
  }
  return results;
}

/** Consecutive workloads of one group run together; the others alone. */
function groups(workloads: readonly Workload[]): Workload[][] {
  const out: Workload[][] = [];
  for (const w of workloads) {
    const last = out.at(-1);
    if (w.group && last && last[0]!.group === w.group) last.push(w);
    else out.push([w]);
  }
  return out;
}

async function runAll(
  workloads: readonly Workload[],
  timing: Timing,
  impls: readonly ImplName[],
  counter: TripCounter,
): Promise<{ results: Result[]; warnings: string[] }> {
  const steps = workloads.filter((w) => !w.skip).reduce((n, w) => n + impls.filter((i) => w.impls[i]).length * timing.rounds, 0);
  const st: RunState = { timing, impls, counter, bar: progress(steps), pipelinesRan: false, warnings: [] };
  const results: Result[] = [];
  try {
    for (const group of groups(workloads.filter((w) => !w.skip))) results.push(...(await runGroup(group, st)));
  } finally {
    st.bar.stop();
    counter.detach();
  }
  return { results, warnings: st.warnings };
}

/** Every workload, in the order they run and are reported (see ORDER). */
function allWorkloads(models: Models, client: Redis, om: Om | null): Workload[] {
  const all = [
    ...scalarWorkloads(models, client),
    ...collectionWorkloads(models, client),
    ...growthWorkloads(models, client),
    ...queryWorkloads(models, client),
  ];
  const peer = om ? omImpls(om, client) : {};
  const withPeer = all.map((w) => (peer[w.name] ? { ...w, impls: { ...w.impls, 'redis-om': peer[w.name] } } : w));
  return ORDER.flatMap((name) => withPeer.filter((w) => w.name === name));
}

interface Output {
  readonly results: Result[];
  readonly goals: GoalLine[];
  readonly growth: string | null;
  readonly queries: string | null;
  readonly memory: MemoryRow[];
}

function printReport(out: Output, skipped: readonly Workload[]): void {
  process.stdout.write(`\n${table(out.results)}\n\n`);
  for (const g of out.goals) process.stdout.write(`${g.text}\n`);
  for (const w of skipped) process.stdout.write(`skipped ${w.name}: ${w.skip}\n`);
  if (out.growth) process.stdout.write(`\n${out.growth}\n`);
  if (out.queries) process.stdout.write(`\n${out.queries}\n`);
}

/**
 * --md: each section's tables between its markers in FILE (BENCHMARKS.md has them; a section
 * whose workloads did not run is left as it is), or both as all of FILE when it has no markers.
 */
function writeMarkdown(file: string, sections: Record<'growth' | 'queries', string | null>): void {
  let text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  let marked = false;
  for (const [name, body] of Object.entries(sections)) {
    const [open, close] = [`<!-- bench:${name} -->`, `<!-- /bench:${name} -->`];
    const i = text.indexOf(open);
    const j = text.indexOf(close);
    if (i < 0 || j < i) continue;
    marked = true;
    if (body !== null) text = `${text.slice(0, i + open.length)}\n\n${body}\n\n${text.slice(j)}`;
  }
  const all = Object.values(sections).filter((b) => b !== null);
  writeFileSync(file, marked ? text : `${all.length > 0 ? all.join('\n\n') : '(no growth or query workload in this run)'}\n`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const timing = TIMING[args.quick ? 'quick' : 'full'];
  const t0 = performance.now();
  const { lib, origin, warning } = await loadLib(args.src);
  if (warning) process.stderr.write(`WARNING ${warning}\n`);
  const server = await benchServer();
  const client = new Redis(server.url, { maxRetriesPerRequest: 1 });
  const onError = (e: Error) => {
    if (!wasInterrupted()) process.stderr.write(`redis: ${e.message}\n`);
  };
  client.on('error', onError);
  let om: Om | null = null;
  try {
    await lib.init({ redis: client });
    const models = defineModels(lib);
    defineBaselines(client);
    const wantsPeer = !args.impls || args.impls.includes('redis-om');
    om = wantsPeer ? await connectOm(server.url, onError) : null;
    const info = await client.info('server');
    const redisVersion = /redis_version:([^\r\n]+)/.exec(info)?.[1] ?? 'unknown';
    await removeBenchKeys(client);
    let workloads = allWorkloads(models, client, om);
    if (args.only) {
      const all = workloads;
      const selects = (n: string, w: Workload) => w.name === n || (!all.some((x) => x.name === n) && w.name.startsWith(`${n}-`));
      const unknown = args.only.filter((n) => !all.some((w) => selects(n, w)));
      if (unknown.length > 0) throw new Error(`unknown workload ${unknown.join(', ')}; known: ${all.map((w) => w.name).join(', ')}`);
      workloads = all.filter((w) => args.only!.some((n) => selects(n, w)));
    }
    process.stderr.write(
      `rapyer-ts bench (${args.quick ? 'quick' : 'full'}): Redis ${redisVersion} (${server.origin}), Node ${process.version}, ${cpus().length} CPU(s), library from ${origin}\n`,
    );
    const impls = IMPLS.filter((i) => !args.impls || args.impls.includes(i));
    if (args.impls && impls.length !== args.impls.length) throw new Error(`unknown impl in ${args.impls.join(', ')}; known: ${IMPLS.join(', ')}`);
    const counter = new Counters([new RoundTripCounter(client), ...(om ? [new NodeRedisCounter(om.socket)] : [])]);
    const { results, warnings } = await runAll(workloads, timing, impls, counter);
    const memory = args.only ? [] : await measureMemory(models, client, om);
    await removeBenchKeys(client);

    const goals = goalLines(results);
    const growth = growthTables(results, memory);
    const queries = queryTables(results);
    printReport(
      { results, goals, growth, queries, memory },
      workloads.filter((x) => x.skip),
    );
    const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
    process.stdout.write(
      `\nRedis ${redisVersion} (${server.origin}; ${redisServerVersion() ?? 'redis-server --version unavailable'}), Node ${process.version}, ${cpus().length} x ${cpu}; library from ${origin}; ${args.quick ? 'quick' : 'full'} run, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`,
    );
    if (args.json) writeFileSync(args.json, jsonReport(redisVersion, results, { goals, memory }));
    if (args.svg)
      writeFileSync(
        args.svg,
        svgChart(
          results.filter((r) => !GROWTH.test(r.workload)),
          `rapyer-ts bench: ops/s (Redis ${redisVersion}, Node ${process.version}${args.quick ? ', quick run' : ''})`,
        ),
      );
    if (args.md) writeMarkdown(args.md, { growth, queries });
    if (args.check) {
      const failures = checkFailures(goals, args.only !== null || args.impls !== null, warnings);
      const count = (status: string) => goals.filter((g) => g.status === status).length;
      const tally = `${count('met')} met, ${count('skipped')} skipped, ${count('not measured')} not measured`;
      process.stdout.write(
        failures.length === 0 ? `\ncheck: no goal missed (${tally})\n` : `\ncheck FAILED (${tally}):\n${failures.map((f) => `  ${f}`).join('\n')}\n`,
      );
      if (failures.length > 0) process.exitCode = CHECK_FAILED;
    }
  } finally {
    await lib.teardown().catch(() => {});
    await om?.close();
    client.disconnect();
    await server.stop();
  }
}

main().catch((e: unknown) => {
  if (wasInterrupted()) return; // the signal handler stops the server and exits
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
