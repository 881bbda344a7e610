/**
 * The base of the commands of the query model-based tests: each runs on the real side (the
 * library, against Redis) first, then on the reference (which may read the real outcome where
 * the real run decides a race, see ShortTtlCmd), and compares the two outcomes (value, or the
 * class of the error); after a command that may write, it checks the index keys themselves
 * (queries-index.ts: stale entries are invisible to queries).
 */
import type fc from 'fast-check';
import { expect } from 'chai';
import { RapyerError } from '../../src/index.js';
import { RefError, type QRef } from './queries-ref.js';
import { checkIndex } from './queries-index.js';

export type Outcome = { ok: true; value: unknown } | { ok: false; error: string };

/** How many commands of each kind ended how (MBT_STATS=1), and how many ran in all. */
export const STATS = new Map<string, number>();
export const COUNTS = { steps: 0, queries: 0, matched: 0 };

export async function realOutcome(fn: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    if (!(e instanceof RapyerError)) throw e; // anything else is a bug in itself
    return { ok: false, error: e.constructor.name };
  }
}

function refOutcome(fn: () => unknown): { ok: true; value: unknown } | { ok: false; error: string; kinds: readonly string[] } {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    if (!(e instanceof RefError)) throw e;
    return { ok: false, error: e.kind, kinds: e.kinds };
  }
}

/** The real side needs no state of its own: every command makes the instances it uses. */
export type QReal = Record<string, never>;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export abstract class QCmd implements fc.AsyncCommand<QRef, QReal> {
  /** Queries (their script sweeps expired entries first) count apart: how many ran, how many found something. */
  readonly query: boolean = false;
  /** After a command that may write, the index keys are checked (queries-index.ts). */
  readonly writes: boolean = true;
  abstract real(): Promise<unknown>;
  abstract ref(ref: QRef, got: Outcome): unknown;
  abstract toString(): string;

  check(): boolean {
    return true;
  }

  private async compare(ref: QRef): Promise<void> {
    const sent = Date.now();
    const got = await realOutcome(() => this.real());
    const want = refOutcome(() => this.ref(ref, got));
    if (this.query) ref.lastQuery = sent;
    COUNTS.steps += 1;
    const v = want.ok ? want.value : null;
    const size = Array.isArray(v) ? v.length : typeof v === 'number' ? v : ((v as { modelsDeleted?: number } | null)?.modelsDeleted ?? 1);
    if (this.query) {
      COUNTS.queries += 1;
      if (size) COUNTS.matched += 1;
    }
    const key = `${this.constructor.name} ${want.ok ? (this.query ? (size ? 'found' : 'none') : 'ok') : want.error}`;
    STATS.set(key, (STATS.get(key) ?? 0) + 1);
    if (want.ok || !(!got.ok && want.kinds.includes(got.error))) {
      expect(got, `outcome of ${this.toString()}`).to.deep.equal(want.ok ? want : { ok: false, error: want.error });
    }
  }

  async run(ref: QRef): Promise<void> {
    await this.compare(ref);
    if (this.writes) await checkIndex(ref);
  }
}
