/**
 * From a model class to script calls: the static side every model class has, every key of a
 * model (main hash first, then one key per collection field), and the call of an operation.
 */
import { collectionKey } from '../keys.js';
import { requireClient } from '../runtime/connection.js';
import type { Client, ScriptCall } from '../runtime/scripts.js';
import { OPERATIONS, type MethodName } from '../ops/table.js';
import type { ModelMeta } from './meta.js';
import type { ModelSchema } from './schema.js';

/** How an instance is made: bound under a parent (nested), or from trusted stored data. */
export interface Bind {
  /** The root model of a nested one. */
  readonly root?: object;
  readonly prefix?: string;
  readonly pk?: string;
  /** The values come from Redis and were validated on the way: skip the input checks. */
  readonly trusted?: boolean;
}

/** The static side every model class has. */
export interface ModelStatic<M = object> {
  new (input: never, bind?: Bind): M;
  readonly modelName: string;
  readonly schema: ModelSchema;
  Meta: ModelMeta;
}

/** Every key of a model: its main hash, then one key per collection field. */
export function keysOf(schema: ModelSchema, main: string): string[] {
  if (schema.collections.length === 0) return [main];
  return [main, ...schema.collections.map((c) => collectionKey(main, c.path))];
}

/** ARGV[1..3] of every script (groups, refreshTtl mask, TTL), in a new array the operation's own arguments are pushed to. */
export function headArgs(cls: ModelStatic, method: MethodName): string[] {
  const [mask, ttl] = cls.Meta.ttlArgs();
  return [OPERATIONS[method].groupsArg, mask, ttl];
}

/** The script call of an operation whose whole ARGV (headArgs, then its own) is `args`. */
export function callWith(cls: ModelStatic, method: MethodName, main: string, args: string[], keys?: readonly string[]): ScriptCall {
  const op = OPERATIONS[method];
  return {
    script: op.script,
    keys: keys ?? keysOf(cls.schema, main),
    args,
    label: `${main} ${method}`,
    idempotent: op.idempotent,
  };
}

/** The script call of an operation for one model of a class: groups, TTL arguments, then `extra`. */
export function callFor(cls: ModelStatic, method: MethodName, main: string, extra: readonly string[], keys?: readonly string[]): ScriptCall {
  const args = headArgs(cls, method);
  for (let i = 0; i < extra.length; i += 1) args.push(extra[i]!); // no spread: extra may be huge
  return callWith(cls, method, main, args, keys);
}

export function clientOf(cls: ModelStatic): Client {
  return requireClient(cls.Meta.redis, cls.modelName);
}
