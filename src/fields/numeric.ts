/** RedisInt, RedisFloat and RedisDatetime: atomic increments and Python's in-place arithmetic. */
import { ScalarHandle } from './scalar.js';
import { at } from './spec.js';
import { ValidationError, show } from '../errors.js';
import { floatOp, intOp, type FloatOp, type IntOp } from './arith.js';
import { storedGroupsArg, type MethodName } from '../ops/table.js';
import type { FieldOwner } from './owner.js';

/** Options of `aincrease`. */
export interface IncreaseOptions {
  /**
   * When the model is not stored (its TTL ran out), save the instance's values whole, as asave
   * would (TTL set), then apply the increment, in the same script: a counter that comes back.
   * When it is stored this is the plain aincrease. Default false: KeyNotFound, nothing written.
   */
  readonly upsert?: boolean;
}

/** Whether aincrease's options ask for the upsert form (ValidationError on anything else). */
function upsertOf(where: string, options: IncreaseOptions): boolean {
  if (options === null || typeof options !== 'object') throw new ValidationError(`${where}: aincrease options must be an object, got ${show(options)}`);
  const { upsert } = options;
  if (upsert !== undefined && typeof upsert !== 'boolean') throw new ValidationError(`${where}: upsert must be a boolean, got ${show(upsert)}`);
  return upsert === true;
}

/** The extra ARGV of model/incr-upsert: stored-outcome groups, kind, path, by, default, asave's payload. */
function upsertArgs(owner: FieldOwner, name: MethodName, kind: 'int' | 'float', path: string, by: number, encodedDefault: string): string[] {
  return [storedGroupsArg(name), kind, path, String(by), encodedDefault].concat(owner.savePayload());
}

/** The in-place method that applies each operation (its METHODS row names the script it queues). */
const METHOD_OF: Record<FloatOp, string> = {
  add: 'iadd',
  sub: 'isub',
  mul: 'imul',
  truediv: 'itruediv',
  floordiv: 'ifloordiv',
  mod: 'imod',
  pow: 'ipow',
};

function safeInt(where: string, n: unknown): number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new ValidationError(`${where}: expected a safe integer, got ${show(n)}`);
  return n;
}

function finite(where: string, n: unknown): number {
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new ValidationError(`${where}: expected a finite number, got ${show(n)}`);
  return n;
}

/** The handle of a `field.int()` field: a safe integer, with atomic and in-place arithmetic. */
export class RedisInt<V extends number | null = number> extends ScalarHandle<V> {
  /**
   * Adds `by` inside Redis, atomically; returns the new value and updates the local copy. With
   * `{ upsert: true }` a model that is not stored is saved first, in the same script.
   */
  async aincrease(by = 1, options?: IncreaseOptions): Promise<number> {
    if (!Number.isSafeInteger(by)) safeInt(at(this.where), by); // the message only when it throws
    const local = () => intOp(at(this.where), this.nonNull() as number, 'add', by);
    const n =
      options !== undefined && upsertOf(at(this.where), options)
        ? await this.owner.runMethod(
            'RedisInt.aincreaseUpsert',
            upsertArgs(this.owner, 'RedisInt.aincreaseUpsert', 'int', this.path, by, this.spec.encodedDefault()),
            local,
          )
        : await this.owner.runMethod('RedisInt.aincrease', [this.path, String(by), this.spec.encodedDefault()], local);
    this.current = n as V;
    return n;
  }

  /** Applies `op` to the local copy and, inside a pipeline, queues it (int/op); what each in-place method calls. */
  protected op(op: IntOp, n: number): this {
    const where = at(this.where);
    this.current = intOp(where, this.nonNull() as number, op, safeInt(where, n)) as V;
    this.owner.queueMethod(`RedisInt.${METHOD_OF[op]}` as MethodName, [this.path, op, String(n), this.spec.encodedDefault()]);
    return this;
  }

  /** `x += n` on the local copy; inside a pipeline also queued (UPDATE, ARITHMETIC). ValidationError when null or `n` is not a safe integer, OverflowError past the safe integers. */
  iadd(n: number): this {
    return this.op('add', n);
  }
  /** `x -= n` on the local copy; inside a pipeline also queued (UPDATE, ARITHMETIC). ValidationError when null or `n` is not a safe integer, OverflowError past the safe integers. */
  isub(n: number): this {
    return this.op('sub', n);
  }
  /** `x *= n` on the local copy; inside a pipeline also queued (UPDATE, ARITHMETIC). ValidationError when null or `n` is not a safe integer, OverflowError past the safe integers. */
  imul(n: number): this {
    return this.op('mul', n);
  }
  /** Floor division (Python `//=`); ZeroDivisionError on 0. */
  ifloordiv(n: number): this {
    return this.op('floordiv', n);
  }
  /** Python `%=`: the remainder takes the divisor's sign; ZeroDivisionError on 0. */
  imod(n: number): this {
    return this.op('mod', n);
  }
  /** `x **= n` on the local copy; inside a pipeline also queued (UPDATE, ARITHMETIC). UnsupportedArgumentError on a negative power, OverflowError past the safe integers. */
  ipow(n: number): this {
    return this.op('pow', n);
  }
}

/** The handle of a `field.float()` field: a finite number, with atomic and in-place arithmetic. */
export class RedisFloat<V extends number | null = number> extends ScalarHandle<V> {
  /**
   * Adds `by` inside Redis, atomically; returns the new value and updates the local copy. With
   * `{ upsert: true }` a model that is not stored is saved first, in the same script.
   */
  async aincrease(by = 1, options?: IncreaseOptions): Promise<number> {
    if (!Number.isFinite(by)) finite(at(this.where), by); // the message only when it throws
    const local = () => floatOp(at(this.where), this.nonNull() as number, 'add', by);
    const n =
      options !== undefined && upsertOf(at(this.where), options)
        ? await this.owner.runMethod(
            'RedisFloat.aincreaseUpsert',
            upsertArgs(this.owner, 'RedisFloat.aincreaseUpsert', 'float', this.path, by, this.spec.encodedDefault()),
            local,
          )
        : await this.owner.runMethod('RedisFloat.aincrease', [this.path, String(by), this.spec.encodedDefault()], local);
    this.current = n as V;
    return n;
  }

  /** Applies `op` to the local copy and, inside a pipeline, queues it (float/op); what each in-place method calls. */
  protected op(op: FloatOp, n: number): this {
    const where = at(this.where);
    this.current = floatOp(where, this.nonNull() as number, op, finite(where, n)) as V;
    this.owner.queueMethod(`RedisFloat.${METHOD_OF[op]}` as MethodName, [this.path, op, String(n), this.spec.encodedDefault()]);
    return this;
  }

  /** `x += n` on the local copy; inside a pipeline also queued (UPDATE, ARITHMETIC). ValidationError when null or `n` is not finite, OverflowError when the result is not finite. */
  iadd(n: number): this {
    return this.op('add', n);
  }
  /** `x -= n` on the local copy; inside a pipeline also queued (UPDATE, ARITHMETIC). ValidationError when null or `n` is not finite, OverflowError when the result is not finite. */
  isub(n: number): this {
    return this.op('sub', n);
  }
  /** `x *= n` on the local copy; inside a pipeline also queued (UPDATE, ARITHMETIC). ValidationError when null or `n` is not finite, OverflowError when the result is not finite. */
  imul(n: number): this {
    return this.op('mul', n);
  }
  /** `x /= n` on the local copy; inside a pipeline also queued (UPDATE, ARITHMETIC). ZeroDivisionError on 0. */
  itruediv(n: number): this {
    return this.op('truediv', n);
  }
  /** Floor division (Python `//=`) on the local copy; inside a pipeline also queued (UPDATE, ARITHMETIC). ZeroDivisionError on 0. */
  ifloordiv(n: number): this {
    return this.op('floordiv', n);
  }
  /** Python `%=` on the local copy (the remainder takes the divisor's sign); inside a pipeline also queued (UPDATE, ARITHMETIC). ZeroDivisionError on 0. */
  imod(n: number): this {
    return this.op('mod', n);
  }
  /** `x **= n` on the local copy; inside a pipeline also queued (UPDATE, ARITHMETIC). OverflowError when the result is not finite. */
  ipow(n: number): this {
    return this.op('pow', n);
  }
}

/** The largest epoch-ms magnitude a Date holds. */
const DATE_LIMIT = '8640000000000000';

/** The handle of a `field.datetime()` field: a Date, stored as epoch milliseconds. */
export class RedisDatetime<V extends Date | null = Date> extends ScalarHandle<V> {
  /** Moves the local date forward by `ms` milliseconds. */
  iadd(ms: number): this {
    const where = at(this.where);
    this.current = this.spec.check(this.where, new Date(intOp(where, (this.nonNull() as Date).getTime(), 'add', safeInt(where, ms)))) as V;
    this.owner.queueMethod('RedisDatetime.iadd', [this.path, 'add', String(ms), this.spec.encodedDefault(), DATE_LIMIT]);
    return this;
  }

  /** Moves the local date back by `ms` milliseconds. */
  isub(ms: number): this {
    const where = at(this.where);
    this.current = this.spec.check(this.where, new Date(intOp(where, (this.nonNull() as Date).getTime(), 'sub', safeInt(where, ms)))) as V;
    this.owner.queueMethod('RedisDatetime.isub', [this.path, 'sub', String(ms), this.spec.encodedDefault(), DATE_LIMIT]);
    return this;
  }
}
