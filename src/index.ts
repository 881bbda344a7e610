/** rapyer-ts: typed models in Redis, every operation one Lua script with its TTL refresh. */
export { ActionGroup, METHODS } from './actions.js';
export type { ActionGroupName, MethodName, MethodRow } from './actions.js';
export { field } from './fields/builders.js';
export type { FieldOptions, JsonValue } from './fields/spec.js';
export { FieldSpec } from './fields/spec.js';
export { BaseRedisType } from './fields/base.js';
export { ScalarHandle, RedisStr, RedisBool, RedisBytes, RedisJson, RedisEnum } from './fields/scalar.js';
export { RedisInt, RedisFloat, RedisDatetime } from './fields/numeric.js';
export { AtomicRedisModel } from './model/base.js';
export { defineModel } from './model/define.js';
export { ModelMeta } from './model/meta.js';
export type { MetaOptions } from './model/meta.js';
export type { ModelClass, ModelInstance, InputOf, PartialInputOf, FieldsOf } from './model/types.js';
export type { FindOptions, DeleteResult } from './model/class-ops.js';
export { aget, afind, afindOne, aexists, ainsert, adeleteMany, init, teardown } from './model/module-ops.js';
export type { InitOptions } from './model/module-ops.js';
export type { Client } from './runtime/scripts.js';
export * from './errors.js';
