/**
 * RedisPriorityQueue<T>: a pure proxy to a Redis sorted set `${main}:${path}` (no local state).
 * Member = the value's JSON text, score = its priority. The lowest priority comes out first;
 * equal priorities come out in the byte order of the values' JSON texts (the sorted set's own
 * order: stable, and the same for every client). Pushing a value that is present updates its
 * priority. `asave` never writes a queue; `aduplicate` copies it and `adelete` removes it.
 */
import { BaseRedisType, type FieldOwner } from './base.js';
import { CollectionCore, CollectionSpec, type AnyCollection, type ItemOf } from './collection.js';
import type { AnyField, FieldSpec, MakeHandle } from './spec.js';
import type { ScalarHandle } from './scalar.js';
import { ValidationError, show } from '../errors.js';

/** A value of a priority queue with its priority. */
export interface PriorityItem<T> {
  readonly value: T;
  readonly priority: number;
}

export class RedisPriorityQueue<T> extends BaseRedisType {
  readonly #c: CollectionCore;

  constructor(owner: FieldOwner, path: string, spec: AnyField) {
    super(owner, path, spec);
    this.#c = new CollectionCore(owner, path, spec as AnyCollection);
  }

  /** Adds `value` with `priority` (a finite number), or changes its priority (UPDATE|APPEND). */
  async apush(value: T, priority: number): Promise<void> {
    await this.#c.run('RedisPriorityQueue.apush', this.#args([{ value, priority }]));
  }

  /** Adds many values in one script (UPDATE|APPEND). */
  async apushMany(items: readonly PriorityItem<T>[]): Promise<void> {
    if (!Array.isArray(items)) throw new ValidationError(`${this.#c.label}: apushMany expects an array of { value, priority }, got ${show(items)}`);
    await this.#c.run('RedisPriorityQueue.apushMany', this.#args(items));
  }

  /** Removes and returns the value with the lowest priority (READ|UPDATE|ERASE); null when empty. */
  async apop(): Promise<T | null> {
    const reply = (await this.#c.run('RedisPriorityQueue.apop', [])) as [string, string] | null;
    return reply ? (this.#c.decodeItem(0, reply[0]) as T) : null;
  }

  /** The value with the lowest priority, left in the queue (READ); null when empty. */
  async apeek(): Promise<T | null> {
    const reply = (await this.#c.run('RedisPriorityQueue.apeek', [])) as [string, string] | null;
    return reply ? (this.#c.decodeItem(0, reply[0]) as T) : null;
  }

  /** The number of values (READ). */
  async asize(): Promise<number> {
    return Number(await this.#c.run('RedisPriorityQueue.asize', []));
  }

  /** Every value with its priority, in pop order (READ). */
  async aitems(): Promise<PriorityItem<T>[]> {
    const flat = (await this.#c.run('RedisPriorityQueue.aitems', [])) as string[];
    const out: PriorityItem<T>[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      out.push({ value: this.#c.decodeItem(i / 2, flat[i]!) as T, priority: Number(flat[i + 1]) });
    }
    return out;
  }

  /**
   * Removes `value` (UPDATE|ERASE); true when the stored queue had it. Inside a pipeline it runs
   * at once, like apop, so that it answers from the stored queue.
   */
  async aremove(value: T): Promise<boolean> {
    const reply = await this.#c.run('RedisPriorityQueue.aremove', [this.#c.encodeItem(0, value)]);
    return Number(reply) === 1;
  }

  /** Empties the queue (UPDATE|ERASE). */
  async aclear(): Promise<void> {
    await this.#c.run('RedisPriorityQueue.aclear', []);
  }

  /** The queue has no local value: aload reads its items (READ). */
  override aload(): Promise<PriorityItem<T>[]> {
    return this.aitems();
  }

  /** No local value. */
  toJSON(): undefined {
    return undefined;
  }

  setLocal(): void {}

  /** ZADD's arguments: priority, encoded value, ... (checked before anything is sent). */
  #args(items: readonly PriorityItem<T>[]): string[] {
    const out: string[] = [];
    items.forEach((item, i) => {
      const p: unknown = item?.priority;
      if (typeof p !== 'number' || !Number.isFinite(p)) {
        throw new ValidationError(`${this.#c.label}: priority must be a finite number, got ${show(p)} (item ${i})`);
      }
      out.push(String(p), this.#c.encodeItem(i, item.value));
    });
    return out;
  }
}

/** `field.priorityQueue(inner)`: a priority queue of values of a scalar field spec. */
export function priorityQueueField<F extends FieldSpec<unknown, ScalarHandle<unknown>, unknown, boolean>>(
  inner: F,
): CollectionSpec<undefined, RedisPriorityQueue<ItemOf<F>>, never> {
  const make: MakeHandle = (owner, path, spec) => new RedisPriorityQueue(owner, path, spec);
  return new CollectionSpec('pq', inner as AnyField, {}, make) as never;
}
