/**
 * A query's plan: what `where` and `orderBy` compile to (src/query/where.ts) and what the query
 * script (lua/query/run.lua) reads, as JSON. Fields are named by their position in
 * `schema.indexed`, counted from 1 (as Lua counts). Values are index values:
 * - int, float, datetime: a number (a datetime as epoch milliseconds), bool: 1 or 0;
 * - str: the string itself (compared by UTF-8 bytes);
 * - enum: the value's stored text (`JSON.stringify(value)`), compared for equality only.
 * Null is never a value: `{ t: 'null', f }` matches a null optional field. A range never matches
 * null.
 */
export type IndexValue = number | string;

export type PlanNode =
  /** Every stored model of the class (`where: {}`). */
  | { readonly t: 'all' }
  | { readonly t: 'and'; readonly c: readonly PlanNode[] }
  | { readonly t: 'or'; readonly c: readonly PlanNode[] }
  | { readonly t: 'not'; readonly c: PlanNode }
  | { readonly t: 'eq'; readonly f: number; readonly v: IndexValue }
  | { readonly t: 'null'; readonly f: number }
  /** Bounds are optional; `gx`/`lx` make them exclusive. Only on int, float, datetime and str. */
  | { readonly t: 'range'; readonly f: number; readonly gt?: IndexValue; readonly gx?: boolean; readonly lt?: IndexValue; readonly lx?: boolean }
  /** str only: the value starts with `v`. */
  | { readonly t: 'prefix'; readonly f: number; readonly v: string };

/** `orderBy` compiled: the field's position in `schema.indexed` (from 1) and the direction. */
export interface PlanOrder {
  readonly f: number;
  readonly desc: boolean;
}
