/**
 * What a pipeline batch reads back of a model (README, Pipelines): the parts its queued
 * operations touched, read in the same script right after them, so that the local copy equals
 * what is stored: the field of a scalar operation, the whole collection of a collection
 * operation, the fields and collections an aupdate or a field's asave wrote, the whole model
 * after an asave. A TTL change or a delete touches no local value; a priority queue has none.
 */
import type { ReadBack } from '../runtime/pipeline.js';
import type { ScriptCall } from '../runtime/scripts.js';
import { keysOf, type ModelStatic } from './calls.js';
import type { Leaf, ModelSchema } from './schema.js';
import { decodeCollections, decodeLeaves, decodeModel, loadArgs, type Tree } from './storage.js';

/** The root model whose local copy a read-back sets (a ModelCore). */
export interface ReadBackTarget {
  readonly cls: ModelStatic;
  readonly key: string;
  applyTree(tree: Tree, leaves: readonly Leaf[]): void;
}

/** Scripts whose ARGV[4] is the path of the scalar field they write. */
const FIELD_SCRIPTS = new Set(['int/op', 'float/op', 'int/incr', 'float/incr', 'str/op']);
/** Scripts whose ARGV[4] is the index in KEYS of the collection they write. */
const COLLECTION_SCRIPTS = new Set([
  'list/append', 'list/insert', 'list/set-item', 'list/remove-range', 'collection/clear',
  'dict/set-item', 'dict/del-item', 'dict/update', 'set/add', 'set/remove', 'pq/push',
]);
/** Scripts that change no local value. */
const NO_VALUE = new Set(['model/set-ttl', 'model/delete']);

interface Touched {
  whole: boolean;
  readonly leaves: Set<Leaf>;
  readonly collections: Set<Leaf>;
}

/** The leaves and collections a model/update payload (ARGV[4..]) writes. */
function updated(schema: ModelSchema, args: readonly string[], into: Touched): void {
  const n = Number(args[3]);
  for (let i = 0; i < n; i += 1) {
    const leaf = schema.leafByPath.get(args[4 + 2 * i]!);
    if (leaf) into.leaves.add(leaf);
    else into.whole = true;
  }
  let at = 4 + 2 * n;
  for (const c of schema.collections) {
    if (args[at] !== 'keep') into.collections.add(c);
    at += 2 + Number(args[at + 1]);
  }
}

function touch(schema: ModelSchema, call: ScriptCall, into: Touched): void {
  const script = call.script as string;
  if (NO_VALUE.has(script)) return;
  if (FIELD_SCRIPTS.has(script)) {
    const leaf = schema.leafByPath.get(call.args[3]!);
    if (leaf) into.leaves.add(leaf);
    else into.whole = true;
  } else if (COLLECTION_SCRIPTS.has(script)) {
    const c = schema.collections[Number(call.args[3]) - 2];
    if (!c) into.whole = true;
    else if (c.spec.kind !== 'pq') into.collections.add(c);
  } else if (script === 'model/update') {
    updated(schema, call.args, into);
  } else {
    into.whole = true; // model/save, and any script not listed: read the whole model
  }
}

/**
 * The read-back of a root model for the calls a batch runs on it (the calls on other keys are
 * ignored), or null when they touch no local value.
 */
export function readBackOf(core: ReadBackTarget, calls: readonly ScriptCall[]): ReadBack | null {
  const schema = core.cls.schema;
  const key = core.key;
  const touched: Touched = { whole: false, leaves: new Set(), collections: new Set() };
  for (const c of calls) if (c.keys[0] === key) touch(schema, c, touched);
  if (!touched.whole && touched.leaves.size === 0 && touched.collections.size === 0) return null;
  // keys and args are made when read (the short batch of numeric operations needs neither)
  if (touched.whole) {
    return {
      main: key,
      get keys() { return keysOf(schema, key); },
      get args() { return loadArgs(schema, '*', '*'); },
      apply: (reply) => {
        if (!reply) return; // not stored (deleted in the batch): the local copy stays
        core.applyTree(decodeModel(schema, key, reply as unknown[]), [...schema.leaves, ...schema.collections]);
      },
    };
  }
  const leaves = schema.leaves.filter((l) => touched.leaves.has(l));
  const collections = schema.collections.filter((c) => touched.collections.has(c));
  return {
    main: key,
    get keys() { return keysOf(schema, key); },
    get args() { return loadArgs(schema, leaves, collections); },
    ...(collections.length === 0 ? { paths: leaves.map((l) => l.path) } : {}),
    apply: (reply) => {
      if (!reply) return;
      const r = reply as unknown[];
      const tree: Tree = {};
      decodeLeaves(key, leaves, r[0] as (string | null)[], tree);
      if (collections.length > 0) decodeCollections(schema, key, r, collections, tree);
      core.applyTree(tree, collections.length > 0 ? [...leaves, ...collections] : leaves);
    },
  };
}
