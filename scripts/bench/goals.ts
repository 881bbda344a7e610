/**
 * The goals of the benchmark and `--check`. A goal compares one (workload, impl) with another:
 * the ratio is the median over the rounds of the first's ops/s divided by the second's in the
 * same round when both ran interleaved (the same workload, or workloads of one group): a burst
 * of load from a neighbour on a shared machine then spoils one round, not the verdict. Results
 * that could not run interleaved (incr-conc-after-pipeline against incr-conc: the process must
 * not have run a pipeline for the second) compare the medians of their rounds instead, and say
 * so. The ratio of the totals is shown too.
 */
import type { ImplName } from './baselines.js';
import type { Result } from './report.js';

export interface Side {
  readonly workload: string;
  readonly impl: ImplName;
}

/**
 * A goal: the subject's ops/s at least `atLeast` × the versus side's, or (`costAtMost`) the
 * subject's cost per operation (1 / ops/s) at most that many times the versus side's.
 */
export type Goal = GoalSides & ({ readonly atLeast: number; readonly costAtMost?: undefined } | { readonly costAtMost: number; readonly atLeast?: undefined });

interface GoalSides {
  readonly subject: Side;
  readonly versus: Side;
  /** When set, a run without the subject skips the goal with this note (a form not built yet). */
  readonly ifMissing?: string;
  /** The versus side must have been measured before any pipeline ran in the process. */
  readonly versusBeforePipelines?: boolean;
}

const ours = (workload: string): Side => ({ workload, impl: 'rapyer-ts' });
const rawScript = (workload: string): Side => ({ workload, impl: 'raw-script' });

/**
 * The name of the one-round-trip form of pipeline-10. Point this at the workload that measures it
 * (in the `pipeline` group, so that its ratio to pipeline-10's raw-script is paired); until a run
 * holds it, its goal is skipped with a note.
 */
export const PIPELINE_ONE_ROUND_TRIP = 'pipeline-10-1rt';

/** rapyer-ts ≥ 0.95 × raw-script on these workloads. */
const NEAR_RAW = ['incr-seq', 'incr-conc', 'append-conc', 'pq-push-pop', 'save', 'get', 'insert-1000', 'find-1000'];

export const GOALS: readonly Goal[] = [
  ...NEAR_RAW.map((w) => ({ subject: ours(w), versus: rawScript(w), atLeast: 0.95 })),
  {
    subject: ours(PIPELINE_ONE_ROUND_TRIP),
    versus: rawScript('pipeline-10'),
    atLeast: 0.8,
    ifMissing: `the one-round-trip pipeline form (workload ${PIPELINE_ONE_ROUND_TRIP}) is not in this run`,
  },
  { subject: ours('pipeline-10-big'), versus: ours(PIPELINE_ONE_ROUND_TRIP), atLeast: 0.9 },
  { subject: rawScript('incr-conc-after-pipeline'), versus: rawScript('incr-conc'), atLeast: 0.95, versusBeforePipelines: true },
  // Queries (README, Queries): a query's cost does not grow with the models stored (not O(N))...
  { subject: ours('query-eq-100k'), versus: ours('query-eq-10k'), costAtMost: 1.5 },
  // ...and an index costs a write at most ~30% (the same increment without the index).
  { subject: ours('incr-indexed-seq'), versus: ours('incr-indexed-seq-plain'), atLeast: 0.7 },
  { subject: ours('incr-indexed-conc'), versus: ours('incr-indexed-conc-plain'), atLeast: 0.7 },
];

export type GoalStatus = 'met' | 'missed' | 'skipped' | 'not measured';

export interface GoalLine {
  readonly goal: Goal;
  readonly ratio: number | null;
  readonly status: GoalStatus;
  readonly text: string;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export interface Ratio {
  readonly value: number;
  /** How it was computed, for the report. */
  readonly how: string;
}

/** a's ops/s over b's: paired rounds when they ran interleaved, medians of rounds otherwise. */
export function ratio(a: Result, b: Result): Ratio {
  const ra = a.roundOpsPerSec ?? [];
  const rb = b.roundOpsPerSec ?? [];
  if (ra.length === 0 || rb.length === 0) return { value: a.opsPerSec / b.opsPerSec, how: 'totals' };
  if (a.group === b.group && ra.length === rb.length) return { value: median(ra.map((x, i) => x / rb[i]!)), how: `median of ${ra.length} paired rounds` };
  return { value: median(ra) / median(rb), how: `median of ${ra.length} rounds / median of ${rb.length} rounds, not interleaved` };
}

const num0 = (n: number) => Math.round(n).toLocaleString('en-US');
/** Two decimals, or two significant digits below 0.1 (0.0050x, not 0.00x). */
const times = (x: number) => (x >= 0.1 ? x.toFixed(2) : x.toPrecision(2));
const side = (s: Side) => `${s.workload} ${s.impl}`;

export function goalLines(results: readonly Result[]): GoalLine[] {
  const find = (s: Side) => results.find((r) => r.workload === s.workload && r.impl === s.impl);
  return GOALS.map((goal) => {
    const cost = goal.costAtMost !== undefined;
    const what = cost
      ? `cost of ${side(goal.subject)} <= ${goal.costAtMost} x cost of ${side(goal.versus)}`
      : `${side(goal.subject)} >= ${goal.atLeast} x ${side(goal.versus)}`;
    const a = find(goal.subject);
    const b = find(goal.versus);
    if (!a && goal.ifMissing) return { goal, ratio: null, status: 'skipped', text: `goal ${what}: skipped (${goal.ifMissing})` };
    if (!a || !b) return { goal, ratio: null, status: 'not measured', text: `goal ${what}: not measured` };
    if (goal.versusBeforePipelines && b.afterPipelines) {
      return { goal, ratio: null, status: 'not measured', text: `goal ${what}: not measured (${side(goal.versus)} ran after a pipeline in this process)` };
    }
    // a cost ratio is the versus side's ops/s over the subject's
    const r = cost ? ratio(b, a) : ratio(a, b);
    const met = goal.costAtMost !== undefined ? r.value <= goal.costAtMost : r.value >= goal.atLeast;
    const totals = cost ? b.opsPerSec / a.opsPerSec : a.opsPerSec / b.opsPerSec;
    const detail = `${times(r.value)}x, ${r.how}; totals ${num0(a.opsPerSec)} vs ${num0(b.opsPerSec)} ops/s = ${times(totals)}x${cost ? ' the cost' : ''}`;
    return { goal, ratio: r.value, status: met ? 'met' : 'missed', text: `goal ${what}: ${met ? 'MET' : 'NOT MET'} (${detail})` };
  });
}

/**
 * What `--check` fails on: a goal missed; a goal not measured in a run of every workload and impl
 * (a run narrowed with --only or --impl may leave goals out); a stored-state check that failed.
 */
export function checkFailures(lines: readonly GoalLine[], narrowed: boolean, warnings: readonly string[]): string[] {
  const out = lines.filter((l) => l.status === 'missed' || (l.status === 'not measured' && !narrowed)).map((l) => l.text);
  return [...out, ...warnings];
}
