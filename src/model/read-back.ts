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
  'list/append',
  'list/insert',
  'list/set-item',
  'list/remove-range',
  'collection/clear',
  'dict/set-item',
  'dict/del-item',
  'dict/update',
  'set/add',
  'set/remove',
  'pq/push',
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
  if (touched.whole) return new WholeRead(core);
  const leaves = schema.leaves.filter((l) => touched.leaves.has(l));
  const collections = touched.collections.size === 0 ? [] : schema.collections.filter((c) => touched.collections.has(c));
  return new PartRead(core, leaves, collections);
}

/** The read-back of a whole model. Its keys and args are made when read (as of every read-back). */
class WholeRead implements ReadBack {
  readonly main: string;
  constructor(private readonly core: ReadBackTarget) {
    this.main = core.key;
  }

  get keys(): readonly string[] {
    return keysOf(this.core.cls.schema, this.main);
  }
  get args(): readonly string[] {
    return loadArgs(this.core.cls.schema, '*', '*');
  }

  apply(reply: unknown): void {
    if (!reply) return; // not stored (deleted in the batch): the local copy stays
    const schema = this.core.cls.schema;
    this.core.applyTree(decodeModel(schema, this.main, reply as unknown[]), [...schema.leaves, ...schema.collections]);
  }
}

/**
 * The read-back of some leaves and collections of a model. When it reads leaves only, `paths`
 * names them: the short batch of numeric operations (src/runtime/pipeline-scalars.ts) answers
 * with their values and needs neither keys nor args.
 */
class PartRead implements ReadBack {
  readonly main: string;
  readonly paths: readonly string[] | undefined;
  constructor(
    private readonly core: ReadBackTarget,
    private readonly leaves: readonly Leaf[],
    private readonly collections: readonly Leaf[],
  ) {
    this.main = core.key;
    this.paths = collections.length === 0 ? leaves.map((l) => l.path) : undefined;
  }

  get keys(): readonly string[] {
    return keysOf(this.core.cls.schema, this.main);
  }
  get args(): readonly string[] {
    return loadArgs(this.core.cls.schema, this.leaves, this.collections);
  }

  apply(reply: unknown): void {
    if (!reply) return;
    const r = reply as unknown[];
    const tree: Tree = {};
    decodeLeaves(this.main, this.leaves, r[0] as (string | null)[], tree);
    if (this.collections.length === 0) {
      this.core.applyTree(tree, this.leaves);
      return;
    }
    decodeCollections(this.core.cls.schema, this.main, r, this.collections, tree);
    this.core.applyTree(tree, [...this.leaves, ...this.collections]);
  }
}
