/**
 * The benchmark's output: the results table, the goal lines, the JSON file and the SVG chart.
 */
import { IMPLS, type ImplName } from './baselines.js';

export interface Result {
  readonly workload: string;
  readonly impl: ImplName;
  readonly opsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly roundTripsPerOp: number;
  /** ops/s of each interleaved round (not written to the JSON file). */
  readonly roundOpsPerSec?: readonly number[];
}

export interface Goal {
  readonly workload: string;
  readonly versus: ImplName;
  readonly atLeast: number;
}

/** The benchmark goals: rapyer-ts's ops/s at least `atLeast` × the baseline's. */
export const GOALS: readonly Goal[] = [
  { workload: 'incr-conc', versus: 'raw-script', atLeast: 0.9 },
  { workload: 'incr-seq', versus: 'two-round-trips', atLeast: 1.6 },
  { workload: 'insert-1000', versus: 'raw-script', atLeast: 0.8 },
];

const num = (n: number, digits: number) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** A fixed-width text table (also valid Markdown). */
export function table(results: readonly Result[]): string {
  const head = ['workload', 'impl', 'ops/s', 'p50 ms', 'p99 ms', 'round trips/op'];
  const rows = results.map((r) => [
    r.workload, r.impl, num(r.opsPerSec, 0), num(r.p50Ms, 3), num(r.p99Ms, 3), num(r.roundTripsPerOp, 2),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i < 2 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}

export interface GoalLine {
  readonly goal: Goal;
  readonly ratio: number | null;
  readonly met: boolean;
  readonly text: string;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * One line per goal. The ratio is the median, over the interleaved rounds, of rapyer-ts's ops/s
 * divided by the baseline's in the same round: a burst of load from a neighbour on a shared
 * machine then spoils one round, not the verdict. The ratio of the totals is shown too.
 */
export function goalLines(results: readonly Result[]): GoalLine[] {
  return GOALS.map((goal) => {
    const ours = results.find((r) => r.workload === goal.workload && r.impl === 'rapyer-ts');
    const base = results.find((r) => r.workload === goal.workload && r.impl === goal.versus);
    const what = `${goal.workload}: rapyer-ts >= ${goal.atLeast} x ${goal.versus}`;
    if (!ours || !base) return { goal, ratio: null, met: false, text: `goal ${what}: not measured` };
    const overall = ours.opsPerSec / base.opsPerSec;
    const a = ours.roundOpsPerSec ?? [];
    const b = base.roundOpsPerSec ?? [];
    const paired = a.length > 0 && a.length === b.length ? median(a.map((x, i) => x / b[i]!)) : overall;
    const met = paired >= goal.atLeast;
    const detail = `${paired.toFixed(2)}x, median of ${a.length} paired rounds; totals ${num(ours.opsPerSec, 0)} vs ${num(base.opsPerSec, 0)} ops/s = ${overall.toFixed(2)}x`;
    return { goal, ratio: paired, met, text: `goal ${what}: ${met ? 'MET' : 'NOT MET'} (${detail})` };
  });
}

export function jsonReport(redis: string, results: readonly Result[]): string {
  const round = (n: number, d: number) => Math.round(n * 10 ** d) / 10 ** d;
  return `${JSON.stringify({
    redis,
    node: process.version.replace(/^v/, ''),
    results: results.map((r) => ({
      workload: r.workload,
      impl: r.impl,
      opsPerSec: round(r.opsPerSec, 1),
      p50Ms: round(r.p50Ms, 4),
      p99Ms: round(r.p99Ms, 4),
      roundTripsPerOp: round(r.roundTripsPerOp, 3),
    })),
  }, null, 2)}\n`;
}

const COLORS: Record<ImplName, string> = {
  'rapyer-ts': '#d6336c',
  'raw-script': '#1c7ed6',
  'two-round-trips': '#f59f00',
  multi: '#37b24d',
};

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A horizontal grouped bar chart: one group per workload, one bar per impl, each bar's length
 * its ops/s relative to the fastest impl of that workload (workloads differ by orders of
 * magnitude), labelled with the absolute ops/s.
 */
export function svgChart(results: readonly Result[], title: string): string {
  const workloads = [...new Set(results.map((r) => r.workload))];
  const bar = 14;
  const gap = 3;
  const groupGap = 16;
  const left = 110;
  const plot = 440;
  const top = 56;
  const groupH = (bar + gap) * IMPLS.length + groupGap;
  const height = top + workloads.length * groupH + 24;
  const width = left + plot + 110;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`,
  ];
  IMPLS.forEach((impl, i) => {
    const x = left + i * 120;
    out.push(`<rect x="${x}" y="32" width="12" height="12" fill="${COLORS[impl]}"/>`, `<text x="${x + 16}" y="42">${impl}</text>`);
  });
  workloads.forEach((w, g) => {
    const y0 = top + g * groupH;
    const rows = results.filter((r) => r.workload === w);
    const best = Math.max(...rows.map((r) => r.opsPerSec));
    out.push(`<text x="${left - 8}" y="${y0 + ((bar + gap) * IMPLS.length) / 2 + 4}" text-anchor="end" font-weight="bold">${esc(w)}</text>`);
    IMPLS.forEach((impl, i) => {
      const r = rows.find((x) => x.impl === impl);
      if (!r) return;
      const y = y0 + i * (bar + gap);
      const len = Math.max(1, (r.opsPerSec / best) * plot);
      out.push(
        `<rect x="${left}" y="${y}" width="${len.toFixed(1)}" height="${bar}" fill="${COLORS[impl]}"><title>${esc(`${w} ${impl}: ${num(r.opsPerSec, 0)} ops/s`)}</title></rect>`,
        `<text x="${(left + len + 4).toFixed(1)}" y="${y + bar - 3}">${num(r.opsPerSec, 0)} ops/s</text>`,
      );
    });
  });
  out.push(`<text x="${left}" y="${height - 6}" fill="#555">Bar length: ops/s relative to the fastest impl of the workload; labels: absolute ops/s.</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
