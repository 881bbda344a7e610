/**
 * RedisList<T>: a list field, stored in a Redis list `${main}:${path}` (one JSON text per item).
 * It is an Array<T> holding the local copy; `a…` methods run one script each and the local copy
 * follows their result; sync methods change the local copy (and queue their script inside a
 * pipeline). Indexes follow Python: negative ones count from the end, insert clamps, pop and
 * setItem throw KeyError out of range.
 */
import { CollectionCore, CollectionSpec, insertPosition, sliceBound, type AnyCollection, type CollectionOptions, type ItemOf } from './collection.js';
import type { FieldOwner } from './base.js';
import type { AnyField, FieldSpec, MakeHandle } from './spec.js';
import type { ScalarHandle } from './scalar.js';

export class RedisList<T> extends Array<T> {
  /** map, filter, slice, ... make plain arrays. */
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  readonly #c: CollectionCore;

  constructor(owner: FieldOwner, path: string, spec: AnyField, value: unknown) {
    super();
    this.#c = new CollectionCore(owner, path, spec as AnyCollection);
    this.setLocal(value);
  }

  /** Dotted path of the field from the root model. */
  get path(): string {
    return this.#c.path;
  }

  get spec(): AnyField {
    return this.#c.spec;
  }

  // ---- async: one script each, the local copy follows ----

  /** Appends an item in Redis (UPDATE|APPEND) and locally. */
  async aappend(item: T): Promise<void> {
    const x = this.#c.checkItem(this.length, item) as T;
    await this.#c.run('RedisList.aappend', [this.#c.encodeItem(this.length, x)]);
    super.push(x);
  }

  /** Appends items in Redis, in one script (UPDATE|APPEND), and locally. */
  async aextend(items: Iterable<T>): Promise<void> {
    const xs = this.#checkMany(items);
    await this.#c.run('RedisList.aextend', xs.map((x, i) => this.#c.encodeItem(this.length + i, x)));
    this.#pushAll(xs);
  }

  /** Inserts before index `i` (Python: negative counts from the end, clamped) (UPDATE|APPEND). */
  async ainsert(i: number, item: T): Promise<void> {
    this.#c.checkIndex(i);
    const x = this.#c.checkItem(i, item) as T;
    const stored = await this.#c.run('RedisList.ainsert', [String(i), this.#c.encodeItem(i, x)], () => insertPosition(i, this.length));
    const at = Math.min(stored, this.length);
    super.splice(at, 0, x);
  }

  /**
   * Removes and returns the item at index `i` (default: the last) from Redis, atomically
   * (READ|UPDATE|ERASE). `null` when the stored list is empty; KeyError when `i` is out of range
   * of a non-empty list. The item Redis returned is removed from the local copy too.
   */
  async apop(i = -1): Promise<T | null> {
    this.#c.checkIndex(i);
    const reply = (await this.#c.run('RedisList.apop', [String(i)])) as [number, string] | null;
    if (reply === null) {
      this.length = 0;
      return null;
    }
    const [at, raw] = reply;
    const item = this.#c.decodeItem(at, raw) as T;
    this.#dropLocal(at, String(raw));
    return item;
  }

  /** Empties the list in Redis (UPDATE|ERASE) and locally. */
  async aclear(): Promise<void> {
    await this.#c.run('RedisList.aclear', []);
    this.length = 0;
  }

  /**
   * The stored item at index `i` (Python: negative counts from the end) (READ); KeyError out of
   * range. The local copy is left as it is.
   */
  async aget(i: number): Promise<T> {
    this.#c.checkIndex(i);
    const raw = (await this.#c.run('RedisList.aget', [String(i)])) as string;
    return this.#c.decodeItem(i, raw) as T;
  }

  /**
   * The stored items of the slice `[start:stop]` (Python's rules: negative bounds count from the
   * end, then clamp; omitted bounds take the whole side) (READ). The local copy is left as it is.
   */
  async aslice(start?: number, stop?: number): Promise<T[]> {
    if (start !== undefined) this.#c.checkIndex(start, 'start');
    if (stop !== undefined) this.#c.checkIndex(stop, 'stop');
    const raws = (await this.#c.run('RedisList.aslice', [start === undefined ? '' : String(start), stop === undefined ? '' : String(stop)])) as string[];
    return raws.map((r, n) => this.#c.decodeItem(n, r) as T);
  }

  /** Reloads this list alone from Redis (READ) and returns its items. */
  async aload(): Promise<T[]> {
    return (await this.#c.owner.loadField(this.path)) as T[];
  }

  /** Writes this list alone, replacing the stored one (UPDATE). KeyNotFound if the model is not stored. */
  async asave(): Promise<this> {
    await this.#c.owner.saveField(this.path);
    return this;
  }

  // ---- sync: the local copy (queued inside a pipeline) ----

  /** `list[i] = item` (Python index); KeyError out of range. */
  setItem(i: number, item: T): void {
    const at = this.#c.position(this.#c.checkIndex(i), this.length);
    const x = this.#c.checkItem(at, item) as T;
    this[at] = x;
    this.#c.queue('RedisList.setItem', [String(i), this.#c.encodeItem(at, x)]);
  }

  /** `list += items`; returns the list. */
  iadd(items: Iterable<T>): this {
    this.#extend('RedisList.iadd', items);
    return this;
  }

  append(item: T): void {
    const x = this.#c.checkItem(this.length, item) as T;
    super.push(x);
    this.#c.queue('RedisList.append', [this.#c.encodeItem(this.length - 1, x)]);
  }

  extend(items: Iterable<T>): void {
    this.#extend('RedisList.extend', items);
  }

  /** Inserts before index `i` (Python: negative counts from the end, clamped). */
  insert(i: number, item: T): void {
    this.#c.checkIndex(i);
    const x = this.#c.checkItem(i, item) as T;
    super.splice(insertPosition(i, this.length), 0, x);
    this.#c.queue('RedisList.insert', [String(i), this.#c.encodeItem(i, x)]);
  }

  clear(): void {
    this.length = 0;
    this.#c.queue('RedisList.clear', []);
  }

  /** `del list[start:end]` with Python's slice rules (negative bounds count from the end). */
  removeRange(start?: number, end?: number): void {
    if (start !== undefined) this.#c.checkIndex(start, 'start');
    if (end !== undefined) this.#c.checkIndex(end, 'end');
    const from = sliceBound(start, this.length, 0);
    const to = sliceBound(end, this.length, this.length);
    if (from < to) super.splice(from, to - from);
    this.#c.queue('RedisList.removeRange', [start === undefined ? '' : String(start), end === undefined ? '' : String(end)]);
  }

  // ---- the model's side ----

  /** A plain array of the local items. */
  toJSON(): T[] {
    return [...this];
  }

  /** Sets the local copy from trusted data (an array). */
  setLocal(value: unknown): void {
    this.length = 0;
    if (Array.isArray(value)) this.#pushAll(value as T[]);
  }

  #pushAll(xs: readonly T[]): void {
    for (const x of xs) super.push(x);
  }

  #checkMany(items: Iterable<T>): T[] {
    return this.#c.spec.listItems(this.#c.where, [...items]).map((x) => x as T);
  }

  #extend(method: 'RedisList.iadd' | 'RedisList.extend', items: Iterable<T>): void {
    const xs = this.#checkMany(items);
    const first = this.length;
    this.#pushAll(xs);
    if (xs.length > 0) this.#c.queue(method, xs.map((x, i) => this.#c.encodeItem(first + i, x)));
  }

  /** Removes the popped item locally: at its position when it is there, else its first copy. */
  #dropLocal(at: number, raw: string): void {
    let i = at < this.length && this.#c.codeOf(this[at]) === raw ? at : -1;
    if (i < 0) i = this.findIndex((x) => this.#c.codeOf(x) === raw);
    if (i >= 0) super.splice(i, 1);
  }
}

/** `field.list(inner)`: a list of values of a scalar field spec; defaults to []. */
export function listField<F extends FieldSpec<unknown, ScalarHandle<unknown>, unknown, boolean>>(
  inner: F,
  options: CollectionOptions<readonly ItemOf<F>[]> = {},
): CollectionSpec<ItemOf<F>[], RedisList<ItemOf<F>>, readonly ItemOf<F>[]> {
  const make: MakeHandle = (owner, path, spec, value) => new RedisList(owner, path, spec, value) as never;
  return new CollectionSpec('list', inner as AnyField, options, make) as never;
}
