/**
 * How each scalar kind travels: runtime value ⇄ plain JSON value ⇄ stored text.
 * Every scalar is stored as JSON text in the model's hash: numbers as plain decimals (so
 * HINCRBY / HINCRBYFLOAT work on them), strings JSON-quoted, bytes as a JSON string of hex,
 * datetimes as epoch milliseconds, null as `null`. The plain form is what ajv validates.
 */
import type { JsonSchema } from './ajv.js';

export const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Marks a runtime value of the wrong JavaScript type (before any schema check). */
export const WRONG_TYPE: unique symbol = Symbol('wrong type');

export interface ScalarCodec<V> {
  /** JSON Schema of the plain form. */
  readonly schema: JsonSchema;
  /** Runtime value → plain JSON value, or WRONG_TYPE. */
  toPlain(value: unknown): unknown;
  /** Validated plain value → runtime value. */
  fromPlain(plain: unknown): V;
}

const same = <V>(schema: JsonSchema): ScalarCodec<V> => ({
  schema,
  toPlain: (v) => v,
  fromPlain: (p) => p as V,
});

export const strCodec = same<string>({ type: 'string' });
export const intCodec = same<number>({ type: 'integer', minimum: -MAX_SAFE, maximum: MAX_SAFE });
export const floatCodec = same<number>({ type: 'number' });
export const boolCodec = same<boolean>({ type: 'boolean' });

export const bytesCodec: ScalarCodec<Uint8Array> = {
  schema: { type: 'string', pattern: '^([0-9a-f]{2})*$' },
  toPlain: (v) => (v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex') : WRONG_TYPE),
  fromPlain: (p) => new Uint8Array(Buffer.from(p as string, 'hex')),
};

export const datetimeCodec: ScalarCodec<Date> = {
  schema: { type: 'integer', minimum: -8.64e15, maximum: 8.64e15 },
  toPlain: (v) => (v instanceof Date ? v.getTime() : WRONG_TYPE),
  fromPlain: (p) => new Date(p as number),
};

/** Any JSON value; a value JSON cannot carry exactly (undefined, NaN, a class instance) is refused. */
export const jsonCodec: ScalarCodec<unknown> = {
  schema: {},
  toPlain: (v) => (isJsonValue(v, 0) ? v : WRONG_TYPE),
  fromPlain: (p) => p,
};

export function enumCodec<V extends string | number>(values: readonly V[]): ScalarCodec<V> {
  return same<V>({ enum: [...values] });
}

function isJsonValue(v: unknown, depth: number): boolean {
  if (depth > 200) return false;
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  // JSON would silently drop what these refuse: holes and extra properties of arrays (a hole
  // comes back as null), symbol keys of objects.
  if (Array.isArray(v)) return Object.keys(v).length === v.length && v.every((x) => isJsonValue(x, depth + 1));
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return false;
    if (Object.getOwnPropertySymbols(v).length > 0) return false;
    return Object.values(v as object).every((x) => isJsonValue(x, depth + 1));
  }
  return false;
}
