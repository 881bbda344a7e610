/** Scalar handles: `.value` reads and writes the local copy (validated on write). */
import { BaseRedisType, type FieldOwner } from './base.js';
import type { AnyField } from './spec.js';
import { ValidationError, show } from '../errors.js';
import { at } from './spec.js';
import { inPipeline } from '../runtime/pipeline.js';
import { constants } from 'node:buffer';

/**
 * The longest value a str or bytes field may reach, as its stored JSON text: Redis's
 * proto-max-bulk-len (512 MiB, in UTF-8 bytes) and V8's longest string (in UTF-16 units),
 * whichever is smaller. lua/str/op.lua refuses past 512 MiB too.
 */
export const MAX_VALUE_BYTES = 512 * 1024 * 1024;
export const MAX_VALUE_CHARS = Math.min(constants.MAX_STRING_LENGTH, MAX_VALUE_BYTES);

/** The stored JSON text of `inner` (a JSON string's inside) repeated n times, checked against the limits. */
function checkRepeat(where: string, what: string, inner: string, n: number): void {
  if (n === 0 || inner.length === 0) return;
  const chars = 2 + inner.length * n;
  const bytes = 2 + Buffer.byteLength(inner, 'utf8') * n;
  if (chars > MAX_VALUE_CHARS || bytes > MAX_VALUE_BYTES) {
    throw new ValidationError(
      `${where}: ${what} would make a value of ${bytes} bytes (${chars} characters) as stored; the limit is ${MAX_VALUE_BYTES} bytes (Redis's proto-max-bulk-len) and ${MAX_VALUE_CHARS} characters (V8's longest string); nothing was changed`,
    );
  }
}

export class ScalarHandle<V> extends BaseRedisType {
  declare protected current: V;

  constructor(owner: FieldOwner, path: string, spec: AnyField, value: V) {
    super(owner, path, spec);
    this.current = value;
  }

  /** The local value. Setting it validates (ValidationError) and changes only the local copy. */
  get value(): V {
    return this.current;
  }

  /**
   * Sets the local value: ValidationError when it does not fit the field, or when the field is
   * the model's key and the value differs. Inside a pipeline it also queues the field's save
   * (UPDATE); outside, call `asave` or the model's `asave` to store it.
   */
  set value(v: V) {
    const checked = this.spec.check(this.where, v) as V;
    if (this.spec.options.key && checked !== this.current) {
      throw new ValidationError(`${at(this.where)}: the key field cannot change (got ${show(v)})`);
    }
    this.current = checked;
    if (inPipeline()) void this.owner.saveField(this.path);
  }

  override async aload(): Promise<V> {
    return (await this.owner.loadField(this.path)) as V;
  }

  toJSON(): V {
    return this.current;
  }

  setLocal(value: unknown): void {
    this.current = value as V;
  }

  /** The local value, checked as non-null, for in-place operations. */
  protected nonNull(): NonNullable<V> {
    if (this.current === null) throw new ValidationError(`${at(this.where)}: the value is null`);
    return this.current as NonNullable<V>;
  }
}

export class RedisStr<V extends string | null = string> extends ScalarHandle<V> {
  /** `s += text` on the local copy (UPDATE|APPEND inside a pipeline). */
  iadd(text: string): this {
    // the field may be optional (null is a valid value), but null is no text to append
    if (typeof text !== 'string') throw new ValidationError(`${at(this.where)}: iadd expects a string, got ${show(text)}`);
    const tail = this.spec.check(this.where, text) as string;
    const length = this.nonNull().length + tail.length;
    if (length + 2 > MAX_VALUE_CHARS) {
      // the stored bytes are checked by lua/str/op.lua
      throw new ValidationError(`${at(this.where)}: iadd would make a value of ${length} characters; the limit is ${MAX_VALUE_CHARS}; nothing was changed`);
    }
    this.current = (this.nonNull() + tail) as V;
    this.owner.queueMethod('RedisStr.iadd', [this.path, 'add', JSON.stringify(tail), this.spec.encodedDefault()]);
    return this;
  }

  /** `s *= n` on the local copy; n is a non-negative integer. */
  imul(n: number): this {
    if (!Number.isSafeInteger(n) || n < 0) throw new ValidationError(`${at(this.where)}: repeat count must be a non-negative integer, got ${show(n)}`);
    checkRepeat(at(this.where), `imul(${n})`, JSON.stringify(this.nonNull()).slice(1, -1), n);
    this.current = this.nonNull().repeat(n) as V;
    this.owner.queueMethod('RedisStr.imul', [this.path, 'mul', String(n), this.spec.encodedDefault()]);
    return this;
  }
}

export class RedisBool<V extends boolean | null = boolean> extends ScalarHandle<V> {}

export class RedisBytes<V extends Uint8Array | null = Uint8Array> extends ScalarHandle<V> {
  /** `b += bytes` on the local copy. */
  iadd(bytes: Uint8Array): this {
    if (!(bytes instanceof Uint8Array)) throw new ValidationError(`${at(this.where)}: iadd expects a Uint8Array, got ${show(bytes)}`);
    const tail = this.spec.check(this.where, bytes) as Uint8Array;
    const head = this.nonNull() as Uint8Array;
    const out = new Uint8Array(head.length + tail.length);
    out.set(head);
    out.set(tail, head.length);
    this.current = out as V;
    this.owner.queueMethod('RedisBytes.iadd', [this.path, 'add', this.spec.encode(this.where, tail), this.spec.encodedDefault()]);
    return this;
  }
}

export class RedisJson<V = unknown> extends ScalarHandle<V> {}

export class RedisEnum<V extends string | number | null = string> extends ScalarHandle<V> {}
