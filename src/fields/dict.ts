/**
 * RedisDict<V>: a dict field with string keys, stored in a Redis hash `${main}:${path}` whose
 * fields are the dict keys, raw (any string is a valid key and names only a field of that hash:
 * no key can reach another field or key) and whose values are the items' JSON texts.
 * It is a Map<string, V> holding the local copy. Every mutator is checked and, inside a pipeline,
 * queued: `set` behaves as setItem, `delete` removes a key whether or not Redis has it, `clear`.
 */
import { CollectionCore, CollectionSpec, type AnyCollection, type CollectionOptions, type ItemOf } from './collection.js';
import type { FieldOwner } from './base.js';
import type { AnyField, FieldSpec, MakeHandle } from './spec.js';
import type { ScalarHandle } from './scalar.js';
import { KeyError } from '../errors.js';

/** What dict writers accept: a plain object or a Map. */
export type DictInput<V> = Readonly<Record<string, V>> | ReadonlyMap<string, V>;

/**
 * The handle of a `field.dict(inner)` field: a Map from string keys holding the local copy,
 * stored in its own Redis hash. `a…` methods run one script each; sync methods change the local
 * copy and queue their script inside a pipeline (docs/collections.md).
 */
export class RedisDict<V> extends Map<string, V> {
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

  /** The field's spec: what `field.dict(…)` returned for it. */
  get spec(): AnyField {
    return this.#c.spec;
  }

  // ---- async: one script each, the local copy follows ----

  /** `dict[key] = value` in Redis (UPDATE) and locally. */
  async asetItem(key: string, value: V): Promise<void> {
    const [k, v] = this.#entry(key, value);
    await this.#c.run('RedisDict.asetItem', [k, this.#c.encodeItem(k, v)]);
    super.set(k, v);
  }

  /** `del dict[key]` in Redis (UPDATE|ERASE) and locally; KeyError when the key is not stored. */
  async adelItem(key: string): Promise<void> {
    const k = this.#c.spec.checkKey(this.#c.where, key);
    try {
      await this.#c.run('RedisDict.adelItem', [k]);
    } catch (e) {
      if (e instanceof KeyError) super.delete(k);
      throw e;
    }
    super.delete(k);
  }

  /** Sets many keys in Redis, in one script (UPDATE), and locally. */
  async aupdate(values: DictInput<V>): Promise<void> {
    const entries = this.#entries(values);
    await this.#c.run('RedisDict.aupdate', this.#pairs(entries));
    for (const [k, v] of entries) super.set(k, v);
  }

  /**
   * Removes `key` from Redis and returns its stored value (READ|UPDATE|ERASE). A missing key
   * returns `fallback` when one is given, else throws KeyError.
   */
  apop(key: string): Promise<V>;
  apop<D>(key: string, fallback: D): Promise<V | D>;
  async apop<D>(key: string, ...fallback: [D?]): Promise<V | D> {
    const k = this.#c.spec.checkKey(this.#c.where, key);
    const hasDefault = fallback.length > 0;
    const raw = (await this.#c.run('RedisDict.apop', [k, hasDefault ? '1' : '0'])) as string | null;
    super.delete(k);
    if (raw === null) return fallback[0] as D;
    return this.#c.decodeItem(k, raw) as V;
  }

  /**
   * Removes one item from Redis and returns it as [key, value] (READ|UPDATE|ERASE): for a small
   * dict the oldest key; in general unspecified (Redis hashes keep no order). KeyError when empty.
   */
  async apopitem(): Promise<[string, V]> {
    let reply: [string, string];
    try {
      reply = (await this.#c.run('RedisDict.apopitem', [])) as [string, string];
    } catch (e) {
      if (e instanceof KeyError) super.clear();
      throw e;
    }
    const [k, raw] = reply;
    const v = this.#c.decodeItem(k, raw) as V;
    super.delete(k);
    return [k, v];
  }

  /** Empties the dict in Redis (UPDATE|ERASE) and locally. */
  async aclear(): Promise<void> {
    await this.#c.run('RedisDict.aclear', []);
    super.clear();
  }

  /** Reloads this dict alone from Redis (READ) and returns it as a plain object. */
  async aload(): Promise<Record<string, V>> {
    return (await this.#c.owner.loadField(this.path)) as Record<string, V>;
  }

  /** Writes this dict alone, replacing the stored one (UPDATE). KeyNotFound if the model is not stored. */
  async asave(): Promise<this> {
    await this.#c.owner.saveField(this.path);
    return this;
  }

  // ---- sync: the local copy (queued inside a pipeline) ----

  /** `dict[key] = value`. */
  setItem(key: string, value: V): void {
    const [k, v] = this.#entry(key, value);
    super.set(k, v);
    this.#c.queue('RedisDict.setItem', [k, this.#c.encodeItem(k, v)]);
  }

  /** Sets many keys (a plain object or a Map). */
  update(values: DictInput<V>): void {
    const entries = this.#entries(values);
    for (const [k, v] of entries) super.set(k, v);
    if (entries.length > 0) this.#c.queue('RedisDict.update', this.#pairs(entries));
  }

  /** Empties the local copy; inside a pipeline also queued (UPDATE, ERASE). `aclear` empties it in Redis at once. */
  override clear(): void {
    super.clear();
    this.#c.queue('RedisDict.clear', []);
  }

  /** Map.set: setItem (the key and the value checked, queued inside a pipeline); returns the dict. */
  override set(key: string, value: V): this {
    const [k, v] = this.#entry(key, value);
    super.set(k, v);
    this.#c.queue('RedisDict.set', [k, this.#c.encodeItem(k, v)]);
    return this;
  }

  /**
   * Map.delete: true when the local copy had the key. Inside a pipeline it queues the removal of
   * the stored key, which is no error when Redis does not have it. A key that cannot be stored
   * (not a string, a lone surrogate) is in neither: false, nothing queued.
   */
  override delete(key: string): boolean {
    let k: string;
    try {
      k = this.#c.spec.checkKey(this.#c.where, key);
    } catch {
      return false;
    }
    this.#c.queue('RedisDict.delete', [k, '1']);
    return super.delete(k);
  }

  // ---- the model's side ----

  /** A plain object of the local items (`__proto__` included, as an own key). */
  toJSON(): Record<string, V> {
    return Object.fromEntries(this) as Record<string, V>;
  }

  /** Sets the local copy from trusted data (a Map or a plain object). */
  setLocal(value: unknown): void {
    super.clear();
    if (value instanceof Map) for (const [k, v] of value) super.set(k as string, v as V);
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) super.set(k, v as V);
  }

  #entry(key: string, value: V): [string, V] {
    const k = this.#c.spec.checkKey(this.#c.where, key);
    return [k, this.#c.checkItem(k, value) as V];
  }

  #entries(values: unknown): [string, V][] {
    return this.#c.spec.dictEntries(this.#c.where, values) as [string, V][];
  }

  #pairs(entries: readonly [string, V][]): string[] {
    const out: string[] = [];
    for (const [k, v] of entries) out.push(k, this.#c.encodeItem(k, v));
    return out;
  }
}

/** `field.dict(inner)`: string keys to values of a scalar field spec; defaults to {}. */
export function dictField<F extends FieldSpec<unknown, ScalarHandle<unknown>, unknown, boolean>>(
  inner: F,
  options: CollectionOptions<DictInput<ItemOf<F>>> = {},
): CollectionSpec<Map<string, ItemOf<F>>, RedisDict<ItemOf<F>>, DictInput<ItemOf<F>>> {
  const make: MakeHandle = (owner, path, spec, value) => new RedisDict(owner, path, spec, value) as never;
  return new CollectionSpec('dict', inner as AnyField, options, make) as never;
}
