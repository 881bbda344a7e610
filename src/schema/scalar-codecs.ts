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
  /**
   * A plain check that accepts exactly what `schema` accepts, without ajv: the hot paths (every
   * value a read decodes, every mutable value a write encodes) run it, and ajv only when it says
   * no, to name the failure. So every value is still checked against the schema.
   */
  readonly accepts: (plain: unknown) => boolean;
}

const same = <V>(schema: JsonSchema, accepts: (plain: unknown) => boolean): ScalarCodec<V> => ({
  schema,
  toPlain: (v) => v,
  fromPlain: (p) => p as V,
  accepts,
});

export const strCodec = same<string>({ type: 'string' }, (p) => typeof p === 'string');
export const intCodec = same<number>({ type: 'integer', minimum: -MAX_SAFE, maximum: MAX_SAFE }, Number.isSafeInteger);
// JSON Schema's number is finite (ajv refuses NaN and ±Infinity).
export const floatCodec = same<number>({ type: 'number' }, Number.isFinite);
export const boolCodec = same<boolean>({ type: 'boolean' }, (p) => typeof p === 'boolean');

const HEX = /^([0-9a-f]{2})*$/u;
const DATE_MS = 8.64e15;

export const bytesCodec: ScalarCodec<Uint8Array> = {
  schema: { type: 'string', pattern: HEX.source },
  accepts: (p) => typeof p === 'string' && HEX.test(p),
  toPlain: (v) => (v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex') : WRONG_TYPE),
  fromPlain: (p) => new Uint8Array(Buffer.from(p as string, 'hex')),
};

export const datetimeCodec: ScalarCodec<Date> = {
  schema: { type: 'integer', minimum: -DATE_MS, maximum: DATE_MS },
  accepts: (p) => Number.isInteger(p) && (p as number) >= -DATE_MS && (p as number) <= DATE_MS,
  toPlain: (v) => (v instanceof Date ? v.getTime() : WRONG_TYPE),
  fromPlain: (p) => new Date(p as number),
};

/** Any JSON value; a value JSON cannot carry exactly (undefined, NaN, a class instance) is refused. */
export const jsonCodec: ScalarCodec<unknown> = {
  schema: {},
  accepts: () => true,
  toPlain: (v) => (isJsonValue(v, 0) ? v : WRONG_TYPE),
  fromPlain: (p) => p,
};

export function enumCodec<V extends string | number>(values: readonly V[]): ScalarCodec<V> {
  // Enum values are strings or finite numbers: ajv's deep equality is === for them.
  const allowed: readonly unknown[] = [...values];
  return same<V>({ enum: [...values] }, (p) => allowed.includes(p));
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
