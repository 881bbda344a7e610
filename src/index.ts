/** rapyer-ts: typed models in Redis, every operation one Lua script with its TTL refresh. */
export { ActionGroup } from './actions.js';
export type { ActionGroupName } from './actions.js';
export { METHODS, OPERATIONS } from './ops/table.js';
export type { MethodName, MethodRow, ResultOf } from './ops/table.js';
export type { Operation, InPipeline } from './ops/operation.js';
export { operationChannel } from './ops/trace.js';
export type { OperationTrace } from './ops/trace.js';
export { field } from './fields/builders.js';
export type { FieldOptions, JsonValue, IndexKind, NestedIndex } from './fields/spec.js';
export { FieldSpec } from './fields/spec.js';
export { BaseRedisType } from './fields/base.js';
export { ScalarHandle, RedisStr, RedisBool, RedisBytes, RedisJson, RedisEnum } from './fields/scalar.js';
export { RedisInt, RedisFloat, RedisDatetime } from './fields/numeric.js';
export type { IncreaseOptions } from './fields/numeric.js';
export { RedisList } from './fields/list.js';
export { RedisDict } from './fields/dict.js';
export type { DictInput } from './fields/dict.js';
export { RedisSet } from './fields/set.js';
export { RedisPriorityQueue } from './fields/priority-queue.js';
export type { PriorityItem } from './fields/priority-queue.js';
export { CollectionSpec } from './fields/collection.js';
export type { CollectionOptions } from './fields/collection.js';
export { AtomicRedisModel } from './model/base.js';
export type { PipelineOptions } from './model/base.js';
export { defineModel } from './model/define.js';
export { ModelMeta } from './model/meta.js';
export type { MetaOptions } from './model/meta.js';
export type { ModelClass, ModelInstance, InputOf, PartialInputOf, FieldsOf } from './model/types.js';
export type {
  WhereOf,
  OrderByOf,
  QueryOf,
  FindOneQueryOf,
  FindQueryOf,
  Direction,
  EqualityOps,
  RangeOps,
  PrefixOps,
  OperatorsOf,
} from './query/types.js';
export type { Shape } from './model/schema.js';
export type { FindOptions, DeleteResult, GetOrCreateResult } from './model/class-ops.js';
export {
  aget,
  afind,
  afindOne,
  aexists,
  agetOrCreate,
  ainsert,
  adeleteMany,
  apipeline,
  alockFromKey,
  findRedisModels,
  init,
  teardown,
} from './model/module-ops.js';
export type { LockOptions, HeldLock } from './runtime/lock.js';
export type { InitOptions, ModuleDeleteResult } from './model/module-ops.js';
export type { Client } from './runtime/scripts.js';
export * from './errors.js';
