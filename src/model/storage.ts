/**
 * Turning a model's values into script arguments and script replies back into values
 * (the "to-hash / from-hash" of the house). Values travel as a tree of runtime values keyed by
 * field name, nested models as nested objects.
 */
import type { ModelSchema, Leaf } from './schema.js';
import { CorruptedModelError } from '../errors.js';
import type { AnyCollection, Raw } from '../fields/collection.js';

export type Tree = Record<string, unknown>;

export function getPath(tree: Tree, path: string): unknown {
  if (!path.includes('.')) return tree[path];
  let cur: unknown = tree;
  for (const part of path.split('.')) cur = (cur as Tree | undefined)?.[part];
  return cur;
}

export function setPath(tree: Tree, path: string, value: unknown): void {
  if (!path.includes('.')) {
    tree[path] = value;
    return;
  }
  const parts = path.split('.');
  let cur = tree;
  for (const part of parts.slice(0, -1)) cur = (cur[part] ??= {}) as Tree;
  cur[parts[parts.length - 1]!] = value;
}

/**
 * The write payload of includes/collections.lua for the given leaves and collections:
 * N, N hash pairs, then kind/count/items for each of the model's collection keys ('keep' for
 * those not written).
 */
/**
 * Values come from the model's handles or from checked input (aupdate): immutable kinds are not
 * checked again (FieldSpec.encodeLocal), mutable ones and collection items are.
 */
export function encodePayload(schema: ModelSchema, key: string, tree: Tree, leaves: readonly Leaf[], written: readonly Leaf[]): string[] {
  const out: string[] = [String(leaves.length)];
  for (const l of leaves) out.push(l.path, l.spec.encodeLocal(key, l.path, getPath(tree, l.path)));
  for (const c of schema.collections) {
    // A priority queue is never written from a local value (it has none): always 'keep'.
    if (!written.includes(c) || c.spec.kind === 'pq') {
      out.push('keep', '0');
      continue;
    }
    const items = (c.spec as AnyCollection).encodeItems({ model: key, path: c.path }, getPath(tree, c.path));
    out.push(luaKind(c), String(items.length));
    for (const item of items) out.push(item);
  }
  return out;
}

/** Decodes the values of some leaves from their stored texts; missing texts take the default. */
/**
 * Safe loading (FieldOptions.safeLoad, MetaOptions.safeLoad): which fields may load as their
 * default when their stored value does not validate, and the paths of those that did.
 */
export interface SafeLoad {
  readonly all: boolean;
  readonly failed: string[];
}

const hasSafe = new WeakMap<ModelSchema, boolean>();

/** A fresh SafeLoad for one load of a model of this schema, or undefined when no field loads safely. */
export function safeLoadFor(schema: ModelSchema, all: boolean): SafeLoad | undefined {
  let any = hasSafe.get(schema);
  if (any === undefined) {
    any = [...schema.leaves, ...schema.collections].some((l) => l.spec.options.safeLoad === true);
    hasSafe.set(schema, any);
  }
  return all || any ? { all, failed: [] } : undefined;
}

/** Decodes one stored field with `decode`; a safe field that does not validate takes its default. */
function safely(l: Leaf, safe: SafeLoad | undefined, decode: () => unknown): unknown {
  if (!safe || !(safe.all || l.spec.options.safeLoad === true)) return decode();
  try {
    return decode();
  } catch (e) {
    const d = l.spec.defaultValue();
    if (!(e instanceof CorruptedModelError) || d === undefined) throw e;
    safe.failed.push(l.path);
    return d;
  }
}

export function decodeLeaves(key: string, leaves: readonly Leaf[], raws: readonly (string | null | undefined)[], tree: Tree, safe?: SafeLoad): void {
  for (let i = 0; i < leaves.length; i += 1) {
    const l = leaves[i]!;
    const raw = raws[i];
    if (raw === null || raw === undefined) {
      const d = l.spec.defaultValue();
      if (d === undefined) throw new CorruptedModelError(`${key} field "${l.path}": missing, and the field has no default`);
      setPath(tree, l.path, d);
    } else {
      setPath(tree, l.path, safe ? safely(l, safe, () => l.spec.decodeAt(key, l.path, raw)) : l.spec.decodeAt(key, l.path, raw));
    }
  }
}

/** Decodes a model/load reply of the whole model ('*') into a tree. */
export function decodeModel(schema: ModelSchema, key: string, reply: unknown[], safe?: SafeLoad): Tree {
  const flat = reply[0] as string[];
  const leaves = schema.leaves;
  const at = schema.leafIndex;
  // HGETALL's pairs → the stored text of each leaf, by its position in schema.leaves
  const raws: (string | undefined)[] = new Array(leaves.length).fill(undefined);
  for (let i = 0; i < flat.length; i += 2) {
    const j = at.get(flat[i]!);
    if (j !== undefined) raws[j] = flat[i + 1];
  }
  const tree: Tree = {};
  decodeLeaves(key, leaves, raws, tree, safe);
  if (schema.collections.length > 0) decodeCollections(schema, key, reply, schema.collections, tree, safe);
  return tree;
}

/**
 * Decodes the collections of a model/load reply (reply[k] holds the items of KEYS[k + 1]) that
 * are in `read`; a priority queue has no local value and is left out. CorruptedModelError names
 * the key and the field of an item that does not decode or validate.
 */
export function decodeCollections(schema: ModelSchema, key: string, reply: readonly unknown[], read: readonly Leaf[], tree: Tree, safe?: SafeLoad): void {
  schema.collections.forEach((c, i) => {
    if (c.spec.kind === 'pq' || !read.includes(c)) return;
    const raw = reply[i + 1];
    if (!Array.isArray(raw)) throw new CorruptedModelError(`${key} field "${c.path}": no stored items in the reply`);
    const decode = () => (c.spec as AnyCollection).decodeItems({ model: key, path: c.path }, raw as Raw[]);
    setPath(tree, c.path, safely(c, safe, decode));
  });
}

/** The extra ARGV of model/load for the whole model: '*' and a kind per collection key. */
export function loadArgs(schema: ModelSchema, leaves: readonly Leaf[] | '*', read: readonly Leaf[] | '*'): string[] {
  const head = leaves === '*' ? ['*'] : [String(leaves.length), ...leaves.map((l) => l.path)];
  // A priority queue has no local value: loads skip it (its methods read it).
  const reads = (c: Leaf) => c.spec.kind !== 'pq' && (read === '*' || read.includes(c));
  return [...head, ...schema.collections.map((c) => (reads(c) ? luaKind(c) : 'skip'))];
}

const loadAll = new WeakMap<ModelSchema, readonly string[]>();

/** loadArgs(schema, '*', '*'), made once per schema (every aget, afind, aload sends it). */
export function loadAllArgs(schema: ModelSchema): readonly string[] {
  let args = loadAll.get(schema);
  if (!args) {
    args = Object.freeze(loadArgs(schema, '*', '*'));
    loadAll.set(schema, args);
  }
  return args;
}

/** The Redis type a collection field is stored as, named as lua/includes/collections.lua names it. */
export function luaKind(c: Leaf): string {
  return ({ list: 'list', dict: 'hash', set: 'set', pq: 'zset' } as Record<string, string>)[c.spec.kind]!;
}
