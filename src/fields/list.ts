/**
 * RedisList<T>: a list field, stored in a Redis list `${main}:${path}` (one JSON text per item).
 * It is an Array<T> holding the local copy; `a…` methods run one script each and the local copy
 * follows their result; sync methods change the local copy (and queue their script inside a
 * pipeline). Indexes follow Python: negative ones count from the end, insert clamps, pop and
 * setItem throw KeyError out of range.
 *
 * Honest handle: the constructor returns a Proxy whose traps catch every write to an element or
 * to `length` (`list[i] = x` is setItem, or append for i = length; `length = n` truncates like
 * removeRange; `delete list[i]`
 * and defining an element are refused), and the Array mutators are overridden: push, unshift,
 * pop and shift validate and queue like the other sync methods; splice, sort, reverse, fill and
 * copyWithin are refused with UnsupportedArgumentError (docs/collections.md). The handle's state
 * sits under a module-private symbol (class private fields do not work when `this` is the
 * Proxy), and the library's own changes to the local copy go to the raw array, past the traps.
 */
import { CollectionCore, CollectionSpec, insertPosition, sliceBound, type AnyCollection, type CollectionOptions, type ItemOf } from './collection.js';
import type { FieldOwner } from './base.js';
import type { AnyField, FieldSpec, MakeHandle } from './spec.js';
import type { ScalarHandle } from './scalar.js';
import { UnsupportedArgumentError, ValidationError, show } from '../errors.js';

/** A handle's state: its link to the model and the raw array behind the Proxy. */
interface State<T> {
  readonly c: CollectionCore;
  readonly raw: RedisList<T>;
  proxy: RedisList<T>;
}

/**
 * The state's key: a non-enumerable property of the raw array, read through the Proxy by the
 * methods and on the target by the traps (a WeakMap costs several times more per model).
 */
const STATE: unique symbol = Symbol('RedisList state');

function st<T>(list: RedisList<T>): State<T> {
  return (list as unknown as { readonly [STATE]: State<T> })[STATE];
}

const A = Array.prototype;

/**
 * The handle of a `field.list(inner)` field: an Array holding the local copy, stored in its own
 * Redis list. `a…` methods run one script each; sync methods change the local copy and queue
 * their script inside a pipeline. Indexes follow Python; splice, sort, reverse, fill and
 * copyWithin throw UnsupportedArgumentError (docs/collections.md).
 */
export class RedisList<T> extends Array<T> {
  /** map, filter, slice, ... make plain arrays. */
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  constructor(owner: FieldOwner, path: string, spec: AnyField, value: unknown) {
    super();
    const s: State<T> = { c: new CollectionCore(owner, path, spec as AnyCollection), raw: this, proxy: this };
    if (Array.isArray(value)) pushAll(this, value as T[]);
    Object.defineProperty(this, STATE, { value: s });
    s.proxy = new Proxy(this, HANDLER as ProxyHandler<RedisList<T>>);
    return s.proxy;
  }

  /** Dotted path of the field from the root model. */
  get path(): string {
    return st(this).c.path;
  }

  /** The field's spec: what `field.list(…)` returned for it. */
  get spec(): AnyField {
    return st(this).c.spec;
  }

  // ---- async: one script each, the local copy follows ----

  /** Appends an item in Redis (UPDATE|APPEND) and locally. */
  async aappend(item: T): Promise<void> {
    const { c, raw } = st(this);
    const x = c.checkItem(raw.length, item) as T;
    await c.run('RedisList.aappend', [c.encodeItem(raw.length, x)]);
    raw[raw.length] = x;
  }

  /** Appends items in Redis, in one script (UPDATE|APPEND), and locally. */
  async aextend(items: Iterable<T>): Promise<void> {
    const { c, raw } = st(this);
    const xs = checkMany(c, items);
    await c.run(
      'RedisList.aextend',
      xs.map((x, i) => c.encodeItem(raw.length + i, x)),
    );
    pushAll(raw, xs);
  }

  /** Inserts before index `i` (Python: negative counts from the end, clamped) (UPDATE|APPEND). */
  async ainsert(i: number, item: T): Promise<void> {
    const { c, raw } = st(this);
    c.checkIndex(i);
    const x = c.checkItem(i, item) as T;
    const stored = await c.run('RedisList.ainsert', [String(i), c.encodeItem(i, x)], () => insertPosition(i, raw.length));
    A.splice.call(raw, Math.min(stored, raw.length), 0, x);
  }

  /**
   * Removes and returns the item at index `i` (default: the last) from Redis, atomically
   * (READ|UPDATE|ERASE). `null` when the stored list is empty; KeyError when `i` is out of range
   * of a non-empty list. The item Redis returned is removed from the local copy too.
   */
  async apop(i = -1): Promise<T | null> {
    const { c, raw } = st(this);
    c.checkIndex(i);
    const reply = (await c.run('RedisList.apop', [String(i)])) as [number, string] | null;
    if (reply === null) {
      raw.length = 0;
      return null;
    }
    const [at, code] = reply;
    const item = c.decodeItem(at, code) as T;
    dropLocal(st(this), at, String(code));
    return item;
  }

  /** Empties the list in Redis (UPDATE|ERASE) and locally. */
  async aclear(): Promise<void> {
    const { c, raw } = st(this);
    await c.run('RedisList.aclear', []);
    raw.length = 0;
  }

  /**
   * The stored item at index `i` (Python: negative counts from the end) (READ); KeyError out of
   * range. The local copy is left as it is.
   */
  async aget(i: number): Promise<T> {
    const { c } = st(this);
    c.checkIndex(i);
    const item = (await c.run('RedisList.aget', [String(i)])) as string;
    return c.decodeItem(i, item) as T;
  }

  /**
   * The stored items of the slice `[start:stop]` (Python's rules: negative bounds count from the
   * end, then clamp; omitted bounds take the whole side) (READ). The local copy is left as it is.
   */
  async aslice(start?: number, stop?: number): Promise<T[]> {
    const { c } = st(this);
    if (start !== undefined) c.checkIndex(start, 'start');
    if (stop !== undefined) c.checkIndex(stop, 'stop');
    const items = (await c.run('RedisList.aslice', [start === undefined ? '' : String(start), stop === undefined ? '' : String(stop)])) as string[];
    return items.map((r, n) => c.decodeItem(n, r) as T);
  }

  /** Reloads this list alone from Redis (READ) and returns its items. */
  async aload(): Promise<T[]> {
    return (await st(this).c.owner.loadField(this.path)) as T[];
  }

  /** Writes this list alone, replacing the stored one (UPDATE). KeyNotFound if the model is not stored. */
  async asave(): Promise<this> {
    await st(this).c.owner.saveField(this.path);
    return this;
  }

  // ---- sync: the local copy (queued inside a pipeline) ----

  /** `list[i] = item` (Python index); KeyError out of range. `list[i] = item` (0 <= i < length) lands here. */
  setItem(i: number, item: T): void {
    const { c, raw } = st(this);
    const at = c.position(c.checkIndex(i), raw.length);
    const x = c.checkItem(at, item) as T;
    raw[at] = x;
    c.queue('RedisList.setItem', [String(i), c.encodeItem(at, x)]);
  }

  /** `list += items`; returns the list. */
  iadd(items: Iterable<T>): this {
    extendLocal(st(this), 'RedisList.iadd', items);
    return this;
  }

  /** Appends an item to the local copy; inside a pipeline also queued (UPDATE, APPEND). ValidationError when the item does not fit the inner field. */
  append(item: T): void {
    const { c, raw } = st(this);
    const x = c.checkItem(raw.length, item) as T;
    raw[raw.length] = x;
    c.queue('RedisList.append', [c.encodeItem(raw.length - 1, x)]);
  }

  /** Appends items to the local copy; inside a pipeline also queued (UPDATE, APPEND). ValidationError when an item does not fit the inner field. */
  extend(items: Iterable<T>): void {
    extendLocal(st(this), 'RedisList.extend', items);
  }

  /** Inserts before index `i` (Python: negative counts from the end, clamped). */
  insert(i: number, item: T): void {
    const { c, raw } = st(this);
    c.checkIndex(i);
    const x = c.checkItem(i, item) as T;
    A.splice.call(raw, insertPosition(i, raw.length), 0, x);
    c.queue('RedisList.insert', [String(i), c.encodeItem(i, x)]);
  }

  /** Empties the local copy; inside a pipeline also queued (UPDATE, ERASE). `aclear` empties it in Redis at once. */
  clear(): void {
    const { c, raw } = st(this);
    raw.length = 0;
    c.queue('RedisList.clear', []);
  }

  /** `del list[start:end]` with Python's slice rules (negative bounds count from the end). */
  removeRange(start?: number, end?: number): void {
    const { c, raw } = st(this);
    if (start !== undefined) c.checkIndex(start, 'start');
    if (end !== undefined) c.checkIndex(end, 'end');
    const from = sliceBound(start, raw.length, 0);
    const to = sliceBound(end, raw.length, raw.length);
    if (from < to) A.splice.call(raw, from, to - from);
    c.queue('RedisList.removeRange', [start === undefined ? '' : String(start), end === undefined ? '' : String(end)]);
  }

  // ---- Array's mutators: checked and queued like the methods above, or refused ----

  /** Array.push: extend; returns the new length. */
  override push(...items: T[]): number {
    const s = st(this);
    extendLocal(s, 'RedisList.push', items);
    return s.raw.length;
  }

  /** Array.unshift: insert at 0 (the items keep their order); returns the new length. */
  override unshift(...items: T[]): number {
    const { c, raw } = st(this);
    const xs = checkMany(c, items);
    A.unshift.apply(raw, xs);
    xs.forEach((x, i) => {
      c.queue('RedisList.unshift', [String(i), c.encodeItem(i, x)]);
    });
    return raw.length;
  }

  /** Array.pop: removes and returns the last local item; in a pipeline queues `removeRange(-1)`. */
  override pop(): T | undefined {
    const { c, raw } = st(this);
    if (raw.length === 0) return undefined;
    const x = A.pop.call(raw) as T;
    c.queue('RedisList.pop', ['-1', '']);
    return x;
  }

  /** Array.shift: removes and returns the first local item; in a pipeline queues `removeRange(0, 1)`. */
  override shift(): T | undefined {
    const { c, raw } = st(this);
    if (raw.length === 0) return undefined;
    const x = A.shift.call(raw) as T;
    c.queue('RedisList.shift', ['0', '1']);
    return x;
  }

  /** @deprecated Refused (UnsupportedArgumentError): use insert, removeRange or setItem. */
  override splice(..._args: unknown[]): never {
    throw refused(st(this).c, 'splice()', 'use insert(i, x), removeRange(start, end) or setItem(i, x)');
  }

  /** @deprecated Refused (UnsupportedArgumentError): sort a copy (`toSorted()`) and store it with the model's `aupdate`. */
  override sort(_compare?: (a: T, b: T) => number): never {
    throw refused(st(this).c, 'sort()', "sort a copy ([...list].sort() or toSorted()) and store it with the model's aupdate({ field: copy })");
  }

  /** @deprecated Refused (UnsupportedArgumentError): reverse a copy (`toReversed()`) and store it with the model's `aupdate`. */
  override reverse(): never {
    throw refused(st(this).c, 'reverse()', "reverse a copy ([...list].reverse() or toReversed()) and store it with the model's aupdate({ field: copy })");
  }

  /** @deprecated Refused (UnsupportedArgumentError): use setItem. */
  override fill(..._args: unknown[]): never {
    throw refused(st(this).c, 'fill()', 'use setItem(i, x) for each index');
  }

  /** @deprecated Refused (UnsupportedArgumentError): use setItem. */
  override copyWithin(..._args: unknown[]): never {
    throw refused(st(this).c, 'copyWithin()', 'use setItem(i, x) for each index');
  }

  // ---- the model's side ----

  /** A plain array of the local items. */
  toJSON(): T[] {
    return A.slice.call(st(this).raw) as T[];
  }

  /** Sets the local copy from trusted data (an array). */
  setLocal(value: unknown): void {
    const raw = st(this).raw;
    raw.length = 0;
    if (Array.isArray(value)) pushAll(raw, value as T[]);
  }
}

function pushAll<T>(raw: RedisList<T>, xs: readonly T[]): void {
  for (const x of xs) raw[raw.length] = x;
}

function checkMany<T>(c: CollectionCore, items: Iterable<T>): T[] {
  return c.spec.listItems(c.where, [...items]) as T[];
}

function extendLocal<T>(s: State<T>, method: 'RedisList.iadd' | 'RedisList.extend' | 'RedisList.push', items: Iterable<T>): void {
  const { c, raw } = s;
  const xs = checkMany(c, items);
  const first = raw.length;
  pushAll(raw, xs);
  if (xs.length > 0)
    c.queue(
      method,
      xs.map((x, i) => c.encodeItem(first + i, x)),
    );
}

/** Removes the popped item locally: at its position when it is there, else its first copy. */
function dropLocal<T>(s: State<T>, at: number, code: string): void {
  const { c, raw } = s;
  let i = at < raw.length && c.codeOf(raw[at]) === code ? at : -1;
  if (i < 0) i = raw.findIndex((x) => c.codeOf(x) === code);
  if (i >= 0) A.splice.call(raw, i, 1);
}

/** The typed refusal of a mutator that cannot be checked and queued: names the field, the member and what to use. */
function refused(c: CollectionCore, what: string, instead: string): UnsupportedArgumentError {
  return new UnsupportedArgumentError(`${c.label}: ${what} is not supported on a RedisList (it would change the local copy unchecked): ${instead}`);
}

/** `length = n`: n <= length truncates like removeRange(n); a longer length is refused. */
function setLength<T>(s: State<T>, value: unknown): void {
  const { c, raw } = s;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ValidationError(`${c.label}: length must be an integer >= 0, got ${show(value)}`);
  }
  if (value > raw.length) throw refused(c, `list.length = ${value}`, `a list cannot grow by its length (length ${raw.length}): use append, extend or push`);
  if (value < raw.length) s.proxy.removeRange(value);
}

/**
 * The integer an element key names (`'3'` → 3, `'-1'` → -1), else null. Cheap for every other
 * key: one character test.
 */
function elementKey(prop: string | symbol): number | null {
  if (typeof prop !== 'string') return null;
  const ch = prop.charCodeAt(0);
  if (!((ch >= 48 && ch <= 57) || ch === 45)) return null;
  const n = Number(prop);
  return Number.isInteger(n) && String(n) === prop ? n : null;
}

/**
 * Only element keys and `length` do any work; everything else goes straight to the array.
 * preventExtensions (freeze, seal) is refused: the library's own updates must still apply.
 */
const HANDLER: ProxyHandler<RedisList<unknown>> = {
  set(target, prop, value, receiver) {
    if (prop === 'length') {
      setLength(st(target), value);
      return true;
    }
    const i = elementKey(prop);
    if (i === null) return Reflect.set(target, prop, value, receiver);
    const s = st(target);
    if (i < 0) throw refused(s.c, `list[${i}] = x`, `a negative index is not an Array element: use setItem(${i}, x)`);
    if (i === s.raw.length)
      s.proxy.append(value); // `list[list.length] = x`, the Array idiom for push
    else s.proxy.setItem(i, value);
    return true;
  },
  deleteProperty(target, prop) {
    if (elementKey(prop) !== null) throw refused(st(target).c, `delete list[${String(prop)}]`, 'use removeRange(i, i + 1)');
    return Reflect.deleteProperty(target, prop);
  },
  defineProperty(target, prop, descriptor) {
    if (prop === 'length' || elementKey(prop) !== null) {
      throw refused(st(target).c, `Object.defineProperty(list, ${JSON.stringify(prop)})`, 'use setItem(i, x), append or removeRange');
    }
    return Reflect.defineProperty(target, prop, descriptor);
  },
  preventExtensions(target) {
    throw refused(st(target).c, 'Object.preventExtensions / seal / freeze', "the local copy must stay writable for the library's own updates");
  },
};

/** `field.list(inner)`: a list of values of a scalar field spec; defaults to []. */
export function listField<F extends FieldSpec<unknown, ScalarHandle<unknown>, unknown, boolean>>(
  inner: F,
  options: CollectionOptions<readonly ItemOf<F>[]> = {},
): CollectionSpec<ItemOf<F>[], RedisList<ItemOf<F>>, readonly ItemOf<F>[]> {
  const make: MakeHandle = (owner, path, spec, value) => new RedisList(owner, path, spec, value) as never;
  return new CollectionSpec('list', inner as AnyField, options, make) as never;
}
