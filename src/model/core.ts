/**
 * ModelCore: the internal side of a model instance, kept off its public surface (so that a
 * field may be named `runMethod` or `fieldAt`). It holds the instance's pk, path prefix and
 * field handles, and is the FieldOwner its handles call: it runs their operations on the root
 * model's keys, and reads and writes fields alone. A nested model's core points to its root's.
 */
import type { FieldHandle, FieldOwner } from '../fields/owner.js';
import { KeyNotFound, UnsupportedArgumentError, ValidationError, show } from '../errors.js';
import { isCluster } from '../runtime/client.js';
import { slotOf } from '../runtime/topology.js';
import { mainKey } from '../keys.js';
import { inPipeline, type ReadBack, type Reloadable } from '../runtime/pipeline.js';
import { perform } from '../ops/run.js';
import type { ScriptCall } from '../runtime/scripts.js';
import type { MethodName, ResultOf } from '../ops/table.js';
import { callFor, callWith, clientOf, headArgs, keysOf, type ModelStatic } from './calls.js';
import type { AnyCollection } from '../fields/collection.js';
import { readBackOf } from './read-back.js';
import type { Leaf } from './schema.js';
import { decodeCollections, decodeLeaves, decodeModel, encodePayload, getPath, loadAllArgs, loadArgs, luaKind, safeLoadFor, type Tree } from './storage.js';

/** No field failed to load (shared: never mutated). */
const NONE_FAILED: readonly string[] = Object.freeze([]);

// Fields are `declare`d and assigned in the constructor: an emitted class field is a define per
// instance, which showed in profiles of afind (one core per model built).
export class ModelCore implements FieldOwner, Reloadable {
  declare readonly root: ModelCore;
  /**
   * The field handles (nested model instances too), in the order of the schema's `names`. A
   * nested model's is made with the instance; a scalar's or a collection's at its first use
   * (handle(i)): until then its value waits in `values`.
   */
  declare readonly handles: (FieldHandle | undefined)[];
  /** The (checked or trusted) values of the handles not made yet, at the same indexes. */
  declare readonly values: unknown[];
  /** The cores of the nested models among the handles, at the same indexes (none: undefined). */
  declare nested: ModelCore[] | undefined;
  /** The dotted paths of the fields the last load gave their default because they did not validate (safeLoad). */
  declare failed: readonly string[];
  /** The instance this core belongs to. */
  declare readonly model: object;
  /** The instance's own class (a nested model's class for a nested one). */
  declare readonly cls: ModelStatic;
  declare readonly pk: string;
  /** `address.` for a model nested at `address`, '' for a root. */
  declare readonly prefix: string;
  /** The main key, made once (the pk and the model name never change). */
  declare private mainKey: string | undefined;
  /** Every key of the root model (keysOf), made at its first operation. */
  declare private keys: readonly string[] | undefined;

  constructor(model: object, cls: ModelStatic, pk: string, prefix: string, root: ModelCore | null) {
    this.root = root ?? this;
    this.handles = [];
    this.values = [];
    this.model = model;
    this.cls = cls;
    this.pk = pk;
    this.prefix = prefix;
    this.mainKey = undefined;
    this.keys = undefined;
    this.nested = undefined;
    this.failed = NONE_FAILED;
  }

  get modelName(): string {
    return this.root.cls.modelName;
  }

  /** The main key, `${name}:{${pk}}`. A nested model answers its root's key. */
  get key(): string {
    return (this.mainKey ??= this.root === this ? mainKey(this.cls.modelName, this.pk, this.cls.schema.indexed.length > 0) : this.root.key);
  }

  get isRoot(): boolean {
    return this.root === this;
  }

  /** A plain object of the local values. */
  toJSON(): Tree {
    const out: Tree = {};
    const names = this.cls.schema.names;
    for (let i = 0; i < names.length; i += 1) out[names[i]!] = this.plainAt(i);
    return out;
  }

  /** The handle of field i (by the schema's `names`), made now if it was not yet. */
  handle(i: number): FieldHandle {
    return this.handles[i] ?? this.makeHandle(i);
  }

  private makeHandle(i: number): FieldHandle {
    const schema = this.cls.schema;
    const spec = schema.specs[i]!;
    const h = spec.make(this.root, this.prefix + schema.names[i]!, spec, this.values[i]);
    this.values[i] = undefined;
    this.handles[i] = h;
    return h;
  }

  /**
   * What handle(i).toJSON() answers. A scalar's handle answers its value itself, so a scalar
   * not used yet is not made for it; a collection's answers a copy, made by its handle.
   */
  plainAt(i: number): unknown {
    const h = this.handles[i];
    if (h !== undefined) return h.toJSON();
    return this.cls.schema.specs[i]!.codec ? this.values[i] : this.makeHandle(i).toJSON();
  }

  // ---- FieldOwner ----

  runMethod<N extends MethodName>(method: N, extra: readonly string[], local?: () => ResultOf<N>, otherKeys?: readonly string[]): Promise<ResultOf<N>> {
    const root = this.root;
    const client = clientOf(root.cls);
    let keys = root.allKeys();
    if (otherKeys && otherKeys.length > 0) {
      const slot = slotOf(client, root.key);
      const far = isCluster(client) ? otherKeys.find((k) => slotOf(client, k) !== slot) : undefined;
      if (far !== undefined)
        throw new UnsupportedArgumentError(`${root.key} ${method}: ${show(far)} is in another hash slot of the Cluster; one script reaches one slot`);
      keys = [...keys, ...otherKeys];
    }
    return perform(client, method, callFor(root.cls, method, root.key, extra, keys), local, root);
  }

  /** Every key of the root model (keysOf), made once. */
  allKeys(): readonly string[] {
    const root = this.root;
    return (root.keys ??= keysOf(root.cls.schema, root.key));
  }

  queueMethod(method: MethodName, extra: readonly string[]): void {
    if (inPipeline()) void this.runMethod(method, extra);
  }

  collectionIndex(path: string): number {
    const i = this.root.cls.schema.collections.findIndex((c) => c.path === path);
    if (i < 0) throw new ValidationError(`${this.key}: no collection field ${show(path)}`);
    return i + 2;
  }

  async saveField(path: string): Promise<void> {
    const root = this.root;
    const schema = root.cls.schema;
    const { leaves, collections } = schema.under(path);
    await root.runMethod('BaseRedisType.asave', encodePayload(schema, root.key, root.toJSON(), leaves, collections));
  }

  async loadField(path: string): Promise<unknown> {
    const root = this.root;
    const schema = root.cls.schema;
    const { leaves, collections } = schema.under(path);
    const reply = (await root.runMethod('BaseRedisType.aload', loadArgs(schema, leaves, collections))) as unknown[] | null;
    if (!reply) throw new KeyNotFound(`${root.key} BaseRedisType.aload("${path}"): the model is not stored`);
    const tree: Tree = {};
    decodeLeaves(root.key, leaves, reply[0] as (string | null)[], tree);
    decodeCollections(schema, root.key, reply, collections, tree);
    root.applyTree(tree, [...leaves, ...collections]);
    const f = root.fieldAt(path);
    // A path that is neither a scalar nor a collection is a nested model: return the model.
    const isValue = schema.leafByPath.has(path) || collections.some((c) => c.path === path);
    return isValue ? f.toJSON() : f;
  }

  // ---- the model's side ----

  /** The handle (or nested model) at a dotted path. */
  fieldAt(path: string): FieldHandle {
    const dot = path.indexOf('.');
    const head = dot < 0 ? path : path.slice(0, dot);
    const i = this.cls.schema.indexOf.get(head);
    const f = i === undefined ? undefined : this.handle(i);
    if (!f) throw new ValidationError(`${this.modelName}: no field ${show(path)}`);
    return dot < 0 ? f : this.nested![i!]!.fieldAt(path.slice(dot + 1));
  }

  /** Sets the local values of the given leaves from a trusted tree. */
  applyTree(tree: Tree, leaves: readonly Leaf[]): void {
    const schema = this.cls.schema;
    for (const l of leaves) {
      const v = getPath(tree, l.path);
      const i = schema.indexOf.get(l.path); // a top-level field (a dotted path is not a name)
      // a scalar whose handle is not made yet: its value waits in `values` (setLocal's effect)
      if (i !== undefined && this.handles[i] === undefined && schema.specs[i]!.codec) this.values[i] = v;
      else this.fieldAt(l.path).setLocal(v);
    }
  }

  /**
   * The ARGV of asave (ainsert: the same with its own groups): the head, then the write payload
   * of every field, encoded straight from the handles (no tree of values, no copy of the
   * payload); a priority queue is never written ('keep').
   */
  saveArgs(method: MethodName): string[] {
    return this.root.writePayload(headArgs(this.root.cls, method));
  }

  /** The write payload alone (includes/collections.lua): what asave writes, for other scripts. */
  savePayload(): string[] {
    return this.root.writePayload([]);
  }

  /** Appends the write payload of every field of this (root) model to `args`. */
  private writePayload(args: string[]): string[] {
    const root = this.root;
    const schema = root.cls.schema;
    const key = root.key;
    const { leaves, collections, leafHandle, collectionHandle } = schema;
    let tree: Tree | undefined; // the values of nested models, read once through toJSON
    const plainOf = (h: number, path: string) => (h >= 0 ? root.plainAt(h) : getPath((tree ??= root.toJSON()), path));
    args.push(String(leaves.length));
    for (let i = 0; i < leaves.length; i += 1) {
      const l = leaves[i]!;
      args.push(l.path, l.spec.encodeLocal(key, l.path, plainOf(leafHandle[i]!, l.path)));
    }
    for (let i = 0; i < collections.length; i += 1) {
      const c = collections[i]!;
      if (c.spec.kind === 'pq') {
        args.push('keep', '0');
        continue;
      }
      const items = (c.spec as AnyCollection).encodeItems({ model: key, path: c.path }, plainOf(collectionHandle[i]!, c.path));
      args.push(luaKind(c), String(items.length));
      for (let j = 0; j < items.length; j += 1) args.push(items[j]!);
    }
    return args;
  }

  /** The script call that writes the whole root model: asave (a lock's fenced save runs it), ainsert. */
  saveCall(method: MethodName = 'AtomicRedisModel.asave'): ScriptCall {
    const root = this.root;
    return callWith(root.cls, method, root.key, root.saveArgs(method), root.allKeys());
  }

  /** Runs (or queues) asave of the root model. */
  save(): Promise<unknown> {
    const root = this.root;
    return perform(clientOf(root.cls), 'AtomicRedisModel.asave', root.saveCall(), undefined, root);
  }

  /** Reloads the whole root model in place. READ. `KeyNotFound` if it is not stored. */
  async loadWhole(): Promise<void> {
    const root = this.root;
    const schema = root.cls.schema;
    const reply = (await root.runMethod('AtomicRedisModel.aload', loadAllArgs(schema))) as unknown[] | null;
    if (!reply) throw new KeyNotFound(`${root.key} AtomicRedisModel.aload: the model is not stored`);
    const safe = safeLoadFor(schema, root.cls.Meta.safeLoad);
    root.applyTree(decodeModel(schema, root.key, reply, safe), [...schema.leaves, ...schema.collections]);
    if (safe) root.failed = safe.failed;
  }

  /** What a pipeline batch reads back of the root model after running these calls (src/model/read-back.ts). */
  readBack(calls: readonly ScriptCall[]): ReadBack | null {
    return readBackOf(this.root, calls);
  }

  /** After a failed pipeline: read the stored state back (a model that is not stored keeps its local copy). */
  async reload(): Promise<void> {
    await this.root.loadWhole();
  }
}
