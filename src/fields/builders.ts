/**
 * `field.*`: the field builders of README, Models and fields. Each returns a FieldSpec whose phantom types give
 * the value, handle and constructor-input types of the field.
 */
import {
  FieldSpec,
  type FieldOptions,
  type JsonValue,
  type Nullable,
  type Required,
  type AnyField,
  type MakeHandle,
  type Indexed,
  type IndexKind,
  type NestedIndex,
} from './spec.js';
import { RedisBool, RedisBytes, RedisEnum, RedisJson, RedisStr, type ScalarHandle } from './scalar.js';
import { RedisDatetime, RedisFloat, RedisInt } from './numeric.js';
import * as c from '../schema/scalar-codecs.js';
import type { FieldOwner } from './base.js';
import { listField } from './list.js';
import { UnsupportedArgumentError } from '../errors.js';
import { dictField } from './dict.js';
import { setField } from './set.js';
import { priorityQueueField } from './priority-queue.js';
import type { ModelClass, InputOf } from '../model/types.js';
import type { Shape } from '../model/schema.js';

/** A scalar field's spec; `K` is its kind when it may be indexed (queries name it when `index: true`). */
type Scalar<T, O, H, K extends IndexKind | false = false> = FieldSpec<
  Nullable<T, O>,
  H,
  Nullable<T, O>,
  Required<O>,
  K extends IndexKind ? Indexed<O, K> : false
>;

type Handle<V> = new (owner: FieldOwner, path: string, spec: AnyField, value: V) => ScalarHandle<V>;
const maker =
  (H: Handle<never>): MakeHandle =>
  (owner, path, spec, value) =>
    new H(owner, path, spec, value as never);

function scalar(kind: ConstructorParameters<typeof FieldSpec>[0], H: Handle<never>, codec: c.ScalarCodec<unknown>, options: FieldOptions<unknown> = {}) {
  return new FieldSpec(kind, options, maker(H), codec);
}

/**
 * The field builders: `field.str()`, `field.int()`, … each describe one field of a model given
 * to `defineModel` (README, Models and fields). Options (FieldOptions) give a default, make the
 * field optional (nullable) or the model's key.
 */
export const field = {
  /** A string. */
  str<const O extends FieldOptions<string | null> = {}>(options?: O): Scalar<string, O, RedisStr<Nullable<string, O>>, 'str'> {
    return scalar('str', RedisStr, c.strCodec, options) as never;
  },
  /** A safe integer; its handle (RedisInt) has atomic `aincrease` and in-place arithmetic. */
  int<const O extends FieldOptions<number | null> = {}>(options?: O): Scalar<number, O, RedisInt<Nullable<number, O>>, 'int'> {
    return scalar('int', RedisInt, c.intCodec, options) as never;
  },
  /** A finite number; its handle (RedisFloat) has atomic `aincrease` and in-place arithmetic. */
  float<const O extends FieldOptions<number | null> = {}>(options?: O): Scalar<number, O, RedisFloat<Nullable<number, O>>, 'float'> {
    return scalar('float', RedisFloat, c.floatCodec, options) as never;
  },
  /** A boolean. */
  bool<const O extends FieldOptions<boolean | null> = {}>(options?: O): Scalar<boolean, O, RedisBool<Nullable<boolean, O>>, 'bool'> {
    return scalar('bool', RedisBool, c.boolCodec, options) as never;
  },
  /** Binary data, a Uint8Array. */
  bytes<const O extends FieldOptions<Uint8Array | null> = {}>(options?: O): Scalar<Uint8Array, O, RedisBytes<Nullable<Uint8Array, O>>> {
    return scalar('bytes', RedisBytes, c.bytesCodec, options) as never;
  },
  /** A Date, stored as epoch milliseconds. */
  datetime<const O extends FieldOptions<Date | null> = {}>(options?: O): Scalar<Date, O, RedisDatetime<Nullable<Date, O>>, 'datetime'> {
    return scalar('datetime', RedisDatetime, c.datetimeCodec, options) as never;
  },
  /** Any JSON value (objects, arrays, strings, finite numbers, booleans, null). */
  json<const O extends FieldOptions<JsonValue> = {}>(options?: O): Scalar<JsonValue, O, RedisJson<Nullable<JsonValue, O>>> {
    return scalar('json', RedisJson, c.jsonCodec, options) as never;
  },
  /** One of the given strings or numbers. */
  enum<const T extends readonly (string | number)[], const O extends FieldOptions<T[number] | null> = {}>(
    values: T,
    options?: O,
  ): Scalar<T[number], O, RedisEnum<Nullable<T[number], O>>, 'enum'> {
    return scalar('enum', RedisEnum, c.enumCodec(values), options) as never;
  },
  /**
   * A nested model, stored in its parent's keys (README, Storage layout). It cannot be optional
   * (UnsupportedArgumentError): give its fields defaults instead.
   */
  model: modelField,
  /** A list of values of a scalar field (`field.list(field.str())`); defaults to []. */
  list: listField,
  /** String keys to values of a scalar field (`field.dict(field.int())`); defaults to {}. */
  dict: dictField,
  /** A set of values of a scalar field; defaults to empty. */
  set: setField,
  /** A priority queue of values of a scalar field: a pure proxy to Redis, no local value. */
  priorityQueue: priorityQueueField,
};

/** A nested model, stored in its parent's keys under `${name}.` (README, Storage layout). */
export function modelField<S extends Shape, M extends ModelClass<S>, const O extends FieldOptions<unknown> = {}>(
  model: M & ModelClass<S>,
  options?: O,
): FieldSpec<InstanceType<M>, Nullable<InstanceType<M>, O>, Nullable<InputOf<S>, O>, Required<O>, NestedIndex<S>> {
  const notHere: MakeHandle = () => {
    throw new UnsupportedArgumentError(`${model.modelName}: a nested model is built by its parent, not alone`);
  };
  // Its fields are flattened into the parent's keys: there is no stored "null model" (README,
  // Decisions). Give its fields defaults instead.
  if ((options as FieldOptions<unknown> | undefined)?.optional) {
    throw new UnsupportedArgumentError(
      `field.model(${model.modelName}): a nested model cannot be optional (its fields are stored in its parent's keys); give its fields defaults instead`,
    );
  }
  return new FieldSpec('model', options ?? {}, notHere, undefined, model) as never;
}
