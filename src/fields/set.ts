/**
 * RedisSet<T>: a set field, stored in a Redis set `${main}:${path}` whose members are the items'
 * JSON texts. It is a Set<T> holding the local copy; membership goes by that stored text, so two
 * equal dates (or byte arrays, or JSON objects) are one member, locally as in Redis.
 */
import { CollectionCore, CollectionSpec, type AnyCollection, type CollectionOptions, type ItemOf } from './collection.js';
import type { FieldOwner } from './base.js';
import type { AnyField, FieldSpec, MakeHandle } from './spec.js';
import type { ScalarHandle } from './scalar.js';
import { ValidationError, show } from '../errors.js';

/**
 * The handle of a `field.set(inner)` field: a Set holding the local copy, stored in its own
 * Redis set. `a…` methods run one script each; sync methods change the local copy and queue
 * their script inside a pipeline (docs/collections.md).
 */
export class RedisSet<T> extends Set<T> {
  readonly #c: CollectionCore;
  /** Stored text → the local member. */
  readonly #byCode = new Map<string, T>();

  constructor(owner: FieldOwner, path: string, spec: AnyField, value: unknown) {
    super();
    this.#c = new CollectionCore(owner, path, spec as AnyCollection);
    this.setLocal(value);
  }

  /** Dotted path of the field from the root model. */
  get path(): string {
    return this.#c.path;
  }

  /** The field's spec: what `field.set(…)` returned for it. */
  get spec(): AnyField {
    return this.#c.spec;
  }

  // ---- async: one script each, the local copy follows ----

  /** Adds a member in Redis (UPDATE|APPEND) and locally. */
  async aadd(item: T): Promise<void> {
    const x = this.#c.checkItem(0, item) as T;
    const code = this.#c.encodeItem(0, x);
    await this.#c.run('RedisSet.aadd', [code]);
    this.#put(code, x);
  }

  /** Adds many members in Redis, in one script (UPDATE|APPEND), and locally. */
  async aaddMany(items: Iterable<T>): Promise<void> {
    const xs = this.#c.spec.listItems(this.#c.where, [...items]) as T[];
    const codes = xs.map((x, i) => this.#c.encodeItem(i, x));
    if (codes.length > 0) await this.#c.run('RedisSet.aaddMany', codes);
    xs.forEach((x, i) => {
      this.#put(codes[i]!, x);
    });
  }

  // ---- set algebra with other sets (of this model, or of models in the same hash slot) ----

  /** The stored union of this set and `others` (READ), as a Set. */
  aunion(...others: RedisSet<T>[]): Promise<Set<T>> {
    return this.#algebra('RedisSet.aunion', 'union', others);
  }

  /** The stored intersection of this set and `others` (READ), as a Set. */
  aintersect(...others: RedisSet<T>[]): Promise<Set<T>> {
    return this.#algebra('RedisSet.aintersect', 'inter', others);
  }

  /** The stored members of this set that none of `others` holds (READ), as a Set. */
  adifference(...others: RedisSet<T>[]): Promise<Set<T>> {
    return this.#algebra('RedisSet.adifference', 'diff', others);
  }

  /** Stores the union with `others` in this set (Python's `update`; UPDATE|APPEND); the local copy follows. */
  aunionUpdate(...others: RedisSet<T>[]): Promise<void> {
    return this.#store('RedisSet.aunionUpdate', 'union', others);
  }

  /** Keeps only the members `others` all hold (Python's `intersection_update`; UPDATE|ERASE). */
  aintersectUpdate(...others: RedisSet<T>[]): Promise<void> {
    return this.#store('RedisSet.aintersectUpdate', 'inter', others);
  }

  /** Removes the members any of `others` holds (Python's `difference_update`; UPDATE|ERASE). */
  adifferenceUpdate(...others: RedisSet<T>[]): Promise<void> {
    return this.#store('RedisSet.adifferenceUpdate', 'diff', others);
  }

  /** The other sets' keys, checked before anything is sent. */
  #keysOf(others: readonly RedisSet<T>[]): string[] {
    return others.map((o, i) => {
      if (!(o instanceof RedisSet)) throw new ValidationError(`${this.#c.label}: set algebra takes other RedisSet fields, got ${show(o)} at ${i}`);
      return o.#c.key;
    });
  }

  async #algebra(method: 'RedisSet.aunion' | 'RedisSet.aintersect' | 'RedisSet.adifference', op: string, others: readonly RedisSet<T>[]): Promise<Set<T>> {
    const keys = this.#keysOf(others);
    const raws = (await this.#c.run(method, [op, String(keys.length)], undefined, keys)) as string[];
    return new Set(raws.map((r, i) => this.#c.decodeItem(i, r) as T));
  }

  async #store(
    method: 'RedisSet.aunionUpdate' | 'RedisSet.aintersectUpdate' | 'RedisSet.adifferenceUpdate',
    op: string,
    others: readonly RedisSet<T>[],
  ): Promise<void> {
    const keys = this.#keysOf(others);
    const raws = (await this.#c.run(method, [op, String(keys.length)], undefined, keys)) as string[];
    this.setLocal(raws.map((r, i) => this.#c.decodeItem(i, r) as T));
  }

  /** Every stored member (READ), as a Set; the local copy becomes the stored one. */
  async amembers(): Promise<Set<T>> {
    const raws = (await this.#c.run('RedisSet.amembers', [])) as string[];
    const items = raws.map((r, i) => this.#c.decodeItem(i, r) as T);
    this.setLocal(items);
    return new Set(items);
  }

  /** Removes a member from Redis (UPDATE|ERASE) and locally; true when Redis had it. */
  async aremove(item: T): Promise<boolean> {
    const code = this.#c.encodeItem(0, this.#c.checkItem(0, item));
    const removed = await this.#c.run('RedisSet.aremove', [code]);
    this.#drop(code);
    return removed;
  }

  /**
   * Removes a member from Redis (UPDATE|ERASE) and locally, with no error when it is absent
   * (Python's `discard`). It answers nothing, so inside a pipeline it queues.
   */
  async adiscard(item: T): Promise<void> {
    const code = this.#c.encodeItem(0, this.#c.checkItem(0, item));
    await this.#c.run('RedisSet.adiscard', [code]);
    this.#drop(code);
  }

  /** Removes and returns a random member from Redis (READ|UPDATE|ERASE); null when it is empty. */
  async apop(): Promise<T | null> {
    const raw = (await this.#c.run('RedisSet.apop', [])) as string | null;
    if (raw === null) {
      this.#clearLocal();
      return null;
    }
    const item = this.#c.decodeItem(0, raw) as T;
    this.#drop(String(raw));
    return item;
  }

  /** Empties the set in Redis (UPDATE|ERASE) and locally. */
  async aclear(): Promise<void> {
    await this.#c.run('RedisSet.aclear', []);
    this.#clearLocal();
  }

  /** Whether the stored set holds `item` (READ). */
  async acontains(item: T): Promise<boolean> {
    const code = this.#c.codeOf(item);
    if (code === null) return false;
    return this.#c.run('RedisSet.acontains', [code]);
  }

  /** The number of stored members (READ). */
  async asize(): Promise<number> {
    return this.#c.run('RedisSet.asize', []);
  }

  /** Reloads this set alone from Redis (READ) and returns its members as an array. */
  async aload(): Promise<T[]> {
    return (await this.#c.owner.loadField(this.path)) as T[];
  }

  /** Writes this set alone, replacing the stored one (UPDATE). KeyNotFound if the model is not stored. */
  async asave(): Promise<this> {
    await this.#c.owner.saveField(this.path);
    return this;
  }

  // ---- sync: the local copy (queued inside a pipeline) ----

  /** Set.add, with the member checked (ValidationError). */
  override add(item: T): this {
    const x = this.#c.checkItem(0, item) as T;
    const code = this.#c.encodeItem(0, x);
    this.#put(code, x);
    this.#c.queue('RedisSet.add', [code]);
    return this;
  }

  /** Set.delete: true when the local copy had it. */
  override delete(item: T): boolean {
    const code = this.#c.codeOf(item);
    if (code === null) return false;
    this.#c.queue('RedisSet.delete', [code]);
    return this.#drop(code);
  }

  /** Python's `discard`: removes a member from the local copy, no error when absent (queued inside a pipeline). */
  discard(item: T): void {
    this.delete(item);
  }

  /** Python's `update(iterable)`: adds every member, each checked, to the local copy (queued inside a pipeline). */
  update(items: Iterable<T>): void {
    const xs = this.#c.spec.listItems(this.#c.where, [...items]) as T[];
    const codes = xs.map((x, i) => this.#c.encodeItem(i, x));
    xs.forEach((x, i) => {
      this.#put(codes[i]!, x);
    });
    if (codes.length > 0) this.#c.queue('RedisSet.update', codes);
  }

  override has(item: T): boolean {
    const code = this.#c.codeOf(item);
    return code !== null && this.#byCode.has(code);
  }

  /** Empties the local copy; inside a pipeline also queued (UPDATE, ERASE). `aclear` empties it in Redis at once. */
  override clear(): void {
    this.#clearLocal();
    this.#c.queue('RedisSet.clear', []);
  }

  // ---- the model's side ----

  /** An array of the local members. */
  toJSON(): T[] {
    return [...this];
  }

  /** Sets the local copy from trusted data (an array or a Set). */
  setLocal(value: unknown): void {
    this.#clearLocal();
    if (Array.isArray(value) || value instanceof Set) {
      for (const x of value as Iterable<T>) {
        const code = this.#c.codeOf(x);
        if (code !== null) this.#put(code, x);
      }
    }
  }

  #put(code: string, x: T): void {
    if (this.#byCode.has(code)) return;
    this.#byCode.set(code, x);
    super.add(x);
  }

  #drop(code: string): boolean {
    const x = this.#byCode.get(code);
    if (x === undefined && !this.#byCode.has(code)) return false;
    this.#byCode.delete(code);
    return super.delete(x as T);
  }

  #clearLocal(): void {
    this.#byCode.clear();
    super.clear();
  }
}

/** `field.set(inner)`: a set of values of a scalar field spec; defaults to empty. */
export function setField<F extends FieldSpec<unknown, ScalarHandle<unknown>, unknown, boolean>>(
  inner: F,
  options: CollectionOptions<readonly ItemOf<F>[] | ReadonlySet<ItemOf<F>>> = {},
): CollectionSpec<ItemOf<F>[], RedisSet<ItemOf<F>>, readonly ItemOf<F>[] | ReadonlySet<ItemOf<F>>> {
  const make: MakeHandle = (owner, path, spec, value) => new RedisSet(owner, path, spec, value) as never;
  return new CollectionSpec('set', inner as AnyField, options, make) as never;
}
