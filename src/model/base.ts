/**
 * AtomicRedisModel: the base of every model class made by defineModel. An instance holds one
 * handle per field (scalar handles, collections, nested model instances); its internal side
 * (the FieldOwner its handles call, field-level reads and writes) is its ModelCore
 * (src/model/core.ts), kept off the public surface. Class-wide operations live in class-ops.ts.
 */
import type { FieldHandle } from '../fields/owner.js';
import { ValidationError, UnsupportedArgumentError, show } from '../errors.js';
import { checkPk, mainKey, newId } from '../keys.js';
import { runScript } from '../runtime/scripts.js';
import { newIdsBeside } from '../runtime/topology.js';
import { withLock, type HeldLock, type LockOptions } from '../runtime/lock.js';
import { runPipeline } from '../runtime/pipeline.js';
import { callFor, clientOf, keysOf, type Bind, type ModelStatic as AnyModelStatic } from './calls.js';
import { ModelCore } from './core.js';
import type { Leaf } from './schema.js';
import { decodeModel, encodePayload, getPath, luaKind, setPath, type Tree } from './storage.js';

export type { Bind } from './calls.js';
export { keysOf, callFor, clientOf } from './calls.js';

/** Options of `model.apipeline`. */
export interface PipelineOptions {
  /**
   * Load the model before fn runs (default true: one more round trip). `false`: fn works on the
   * local copy as it is, and the pipeline is one round trip.
   */
  readonly load?: boolean;
}

/** The static side every model class has. */
export type ModelStatic<M extends AtomicRedisModel = AtomicRedisModel> = AnyModelStatic<M>;

export function staticOf(model: AtomicRedisModel): ModelStatic {
  return model.constructor as ModelStatic;
}

/** Reads an instance's private core; set by the class's static block (no public accessor). */
let readCore: (model: AtomicRedisModel) => ModelCore;

/** The internal side of a model instance (src/model/core.ts): one private-field read. */
export function coreOfModel(model: AtomicRedisModel): ModelCore {
  return readCore(model);
}

/**
 * The base of every model: an instance holds a local copy of its fields and runs one Lua script
 * per operation (README, API). Make model classes with `defineModel`, not with this class alone
 * (UnsupportedArgumentError).
 */
export class AtomicRedisModel {
  readonly #core: ModelCore;

  static {
    readCore = (model) => model.#core;
  }

  constructor(input: object = {}, bind: Bind = {}) {
    const cls = staticOf(this);
    if (!cls.schema) throw new UnsupportedArgumentError('AtomicRedisModel is a base class: make models with defineModel');
    const schema = cls.schema;
    const rootCore = bind.root as ModelCore | undefined;
    const values = bind.trusted ? (input as Tree) : checkInput(cls, input);
    let pk: string;
    if (rootCore) pk = rootCore.pk;
    else if (bind.pk !== undefined) pk = bind.pk;
    else if (schema.keyField) pk = String(values[schema.keyField]);
    else pk = newId();
    if (!rootCore) checkPk(cls.modelName, pk);
    const core = new ModelCore(this, cls, pk, bind.prefix ?? '', rootCore ?? null);
    this.#core = core;
    // The instance's fields are accessors on its class's prototype (defineModel), reading these.
    const { names, specs } = schema;
    // Scalar and collection handles are made at their first use (ModelCore.handle): their
    // values wait in the core until then.
    const handles = core.handles;
    const pending = core.values;
    for (let i = 0; i < names.length; i += 1) {
      const name = names[i]!;
      const spec = specs[i]!;
      if (spec.kind === 'model') {
        // A nested model is a field of its parent too: its toJSON is what the parent reads.
        const child = new (spec.ref as ModelStatic)(values[name] as never, { root: core.root, prefix: `${core.prefix}${name}.`, trusted: true });
        (core.nested ??= [])[i] = readCore(child);
        handles.push(child as unknown as FieldHandle);
        pending.push(undefined);
      } else {
        handles.push(undefined);
        // a field kept out of storage is absent from what Redis gave: it loads as its default
        pending.push(values[name] === undefined && spec.options.exclude ? spec.defaultValue() : values[name]);
      }
    }
  }

  /** The model's class name (the first part of its key). */
  get modelName(): string {
    return this.#core.modelName;
  }

  /** The primary key: the key field's value, or a generated sortable id. */
  get pk(): string {
    return this.#core.pk;
  }

  /** The main key, `${name}:{${pk}}`. A nested model answers its root's key. */
  get key(): string {
    return this.#core.key;
  }

  /**
   * The dotted paths of the fields that loaded as their default because their stored value did not
   * validate (fields or models with `safeLoad: true`), from the last load; empty when none.
   */
  get failedFields(): readonly string[] {
    return this.#core.root.failed;
  }

  /** A plain object of the local values. */
  toJSON(): Record<string, unknown> {
    return this.#core.toJSON();
  }

  /** Refuses an operation that only a root model has (a nested model is part of its root's record). */
  #rootOnly(method: string): void {
    if (!this.#core.isRoot) {
      throw new UnsupportedArgumentError(
        `${this.key} ${method}: ${this.#core.prefix.slice(0, -1)} is a nested model, stored in its root's record; call ${method} on the root model`,
      );
    }
  }

  /** The root model of a nested one (itself for a root). */
  get #root(): AtomicRedisModel {
    return this.#core.root.model as AtomicRedisModel;
  }

  /**
   * Takes the lease lock `action` of this model (README, Locks), runs fn with the model freshly
   * loaded (KeyNotFound if it is not stored), and releases the lock; with `saveAtEnd` a normal
   * return saves the model and releases in one script, only while the lock is still ours.
   * LockLostError (with `result`) if the lock was lost; an error of fn is never hidden.
   * Forms: alock(fn), alock(action, fn), alock(action, options, fn).
   */
  alock<R>(fn: (model: this, lock: HeldLock) => Promise<R> | R): Promise<R>;
  alock<R>(action: string, fn: (model: this, lock: HeldLock) => Promise<R> | R): Promise<R>;
  alock<R>(action: string, options: LockOptions, fn: (model: this, lock: HeldLock) => Promise<R> | R): Promise<R>;
  async alock<R>(...args: unknown[]): Promise<R> {
    const fn = args.pop() as (model: this, lock: HeldLock) => Promise<R> | R;
    const [action = 'default', options = {}] = args as [string?, LockOptions?];
    const root = this.#root;
    const core = this.#core.root;
    // saveAtEnd: asave's call, run fenced by withLock (README, Locks)
    return withLock(
      clientOf(core.cls),
      { main: root.key, action },
      options,
      async (lock) => {
        await root.aload();
        return fn(this, lock);
      },
      options.saveAtEnd ? () => core.saveCall() : undefined,
    );
  }

  /**
   * Runs fn inside a pipeline with this model freshly loaded from Redis (KeyNotFound if it is
   * not stored), then applies the queued operations atomically (README "Pipelines"): two round
   * trips. With `{ load: false }` nothing is loaded first: fn works on the local copy you hold,
   * and the whole pipeline is one round trip; either way the batch reads back what its
   * operations touched, so afterwards the local copies equal what is stored.
   */
  async apipeline<R>(fn: (model: this) => Promise<R> | R, options: PipelineOptions = {}): Promise<R> {
    const root = this.#root;
    if (options.load === false) return runPipeline(async () => fn(this));
    return runPipeline(async () => {
      await root.aload();
      return fn(this);
    });
  }

  // ---- instance operations ----

  /** Writes the whole model (every field; never a priority queue). CREATE|UPDATE. */
  async asave(): Promise<this> {
    const core = this.#core;
    if (!core.isRoot) {
      await core.saveField(core.prefix.slice(0, -1));
      return this;
    }
    await core.save();
    return this;
  }

  /** Reloads this instance from Redis in place. READ. `KeyNotFound` if it is not stored. */
  async aload(): Promise<this> {
    const core = this.#core;
    if (core.isRoot) await core.loadWhole();
    else await core.loadField(core.prefix.slice(0, -1));
    return this;
  }

  /**
   * Validates and writes the given fields atomically, then updates the local copy. UPDATE.
   * Typed per model by ModelInstance (`never` here, so that this signature never accepts a
   * partial that the model's own one refuses).
   */
  async aupdate(partial: never): Promise<this> {
    const core = this.#core;
    const root = core.root;
    const cls = core.cls;
    const schema = root.cls.schema;
    const checked = checkInput(cls as ModelStatic, partial, { partial: true, key: this.key });
    const keyField = cls.schema.keyField;
    if (keyField && keyField in checked && core.isRoot && String(checked[keyField]) !== core.pk) {
      throw new ValidationError(`${this.key} field "${keyField}": the key field cannot change, got ${show(checked[keyField])}`);
    }
    const tree: Tree = {};
    const leaves: Leaf[] = [];
    const colls: Leaf[] = [];
    for (const name of Object.keys(checked)) {
      const path = core.prefix + name;
      setPath(tree, path, checked[name]);
      const under = schema.under(path);
      leaves.push(...under.leaves);
      colls.push(...under.collections);
    }
    const full = root.toJSON();
    for (const l of [...leaves, ...colls]) setPath(full, l.path, getPath(tree, l.path));
    await root.runMethod('AtomicRedisModel.aupdate', encodePayload(schema, root.key, full, leaves, colls));
    root.applyTree(full, [...leaves, ...colls]);
    // fields kept out of storage change locally only
    for (const name of Object.keys(checked)) if (cls.schema.shape[name]?.options.exclude) core.fieldAt(name).setLocal(checked[name]);
    return this;
  }

  /**
   * Sets exactly this TTL (seconds) on every key of the model; null removes it. UPDATE.
   * A nested model has no TTL of its own: UnsupportedArgumentError.
   */
  async asetTtl(seconds: number | null): Promise<void> {
    this.#rootOnly('asetTtl');
    // At least 1 ms once rounded (PEXPIRE 0 would delete the model), and an integer Redis accepts.
    const ms = typeof seconds === 'number' ? Math.round(seconds * 1000) : NaN;
    if (seconds !== null && !(Number.isSafeInteger(ms) && ms >= 1)) {
      throw new ValidationError(
        `${this.key} asetTtl: seconds must be null or at least 0.001 (and at most ${Number.MAX_SAFE_INTEGER / 1000}), got ${show(seconds)}`,
      );
    }
    await this.#core.runMethod('AtomicRedisModel.asetTtl', [seconds === null ? '' : String(ms)]);
  }

  /** A new model with a new id holding a copy of the stored state. CREATE. */
  async aduplicate(): Promise<this> {
    this.#rootOnly('aduplicate');
    return (await this.aduplicateMany(1))[0]!;
  }

  /** `n` new models with new ids, each a copy of the stored state, in one script. CREATE. */
  async aduplicateMany(n: number): Promise<this[]> {
    this.#rootOnly('aduplicateMany');
    const cls = staticOf(this);
    const schema = cls.schema;
    if (!Number.isSafeInteger(n) || n < 1) throw new ValidationError(`${this.key} aduplicateMany: n must be a positive integer, got ${show(n)}`);
    const keyField = schema.keyField;
    if (keyField && schema.shape[keyField]!.kind !== 'str') {
      throw new UnsupportedArgumentError(`${this.key} aduplicateMany: the key field ${keyField} is not a str, so no new id can be made`);
    }
    const pks = newIdsBeside(clientOf(cls), this.key, n); // on a Cluster, in this model's slot
    const keys = keysOf(schema, this.key);
    const mains = pks.map((pk) => mainKey(cls.modelName, pk, schema.indexed.length > 0));
    const allKeys = [...keys, ...mains.flatMap((m) => keysOf(schema, m))];
    const extra = [String(keys.length), keyField ?? '', ...schema.collections.map(luaKind), ...(keyField ? pks.map((pk) => JSON.stringify(pk)) : [])];
    const call = callFor(cls, 'AtomicRedisModel.aduplicateMany', this.key, extra, allKeys, mains);
    const reply = (await runScript(clientOf(cls), call)) as unknown[];
    return pks.map((pk) => {
      const tree = decodeModel(schema, this.key, reply);
      if (keyField) tree[keyField] = pk;
      return new (cls as unknown as new (t: Tree, b: Bind) => this)(tree, { pk, trusted: true });
    });
  }

  /**
   * Deletes every key of the model; true if it existed. DELETE. Inside a pipeline it resolves
   * to true once queued. A nested model cannot be deleted alone: UnsupportedArgumentError.
   */
  async adelete(): Promise<boolean> {
    this.#rootOnly('adelete');
    const r = await this.#core.runMethod('AtomicRedisModel.adelete', [], () => ({ existed: true, keys: 0 }));
    return r.existed;
  }
}

/** Checks a constructor's (or aupdate's) input against the class's fields; returns runtime values. */
export function checkInput(cls: ModelStatic, input: object, opts: { partial?: boolean; key?: string } = {}): Tree {
  const schema = cls.schema;
  const model = opts.key ?? cls.modelName;
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ValidationError(`${model}: expected an object of field values, got ${show(input)}`);
  }
  const given = input as Record<string, unknown>;
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(schema.shape, name)) throw new ValidationError(`${model}: unknown field ${show(name)} (value ${show(given[name])})`);
  }
  const out: Tree = {};
  for (const [name, spec] of Object.entries(schema.shape)) {
    let v = given[name];
    if (spec.kind === 'pq') {
      // A priority queue holds no local value: nothing to give (spec.check refuses a value).
      if (v !== undefined) spec.check({ model, path: name }, v);
      continue;
    }
    if (v === undefined) {
      if (opts.partial) continue;
      v = spec.defaultValue();
      if (v === undefined) throw new ValidationError(`${model} field "${name}": required, got undefined`);
    }
    if (spec.kind === 'model') {
      const nested = spec.ref as ModelStatic;
      if (v === null && spec.optional) out[name] = null;
      else out[name] = checkInput(nested, v instanceof AtomicRedisModel ? v.toJSON() : (v as object), { key: `${model}.${name}` });
    } else {
      out[name] = spec.check({ model, path: name }, v);
    }
  }
  return out;
}
