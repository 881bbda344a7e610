/**
 * ModelCore: the internal side of a model instance, kept off its public surface (so that a
 * field may be named `runMethod` or `fieldAt`). It holds the instance's pk, path prefix and
 * field handles, and is the FieldOwner its handles call: it runs their operations on the root
 * model's keys, and reads and writes fields alone. A nested model's core points to its root's.
 */
import type { FieldHandle, FieldOwner } from '../fields/owner.js';
import { KeyNotFound, ValidationError, show } from '../errors.js';
import { mainKey } from '../keys.js';
import { inPipeline, type ReadBack, type Reloadable } from '../runtime/pipeline.js';
import { perform } from '../ops/run.js';
import type { ScriptCall } from '../runtime/scripts.js';
import type { MethodName, ResultOf } from '../ops/table.js';
import { callFor, clientOf, type ModelStatic } from './calls.js';
import { readBackOf } from './read-back.js';
import type { Leaf } from './schema.js';
import { decodeCollections, decodeLeaves, decodeModel, encodePayload, getPath, loadArgs, type Tree } from './storage.js';

const CORES = new WeakMap<object, ModelCore>();

/** The core of a model instance (or undefined for anything else). */
export function coreOf(model: object): ModelCore | undefined {
  return CORES.get(model);
}

export class ModelCore implements FieldOwner, Reloadable {
  readonly root: ModelCore;
  readonly fields = new Map<string, FieldHandle>();
  #key: string | undefined; // the pk and the model name never change

  constructor(
    /** The instance this core belongs to. */
    readonly model: object,
    /** The instance's own class (a nested model's class for a nested one). */
    readonly cls: ModelStatic,
    readonly pk: string,
    /** `address.` for a model nested at `address`, '' for a root. */
    readonly prefix: string,
    root: ModelCore | null,
  ) {
    this.root = root ?? this;
    CORES.set(model, this);
  }

  get modelName(): string {
    return this.root.cls.modelName;
  }

  /** The main key, `${name}:{${pk}}`. A nested model answers its root's key. */
  get key(): string {
    return (this.#key ??= this.root === this ? mainKey(this.cls.modelName, this.pk) : this.root.key);
  }

  get isRoot(): boolean {
    return this.root === this;
  }

  /** A plain object of the local values. */
  toJSON(): Tree {
    const out: Tree = {};
    for (const [name, f] of this.fields) out[name] = f.toJSON();
    return out;
  }

  // ---- FieldOwner ----

  runMethod<N extends MethodName>(method: N, extra: readonly string[], local?: () => ResultOf<N>): Promise<ResultOf<N>> {
    const root = this.root;
    return perform(clientOf(root.cls), method, callFor(root.cls, method, root.key, extra), local, root);
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
    return CORES.has(f) ? f : f.toJSON();
  }

  // ---- the model's side ----

  /** The handle (or nested model) at a dotted path. */
  fieldAt(path: string): FieldHandle {
    const dot = path.indexOf('.');
    const head = dot < 0 ? path : path.slice(0, dot);
    const f = this.fields.get(head);
    if (!f) throw new ValidationError(`${this.modelName}: no field ${show(path)}`);
    return dot < 0 ? f : CORES.get(f)!.fieldAt(path.slice(dot + 1));
  }

  /** Sets the local values of the given leaves from a trusted tree. */
  applyTree(tree: Tree, leaves: readonly Leaf[]): void {
    for (const l of leaves) this.fieldAt(l.path).setLocal(getPath(tree, l.path));
  }

  /** The payload of asave: every field of the root model (never a priority queue). */
  savePayload(): string[] {
    const root = this.root;
    const schema = root.cls.schema;
    const written = schema.collections.filter((c) => c.spec.kind !== 'pq');
    return encodePayload(schema, root.key, root.toJSON(), schema.leaves, written);
  }

  /** The script call of asave for the root model (a lock's fenced save runs it). */
  saveCall(): ScriptCall {
    const root = this.root;
    return callFor(root.cls, 'AtomicRedisModel.asave', root.key, root.savePayload());
  }

  /** Reloads the whole root model in place. READ. `KeyNotFound` if it is not stored. */
  async loadWhole(): Promise<void> {
    const root = this.root;
    const schema = root.cls.schema;
    const reply = (await root.runMethod('AtomicRedisModel.aload', loadArgs(schema, '*', '*'))) as unknown[] | null;
    if (!reply) throw new KeyNotFound(`${root.key} AtomicRedisModel.aload: the model is not stored`);
    root.applyTree(decodeModel(schema, root.key, reply), [...schema.leaves, ...schema.collections]);
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
