/**
 * npm run bench [-- --quick] [--json FILE] [--svg FILE] [--only w1,w2]
 *
 * Measures rapyer-ts against three baselines on the same server in the same run: raw-script
 * (a hand-written defineCommand script: mutation + PEXPIRE), two-round-trips (the mutation, then
 * EXPIRE) and multi (MULTI/EXEC of the native commands + PEXPIRE). Starts an embedded Redis on a
 * free loopback port unless REDIS_URL is set. Prints ops/s, p50/p99 latency and round trips per
 * operation (socket writes counted on the client), then one line per goal.
 */
import { cpus } from 'node:os';
import { writeFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { IMPLS, defineBaselines, type ImplName } from './bench/baselines.js';
import { collectionWorkloads } from './bench/workloads-collections.js';
import { scalarWorkloads } from './bench/workloads.js';
import { measureSlice, summarize, type Prepared, type Slice, type Timing, type Workload } from './bench/runner.js';
import { progress, type Progress } from './bench/progress.js';
import { goalLines, jsonReport, svgChart, table, type Result } from './bench/report.js';
import { RoundTripCounter } from './bench/round-trips.js';
import { benchServer, redisServerVersion, wasInterrupted } from './bench/server.js';
import { defineModels, loadLib } from './bench/models.js';

const USAGE = `Usage: npm run bench -- [--quick] [--json FILE] [--svg FILE] [--only WORKLOAD[,WORKLOAD]]

  --quick        short runs (under a minute in total); the default run takes a few minutes
  --json FILE    write { redis, node, results: [{ workload, impl, opsPerSec, p50Ms, p99Ms, roundTripsPerOp }] }
  --svg FILE     write a bar chart of ops/s per workload, one bar per impl
  --only LIST    run only these workloads (comma-separated)
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
}

function parseArgs(argv: readonly string[]): Args {
  let quick = false;
  let json: string | null = null;
  let svg: string | null = null;
  let only: string[] | null = null;
  let impls: string[] | null = null;
  let src = false;
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
    else if (a === '-h' || a === '--help') {
      process.stdout.write(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  return { quick, json, svg, only, impls, src };
}

/** The order of the report (the issue's list). */
const ORDER = ['incr-seq', 'incr-conc', 'append-conc', 'pq-push-pop', 'save', 'get', 'insert-1000', 'find-1000', 'pipeline-10'];

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

/** Runs every impl of one workload in interleaved slices; returns their stats in IMPLS order. */
async function runWorkload(w: Workload, impls: readonly ImplName[], timing: Timing, counter: RoundTripCounter, bar: Progress): Promise<Result[]> {
  const prepared = new Map<ImplName, Prepared>();
  for (const impl of impls) {
    const prepare = w.impls[impl];
    if (prepare) prepared.set(impl, await prepare());
  }
  const slices = new Map<ImplName, Slice[]>([...prepared.keys()].map((i) => [i, []]));
  const order = [...prepared.keys()];
  const slice = timing.durationMs / timing.rounds;
  for (let r = 0; r < timing.rounds; r += 1) {
    for (const impl of r % 2 === 0 ? order : [...order].reverse()) {
      const warmup = r === 0 ? timing.warmupMs : 0;
      bar.start(`${w.name} ${impl} (${r + 1}/${timing.rounds})`, warmup + slice);
      const s = await measureSlice(prepared.get(impl)!.op, w.concurrency, warmup, slice, Math.ceil(timing.minOps / timing.rounds), counter);
      slices.get(impl)!.push(s);
      bar.done();
    }
  }
  const results: Result[] = [];
  for (const impl of order) {
    const stats = summarize(slices.get(impl)!);
    const problem = await prepared.get(impl)!.verify?.(stats.totalOps);
    if (problem) bar.note(`WARNING ${w.name} ${impl}: ${problem}`);
    results.push({ workload: w.name, impl, ...stats });
  }
  const ops = (impl: ImplName) => Math.round(results.find((x) => x.impl === impl)?.opsPerSec ?? 0).toLocaleString('en-US');
  bar.note(`${w.name.padEnd(12)} ${results.map((x) => `${x.impl} ${ops(x.impl)}`).join(' | ')} ops/s`);
  return results;
}

async function runAll(client: Redis, workloads: readonly Workload[], timing: Timing, impls: readonly ImplName[]): Promise<Result[]> {
  const counter = new RoundTripCounter(client);
  const steps = workloads.filter((w) => !w.skip).reduce((n, w) => n + impls.filter((i) => w.impls[i]).length * timing.rounds, 0);
  const bar = progress(steps);
  const results: Result[] = [];
  try {
    for (const w of workloads) {
      if (w.skip) bar.note(`skipped ${w.name}: ${w.skip}`);
      else results.push(...(await runWorkload(w, impls, timing, counter, bar)));
    }
  } finally {
    bar.stop();
    counter.detach();
  }
  return results;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const timing = TIMING[args.quick ? 'quick' : 'full'];
  const t0 = performance.now();
  const { lib, origin, warning } = await loadLib(args.src);
  if (warning) process.stderr.write(`WARNING ${warning}\n`);
  const server = await benchServer();
  const client = new Redis(server.url, { maxRetriesPerRequest: 1 });
  client.on('error', (e: Error) => { if (!wasInterrupted()) process.stderr.write(`redis: ${e.message}\n`); });
  try {
    await lib.init({ redis: client });
    const models = defineModels(lib);
    defineBaselines(client);
    const info = await client.info('server');
    const redisVersion = /redis_version:([^\r\n]+)/.exec(info)?.[1] ?? 'unknown';
    await removeBenchKeys(client);
    const all = [...scalarWorkloads(models, client), ...collectionWorkloads(models, client)];
    let workloads = ORDER.map((name) => all.find((w) => w.name === name)!);
    if (args.only) {
      const unknown = args.only.filter((n) => !workloads.some((w) => w.name === n));
      if (unknown.length > 0) throw new Error(`unknown workload ${unknown.join(', ')}; known: ${workloads.map((w) => w.name).join(', ')}`);
      workloads = workloads.filter((w) => args.only!.includes(w.name));
    }
    process.stderr.write(`rapyer-ts bench (${args.quick ? 'quick' : 'full'}): Redis ${redisVersion} (${server.origin}), Node ${process.version}, ${cpus().length} CPU(s), library from ${origin}\n`);
    const impls = IMPLS.filter((i) => !args.impls || args.impls.includes(i));
    if (args.impls && impls.length !== args.impls.length) throw new Error(`unknown impl in ${args.impls.join(', ')}; known: ${IMPLS.join(', ')}`);
    const results = await runAll(client, workloads, timing, impls);
    await removeBenchKeys(client);

    const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
    process.stdout.write(`\n${table(results)}\n\n`);
    for (const g of goalLines(results)) process.stdout.write(`${g.text}\n`);
    for (const w of workloads.filter((x) => x.skip)) process.stdout.write(`skipped ${w.name}: ${w.skip}\n`);
    process.stdout.write(`\nRedis ${redisVersion} (${server.origin}; ${redisServerVersion() ?? 'redis-server --version unavailable'}), Node ${process.version}, ${cpus().length} x ${cpu}; library from ${origin}; ${args.quick ? 'quick' : 'full'} run, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
    if (args.json) writeFileSync(args.json, jsonReport(redisVersion, results));
    if (args.svg) writeFileSync(args.svg, svgChart(results, `rapyer-ts bench: ops/s (Redis ${redisVersion}, Node ${process.version}${args.quick ? ', quick run' : ''})`));
  } finally {
    await lib.teardown().catch(() => {});
    client.disconnect();
    await server.stop();
  }
}

main().catch((e: unknown) => {
  if (wasInterrupted()) return; // the signal handler stops the server and exits
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exitCode = 1;
});
