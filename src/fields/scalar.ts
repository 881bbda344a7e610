/** Scalar handles: `.value` reads and writes the local copy (validated on write). */
import { BaseRedisType, type FieldOwner } from './base.js';
import type { AnyField } from './spec.js';
import { ValidationError, show } from '../errors.js';
import { at } from './spec.js';
import { inPipeline } from '../runtime/pipeline.js';

export class ScalarHandle<V> extends BaseRedisType {
  protected current: V;

  constructor(owner: FieldOwner, path: string, spec: AnyField, value: V) {
    super(owner, path, spec);
    this.current = value;
  }

  /** The local value. Setting it validates (ValidationError) and changes only the local copy. */
  get value(): V {
    return this.current;
  }

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
    this.current = (this.nonNull() + tail) as V;
    this.owner.queueMethod('RedisStr.iadd', [this.path, 'add', JSON.stringify(tail), this.spec.encodedDefault()]);
    return this;
  }

  /** `s *= n` on the local copy; n is a non-negative integer. */
  imul(n: number): this {
    if (!Number.isSafeInteger(n) || n < 0) throw new ValidationError(`${at(this.where)}: repeat count must be a non-negative integer, got ${show(n)}`);
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
