/**
 * Generators and oracles of the hostile-input tests (test/hostile.test.ts): wrong types, NaN and
 * infinities, unsafe integers, lone surrogates, keys that mean something to JavaScript, Redis or
 * the key scheme; which of them a field must accept, and how a value read back is compared.
 */
import fc from 'fast-check';

/** Strings that mean something to JavaScript objects, JSON, Lua, glob patterns or the key scheme. */
export const SPECIAL_STRINGS = [
  '',
  ' ',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '{',
  '}',
  '{x}',
  '}{',
  '*',
  '?',
  '[',
  ']',
  '[a-z]',
  '\\',
  '"',
  "'",
  '\n',
  '\r\n',
  '\t',
  '\u0000',
  '\0rapyer:removed\0',
  'RAPYER_KEY_ERROR x',
  'null',
  'true',
  '1',
  '-0',
  'NaN',
  '1e400',
  '😀',
  'é',
  '\uD800',
  '\uDFFF',
  'a\uD800b',
  '\uDC00\uD800',
  '\uFFFF',
  '\uFEFF',
  'HostileOther:{x}',
  'HostileDoc:{x}:tags',
  ':',
];

/** Any string, biased to the special ones and to surrogate halves. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_STRINGS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('\uD800', '\uDBFF', '\uDC00', '\uDFFF', 'a', '{', '*', '"'), maxLength: 6 }) },
);

class Custom {
  a = 1;
}

/** Values of the wrong type, or of the right type but out of range. */
const odd: unknown[] = [
  undefined,
  null,
  true,
  false,
  0,
  -0,
  1,
  1.5,
  -1,
  NaN,
  Infinity,
  -Infinity,
  2 ** 53,
  -(2 ** 53),
  2 ** 60,
  1e300,
  Number.MIN_VALUE,
  10n,
  [],
  [1],
  [undefined],
  // biome-ignore lint/suspicious/noSparseArray: a hole is one of the hostile values
  [, 1],
  {},
  { a: 1 },
  { a: undefined },
  new Date(0),
  new Date(NaN),
  new Date(8.64e15),
  new Date(-8.64e15),
  new Uint8Array([1, 2, 255]),
  new Uint8Array(new ArrayBuffer(8), 3, 2),
  Buffer.from('ab'),
  new Uint16Array([1]),
  new Map([['a', 1]]),
  new Set(['a']),
  () => 1,
  Symbol('s'),
  Object.create(null),
  /re/,
  new Error('x'),
  { toJSON: () => 'x' },
  new Custom(),
  JSON.parse('{"__proto__": {"polluted": 1}}'),
  Object.assign(Object.create(null), { k: 1 }),
  { [Symbol('k')]: 1 },
  new String('boxed'),
  new Number(1),
  'x',
  'y',
];

/** Anything: odd values, hostile strings, numbers, dates, bytes and arbitrary structures. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...odd) },
  { weight: 3, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.oneof(fc.double(), fc.integer(), fc.maxSafeInteger(), fc.bigInt()) },
  { weight: 1, arbitrary: fc.date({ noInvalidDate: false }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 8 }) },
  {
    weight: 3,
    arbitrary: fc.anything({
      key: hostileString,
      maxDepth: 3,
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withTypedArray: true,
      withUnicodeString: true,
    }),
  },
);

/** A string without lone surrogates (UTF-8 can carry it unchanged). */
export function wellFormed(s: string): boolean {
  return !/[\uD800-\uDFFF]/u.test(s);
}

/** A value JSON.stringify / JSON.parse gives back exactly (-0 aside: JSON has no negative zero). */
export function isExactJson(v: unknown, depth = 0): boolean {
  if (depth > 100) return false;
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) {
    return (
      Object.getPrototypeOf(v) === Array.prototype &&
      Reflect.ownKeys(v).length === v.length + 1 && // + 'length'
      v.every((x) => isExactJson(x, depth + 1))
    );
  }
  if (typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  if (Object.getOwnPropertySymbols(v).length > 0) return false;
  const props = Object.getOwnPropertyDescriptors(v);
  return Object.values(props).every((d) => d.enumerable && 'value' in d && isExactJson(d.value, depth + 1));
}

/** For comparisons: -0 → 0, a Buffer → a Uint8Array, a null-prototype object → a plain one. */
export function normal(v: unknown): unknown {
  if (typeof v === 'number') return v === 0 ? 0 : v;
  if (v instanceof Uint8Array) return new Uint8Array(v);
  if (Array.isArray(v)) return v.map(normal);
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) Object.defineProperty(out, k, { value: normal(x), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return v;
}
