/**
 * The benchmark's output: the results table, the JSON file and the SVG chart (the goals:
 * goals.ts; the growth tables: workloads-growth.ts).
 */
import { IMPLS, type ImplName } from './baselines.js';
import type { GoalLine } from './goals.js';

export interface Result {
  readonly workload: string;
  readonly impl: ImplName;
  readonly opsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly roundTripsPerOp: number;
  /** Sends to the kernel per operation (redis-om's client sends many requests at once). */
  readonly sendsPerOp?: number;
  /** Updates the stored state does not show (incr workloads: operations − final counter). */
  readonly lostUpdates?: number;
  /** Operations run, warm-up included (what lostUpdates is out of). */
  readonly totalOps?: number;
  /** The interleaving group it ran in (its workload's name when it has none). */
  readonly group: string;
  /** True when a pipeline had run in the process before it was measured. */
  readonly afterPipelines: boolean;
  /** ops/s of each interleaved round (not written to the JSON file). */
  readonly roundOpsPerSec?: readonly number[];
}

export const num = (n: number, digits: number) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** A fixed-width text table (also valid Markdown); right-aligned from column `leftCols` on. */
export function textTable(head: readonly string[], rows: readonly string[][], leftCols = 1): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => (i < leftCols ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i < leftCols ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}

/** The results table; a "lost updates" column when a workload counts them. */
export function table(results: readonly Result[]): string {
  const lost = results.some((r) => r.lostUpdates !== undefined);
  const head = ['workload', 'impl', 'ops/s', 'p50 ms', 'p99 ms', 'round trips/op', ...(lost ? ['lost updates'] : [])];
  const rows = results.map((r) => [
    r.workload,
    r.impl,
    num(r.opsPerSec, 0),
    num(r.p50Ms, 3),
    num(r.p99Ms, 3),
    num(r.roundTripsPerOp, 2),
    ...(lost ? [r.lostUpdates === undefined ? '' : `${num(r.lostUpdates, 0)} of ${num(r.totalOps ?? 0, 0)}`] : []),
  ]);
  return textTable(head, rows, 2);
}

/** What the JSON file holds besides the results (goals, growth tables, memory). */
export interface JsonExtras {
  readonly goals: readonly GoalLine[];
  readonly [section: string]: unknown;
}

export function jsonReport(redis: string, results: readonly Result[], extras: JsonExtras): string {
  const round = (n: number, d: number) => Math.round(n * 10 ** d) / 10 ** d;
  const { goals, ...rest } = extras;
  return `${JSON.stringify(
    {
      redis,
      node: process.version.replace(/^v/, ''),
      results: results.map((r) => ({
        workload: r.workload,
        impl: r.impl,
        opsPerSec: round(r.opsPerSec, 1),
        p50Ms: round(r.p50Ms, 4),
        p99Ms: round(r.p99Ms, 4),
        roundTripsPerOp: round(r.roundTripsPerOp, 3),
        ...(r.impl === 'redis-om' && r.sendsPerOp !== undefined ? { sendsPerOp: round(r.sendsPerOp, 3) } : {}),
        ...(r.lostUpdates === undefined ? {} : { lostUpdates: r.lostUpdates, totalOps: r.totalOps }),
      })),
      goals: goals.map((g) => ({ goal: g.text.replace(/^goal ([^:]*):.*$/s, '$1'), status: g.status, ratio: g.ratio === null ? null : round(g.ratio, 3) })),
      ...rest,
    },
    null,
    2,
  )}\n`;
}

const COLORS: Record<ImplName, string> = {
  'rapyer-ts': '#d6336c',
  'raw-script': '#1c7ed6',
  'two-round-trips': '#f59f00',
  multi: '#37b24d',
  'redis-om': '#7048e8',
  'scan-filter': '#868e96',
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
    const x = 10 + i * 108;
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
