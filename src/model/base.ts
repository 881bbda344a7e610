/**
 * AtomicRedisModel: the base of every model class made by defineModel. An instance holds one
 * handle per field (scalar handles, collections, nested model instances) and implements the
 * FieldOwner side that field handles call. Class-wide operations live in class-ops.ts.
 */
import { METHODS, type MethodName } from '../actions.js';
import { BaseRedisType, type FieldOwner } from '../fields/base.js';
import { ValidationError, KeyNotFound, UnsupportedArgumentError, show } from '../errors.js';
import { checkPk, collectionKey, mainKey, newId } from '../keys.js';
import { requireClient } from '../runtime/connection.js';
import { runScript, type Client } from '../runtime/scripts.js';
import { newIdsBeside } from '../runtime/topology.js';
import { withLock, type HeldLock, type LockOptions } from '../runtime/lock.js';
import { enqueue, inPipeline, queuesInPipeline, runPipeline, QUEUED } from '../runtime/pipeline.js';
import type { ModelMeta } from './meta.js';
import type { ModelSchema, Leaf } from './schema.js';
import { decodeCollections, decodeLeaves, decodeModel, encodePayload, getPath, loadArgs, luaKind, setPath, type Tree } from './storage.js';

/** How an instance is made: bound under a parent (nested), or from trusted stored data. */
export interface Bind {
  readonly root?: AtomicRedisModel;
  readonly prefix?: string;
  readonly pk?: string;
  /** The values come from Redis and were validated on the way: skip the input checks. */
  readonly trusted?: boolean;
}

/** The static side every model class has. */
export interface ModelStatic<M extends AtomicRedisModel = AtomicRedisModel> {
  new (input: never, bind?: Bind): M;
  readonly modelName: string;
  readonly schema: ModelSchema;
  Meta: ModelMeta;
}

export function staticOf(model: AtomicRedisModel): ModelStatic {
  return model.constructor as ModelStatic;
}

/** Every key of a model: its main hash, then one key per collection field. */
export function keysOf(schema: ModelSchema, main: string): string[] {
  if (schema.collections.length === 0) return [main];
  return [main, ...schema.collections.map((c) => collectionKey(main, c.path))];
}

/** ARGV[1] of each method: its groups as the decimal string scripts read. */
const GROUPS = new Map(Object.entries(METHODS).map(([m, row]) => [m, String(row.groups)]));

/** The script call of a method for one model of a class. */
export function callFor(cls: ModelStatic, method: MethodName, main: string, extra: readonly string[]) {
  const row = METHODS[method];
  return {
    script: row.script!,
    keys: keysOf(cls.schema, main),
    args: [GROUPS.get(method)!, ...cls.Meta.ttlArgs(), ...extra],
    label: `${main} ${method}`,
  };
}

export function clientOf(cls: ModelStatic): Client {
  return requireClient(cls.Meta.redis, cls.modelName);
}

export class AtomicRedisModel implements FieldOwner {
  readonly #root: AtomicRedisModel;
  readonly #prefix: string;
  readonly #pk: string;
  #key: string | undefined; // the pk and the model name never change
  readonly #fields = new Map<string, BaseRedisType | AtomicRedisModel>();

  constructor(input: object = {}, bind: Bind = {}) {
    const cls = staticOf(this);
    if (!cls.schema) throw new UnsupportedArgumentError('AtomicRedisModel is a base class: make models with defineModel');
    const schema = cls.schema;
    this.#root = bind.root ?? this;
    this.#prefix = bind.prefix ?? '';
    const values = bind.trusted ? (input as Tree) : checkInput(cls, input);
    if (bind.root) this.#pk = bind.root.pk;
    else if (bind.pk !== undefined) this.#pk = bind.pk;
    else if (schema.keyField) this.#pk = String(values[schema.keyField]);
    else this.#pk = newId();
    if (!bind.root) checkPk(cls.modelName, this.#pk);
    for (const [name, spec] of Object.entries(schema.shape)) {
      const path = this.#prefix + name;
      const handle = spec.kind === 'model'
        ? new (spec.ref as ModelStatic)(values[name] as never, { root: this.#root, prefix: `${path}.`, trusted: true })
        : (spec.make(this.#root, path, spec, values[name]) as BaseRedisType);
      this.#fields.set(name, handle);
      Object.defineProperty(this, name, { value: handle, enumerable: true });
    }
  }

  /** The model's class name (the first part of its key). */
  get modelName(): string {
    return staticOf(this.#root).modelName;
  }

  /** The primary key: the key field's value, or a generated sortable id. */
  get pk(): string {
    return this.#pk;
  }

  /** The main key, `${name}:{${pk}}`. A nested model answers its root's key. */
  get key(): string {
    return (this.#key ??= this.#root === this ? mainKey(this.modelName, this.#pk) : this.#root.key);
  }

  /** A plain object of the local values. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, f] of this.#fields) out[name] = f.toJSON();
    return out;
  }

  // ---- FieldOwner: what handles call on their root model ----

  runMethod(method: MethodName, extra: readonly string[]): Promise<unknown> {
    const cls = staticOf(this.#root);
    const client = clientOf(cls);
    const call = callFor(cls, method, this.key, extra);
    if (inPipeline() && queuesInPipeline(method, METHODS[method].groups) && enqueue(client, call)) return Promise.resolve(QUEUED);
    return runScript(client, call);
  }

  queueMethod(method: MethodName, extra: readonly string[]): void {
    if (inPipeline()) void this.runMethod(method, extra);
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
    const cls = staticOf(root);
    const s = cls.schema; // saveAtEnd: asave's call, run fenced by withLock (README, Locks)
    const save = () => callFor(cls, 'AtomicRedisModel.asave', root.key, encodePayload(s, root.key, root.toJSON(), s.leaves, s.collections.filter((c) => c.spec.kind !== 'pq')));
    return withLock(clientOf(cls), { main: root.key, action }, options, async (lock) => {
      await root.aload();
      return fn(this, lock);
    }, options.saveAtEnd ? save : undefined);
  }

  /**
   * Runs fn inside a pipeline with this model freshly loaded from Redis (KeyNotFound if it is
   * not stored); the queued operations are applied atomically in one round trip (SPEC §6).
   */
  async apipeline<R>(fn: (model: this) => Promise<R> | R): Promise<R> {
    const root = this.#root;
    return runPipeline(async () => {
      await root.aload();
      return fn(this);
    });
  }

  collectionIndex(path: string): number {
    const i = staticOf(this.#root).schema.collections.findIndex((c) => c.path === path);
    if (i < 0) throw new ValidationError(`${this.key}: no collection field ${show(path)}`);
    return i + 2;
  }

  async saveField(path: string): Promise<void> {
    const root = this.#root;
    const schema = staticOf(root).schema;
    const { leaves, collections } = schema.under(path);
    await root.runMethod('BaseRedisType.asave', encodePayload(schema, root.key, root.toJSON(), leaves, collections));
  }

  async loadField(path: string): Promise<unknown> {
    const root = this.#root;
    const schema = staticOf(root).schema;
    const { leaves, collections } = schema.under(path);
    const reply = (await root.runMethod('BaseRedisType.aload', loadArgs(schema, leaves, collections))) as unknown[] | null;
    if (!reply) throw new KeyNotFound(`${root.key} BaseRedisType.aload("${path}"): the model is not stored`);
    const tree: Tree = {};
    decodeLeaves(root.key, leaves, reply[0] as (string | null)[], tree);
    decodeCollections(schema, root.key, reply, collections, tree);
    root.applyTree(tree, [...leaves, ...collections]);
    const f = root.fieldAt(path);
    return f instanceof AtomicRedisModel ? f : f.toJSON();
  }

  /** The handle (or nested model) at a dotted path. */
  fieldAt(path: string): BaseRedisType | AtomicRedisModel {
    const [head, ...rest] = path.split('.');
    const f = this.#fields.get(head!);
    if (!f) throw new ValidationError(`${this.modelName}: no field ${show(path)}`);
    return rest.length === 0 ? f : (f as AtomicRedisModel).fieldAt(rest.join('.'));
  }

  /** Sets the local values of the given leaves from a trusted tree. */
  applyTree(tree: Tree, leaves: readonly Leaf[]): void {
    for (const l of leaves) (this.fieldAt(l.path) as BaseRedisType).setLocal(getPath(tree, l.path));
  }

  // ---- instance operations ----

  /** Writes the whole model (every field; never a priority queue). CREATE|UPDATE. */
  async asave(): Promise<this> {
    if (this.#root !== this) {
      await this.#root.saveField(this.#prefix.slice(0, -1));
      return this;
    }
    const schema = staticOf(this).schema;
    const written = schema.collections.filter((c) => c.spec.kind !== 'pq');
    await this.runMethod('AtomicRedisModel.asave', encodePayload(schema, this.key, this.toJSON(), schema.leaves, written));
    return this;
  }

  /** Reloads this instance from Redis in place. READ. `KeyNotFound` if it is not stored. */
  async aload(): Promise<this> {
    if (this.#root !== this) {
      await this.#root.loadField(this.#prefix.slice(0, -1));
      return this;
    }
    const schema = staticOf(this).schema;
    const reply = (await this.runMethod('AtomicRedisModel.aload', loadArgs(schema, '*', '*'))) as unknown[] | null;
    if (!reply) throw new KeyNotFound(`${this.key} AtomicRedisModel.aload: the model is not stored`);
    this.applyTree(decodeModel(schema, this.key, reply), [...schema.leaves, ...schema.collections]);
    return this;
  }

  /**
   * Validates and writes the given fields atomically, then updates the local copy. UPDATE.
   * Typed per model by ModelInstance (`never` here, so that this signature never accepts a
   * partial that the model's own one refuses).
   */
  async aupdate(partial: never): Promise<this> {
    const root = this.#root;
    const cls = staticOf(this);
    const schema = staticOf(root).schema;
    const checked = checkInput(cls, partial, { partial: true, key: this.key });
    const keyField = cls.schema.keyField;
    if (keyField && keyField in checked && this.#root === this && String(checked[keyField]) !== this.#pk) {
      throw new ValidationError(`${this.key} field "${keyField}": the key field cannot change, got ${show(checked[keyField])}`);
    }
    const tree: Tree = {};
    const leaves: Leaf[] = [];
    const colls: Leaf[] = [];
    for (const name of Object.keys(checked)) {
      const path = this.#prefix + name;
      setPath(tree, path, checked[name]);
      const under = schema.under(path);
      leaves.push(...under.leaves);
      colls.push(...under.collections);
    }
    const full = root.toJSON();
    for (const l of [...leaves, ...colls]) setPath(full, l.path, getPath(tree, l.path));
    await root.runMethod('AtomicRedisModel.aupdate', encodePayload(schema, root.key, full, leaves, colls));
    root.applyTree(full, [...leaves, ...colls]);
    return this;
  }

  /** Sets exactly this TTL (seconds) on every key of the model; null removes it. UPDATE. */
  async asetTtl(seconds: number | null): Promise<void> {
    // At least 1 ms once rounded (PEXPIRE 0 would delete the model), and an integer Redis accepts.
    const ms = typeof seconds === 'number' ? Math.round(seconds * 1000) : NaN;
    if (seconds !== null && !(Number.isSafeInteger(ms) && ms >= 1)) {
      throw new ValidationError(`${this.key} asetTtl: seconds must be null or at least 0.001 (and at most ${Number.MAX_SAFE_INTEGER / 1000}), got ${show(seconds)}`);
    }
    await this.#root.runMethod('AtomicRedisModel.asetTtl', [seconds === null ? '' : String(ms)]);
  }

  /** A new model with a new id holding a copy of the stored state. CREATE. */
  async aduplicate(): Promise<this> {
    return (await this.aduplicateMany(1))[0]!;
  }

  /** `n` new models with new ids, each a copy of the stored state, in one script. CREATE. */
  async aduplicateMany(n: number): Promise<this[]> {
    const cls = staticOf(this);
    const schema = cls.schema;
    if (!Number.isSafeInteger(n) || n < 1) throw new ValidationError(`${this.key} aduplicateMany: n must be a positive integer, got ${show(n)}`);
    if (this.#root !== this) throw new UnsupportedArgumentError(`${this.key}: a nested model cannot be duplicated alone`);
    const keyField = schema.keyField;
    if (keyField && schema.shape[keyField]!.kind !== 'str') {
      throw new UnsupportedArgumentError(`${this.key} aduplicate: the key field ${keyField} is not a str, so no new id can be made`);
    }
    const pks = newIdsBeside(clientOf(cls), this.key, n); // on a Cluster, in this model's slot
    const keys = keysOf(schema, this.key);
    const call = callFor(cls, 'AtomicRedisModel.aduplicateMany', this.key, [
      String(keys.length),
      keyField ?? '',
      ...schema.collections.map(luaKind),
      ...(keyField ? pks.map((pk) => JSON.stringify(pk)) : []),
    ]);
    const allKeys = [...keys, ...pks.flatMap((pk) => keysOf(schema, mainKey(cls.modelName, pk)))];
    const reply = (await runScript(clientOf(cls), { ...call, keys: allKeys })) as unknown[];
    return pks.map((pk) => {
      const tree = decodeModel(schema, this.key, reply);
      if (keyField) tree[keyField] = pk;
      return new (cls as unknown as new (t: Tree, b: Bind) => this)(tree, { pk, trusted: true });
    });
  }

  /** Deletes every key of the model; true if it existed. DELETE. */
  async adelete(): Promise<boolean> {
    const reply = await this.#root.runMethod('AtomicRedisModel.adelete', []);
    return reply === QUEUED || (reply as [number, number])[0] === 1;
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
