/**
 * Python's arithmetic on JavaScript numbers, shared by the local in-place methods; the Lua
 * scripts (lua/includes/numbers.lua) apply the same rules inside Redis.
 */
import { OverflowError, UnsupportedArgumentError, ZeroDivisionError } from '../errors.js';

export type IntOp = 'add' | 'sub' | 'mul' | 'floordiv' | 'mod' | 'pow';
export type FloatOp = IntOp | 'truediv';

/** Python's modulo: the remainder takes the divisor's sign. */
export function pyMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

/**
 * Python's floor division (b !== 0), as CPython's float_floor_div computes it: from the exact
 * remainder, not floor(a / b), whose rounding is wrong near integers (1 // 0.1 is 9, not 10) and,
 * for integers near 2**53, overflows (a - pyMod(a, b) may not be representable). For integers
 * every step is exact: |a - a % b| <= |a|.
 */
export function pyFloorDiv(a: number, b: number): number {
  const mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && mod < 0 !== b < 0) div -= 1;
  if (div === 0) return 0;
  const floor = Math.floor(div);
  return div - floor > 0.5 ? floor + 1 : floor;
}

export function intOp(where: string, a: number, op: IntOp, b: number): number {
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
    case 'floordiv':
    case 'mod': {
      if (b === 0) throw new ZeroDivisionError(`${where}: integer ${op} by zero`);
      r = op === 'mod' ? pyMod(a, b) : pyFloorDiv(a, b);
      break;
    }
    case 'pow':
      if (b < 0) throw new UnsupportedArgumentError(`${where}: negative power ${b} of an integer`);
      r = a ** b;
      break;
  }
  if (!Number.isSafeInteger(r)) throw new OverflowError(`${where}: ${a} ${op} ${b} is beyond the safe integers`);
  return r === 0 ? 0 : r; // no -0
}

export function floatOp(where: string, a: number, op: FloatOp, b: number): number {
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
    case 'floordiv':
    case 'mod':
      if (b === 0) throw new ZeroDivisionError(`${where}: float ${op} by zero`);
      r = op === 'truediv' ? a / b : op === 'mod' ? pyMod(a, b) : pyFloorDiv(a, b);
      break;
  }
  if (!Number.isFinite(r)) throw new OverflowError(`${where}: ${a} ${op} ${b} is not finite`);
  return r;
}
