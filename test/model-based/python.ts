/**
 * Python's semantics, written independently of the library (src/fields/arith.ts and
 * lua/includes/numbers.lua), for the reference model: integer arithmetic in BigInt (exact),
 * float arithmetic as CPython does it (float_floor_div / float_rem), list index rules.
 * Errors are RefError carrying the library's error class name.
 */

/** An error the reference expects, named by the library's error class. */
export class RefError extends Error {
  constructor(
    readonly kind: string,
    detail = '',
  ) {
    super(`${kind}${detail ? `: ${detail}` : ''}`);
  }
}

export type IntOp = 'add' | 'sub' | 'mul' | 'floordiv' | 'mod' | 'pow';
export type FloatOp = IntOp | 'truediv';

const MAX = BigInt(Number.MAX_SAFE_INTEGER);

function bigFloorDiv(a: bigint, b: bigint): bigint {
  const q = a / b; // truncates
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** Python's int op on safe integers; the result must be a safe integer (OverflowError). */
export function pyInt(a: number, op: IntOp, b: number): number {
  const x = BigInt(a);
  const y = BigInt(b);
  let r: bigint;
  switch (op) {
    case 'add':
      r = x + y;
      break;
    case 'sub':
      r = x - y;
      break;
    case 'mul':
      r = x * y;
      break;
    case 'floordiv':
    case 'mod':
      if (y === 0n) throw new RefError('ZeroDivisionError');
      r = op === 'floordiv' ? bigFloorDiv(x, y) : x - y * bigFloorDiv(x, y);
      break;
    case 'pow':
      if (y < 0n) throw new RefError('UnsupportedArgumentError', 'negative power');
      if (x === 0n || x === 1n) r = y === 0n ? 1n : x;
      else if (x === -1n) r = y % 2n === 0n ? 1n : -1n;
      else if (y > 64n) throw new RefError('OverflowError');
      else r = x ** y;
      break;
  }
  if (r > MAX || r < -MAX) throw new RefError('OverflowError', `${a} ${op} ${b}`);
  return Number(r);
}

/** CPython's float ops (Objects/floatobject.c); a result that is not finite is refused. */
export function pyFloat(a: number, op: FloatOp, b: number): number {
  let r: number;
  switch (op) {
    case 'add':
      r = a + b;
      break;
    case 'sub':
      r = a - b;
      break;
    case 'mul':
      r = a * b;
      break;
    case 'pow':
      r = a ** b;
      break;
    case 'truediv':
      if (b === 0) throw new RefError('ZeroDivisionError');
      r = a / b;
      break;
    case 'mod':
    case 'floordiv': {
      if (b === 0) throw new RefError('ZeroDivisionError');
      const [div, mod] = floatDivmod(a, b);
      r = op === 'mod' ? mod : div;
      break;
    }
  }
  if (!Number.isFinite(r)) throw new RefError('OverflowError', `${a} ${op} ${b}`);
  return r;
}

/** CPython's _float_div_mod. */
function floatDivmod(vx: number, wx: number): [number, number] {
  let mod = vx % wx; // C fmod
  let div = (vx - mod) / wx;
  if (mod !== 0) {
    if (wx < 0 !== mod < 0) {
      mod += wx;
      div -= 1;
    }
  } else {
    mod = wx < 0 ? -0 : 0;
  }
  let floordiv: number;
  if (div !== 0) {
    floordiv = Math.floor(div);
    if (div - floordiv > 0.5) floordiv += 1;
  } else {
    floordiv = vx / wx < 0 ? -0 : 0;
  }
  return [floordiv, mod];
}

/** Python's `list.insert(i, x)` position: negative counts from the end, clamped to 0 .. n. */
export function insertAt(i: number, n: number): number {
  if (i < 0) return Math.max(i + n, 0);
  return Math.min(i, n);
}

/** Python's `list[i]` position, or null when out of range. */
export function indexAt(i: number, n: number): number | null {
  const p = i < 0 ? i + n : i;
  return p >= 0 && p < n ? p : null;
}

/** Python's `del list[start:stop]` on an array, in place; returns how many were removed. */
export function delSlice<T>(xs: T[], start: number | undefined, stop: number | undefined): number {
  const n = xs.length;
  const from = start === undefined ? 0 : insertAt(start, n);
  const to = stop === undefined ? n : insertAt(stop, n);
  if (to <= from) return 0;
  xs.splice(from, to - from);
  return to - from;
}

/** Byte order of UTF-8 texts (a sorted set's order between equal scores). */
export function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
