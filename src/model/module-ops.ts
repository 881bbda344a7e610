/**
 * Module-level operations (README, API): models of any class, resolved from the key's prefix.
 * `import * as rapyer from 'rapyer-ts'; await rapyer.aget('Session:{u1}')`.
 */
import { AtomicRedisModel, staticOf, type ModelStatic } from './base.js';
import { runPipeline } from '../runtime/pipeline.js';
import type { HeldLock, LockOptions } from '../runtime/lock.js';
import * as ops from './class-ops.js';
import { lockFromKey } from './locks.js';
import { classForKey, registeredModels } from './registry.js';
import { connect, disconnect, type ConnectionOptions } from '../runtime/connection.js';
import { MissingParameterError, ValidationError, show } from '../errors.js';

type AnyModel = AtomicRedisModel;

function groupByClass<T>(items: readonly T[], keyOf: (t: T) => string): Map<ModelStatic, number[]> {
  const groups = new Map<ModelStatic, number[]>();
  items.forEach((item, i) => {
    const { cls } = classForKey<ModelStatic>(keyOf(item));
    const list = groups.get(cls) ?? [];
    list.push(i);
    groups.set(cls, list);
  });
  return groups;
}

/** The stored model of any class (READ|FETCH). */
export async function aget(key: string): Promise<AnyModel> {
  return ops.getOne(classForKey<ModelStatic>(key).cls, 'module.aget', key);
}

/** The models of these keys, in order, of any classes (READ|FETCH). */
export async function afind(...args: [...keys: string[]] | [...keys: string[], options: ops.FindOptions]): Promise<AnyModel[]> {
  const { keys, options } = ops.findArgs(args);
  const out: (AnyModel | null)[] = new Array(keys.length).fill(null);
  await Promise.all(
    [...groupByClass(keys, (k) => k)].map(async ([cls, idx]) => {
      const models = await ops.getMany(
        cls,
        'module.afind',
        idx.map((i) => keys[i]!),
        options.skipMissing === true,
        options.skipCorrupted === true,
      );
      idx.forEach((i, n) => {
        out[i] = models[n]!;
      });
    }),
  );
  return out.filter((m) => m !== null);
}

/** The first stored model among these keys, or null (READ|FETCH). */
export async function afindOne(...keys: string[]): Promise<AnyModel | null> {
  return (await afind(...keys, { skipMissing: true }))[0] ?? null;
}

/** Whether the key's model is stored (READ). */
export async function aexists(key: string): Promise<boolean> {
  return ops.exists(classForKey<ModelStatic>(key).cls, 'module.aexists', key);
}

/**
 * The stored model of the draft's key (READ|FETCH), or the draft saved whole when it is not
 * stored (CREATE, TTL set), in one script: of concurrent callers exactly one gets 'created'.
 */
export async function agetOrCreate<M extends AnyModel>(draft: M): Promise<ops.GetOrCreateResult<M>> {
  if (!(draft instanceof AtomicRedisModel)) throw new ValidationError(`agetOrCreate: ${show(draft)} is not a model`);
  return ops.getOrCreate(staticOf(draft), 'module.agetOrCreate', draft);
}

/** Saves models of any classes, in one pipeline per node (CREATE). */
export async function ainsert<M extends AnyModel[]>(...models: M): Promise<M> {
  for (const m of models) {
    if (!(m instanceof AtomicRedisModel)) throw new ValidationError(`ainsert: ${show(m)} is not a model`);
  }
  const groups = new Map<ModelStatic, AnyModel[]>();
  for (const m of models) groups.set(staticOf(m), [...(groups.get(staticOf(m)) ?? []), m]);
  await Promise.all([...groups].map(([cls, ms]) => ops.insertMany(cls, 'module.ainsert', ms)));
  return models;
}

/** What module-level adeleteMany answers: the totals, and the models deleted per class name. */
export interface ModuleDeleteResult extends ops.DeleteResult {
  readonly byModel: Readonly<Record<string, number>>;
}

/** Deletes models of any classes (DELETE). MissingParameterError when given nothing. */
export async function adeleteMany(...keysOrModels: (string | AnyModel)[]): Promise<ModuleDeleteResult> {
  if (keysOrModels.length === 0) throw new MissingParameterError('adeleteMany: give the keys or models to delete');
  const keyOf = (k: string | AnyModel) => (k instanceof AtomicRedisModel ? k.key : k);
  const groups = [...groupByClass(keysOrModels, keyOf)];
  const results = await Promise.all(
    groups.map(([cls, idx]) =>
      ops.deleteMany(
        cls,
        'module.adeleteMany',
        idx.map((i) => keyOf(keysOrModels[i]!)),
      ),
    ),
  );
  const sum = (f: (r: ops.DeleteResult) => number | undefined) => results.reduce((n, r) => n + (f(r) ?? 0), 0);
  const queued = sum((r) => r.queued);
  const byModel = Object.fromEntries(groups.map(([cls], i) => [cls.modelName, results[i]!.modelsDeleted]));
  const total = { modelsDeleted: sum((r) => r.modelsDeleted), keysDeleted: sum((r) => r.keysDeleted), byModel };
  return queued > 0 ? { ...total, queued } : total;
}

/**
 * Runs fn with a pipeline open: writes of any models queue, and when fn returns the queued
 * operations are applied atomically: one script on a single server, one per hash slot on a
 * Cluster (README, Pipelines).
 */
export function apipeline<R>(fn: () => Promise<R> | R): Promise<R> {
  return runPipeline(async () => fn());
}

/**
 * Takes the lease lock `action` of the model at `key` and runs fn with that model freshly
 * loaded, or with null when the key holds no model (as the reference does: the lock still
 * guards the key, e.g. while the model is being created). `saveAtEnd` saves a loaded model,
 * fenced as model.alock does (LockLostError, and nothing written, if the lock was lost).
 */
export async function alockFromKey<R>(
  key: string,
  action: string,
  options: LockOptions,
  fn: (model: AnyModel | null, lock: HeldLock) => Promise<R> | R,
): Promise<R> {
  return lockFromKey(classForKey<ModelStatic>(key).cls, key, action, options, fn);
}

/** Every registered model class (defineModel's, or the subclass bound by init or used), in definition order. */
export function findRedisModels(): ModelStatic[] {
  return registeredModels<ModelStatic>();
}

/** What init() takes: the client (or a URL), a connect timeout, a default TTL, the model classes. */
export interface InitOptions extends ConnectionOptions {
  /** Default TTL (seconds) for the models that did not set one. */
  readonly ttl?: number | null;
  /** Model classes to bind (subclasses made with `class X extends defineModel(...)`). */
  readonly models?: readonly { readonly Meta: ModelStatic['Meta']; readonly modelName: string }[];
}

/**
 * Connects, preloads every script on every master (within `connectTimeoutMs`, else
 * ConnectionTimeoutError), and binds the given models. A second call replaces the first, closing
 * the connection the first opened from a URL; a wrong `redis` is refused before any I/O.
 */
export async function init(options: InitOptions): Promise<void> {
  await connect(options);
  for (const m of options.models ?? []) {
    ops.bindModel(m as unknown as ModelStatic);
    if (options.ttl !== undefined && !m.Meta.ttlGiven) {
      m.Meta.ttl = options.ttl;
      m.Meta.ttlGiven = false;
    }
  }
}

/**
 * Releases what init made: closes the connection init opened from a URL (waiting for the replies
 * in flight) and any still opening. A client you gave to init stays open: close it yourself.
 */
export async function teardown(): Promise<void> {
  await disconnect();
}
