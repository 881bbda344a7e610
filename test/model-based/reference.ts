/**
 * The in-memory reference of the model-based tests. It holds, per model (pk):
 * - `stored`: what Redis should hold (null: not stored);
 * - `ttl[i]` for each of the model's keys (KEY_PATHS order): undefined when the key does not
 *   exist (an empty collection has no key), -1 when it exists without a TTL, else the PTTL in ms
 *   it should have (as of the last time the test set it);
 * - `local`: the local copy of the test's live instance (null: no instance yet).
 * Scripts are plain functions over that state applying the TTL rules of README, TTL rules themselves:
 * rule 1 (`refresh`: groups meet the mask → every key gets the TTL), rule 2 (`refresh(true)`
 * on creation), rule 3 (anything else keeps TTLs), rule 4 (`afterWrite`: a key written without
 * a TTL takes the main key's), rule 5 (delete, asetTtl). Pipelines queue writes and apply them
 * per model at the end, all or nothing (README, Pipelines).
 */
import { RefError } from './python.js';
import { KEY_PATHS, MAIN, PKS, cloneStored, cloneValues, type Pk, type Stored, type Values } from './schema.js';

export type TtlState = number | undefined;

export interface Slot {
  stored: Stored | null;
  ttl: TtlState[];
}

/** What a queued write resolves to inside a pipeline. */
export const QUEUED = Symbol('queued');

/** The context a reference script runs in: one model's slot, the operation's groups. */
export class ScriptCtx {
  /** Inside a pipeline batch: the fields the script reads or writes (what the batch reads back). */
  touched: Set<string> | null = null;

  constructor(
    readonly slot: Slot,
    readonly groups: number,
    readonly mask: number,
    readonly ttlMs: number | null,
    readonly key: string,
  ) {}

  /** The stored model; KeyNotFound (nothing written) when it is not stored. */
  get s(): Stored {
    if (!this.slot.stored) throw new RefError('KeyNotFound', this.key);
    const touched = this.touched;
    if (!touched) return this.slot.stored;
    return new Proxy(this.slot.stored, {
      get: (t, p, r) => {
        touched.add(String(p));
        return Reflect.get(t, p, r);
      },
      set: (t, p, v, r) => {
        touched.add(String(p));
        return Reflect.set(t, p, v, r);
      },
    });
  }

  /** Key existence → TTL entries: a new key has none (-1), a key that went away has no entry. */
  sync(): void {
    KEY_PATHS.forEach((_p, i) => {
      const there = keyExists(this.slot.stored, i);
      if (!there) this.slot.ttl[i] = undefined;
      else if (this.slot.ttl[i] === undefined) this.slot.ttl[i] = -1;
    });
  }

  /** A key deleted and written again (DEL + push): it loses its TTL. */
  rewritten(i: number): void {
    this.slot.ttl[i] = undefined;
  }

  /** Rules 1 and 2: with a TTL, every existing key gets it when created or the groups meet the mask. */
  refresh(created = false): boolean {
    this.sync();
    const ttl = this.ttlMs;
    if (ttl === null || (!created && (this.groups & this.mask) === 0)) return false;
    this.slot.ttl.forEach((t, i) => {
      if (t !== undefined) this.slot.ttl[i] = ttl;
    });
    return true;
  }

  /** After a write to key i: rule 1, else rule 4 (a key without a TTL takes the main key's). */
  afterWrite(i: number): void {
    if (this.refresh()) return;
    const main = this.slot.ttl[MAIN]!;
    if (this.slot.ttl[i] === -1 && main > 0) this.slot.ttl[i] = main;
  }
}

export function keyExists(s: Stored | null, i: number): boolean {
  if (!s) return false;
  switch (KEY_PATHS[i]) {
    case '':
      return true;
    case 'tags':
      return s.tags.length > 0;
    case 'attrs':
      return s.attrs.size > 0;
    case 'seen':
      return s.seen.size > 0;
    case 'jobs':
      return s.jobs.size > 0;
    default:
      return s.addrTags.length > 0;
  }
}

interface Queued {
  readonly pk: Pk;
  readonly run: () => unknown;
  /** The fields the script touched ('*': it wrote the whole model), read back after the batch. */
  readonly touched: Set<string>;
}

function emptySlot(): Slot {
  return { stored: null, ttl: KEY_PATHS.map(() => undefined) };
}

export class Ref {
  readonly slots: Record<Pk, Slot> = { a: emptySlot(), b: emptySlot() };
  readonly local: Record<Pk, Values | null> = { a: null, b: null };
  /** Members SPOP chose in the real run, in order (a set's apop is random). */
  readonly popped: (string | null)[] = [];
  /**
   * Models whose float went through `ipow` in this step: V8's `**` is not correctly rounded,
   * Redis' Lua (C pow) and CPython are, so the local copy may differ from the stored value in
   * the last bit. Their numbers are compared within a few ulps, then the real values adopted.
   */
  readonly fuzzy = new Set<Pk>();
  #queue: Queued[] | null = null;

  /**
   * @param mask the model's refreshTtl as a number (a command may change it: Meta applies to the next operation)
   * @param ttlMs the model's TTL in ms (TTL_MS), or null when it has none
   */
  /**
   * @param wholePipeline on one server a pipeline is one script, all or nothing across every
   * model in it; on a Cluster one script per slot (here: per model), each all or nothing.
   */
  constructor(
    public mask: number,
    readonly ttlMs: number | null,
    readonly wholePipeline = true,
  ) {}

  get inPipeline(): boolean {
    return this.#queue !== null;
  }

  localOf(pk: Pk): Values {
    const l = this.local[pk];
    if (!l) throw new Error(`the reference has no instance ${pk} (a command's check() should have prevented this)`);
    return l;
  }

  /**
   * Runs a script for model pk now, or queues it when inside a pipeline and `queues` (writes;
   * reads and removals that return a stored item run at once).
   */
  script<R>(pk: Pk, groups: number, queues: boolean, fn: (c: ScriptCtx) => R): R | typeof QUEUED {
    const touched = new Set<string>();
    const queued = this.#queue !== null && queues;
    const run = () => {
      const c = new ScriptCtx(this.slots[pk], groups, this.mask, this.ttlMs, `MbtSession:{${pk}}`);
      if (queued) c.touched = touched;
      const before = c.slot.stored;
      const r = fn(c);
      if (queued && c.slot.stored && c.slot.stored !== before) touched.add('*'); // a save: read back whole
      c.sync();
      return r;
    };
    if (this.#queue && queues) {
      this.#queue.push({ pk, run, touched });
      return QUEUED;
    }
    return run();
  }

  /** Sync methods queue their script inside a pipeline; outside one they change the local copy only. */
  queueOnly(pk: Pk, groups: number, fn: (c: ScriptCtx) => unknown): void {
    if (this.#queue) this.script(pk, groups, true, fn);
  }

  /**
   * Runs fn with a pipeline open; if it throws nothing is applied; else the queue, all or
   * nothing (the whole pipeline, or each model's part: see wholePipeline). After a failure the
   * models of the failed parts are reloaded (a READ each, for those still stored); after a part
   * that applied, each model reads back what its operations touched.
   */
  pipeline(fn: () => void): void {
    const queue: Queued[] = [];
    this.#queue = queue;
    try {
      fn();
    } finally {
      this.#queue = null;
    }
    const order: Pk[] = [];
    for (const q of queue) if (!order.includes(q.pk)) order.push(q.pk);
    const parts = this.wholePipeline ? [order] : order.map((pk) => [pk]);
    const errors: unknown[] = [];
    const failed: Pk[] = [];
    for (const pks of parts) {
      const snapshots = pks.map((pk) => ({ stored: this.slots[pk].stored && cloneStored(this.slots[pk].stored!), ttl: [...this.slots[pk].ttl] }));
      try {
        for (const q of queue) if (pks.includes(q.pk)) q.run();
        this.readBack(queue.filter((q) => pks.includes(q.pk)));
      } catch (e) {
        pks.forEach((pk, i) => {
          this.slots[pk].stored = snapshots[i]!.stored;
          this.slots[pk].ttl = snapshots[i]!.ttl;
        });
        errors.push(e);
        failed.push(...pks);
      }
    }
    if (errors.length === 0) return;
    // The models of a failed batch are reloaded; those of a batch that applied were read back.
    for (const pk of order.filter((p) => failed.includes(p))) {
      this.script(pk, 1, false, (c) => {
        if (c.slot.stored) c.refresh();
      });
      const loaded = this.loadedValues(pk);
      if (loaded) this.local[pk] = loaded;
    }
    throw errors[0];
  }

  /** After a batch: each model's local copy takes the stored value of every field its operations touched. */
  private readBack(queue: readonly Queued[]): void {
    for (const q of queue) {
      const stored = this.slots[q.pk].stored;
      const local = this.local[q.pk];
      if (!stored || !local) continue;
      const fresh = cloneValues(stored) as unknown as Record<string, unknown>;
      for (const f of Object.keys(local)) {
        if (q.touched.has('*') || q.touched.has(f)) (local as unknown as Record<string, unknown>)[f] = fresh[f];
      }
    }
  }

  /** The next member a set's apop returned in the real run (it must be a stored member). */
  nextPopped(members: Set<string>): string | null {
    if (this.popped.length === 0) throw new Error('reference: no recorded set apop answer');
    const m = this.popped.shift()!;
    if (m !== null && !members.has(m)) throw new Error(`set apop returned ${JSON.stringify(m)}, not a stored member`);
    if (m === null && members.size > 0) throw new Error('set apop returned null from a non-empty set');
    return m;
  }

  /** A copy of the stored values, as a freshly loaded instance holds them. */
  loadedValues(pk: Pk): Values | null {
    const s = this.slots[pk].stored;
    return s ? cloneValues(s) : null;
  }

  /** The reads the test makes after each step (aget: READ|FETCH) refresh like any read. */
  afterGet(pk: Pk): void {
    this.script(pk, 1 | 2, false, (c) => {
      if (c.slot.stored) c.refresh();
    });
  }

  /** Main keys of the stored models, sorted. */
  storedKeys(): string[] {
    return PKS.filter((pk) => this.slots[pk].stored)
      .map((pk) => `MbtSession:{${pk}}`)
      .sort();
  }
}
