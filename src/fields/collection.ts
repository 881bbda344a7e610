/**
 * What the collection fields share: their spec (CollectionSpec: items checked, encoded and
 * decoded with the inner scalar spec) and the link of a handle to its model (CollectionCore).
 *
 * Storage (README, Storage layout): each collection lives in its own key `${main}:${path}`: a list in a Redis
 * list, a dict in a hash (dict keys are the raw hash fields), a set in a set, a priority queue
 * in a sorted set. Every item is stored as the same JSON text as a scalar of the inner kind.
 */
import { FieldSpec, INVALID, at, type AnyField, type CollectionKind, type MakeHandle, type Where } from './spec.js';
import type { FieldOwner } from './base.js';
import type { MethodName, ResultOf } from '../ops/table.js';
import { collectionKey } from '../keys.js';
import { CorruptedModelError, KeyError, UnsupportedArgumentError, ValidationError, show } from '../errors.js';

/** A lone surrogate (with the u flag a well-formed pair is one code point and does not match). */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** The value type of a field spec (an item of a collection of that spec). */
export type ItemOf<F> = F extends { readonly __types?: infer X } ? (NonNullable<X> extends { value: infer V } ? V : never) : never;

/** Options of field.list / dict / set: a default value or factory (they default to empty). */
export interface CollectionOptions<T> {
  /** Stored items that no longer validate load as the default (empty) instead of failing (see FieldOptions.safeLoad). */
  readonly safeLoad?: boolean;
  /** Kept locally only, never stored (see FieldOptions.exclude). */
  readonly exclude?: boolean;
  /** A value, or a factory called for each new model; a priority queue takes none (ValidationError). */
  readonly default?: T | (() => T);
}

/** The raw replies of Redis: ioredis answers strings (or Buffers when asked). */
export type Raw = string | Buffer;

export class CollectionSpec<V = unknown, H = unknown, I = unknown> extends FieldSpec<V, H, I, false> {
  constructor(kind: CollectionKind, item: AnyField, options: CollectionOptions<unknown>, make: MakeHandle) {
    super(kind, checkDefinition(kind, item, options), make, undefined, item);
  }

  /** The inner scalar spec every item is checked, encoded and decoded with. */
  get item(): AnyField {
    return this.ref as AnyField;
  }

  /** The default: the given one (a fresh copy from a factory), else an empty collection. */
  override defaultValue(): unknown {
    const d = this.options.default;
    if (typeof d === 'function') return (d as () => unknown)();
    if (d !== undefined) return d;
    if (this.kind === 'dict') return new Map();
    return this.kind === 'pq' ? undefined : [];
  }

  /** One item checked against the inner spec; `index` names it in the error (`tags[2]`). */
  checkItem(where: Where, index: string | number, value: unknown): unknown {
    return this.item.check(itemWhere(where, index), value);
  }

  /** One item's stored text (checked first). */
  encodeItem(where: Where, index: string | number, value: unknown): string {
    return this.item.encode(itemWhere(where, index), value);
  }

  /** One stored text → item; CorruptedModelError naming the key and the field when it is invalid. */
  decodeItem(where: Where, index: string | number, raw: Raw): unknown {
    const text = String(raw);
    const v = this.item.decodeOr(text); // no result object per item
    if (v === INVALID) throw new CorruptedModelError(`${at(itemWhere(where, index))}: stored item ${this.item.whyInvalid(text)}`);
    return v;
  }

  /**
   * A dict key: any well-formed string. Keys are raw hash fields, sent as UTF-8: a lone surrogate
   * would be stored as U+FFFD (another key), so it is refused.
   */
  checkKey(where: Where, key: unknown): string {
    if (typeof key !== 'string') throw new ValidationError(`${at(where)}: a dict key must be a string, got ${show(key)}`);
    if (LONE_SURROGATE.test(key)) throw new ValidationError(`${at(where)}: a dict key must be well-formed Unicode (no lone surrogate), got ${show(key)}`);
    return key;
  }

  /** The pairs of a dict input (a Map or a plain object), checked. */
  dictEntries(where: Where, value: unknown): [string, unknown][] {
    let entries: [unknown, unknown][];
    if (value instanceof Map) entries = [...value.entries()];
    else if (isPlainObject(value)) entries = Object.entries(value);
    else throw new ValidationError(`${at(where)}: expected a Map or a plain object, got ${show(value)}`);
    return entries.map(([k, v]) => [this.checkKey(where, k), this.checkItem(where, String(k), v)]);
  }

  /** The items of a list or set input (an array, or a Set for sets), checked. */
  listItems(where: Where, value: unknown): unknown[] {
    const ok = Array.isArray(value) || (this.kind === 'set' && value instanceof Set);
    if (!ok) throw new ValidationError(`${at(where)}: expected an array${this.kind === 'set' ? ' or a Set' : ''}, got ${show(value)}`);
    return [...(value as Iterable<unknown>)].map((x, i) => this.checkItem(where, i, x));
  }

  /** Checks a whole value: list → array, dict → Map, set → array without duplicates. */
  override check(where: Where, value: unknown): V {
    if (this.kind === 'pq') {
      if (value === undefined) return undefined as V;
      throw new ValidationError(`${at(where)}: a priority queue holds no local value (use apush), got ${show(value)}`);
    }
    if (this.kind === 'dict') return new Map(this.dictEntries(where, value)) as V;
    const items = this.listItems(where, value);
    if (this.kind === 'list') return items as V;
    const seen = new Map<string, unknown>();
    items.forEach((x, i) => {
      seen.set(this.encodeItem(where, i, x), x);
    });
    return [...seen.values()] as V;
  }

  /** The payload of includes/collections.lua: list items, set members, dict key/value pairs. */
  encodeItems(where: Where, value: unknown): string[] {
    if (this.kind === 'pq') return [];
    if (this.kind === 'dict') {
      const out: string[] = [];
      for (const [k, v] of this.dictEntries(where, value)) out.push(k, this.encodeItem(where, k, v));
      return out;
    }
    const out = this.listItems(where, value).map((x, i) => this.encodeItem(where, i, x));
    return this.kind === 'set' ? [...new Set(out)] : out;
  }

  /** Stored items (as collections.lua reads them) → list array, dict Map, set array. */
  decodeItems(where: Where, raw: readonly Raw[]): unknown {
    if (this.kind === 'dict') {
      const out = new Map<string, unknown>();
      for (let i = 0; i < raw.length; i += 2) {
        const k = String(raw[i]);
        out.set(k, this.decodeItem(where, k, raw[i + 1]!));
      }
      return out;
    }
    return raw.map((r, i) => this.decodeItem(where, i, r));
  }

  override toPlain(where: Where): unknown {
    throw new UnsupportedArgumentError(`${at(where)}: a ${this.kind} is not stored in the model's hash`);
  }

  override encode(where: Where): string {
    return this.toPlain(where) as string;
  }

  override decode(): { ok: false; why: string } {
    return { ok: false, why: `a ${this.kind} is not stored in the model's hash` };
  }

  override encodedDefault(): string {
    return '';
  }
}

export type AnyCollection = CollectionSpec<unknown, unknown, unknown>;

/**
 * The link of a collection handle to its model: runs the field's scripts with the collection
 * key's index in KEYS as ARGV[4] (lua/includes/collection-op.lua), and names it in errors.
 */
export class CollectionCore {
  constructor(
    readonly owner: FieldOwner,
    readonly path: string,
    readonly spec: AnyCollection,
  ) {}

  get where(): Where {
    return { model: this.owner.key, path: this.path };
  }

  get label(): string {
    return at(this.where);
  }

  /** Runs a method's script now (or queues it inside a pipeline when it is a write). */
  run<N extends MethodName>(method: N, extra: readonly string[], local?: () => ResultOf<N>, otherKeys?: readonly string[]): Promise<ResultOf<N>> {
    return this.owner.runMethod(method, [String(this.owner.collectionIndex(this.path)), ...extra], local, otherKeys);
  }

  /** The collection's own key, `${main}:${path}`. */
  get key(): string {
    return collectionKey(this.owner.key, this.path);
  }

  /** Queues a sync method's script inside a pipeline; outside one, nothing. */
  queue(method: MethodName, extra: readonly string[]): void {
    this.owner.queueMethod(method, [String(this.owner.collectionIndex(this.path)), ...extra]);
  }

  checkItem(index: string | number, value: unknown): unknown {
    return this.spec.checkItem(this.where, index, value);
  }

  encodeItem(index: string | number, value: unknown): string {
    return this.spec.encodeItem(this.where, index, value);
  }

  /** The stored text of an item, or null when it does not fit (for comparisons). */
  codeOf(value: unknown): string | null {
    try {
      return this.spec.encodeItem(this.where, 0, value);
    } catch {
      return null;
    }
  }

  decodeItem(index: string | number, raw: Raw): unknown {
    return this.spec.decodeItem(this.where, index, raw);
  }

  /** A Python index given by the caller: a safe integer. */
  checkIndex(i: unknown, what = 'index'): number {
    if (typeof i !== 'number' || !Number.isSafeInteger(i)) throw new ValidationError(`${this.label}: ${what} must be an integer, got ${show(i)}`);
    return i;
  }

  /** Python's `list[i]` position for a length, or KeyError when it is out of range. */
  position(i: number, length: number): number {
    const p = i < 0 ? i + length : i;
    if (p < 0 || p >= length) throw new KeyError(`${this.label}: index ${i} out of range (length ${length})`);
    return p;
  }
}

/** Python's insert position: negative counts from the end, then clamped to 0 .. length. */
export function insertPosition(i: number, length: number): number {
  const p = i < 0 ? Math.max(i + length, 0) : i;
  return Math.min(p, length);
}

/** Python's slice bound: negative counts from the end, then clamped to 0 .. length. */
export function sliceBound(i: number | undefined, length: number, fallback: number): number {
  if (i === undefined) return fallback;
  return insertPosition(i, length);
}

function itemWhere(where: Where, index: string | number): Where {
  return { model: where.model, path: `${where.path}[${typeof index === 'number' ? index : JSON.stringify(index)}]` };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Refuses what a collection field cannot be, at definition. */
function checkDefinition(kind: CollectionKind, item: AnyField, options: CollectionOptions<unknown>): CollectionOptions<unknown> {
  const opts = (options ?? {}) as Record<string, unknown>;
  const name = `field.${builderName(kind)}`;
  for (const bad of ['optional', 'key']) {
    if (opts[bad] !== undefined) throw new ValidationError(`${name}: option ${bad} is not supported (collections default to empty)`);
  }
  if (kind === 'pq' && opts.default !== undefined) throw new ValidationError(`${name}: a priority queue has no local value, so no default`);
  if (!(item instanceof FieldSpec) || !item.codec) {
    throw new ValidationError(`${name}: the inner field must be a scalar field such as field.str(), got ${show(item)}`);
  }
  if (item.options.key) throw new ValidationError(`${name}: the inner field cannot be a key field`);
  return opts;
}

function builderName(kind: CollectionKind): string {
  return kind === 'pq' ? 'priorityQueue' : kind;
}
