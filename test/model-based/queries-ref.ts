/**
 * The reference of the query model-based tests: the stored models of the class as a plain map
 * pk -> values (an expired model is simply not there), the writes as plain functions over it,
 * and every query answered by brute force, from the README's rules (Queries) rather than from
 * the library's code:
 * - a where-object's keys all hold; a plain value is equality (null matches null), `ne` matches
 *   null too, `in: []` nothing, ranges never match null, strings compare by UTF-8 bytes,
 *   `startsWith` by bytes; AND / OR / NOT combine where-objects of the same level; `{}` is all;
 * - ordered by the orderBy value (null first ascending, last descending), ties and no orderBy by
 *   pk in UTF-8 byte order; then offset, then maxResults.
 */
import { KIND, cloneValues, patched, type Kind, type Patch, type Values } from './queries-schema.js';

/** A failure the library must answer with the error class `kind` (or, when several parts failed at once, any of `kinds`). */
export class RefError extends Error {
  constructor(
    readonly kind: string,
    readonly kinds: readonly string[] = [kind],
  ) {
    super(kind);
  }
}

/** A where-object as the test writes it (the library's own input). */
export type Where = { readonly [key: string]: unknown };
export type OrderBy = Readonly<Record<string, unknown>>;

export interface FindQuery {
  readonly where: Where;
  readonly orderBy?: OrderBy;
  readonly offset?: number;
  readonly maxResults?: number;
}

const utf8 = (s: string) => Buffer.from(s, 'utf8');
export const byBytes = (a: string, b: string): number => Buffer.compare(utf8(a), utf8(b));

type Scalar = number | string | boolean | null;
const plain = (v: unknown): Scalar => (v instanceof Date ? v.getTime() : (v as Scalar));

/** Two non-null values of a kind: numbers by value, strings by UTF-8 bytes. */
function compare(kind: Kind, a: Scalar, b: Scalar): number {
  if (kind === 'str') return byBytes(a as string, b as string);
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

function equal(kind: Kind, a: Scalar, b: Scalar): boolean {
  if (a === null || b === null) return a === b;
  return kind === 'bool' || kind === 'enum' ? a === b : compare(kind, a, b) === 0;
}

const isOperators = (c: unknown): c is Record<string, unknown> => c !== null && typeof c === 'object' && !(c instanceof Date) && !Array.isArray(c);

/** One operator of a field's condition on the value `v`. */
function holds(kind: Kind, v: Scalar, op: string, arg: unknown): boolean {
  if (op === 'eq') return equal(kind, v, plain(arg));
  if (op === 'ne') return !equal(kind, v, plain(arg));
  if (op === 'in') return (arg as unknown[]).some((a) => equal(kind, v, plain(a)));
  if (v === null) return false; // ranges and startsWith never match null
  if (op === 'startsWith') {
    const p = utf8(arg as string);
    return utf8(v as string)
      .subarray(0, p.length)
      .equals(p);
  }
  const c = compare(kind, v, plain(arg));
  if (op === 'gt') return c > 0;
  if (op === 'gte') return c >= 0;
  if (op === 'lt') return c < 0;
  if (op === 'lte') return c <= 0;
  throw new Error(`reference: unknown operator ${op}`);
}

function fieldHolds(kind: Kind, v: Scalar, cond: unknown): boolean {
  if (!isOperators(cond)) return equal(kind, v, plain(cond));
  return Object.entries(cond).every(([op, arg]) => holds(kind, v, op, arg));
}

/** Whether the values match a where-object of the top level, or of the nested model (`nested`). */
export function matches(where: Where, v: Values, nested = false): boolean {
  return Object.entries(where).every(([key, c]) => {
    if (key === 'AND') return (c as Where[]).every((w) => matches(w, v, nested));
    if (key === 'OR') return (c as Where[]).some((w) => matches(w, v, nested));
    if (key === 'NOT') return !matches(c as Where, v, nested);
    if (!nested && key === 'address') return matches(c as Where, v, true);
    const field = (nested ? (key === 'city' ? 'city' : null) : key in KIND && key !== 'city' ? key : null) as keyof typeof KIND | null;
    if (!field) throw new Error(`reference: no indexed field ${key}`);
    return fieldHolds(KIND[field], v[field], c);
  });
}

/** orderBy as { field of Values, kind, desc }. */
function orderOf(orderBy: OrderBy | undefined): { field: keyof typeof KIND; desc: boolean } | null {
  if (!orderBy) return null;
  const [key, dir] = Object.entries(orderBy)[0]!;
  if (key === 'address') return { field: 'city', desc: (dir as Record<string, string>).city === 'desc' };
  return { field: key as keyof typeof KIND, desc: dir === 'desc' };
}

export class QRef {
  /** The stored (and not expired) models. */
  readonly stored = new Map<string, Values>();
  /** The models that expired in this run (their index entries may be left until a sweep). */
  readonly expired = new Set<string>();
  /** When the last query was sent (Date.now()): its sweep took every ~expiry entry due by then. */
  lastQuery = 0;

  /**
   * @param refresh the class's refreshTtl (true: every operation refreshes, false: none does)
   * @param ttl the class's Meta.ttl in seconds, or null
   * @param slotOf the hash slot of a model (every model in 0 on one server): a pipeline is all or nothing per slot
   */
  constructor(
    readonly refresh: boolean,
    readonly ttl: number | null,
    readonly slotOf: (pk: string) => number,
  ) {}

  get(pk: string): Values {
    const v = this.stored.get(pk);
    if (!v) throw new RefError('KeyNotFound');
    return v;
  }

  /** The matches of a where, in the query's order. */
  ordered(where: Where, orderBy?: OrderBy): [string, Values][] {
    const rows = [...this.stored].filter(([, v]) => matches(where, v));
    const o = orderOf(orderBy);
    return rows.sort(([pa, va], [pb, vb]) => {
      if (o) {
        const a = va[o.field] as Scalar;
        const b = vb[o.field] as Scalar;
        const c = a === null ? (b === null ? 0 : -1) : b === null ? 1 : compare(KIND[o.field], a, b);
        if (c !== 0) return o.desc ? -c : c;
      }
      return byBytes(pa, pb);
    });
  }

  find(q: FindQuery): [string, Values][] {
    const from = q.offset ?? 0;
    return this.ordered(q.where, q.orderBy).slice(from, q.maxResults === undefined ? undefined : from + q.maxResults);
  }

  /** adeleteMany({ where }): every match goes, whole (a main key, and the list's key when not empty). */
  deleteWhere(where: Where): { modelsDeleted: number; keysDeleted: number } {
    const gone = this.ordered(where);
    for (const [pk] of gone) this.stored.delete(pk);
    return { modelsDeleted: gone.length, keysDeleted: gone.reduce((n, [, v]) => n + keysOf(v), 0) };
  }

  save(pk: string, v: Values): void {
    this.stored.set(pk, cloneValues(v));
  }

  update(pk: string, p: Patch): void {
    this.stored.set(pk, patched(this.get(pk), p));
  }

  /** aincrease / iadd / imul on a stored numeric field (a datetime in ms): null is a ValidationError. */
  arith(pk: string, field: 'n' | 'x' | 'at', op: 'add' | 'mul', by: number): number {
    const s = this.get(pk);
    const v = s[field];
    if (v === null) throw new RefError('ValidationError');
    s[field] = (op === 'add' ? v + by : v * by) + 0; // + 0: no -0 (an int has none; a float's is compared as 0)
    return s[field];
  }

  /** aincrease(by, { upsert: true }): the plain one when stored, else the local values saved with the increment. */
  upsert(pk: string, field: 'n' | 'x', by: number, local: Values): number {
    if (this.stored.has(pk)) return this.arith(pk, field, 'add', by);
    const v = local[field];
    if (v === null) throw new RefError('ValidationError');
    this.save(pk, { ...local, [field]: v + by });
    return v + by;
  }

  /** A field's value written alone (`field.value = v` then asave, or queued in a pipeline). */
  assign(pk: string, field: keyof Values, value: unknown): void {
    const s = this.get(pk);
    (s as unknown as Record<string, unknown>)[field] = value;
  }

  delete(pk: string): boolean {
    return this.stored.delete(pk);
  }

  /** A model whose TTL ran out: gone, its index entries maybe not yet. */
  expire(pk: string): void {
    if (this.stored.delete(pk)) this.expired.add(pk);
  }
}

/** The keys a stored model has: its main hash, and its list when not empty. */
export const keysOf = (v: Values): number => 1 + (v.tags.length > 0 ? 1 : 0);
