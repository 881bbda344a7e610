/**
 * Runs one (workload, impl): a warm-up, then a timed run with N concurrent callers, each calling
 * the operation in a loop. Records every operation's latency and the round trips written on the
 * client's socket during the timed run.
 */
import type { ImplName } from './baselines.js';
import type { TripCounter } from './round-trips.js';

/** One impl of a workload, set up: its operation, and an optional check once it has run. */
export interface Prepared {
  readonly op: () => Promise<unknown>;
  /** Checks the stored state after `ops` operations (warm-up included); an error text or null. */
  readonly verify?: (ops: number) => Promise<string | null>;
  /**
   * Updates lost after `ops` operations (warm-up included): the operations the stored state
   * does not show (the final counter against the number of increments). Reported, not a warning.
   */
  readonly lost?: (ops: number) => Promise<number>;
  /** Wraps each timed slice of this impl (e.g. to subscribe to a channel only while it runs). */
  readonly around?: <T>(slice: () => Promise<T>) => Promise<T>;
}

export interface Workload {
  readonly name: string;
  /** Concurrent callers (1 = sequential). */
  readonly concurrency: number;
  /** What one operation is, for the report. */
  readonly describe: string;
  /** Why the workload cannot run in this build (it is then listed, not measured). */
  readonly skip?: string;
  /**
   * Workloads of one group run interleaved together (every impl of every workload in each
   * round), so that ratios between them are paired rounds, as between impls of one workload.
   */
  readonly group?: string;
  /** It runs the library's pipelines (apipeline) in this process. */
  readonly pipelines?: boolean;
  /** Runs once before the workload's impls are prepared (`note` prints a line under the progress bar). */
  readonly setup?: (note: (message: string) => void) => Promise<void>;
  /** Runs once after the workload's group ran and its impls were checked. */
  readonly teardown?: () => Promise<void>;
  readonly impls: Partial<Record<ImplName, () => Promise<Prepared>>>;
}

export interface Timing {
  /** Warm-up of each impl before its first timed slice. */
  readonly warmupMs: number;
  /** Timed duration of each impl, split into `rounds` slices. */
  readonly durationMs: number;
  /**
   * The impls of a workload run in interleaved slices (A B C D, then D C B A, ...), so that a
   * neighbour's load on a shared machine hits every impl alike and ratios stay meaningful.
   */
  readonly rounds: number;
  /** At least this many timed operations per impl, however long they take. */
  readonly minOps: number;
}

/** One timed slice of one impl. */
export interface Slice {
  readonly latencies: number[];
  readonly elapsedMs: number;
  readonly roundTrips: number;
  readonly sends: number;
  /** Operations run, warm-up included. */
  readonly ops: number;
}

export interface Stats {
  readonly ops: number;
  readonly opsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly roundTripsPerOp: number;
  /** Sends to the kernel per operation (differs from round trips for node-redis). */
  readonly sendsPerOp: number;
  /** Operations run, warm-up included (for verify). */
  readonly totalOps: number;
  /** ops/s of each interleaved round, in round order (for paired ratios). */
  readonly roundOpsPerSec: number[];
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[i]!;
}

/** Runs `op` from `concurrency` callers until `until()` says stop; returns the latencies (ms). */
async function drive(op: () => Promise<unknown>, concurrency: number, until: (done: number) => boolean): Promise<number[]> {
  const latencies: number[] = [];
  const caller = async () => {
    while (!until(latencies.length)) {
      const t0 = performance.now();
      await op();
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  return latencies;
}

/** Warms up (when warmupMs > 0), then times `op` for durationMs and at least minOps operations. */
export async function measureSlice(
  op: () => Promise<unknown>,
  concurrency: number,
  warmupMs: number,
  durationMs: number,
  minOps: number,
  counter: TripCounter,
): Promise<Slice> {
  let warm = 0;
  if (warmupMs > 0) {
    const warmEnd = performance.now() + warmupMs;
    warm = (await drive(op, concurrency, (done) => done > 0 && performance.now() >= warmEnd)).length;
  }
  counter.attach();
  counter.reset();
  const start = performance.now();
  const end = start + durationMs;
  const latencies = await drive(op, concurrency, (done) => done >= minOps && performance.now() >= end);
  const elapsedMs = performance.now() - start;
  if (!counter.attached) throw new Error('the client reconnected during the run: round trips were not counted');
  return { latencies, elapsedMs, roundTrips: counter.count, sends: counter.sends, ops: warm + latencies.length };
}

/** The statistics of an impl's slices taken together. */
export function summarize(slices: readonly Slice[]): Stats {
  const all = Float64Array.from(slices.flatMap((s) => s.latencies)).sort();
  const elapsed = slices.reduce((t, s) => t + s.elapsedMs, 0);
  const trips = slices.reduce((t, s) => t + s.roundTrips, 0);
  return {
    ops: all.length,
    opsPerSec: all.length / (elapsed / 1000),
    p50Ms: percentile(all, 0.5),
    p99Ms: percentile(all, 0.99),
    roundTripsPerOp: trips / all.length,
    sendsPerOp: slices.reduce((t, s) => t + s.sends, 0) / all.length,
    totalOps: slices.reduce((t, s) => t + s.ops, 0),
    roundOpsPerSec: slices.map((s) => s.latencies.length / (s.elapsedMs / 1000)),
  };
}
