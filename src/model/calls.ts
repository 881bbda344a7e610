/**
 * From a model class to script calls: the static side every model class has, every key of a
 * model (main hash first, then one key per collection field), and the call of an operation.
 */
import { collectionKey } from '../keys.js';
import { requireClient } from '../runtime/connection.js';
import type { Client, ScriptCall, ScriptName } from '../runtime/scripts.js';
import { INDEXED_SCRIPTS } from '../runtime/lua-scripts.generated.js';
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

/**
 * The script call of an operation whose whole ARGV (headArgs, then its own) is `args`. The call
 * owns `args`: for a model with indexed fields, a script that can change an indexed value runs
 * as its `+index` variant, with the index tail pushed onto its KEYS and ARGV.
 */
export function callWith(cls: ModelStatic, method: MethodName, main: string, args: string[], keys?: readonly string[], mains?: readonly string[]): ScriptCall {
  const op = OPERATIONS[method];
  const allKeys = keys ?? keysOf(cls.schema, main);
  const label = `${main} ${method}`;
  if (cls.schema.indexed.length > 0 && INDEXED_SCRIPTS.has(op.script)) {
    const script = `${op.script}+index` as ScriptName;
    return { script, keys: pushIndexTail(cls.schema, allKeys, args, mains ?? [main]), args, label, idempotent: op.idempotent };
  }
  return { script: op.script, keys: allKeys, args, label, idempotent: op.idempotent };
}

const KIND_LETTER: Readonly<Record<string, string>> = { int: 'n', float: 'n', datetime: 'n', bool: 'b', str: 's', enum: 'e' };

const fieldTexts = new WeakMap<ModelSchema, string>();

/**
 * The ARGV of the index tail that describes the indexed fields: path, kind and encoded default
 * of each, joined by NUL (lua/includes/index.lua). Made once per schema unless a default is a
 * factory.
 */
export function indexFieldArgs(schema: ModelSchema): string {
  const known = fieldTexts.get(schema);
  if (known !== undefined) return known;
  const parts: string[] = [];
  for (const l of schema.indexed) parts.push(l.path, KIND_LETTER[l.spec.kind]!, l.spec.encodedDefault());
  const text = parts.join('\0');
  if (schema.indexed.every((l) => typeof l.spec.options.default !== 'function')) fieldTexts.set(schema, text);
  return text;
}

/**
 * The index tail the `+index` variant of a script ends with (lua/includes/index.lua): the
 * bucket's index keys and the main keys `mains` (of one bucket) after its KEYS, their pks and the
 * indexed fields after its ARGV. Pushes onto `args`; answers the KEYS (a new array).
 */
export function pushIndexTail(schema: ModelSchema, keys: readonly string[], args: string[], mains: readonly string[]): readonly string[] {
  // one model and its own key array (which a model caches): the KEYS with the tail made once
  const own = mains.length === 1 && keys[0] === mains[0];
  let made = own ? withTail.get(keys) : undefined;
  if (!made) {
    made = { keys: [...keys, ...tailKeysOf(schema, mains)], pks: mains.map(pkOf) };
    if (own) withTail.set(keys, made);
  }
  args.push(String(mains.length));
  for (const pk of made.pks) args.push(pk);
  args.push(indexFieldArgs(schema), String(mains.length + 2), String(made.keys.length - keys.length));
  return made.keys;
}

/** A model's KEYS with its index tail, and its pk, by its key array. */
const withTail = new WeakMap<readonly string[], { readonly keys: readonly string[]; readonly pks: readonly string[] }>();

const pkOf = (main: string) => main.slice(main.lastIndexOf('{') + 1, -1);

/** The tail's KEYS: the bucket's index keys (of the first main's bucket), then the mains. */
function tailKeysOf(schema: ModelSchema, mains: readonly string[]): string[] {
  const base = mains[0]!.slice(0, mains[0]!.lastIndexOf('{'));
  return [`${base}~all`, `${base}~values`, `${base}~expiry`, ...schema.indexed.map((l) => `${base}~index:${l.path}`), ...mains];
}

/**
 * The script call of an operation for one model of a class: groups, TTL arguments, then `extra`.
 * `mains`: the models whose indexes the script updates, when not the one at `main` (a copy's).
 */
export function callFor(
  cls: ModelStatic,
  method: MethodName,
  main: string,
  extra: readonly string[],
  keys?: readonly string[],
  mains?: readonly string[],
): ScriptCall {
  const args = headArgs(cls, method);
  for (let i = 0; i < extra.length; i += 1) args.push(extra[i]!); // no spread: extra may be huge
  return callWith(cls, method, main, args, keys, mains);
}

export function clientOf(cls: ModelStatic): Client {
  return requireClient(cls.Meta.redis, cls.modelName);
}
