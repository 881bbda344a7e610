/**
 * The one table of operations: every method → its descriptor (src/ops/operation.ts). Keys are
 * `Owner.method` with the TypeScript names; owners follow the reference's table
 * (AtomicRedisModel, module, BaseRedisType for field-level aload/asave, RedisInt, …).
 * test/method-table.test.ts checks every row's groups against the reference's action groups;
 * test/operations.test.ts checks every row against the `Groups` line of its Lua file.
 */
import { ActionGroup } from '../actions.js';
import { asFlag, asNumber, op, type Operation, type ScriptName, type Unnamed } from './operation.js';

const { READ, FETCH, CREATE, UPDATE, APPEND, DELETE, ERASE, ARITHMETIC } = ActionGroup;

/** A model/delete reply: whether the model existed, and how many keys went. */
const asDeleted = (reply: unknown) => {
  const [existed, keys] = reply as [number, number];
  return { existed: existed === 1, keys };
};

/** Removals that answer from stored state run at once inside a pipeline, as reads do. */
const NOW = { pipeline: 'now' } as const;

/**
 * Operations that may create the model: `groups` when they create it, `storedGroups` when they
 * find it stored (README, "Get or create, and counters that come back"). agetOrCreate answers
 * with the stored model, so it runs at once inside a pipeline; the upsert form of aincrease
 * queues like aincrease.
 */
const GET_OR_CREATE = { ...NOW, storedGroups: READ | FETCH } as const;
const UPSERT = { storedGroups: UPDATE | ARITHMETIC, decode: asNumber } as const;

const TABLE = {
  'AtomicRedisModel.asave': op('model/save', CREATE | UPDATE),
  'AtomicRedisModel.aload': op('model/load', READ),
  'AtomicRedisModel.aupdate': op('model/update', UPDATE),
  'AtomicRedisModel.asetTtl': op('model/set-ttl', UPDATE, { idempotent: true }),
  'AtomicRedisModel.aduplicate': op('model/duplicate', CREATE, NOW),
  'AtomicRedisModel.aduplicateMany': op('model/duplicate', CREATE, NOW),
  'AtomicRedisModel.adelete': op('model/delete', DELETE, { decode: asDeleted }),
  'AtomicRedisModel.aget': op('model/load', READ | FETCH),
  'AtomicRedisModel.afind': op('model/load', READ | FETCH),
  'AtomicRedisModel.afindOne': op('model/load', READ | FETCH),
  'AtomicRedisModel.afindKeys': op('model/exists', READ, { decode: asFlag }),
  'AtomicRedisModel.aexists': op('model/exists', READ, { decode: asFlag }),
  'AtomicRedisModel.ainsert': op('model/save', CREATE),
  'AtomicRedisModel.adeleteByKey': op('model/delete', DELETE, { decode: asDeleted }),
  'AtomicRedisModel.adeleteMany': op('model/delete', DELETE, { decode: asDeleted }),
  'AtomicRedisModel.agetOrCreate': op('model/get-or-create', CREATE, GET_OR_CREATE),
  // Queries on indexed fields (README, Queries): the `where` forms of afind, afindOne, acount and
  // adeleteMany, and areindex, which rebuilds the indexes of stored models and is no access to them.
  'AtomicRedisModel.afindWhere': op('query/run', READ | FETCH),
  'AtomicRedisModel.afindOneWhere': op('query/run', READ | FETCH),
  'AtomicRedisModel.acountWhere': op('query/run', READ),
  'AtomicRedisModel.adeleteWhere': op('query/run', DELETE, NOW),
  'AtomicRedisModel.areindex': op('model/reindex', 0),
  'AtomicRedisModel.areindexMove': op('model/import', 0), // areindex: a model of the layout without buckets moved into its bucket
  'module.aget': op('model/load', READ | FETCH),
  'module.afind': op('model/load', READ | FETCH),
  'module.afindOne': op('model/load', READ | FETCH),
  'module.aexists': op('model/exists', READ, { decode: asFlag }),
  'module.ainsert': op('model/save', CREATE),
  'module.adeleteMany': op('model/delete', DELETE, { decode: asDeleted }),
  'module.agetOrCreate': op('model/get-or-create', CREATE, GET_OR_CREATE),
  'BaseRedisType.aload': op('model/load', READ),
  'BaseRedisType.asave': op('model/update', UPDATE),
  'RedisInt.aincrease': op('int/incr', UPDATE | ARITHMETIC, { decode: asNumber }),
  'RedisInt.aincreaseUpsert': op('model/incr-upsert', CREATE | UPDATE | ARITHMETIC, UPSERT), // aincrease(by, { upsert: true })
  'RedisInt.iadd': op('int/op', UPDATE | ARITHMETIC),
  'RedisInt.isub': op('int/op', UPDATE | ARITHMETIC),
  'RedisInt.imul': op('int/op', UPDATE | ARITHMETIC),
  'RedisInt.ifloordiv': op('int/op', UPDATE | ARITHMETIC),
  'RedisInt.imod': op('int/op', UPDATE | ARITHMETIC),
  'RedisInt.ipow': op('int/op', UPDATE | ARITHMETIC),
  'RedisFloat.aincrease': op('float/incr', UPDATE | ARITHMETIC, { decode: asNumber }),
  'RedisFloat.aincreaseUpsert': op('model/incr-upsert', CREATE | UPDATE | ARITHMETIC, UPSERT), // aincrease(by, { upsert: true })
  'RedisFloat.iadd': op('float/op', UPDATE | ARITHMETIC),
  'RedisFloat.isub': op('float/op', UPDATE | ARITHMETIC),
  'RedisFloat.imul': op('float/op', UPDATE | ARITHMETIC),
  'RedisFloat.itruediv': op('float/op', UPDATE | ARITHMETIC),
  'RedisFloat.ifloordiv': op('float/op', UPDATE | ARITHMETIC),
  'RedisFloat.imod': op('float/op', UPDATE | ARITHMETIC),
  'RedisFloat.ipow': op('float/op', UPDATE | ARITHMETIC),
  'RedisStr.iadd': op('str/op', UPDATE | APPEND),
  'RedisStr.imul': op('str/op', UPDATE),
  'RedisBytes.iadd': op('str/op', UPDATE | APPEND),
  'RedisDatetime.iadd': op('int/op', UPDATE | ARITHMETIC),
  'RedisDatetime.isub': op('int/op', UPDATE | ARITHMETIC),
  'RedisList.aappend': op('list/append', UPDATE | APPEND),
  'RedisList.aextend': op('list/append', UPDATE | APPEND),
  'RedisList.ainsert': op('list/insert', UPDATE | APPEND, { decode: asNumber }),
  'RedisList.apop': op('list/pop', READ | UPDATE | ERASE, NOW),
  'RedisList.aclear': op('collection/clear', UPDATE | ERASE),
  'RedisList.setItem': op('list/set-item', UPDATE),
  'RedisList.iadd': op('list/append', UPDATE | APPEND),
  'RedisList.append': op('list/append', UPDATE | APPEND),
  'RedisList.extend': op('list/append', UPDATE | APPEND),
  'RedisList.insert': op('list/insert', UPDATE | APPEND),
  'RedisList.clear': op('collection/clear', UPDATE | ERASE),
  'RedisList.removeRange': op('list/remove-range', UPDATE | ERASE),
  // Array mutators of RedisList, each behaving as the method named (docs/collections.md).
  'RedisList.push': op('list/append', UPDATE | APPEND), // extend
  'RedisList.unshift': op('list/insert', UPDATE | APPEND), // insert at 0, 1, …
  'RedisList.pop': op('list/remove-range', UPDATE | ERASE), // removeRange(-1)
  'RedisList.shift': op('list/remove-range', UPDATE | ERASE), // removeRange(0, 1)
  'RedisList.aget': op('list/get', READ),
  'RedisList.aslice': op('list/slice', READ),
  'RedisDict.asetItem': op('dict/set-item', UPDATE),
  'RedisDict.adelItem': op('dict/del-item', UPDATE | ERASE),
  'RedisDict.aupdate': op('dict/update', UPDATE),
  'RedisDict.apop': op('dict/pop', READ | UPDATE | ERASE, NOW),
  'RedisDict.apopitem': op('dict/popitem', READ | UPDATE | ERASE, NOW),
  'RedisDict.aclear': op('collection/clear', UPDATE | ERASE),
  'RedisDict.setItem': op('dict/set-item', UPDATE),
  'RedisDict.update': op('dict/update', UPDATE),
  'RedisDict.clear': op('collection/clear', UPDATE | ERASE),
  // Map mutators of RedisDict: set behaves as setItem, delete as a removal that may miss.
  'RedisDict.set': op('dict/set-item', UPDATE),
  'RedisDict.delete': op('dict/del-item', UPDATE | ERASE),
  // RedisSet is not in the reference's table: groups chosen like the list's (docs/collections.md).
  'RedisSet.aadd': op('set/add', UPDATE | APPEND),
  'RedisSet.aremove': op('set/remove', UPDATE | ERASE, { ...NOW, decode: (r) => Number(r) > 0 }),
  'RedisSet.apop': op('set/pop', READ | UPDATE | ERASE, NOW),
  'RedisSet.aclear': op('collection/clear', UPDATE | ERASE),
  'RedisSet.acontains': op('set/contains', READ, { decode: asFlag }),
  'RedisSet.asize': op('set/size', READ, { decode: asNumber }),
  'RedisSet.amembers': op('set/members', READ),
  'RedisSet.adiscard': op('set/remove', UPDATE | ERASE),
  'RedisSet.update': op('set/add', UPDATE | APPEND),
  // Set algebra with other sets of the same hash slot. The stored forms answer the stored set,
  // so they run at once inside a pipeline too.
  'RedisSet.aunion': op('set/algebra', READ),
  'RedisSet.aintersect': op('set/algebra', READ),
  'RedisSet.adifference': op('set/algebra', READ),
  'RedisSet.aunionUpdate': op('set/algebra-store', UPDATE | APPEND, NOW),
  'RedisSet.aintersectUpdate': op('set/algebra-store', UPDATE | ERASE, NOW),
  'RedisSet.adifferenceUpdate': op('set/algebra-store', UPDATE | ERASE, NOW),
  'RedisSet.aaddMany': op('set/add', UPDATE | APPEND),
  'RedisSet.add': op('set/add', UPDATE | APPEND),
  'RedisSet.delete': op('set/remove', UPDATE | ERASE),
  'RedisSet.clear': op('collection/clear', UPDATE | ERASE),
  'RedisPriorityQueue.apush': op('pq/push', UPDATE | APPEND),
  'RedisPriorityQueue.apushMany': op('pq/push', UPDATE | APPEND),
  'RedisPriorityQueue.apop': op('pq/pop', READ | UPDATE | ERASE, NOW),
  'RedisPriorityQueue.apeek': op('pq/peek', READ),
  'RedisPriorityQueue.asize': op('pq/size', READ, { decode: asNumber }),
  'RedisPriorityQueue.aitems': op('pq/items', READ),
  'RedisPriorityQueue.aremove': op('pq/remove', UPDATE | ERASE, { ...NOW, decode: (r) => Number(r) > 0 }),
  'RedisPriorityQueue.aclear': op('collection/clear', UPDATE | ERASE),
} as const satisfies Record<string, Unnamed>;

/** `Owner.method` of every operation of the table (e.g. `RedisInt.aincrease`). */
export type MethodName = keyof typeof TABLE;

/** The result type of an operation's decoded reply. */
export type ResultOf<N extends MethodName> = (typeof TABLE)[N] extends Unnamed<infer R> ? R : unknown;

/** Every operation, named. */
export const OPERATIONS: { readonly [N in MethodName]: Operation<ResultOf<N>> } = Object.freeze(
  Object.fromEntries(Object.entries(TABLE).map(([name, d]) => [name, Object.freeze({ name, ...d })])),
) as never;

/** One row of the public method table: the script and the action groups of a method. */
export interface MethodRow {
  readonly script: ScriptName;
  /** Its groups; for an operation that may create the model, those of the outcome that creates it. */
  readonly groups: number;
  /** Only for an operation that may create the model: its groups when it finds the model stored. */
  readonly storedGroups?: number;
}

/**
 * Method → script → groups, the public view of the table (`import { METHODS } from 'rapyer-ts'`).
 * Made from OPERATIONS.
 */
export const METHODS: { readonly [N in MethodName]: MethodRow } = Object.freeze(
  Object.fromEntries(
    Object.entries(OPERATIONS).map(([name, o]) => [
      name,
      Object.freeze({
        script: o.script,
        groups: o.groups,
        ...(o.storedGroups !== undefined ? { storedGroups: o.storedGroups } : {}),
      }),
    ]),
  ),
) as never;

/** ARGV[4] of an operation that may create the model: its groups when it finds the model stored. */
export function storedGroupsArg(name: MethodName): string {
  const groups = OPERATIONS[name].storedGroups;
  if (groups === undefined) throw new Error(`${name} has no stored-outcome groups`);
  return String(groups);
}

/** The scripts of the operations that queue inside a pipeline: what the pipeline batch carries. */
export function queuedScripts(): ScriptName[] {
  return [
    ...new Set(
      Object.values(OPERATIONS)
        .filter((o) => o.pipeline === 'queue')
        .map((o) => o.script),
    ),
  ].sort();
}
