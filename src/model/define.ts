/** defineModel: makes a model class from a shape of fields and its Meta options. */
import { AtomicRedisModel, coreOfModel, type ModelStatic } from './base.js';
import * as ops from './class-ops.js';
import * as queries from './query-ops.js';
import { isQuery } from '../query/where.js';
import { reindex, type ReindexOptions } from './reindex.js';
import { lockFromKey } from './locks.js';
import { MissingParameterError } from '../errors.js';
import type { HeldLock, LockOptions } from '../runtime/lock.js';
import { ModelMeta, type MetaOptions } from './meta.js';
import { ModelSchema, type Shape } from './schema.js';
import { register, preferSubclass } from './registry.js';
import { checkModelName } from '../keys.js';
import type { ModelClass } from './types.js';

const RESERVED = new Set([
  ...Object.getOwnPropertyNames(AtomicRedisModel.prototype),
  'pk',
  'key',
  'then',
  'constructor',
  '__proto__',
  'prototype',
  'Meta',
  'schema',
  'modelName',
]);

/** The static methods every model class has (typed by ModelClass). */
class ModelBase extends AtomicRedisModel {
  static aget(this: ModelStatic, keyOrPk: string) {
    preferSubclass(this);
    return ops.getOne(this, 'AtomicRedisModel.aget', keyOrPk);
  }

  static async afind(this: ModelStatic, ...args: unknown[]) {
    preferSubclass(this);
    if (args.length === 1 && isQuery(args[0])) return queries.findByQuery(this, args[0]);
    const { keys, options } = ops.findArgs(args);
    if (keys.length === 0) {
      const found = await ops.scanKeys(this, options.maxResults);
      return (await ops.getMany(this, 'AtomicRedisModel.afind', found, true, options.skipCorrupted === true)).filter((m) => m !== null);
    }
    const models = await ops.getMany(
      this,
      'AtomicRedisModel.afind',
      keys.map((k) => ops.resolveKey(this, k)),
      options.skipMissing === true,
      options.skipCorrupted === true,
    );
    return models.filter((m) => m !== null).slice(0, options.maxResults ?? Infinity);
  }

  static async afindOne(this: ModelStatic, ...args: unknown[]) {
    if (args.length === 1 && isQuery(args[0])) {
      preferSubclass(this);
      return queries.findOneByQuery(this, args[0]);
    }
    const { keys, options } = ops.findArgs(args);
    const found = await ModelBase.afind.call(this, ...keys, { ...options, skipMissing: true, maxResults: 1 });
    return found[0] ?? null;
  }

  static afindKeys(this: ModelStatic, options: { maxResults?: number } = {}) {
    return ops.findKeys(this, options.maxResults);
  }

  static aexists(this: ModelStatic, keyOrModel: string | AtomicRedisModel) {
    return ops.exists(this, 'AtomicRedisModel.aexists', keyOrModel);
  }

  static agetOrCreate(this: ModelStatic, draft: AtomicRedisModel) {
    return ops.getOrCreate(this, 'AtomicRedisModel.agetOrCreate', draft);
  }

  static async ainsert(this: ModelStatic, ...models: AtomicRedisModel[]) {
    await ops.insertMany(this, 'AtomicRedisModel.ainsert', models);
    return models;
  }

  static async adeleteByKey(this: ModelStatic, keyOrPk: string) {
    const r = await ops.deleteMany(this, 'AtomicRedisModel.adeleteByKey', [keyOrPk]);
    return r.modelsDeleted === 1 || r.queued === 1; // inside a pipeline: true once queued
  }

  static adeleteMany(this: ModelStatic, ...keysOrModels: (string | AtomicRedisModel)[]) {
    if (keysOrModels.length === 1 && isQuery(keysOrModels[0])) return queries.deleteByQuery(this, keysOrModels[0]);
    if (keysOrModels.length === 0) return Promise.reject(new MissingParameterError(`${this.modelName}.adeleteMany: give the keys, pks or models to delete`));
    return ops.deleteMany(this, 'AtomicRedisModel.adeleteMany', keysOrModels);
  }

  static acount(this: ModelStatic, ...query: unknown[]) {
    if (query.length > 0 && query[0] !== undefined) return queries.countByQuery(this, query[0]);
    return ops.countKeys(this);
  }

  static areindex(this: ModelStatic, options?: ReindexOptions) {
    return reindex(this, options);
  }

  static alockFromKey(
    this: ModelStatic,
    keyOrPk: string,
    action: string,
    options: LockOptions,
    fn: (model: AtomicRedisModel | null, lock: HeldLock) => unknown,
  ) {
    preferSubclass(this);
    return lockFromKey(this, ops.resolveKey(this, keyOrPk), action, options, fn);
  }
}

/**
 * Defines a model: `class Session extends defineModel('Session', { ... }, { ttl: 1800 }) {}`.
 * Names are unique (DuplicateModelNameError); refreshTtl is checked (InvalidRefreshTtlError).
 */
export function defineModel<const S extends Shape>(name: string, shape: S, meta: MetaOptions = {}): ModelClass<S> {
  checkModelName(name);
  const schema = new ModelSchema(name, shape, RESERVED);
  const Meta = new ModelMeta(name, meta);
  const Model = class extends ModelBase {
    static readonly modelName = name;
    static readonly schema = schema;
    static readonly Meta = Meta;
  };
  Object.defineProperty(Model, 'name', { value: name });
  // One accessor per field, on the prototype: instances hold their handles in their core, which
  // makes each at its first use.
  schema.names.forEach((field, i) => {
    Object.defineProperty(Model.prototype, field, {
      get(this: AtomicRedisModel) {
        return coreOfModel(this).handle(i);
      },
      enumerable: true,
    });
  });
  register(name, Model, meta.register !== false);
  return Model as unknown as ModelClass<S>;
}
