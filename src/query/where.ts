/**
 * Compiles a query (`{ where, orderBy?, maxResults?, offset? }`, README, Queries) into the plan
 * the query script reads (src/query/plan.ts), checking every name and value first: anything
 * wrong is a ValidationError naming the model, the field path and the value, before anything is
 * sent. The static types of the same rules are in src/query/types.ts.
 *
 * A where-object's keys all hold (AND). A key is
 * - an indexed field, with a value (equality; null matches a null optional field) or an operator
 *   object (`eq`, `ne`, `in`; `gt`, `gte`, `lt`, `lte` on int, float, datetime and str; `startsWith`
 *   on str), its operators all holding;
 * - a nested model field, with a where-object of the nested model's fields;
 * - `AND: [where, ...]`, `OR: [where, ...]` or `NOT: where`, whose where-objects are of the same
 *   level as the object holding them: at the top level of the model's fields, inside a nested
 *   where-object of the nested model's (`{ address: { OR: [{ city: 'Paris' }, { zip: null }] } }`).
 *   These three names always combine: a field named AND, OR or NOT cannot be queried.
 * `{}` matches every stored model. An empty `OR` or `in` matches nothing, which the plan writes
 * as an `or` without children. `undefined` is never taken for "any value": a field given
 * undefined is an error (a delete by a where whose value was left undefined would delete all).
 */
import { ValidationError, show } from '../errors.js';
import { at, type AnyField, type Where } from '../fields/spec.js';
import type { HasSchema, ModelSchema, Shape } from '../model/schema.js';
import type { IndexValue, PlanNode, PlanOrder } from './plan.js';

/** What compileQuery answers: the plan, its order, and the window of matches to answer. */
export interface CompiledQuery {
  readonly plan: PlanNode;
  readonly order: PlanOrder | null;
  readonly maxResults: number | null;
  readonly offset: number;
}

/** Which parts of a query a call takes: orderBy (afind, afindOne), maxResults and offset (afind). */
export interface QueryParts {
  readonly order: boolean;
  readonly limit: boolean;
}

const ALL: PlanNode = { t: 'all' };
const NONE: PlanNode = { t: 'or', c: [] };

const isNone = (n: PlanNode) => n.t === 'or' && n.c.length === 0;

/** An object literal (or one made with a null prototype): not an array, a Date, a model. */
function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object') return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** Whether an argument is a query (`{ where, ... }`) rather than keys or FindOptions. */
export function isQuery(x: unknown): boolean {
  return isPlainObject(x) && Object.hasOwn(x, 'where');
}

/** Children combined by AND: nested ANDs flattened, `all` dropped, nothing if one matches nothing. */
function and(parts: readonly PlanNode[]): PlanNode {
  const c: PlanNode[] = [];
  for (const p of parts) {
    if (isNone(p)) return NONE;
    if (p.t === 'and') c.push(...p.c);
    else if (p.t !== 'all') c.push(p);
  }
  if (c.length === 0) return ALL;
  return c.length === 1 ? c[0]! : { t: 'and', c };
}

/** Children combined by OR: nested ORs flattened (an empty one drops out), `all` if one is all. */
function or(parts: readonly PlanNode[]): PlanNode {
  const c: PlanNode[] = [];
  for (const p of parts) {
    if (p.t === 'all') return ALL;
    if (p.t === 'or') c.push(...p.c);
    else c.push(p);
  }
  return c.length === 1 ? c[0]! : { t: 'or', c };
}

function not(node: PlanNode): PlanNode {
  if (node.t === 'not') return node.c;
  if (node.t === 'all') return NONE;
  if (isNone(node)) return ALL;
  return { t: 'not', c: node };
}

/** What a schema's queries look up: each indexed path's position (from 1), and the nested paths holding one. */
interface Lookup {
  readonly positions: ReadonlyMap<string, number>;
  readonly nested: ReadonlySet<string>;
}

const lookups = new WeakMap<ModelSchema, Lookup>();

function lookupOf(schema: ModelSchema): Lookup {
  let l = lookups.get(schema);
  if (!l) {
    const positions = new Map(schema.indexed.map((leaf, i) => [leaf.path, i + 1]));
    const nested = new Set<string>();
    for (const { path } of schema.indexed) {
      const parts = path.split('.');
      for (let i = 1; i < parts.length; i += 1) nested.add(parts.slice(0, i).join('.'));
    }
    l = { positions, nested };
    lookups.set(schema, l);
  }
  return l;
}

interface Ctx {
  readonly model: string;
  readonly lookup: Lookup;
}

/** An indexed field as a query names it. */
interface IndexedLeaf {
  readonly f: number;
  readonly spec: AnyField;
  readonly where: Where;
}

type Resolved = { readonly nested: Shape; readonly prefix: string } | { readonly leaf: IndexedLeaf };

/** The field `key` of a where- or orderBy-object at `prefix`: a nested model, or an indexed leaf. */
function resolve(ctx: Ctx, shape: Shape, prefix: string, key: string, value: unknown, what: string): Resolved {
  const path = prefix + key;
  const where = { model: ctx.model, path };
  const spec = Object.hasOwn(shape, key) ? shape[key] : undefined;
  if (!spec) throw new ValidationError(`${at(where)}: no such field (in ${what}), got ${show(value)}`);
  if (spec.kind === 'model') {
    if (!ctx.lookup.nested.has(path)) throw new ValidationError(`${at(where)}: this nested model has no indexed field (in ${what}), got ${show(value)}`);
    return { nested: (spec.ref as HasSchema).schema.shape, prefix: `${path}.` };
  }
  const f = ctx.lookup.positions.get(path);
  if (f === undefined) {
    throw new ValidationError(`${at(where)}: not indexed, so ${what} cannot name it (give the field index: true; README, Queries), got ${show(value)}`);
  }
  return { leaf: { f, spec, where } };
}

/** A checked value → its index value (plan.ts): bool 1/0, datetime epoch ms, enum its stored text. */
function indexValue(leaf: IndexedLeaf, value: unknown): IndexValue {
  const plain = leaf.spec.toPlain(leaf.where, value);
  switch (leaf.spec.kind) {
    case 'bool':
      return plain === true ? 1 : 0;
    case 'enum':
      return JSON.stringify(plain);
    default:
      return plain as IndexValue; // str, int, float; datetime's plain form is its epoch ms
  }
}

/** Equality with a value (`label` names it in errors); null matches a null optional field. */
function equal(leaf: IndexedLeaf, value: unknown, label: string): PlanNode {
  if (value === undefined) {
    throw new ValidationError(`${at(leaf.where)}: ${label} cannot be undefined (it does not mean "any value": leave the field out), got undefined`);
  }
  if (value === null) {
    if (!leaf.spec.optional) throw new ValidationError(`${at(leaf.where)}: ${label} cannot be null, the field is not optional, got null`);
    return { t: 'null', f: leaf.f };
  }
  return { t: 'eq', f: leaf.f, v: indexValue(leaf, value) };
}

function member(leaf: IndexedLeaf, values: unknown): PlanNode {
  if (!Array.isArray(values)) throw new ValidationError(`${at(leaf.where)}: in takes an array, got ${show(values)}`);
  const seen = new Set<string>();
  const c: PlanNode[] = [];
  for (const v of values) {
    const node = equal(leaf, v, 'an in value');
    const id = JSON.stringify(node);
    if (!seen.has(id)) c.push(node);
    seen.add(id);
  }
  return or(c);
}

const RANGED: ReadonlySet<string> = new Set(['int', 'float', 'datetime', 'str']);
const aKind = (kind: string) => `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} field`;
const OPERATORS = 'eq, ne, in, gt, gte, lt, lte, startsWith';

/** A bound of a range (or startsWith): not null, of the field's type, on a kind that has it. */
function bound(leaf: IndexedLeaf, op: string, value: unknown): IndexValue {
  const kind = leaf.spec.kind;
  if (op === 'startsWith' ? kind !== 'str' : !RANGED.has(kind)) {
    const on = op === 'startsWith' ? 'str fields' : 'int, float, datetime and str fields';
    throw new ValidationError(`${at(leaf.where)}: ${op} is for ${on}, not ${aKind(kind)}, got ${show(value)}`);
  }
  if (value === null || value === undefined)
    throw new ValidationError(`${at(leaf.where)}: ${op} needs a value (a range never matches null), got ${show(value)}`);
  return indexValue(leaf, value);
}

type Range = { gt?: IndexValue; gx?: boolean; lt?: IndexValue; lx?: boolean };

/** Adds `op: v` to a range when its side is free; false when taken (gt and gte both given). */
function addBound(range: Range, op: string, v: IndexValue): boolean {
  const lower = op === 'gt' || op === 'gte';
  if ((lower ? range.gt : range.lt) !== undefined) return false;
  if (lower) Object.assign(range, op === 'gt' ? { gt: v, gx: true } : { gt: v });
  else Object.assign(range, op === 'lt' ? { lt: v, lx: true } : { lt: v });
  return true;
}

/** An operator object: its operators all hold; the bounds of a field make one range where they can. */
function operators(leaf: IndexedLeaf, ops: Record<string, unknown>): PlanNode {
  const entries = Object.entries(ops);
  if (entries.length === 0) throw new ValidationError(`${at(leaf.where)}: an operator object needs one of ${OPERATORS}, got {}`);
  const parts: PlanNode[] = [];
  const ranges: Range[] = [];
  for (const [op, v] of entries) {
    if (op === 'eq') parts.push(equal(leaf, v, 'eq'));
    else if (op === 'ne') parts.push(not(equal(leaf, v, 'ne')));
    else if (op === 'in') parts.push(member(leaf, v));
    else if (op === 'startsWith') parts.push({ t: 'prefix', f: leaf.f, v: bound(leaf, op, v) as string });
    else if (op === 'gt' || op === 'gte' || op === 'lt' || op === 'lte') {
      const iv = bound(leaf, op, v);
      if (!ranges.some((r) => addBound(r, op, iv))) {
        const r: Range = {};
        addBound(r, op, iv);
        ranges.push(r);
      }
    } else throw new ValidationError(`${at(leaf.where)}: unknown operator ${show(op)} (one of ${OPERATORS}), got ${show(ops)}`);
  }
  for (const r of ranges) parts.push({ t: 'range', f: leaf.f, ...r });
  return and(parts);
}

/** A where-object at `prefix` (the top one at ''): its keys all hold. */
function whereObject(ctx: Ctx, shape: Shape, prefix: string, where: unknown): PlanNode {
  if (!isPlainObject(where)) {
    const whose = prefix === '' ? `${ctx.model}: where` : `${at({ model: ctx.model, path: prefix.slice(0, -1) })}: a nested where`;
    throw new ValidationError(`${whose} must be an object of fields, got ${show(where)}`);
  }
  const parts: PlanNode[] = [];
  for (const [key, value] of Object.entries(where)) {
    if (key === 'AND' || key === 'OR') parts.push(combine(ctx, shape, prefix, key, value));
    else if (key === 'NOT') parts.push(not(whereObject(ctx, shape, prefix, value)));
    else {
      const r = resolve(ctx, shape, prefix, key, value, 'where');
      if ('nested' in r) parts.push(whereObject(ctx, r.nested, r.prefix, value));
      else parts.push(isPlainObject(value) ? operators(r.leaf, value) : equal(r.leaf, value, 'a value'));
    }
  }
  return and(parts);
}

function combine(ctx: Ctx, shape: Shape, prefix: string, key: 'AND' | 'OR', value: unknown): PlanNode {
  if (!Array.isArray(value)) {
    const whose = prefix === '' ? ctx.model : at({ model: ctx.model, path: prefix.slice(0, -1) });
    throw new ValidationError(`${whose}: ${key} takes an array of where-objects, got ${show(value)}`);
  }
  const c = value.map((w: unknown) => whereObject(ctx, shape, prefix, w));
  return key === 'AND' ? and(c) : or(c);
}

/** orderBy at `prefix`: exactly one indexed int, float, datetime or str field, 'asc' or 'desc'. */
function orderBy(ctx: Ctx, shape: Shape, prefix: string, value: unknown): PlanOrder {
  const entries = isPlainObject(value) ? Object.entries(value) : [];
  if (entries.length !== 1) {
    const whose = prefix === '' ? ctx.model : at({ model: ctx.model, path: prefix.slice(0, -1) });
    throw new ValidationError(`${whose}: orderBy names exactly one field, as { field: 'asc' | 'desc' }, got ${show(value)}`);
  }
  const [key, dir] = entries[0]!;
  const r = resolve(ctx, shape, prefix, key, dir, 'orderBy');
  if ('nested' in r) return orderBy(ctx, r.nested, r.prefix, dir);
  const { leaf } = r;
  if (!RANGED.has(leaf.spec.kind)) {
    throw new ValidationError(`${at(leaf.where)}: orderBy is for int, float, datetime and str fields, not ${aKind(leaf.spec.kind)}, got ${show(dir)}`);
  }
  if (dir !== 'asc' && dir !== 'desc') throw new ValidationError(`${at(leaf.where)}: orderBy takes 'asc' or 'desc', got ${show(dir)}`);
  return { f: leaf.f, desc: dir === 'desc' };
}

/** maxResults or offset: a non-negative safe integer, or undefined (null is answered). */
function count(model: string, name: string, value: unknown): number | null {
  if (value === undefined) return null;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw new ValidationError(`${model}: ${name} must be a non-negative integer, got ${show(value)}`);
}

/**
 * Checks and compiles a query of the model `modelName` (whose schema is `schema`). `allowed`
 * says which parts the call takes besides `where`: any other key is a ValidationError.
 */
export function compileQuery(modelName: string, schema: ModelSchema, query: unknown, allowed: QueryParts): CompiledQuery {
  const keys = ['where', ...(allowed.order ? ['orderBy'] : []), ...(allowed.limit ? ['maxResults', 'offset'] : [])];
  if (!isPlainObject(query)) throw new ValidationError(`${modelName}: a query is an object { ${keys.join(', ')} }, got ${show(query)}`);
  for (const k of Object.keys(query)) {
    if (!keys.includes(k)) throw new ValidationError(`${modelName}: this query takes ${keys.join(', ')}, not ${show(k)}, got ${show(query)}`);
  }
  if (!Object.hasOwn(query, 'where')) throw new ValidationError(`${modelName}: a query needs where ({} for every model), got ${show(query)}`);
  const ctx: Ctx = { model: modelName, lookup: lookupOf(schema) };
  const plan = whereObject(ctx, schema.shape, '', query.where);
  const order = query.orderBy === undefined ? null : orderBy(ctx, schema.shape, '', query.orderBy);
  const maxResults = count(modelName, 'maxResults', query.maxResults);
  const offset = count(modelName, 'offset', query.offset) ?? 0;
  return { plan, order, maxResults, offset };
}
