/**
 * ActionGroup (SPEC §2) and the one table that maps every method to its script and its
 * action groups. Scripts receive the groups as ARGV[1]; the TTL step compares them with the
 * model's refreshTtl mask inside Redis.
 */
import type { ScriptName } from './runtime/scripts.js';

export const ActionGroup = {
  READ: 1,
  FETCH: 2,
  CREATE: 4,
  UPDATE: 8,
  APPEND: 16,
  DELETE: 32,
  ERASE: 64,
  ARITHMETIC: 128,
  /** Every member; with `{ forTtl: true }` every member but DELETE (a valid refreshTtl). */
  all(options: { forTtl?: boolean } = {}): number {
    const every = 1 | 2 | 4 | 8 | 16 | 32 | 64 | 128;
    return options.forTtl ? every & ~32 : every;
  },
} as const;

export type ActionGroupName = 'READ' | 'FETCH' | 'CREATE' | 'UPDATE' | 'APPEND' | 'DELETE' | 'ERASE' | 'ARITHMETIC';

const { READ, FETCH, CREATE, UPDATE, APPEND, DELETE, ERASE, ARITHMETIC } = ActionGroup;

export interface MethodRow {
  /** The script the method runs (sync methods: the script they queue inside a pipeline). */
  readonly script: ScriptName | null;
  readonly groups: number;
}

/**
 * Method → script → groups. Keys are `Owner.method` with the TypeScript names of SPEC §4;
 * owners follow the reference's table: AtomicRedisModel, module, BaseRedisType (field-level
 * aload/asave), RedisInt, RedisFloat, RedisStr, RedisBytes, RedisDatetime, ...
 * test/method-table.test.ts checks every row against shared/spec/action-groups.json.
 */
export const METHODS = {
  'AtomicRedisModel.asave': { script: 'model/save', groups: CREATE | UPDATE },
  'AtomicRedisModel.aload': { script: 'model/load', groups: READ },
  'AtomicRedisModel.aupdate': { script: 'model/update', groups: UPDATE },
  'AtomicRedisModel.asetTtl': { script: 'model/set-ttl', groups: UPDATE },
  'AtomicRedisModel.aduplicate': { script: 'model/duplicate', groups: CREATE },
  'AtomicRedisModel.aduplicateMany': { script: 'model/duplicate', groups: CREATE },
  'AtomicRedisModel.adelete': { script: 'model/delete', groups: DELETE },
  'AtomicRedisModel.aget': { script: 'model/load', groups: READ | FETCH },
  'AtomicRedisModel.afind': { script: 'model/load', groups: READ | FETCH },
  'AtomicRedisModel.afindOne': { script: 'model/load', groups: READ | FETCH },
  'AtomicRedisModel.afindKeys': { script: 'model/exists', groups: READ },
  'AtomicRedisModel.aexists': { script: 'model/exists', groups: READ },
  'AtomicRedisModel.ainsert': { script: 'model/save', groups: CREATE },
  'AtomicRedisModel.adeleteByKey': { script: 'model/delete', groups: DELETE },
  'AtomicRedisModel.adeleteMany': { script: 'model/delete', groups: DELETE },
  'module.aget': { script: 'model/load', groups: READ | FETCH },
  'module.afind': { script: 'model/load', groups: READ | FETCH },
  'module.afindOne': { script: 'model/load', groups: READ | FETCH },
  'module.aexists': { script: 'model/exists', groups: READ },
  'module.ainsert': { script: 'model/save', groups: CREATE },
  'module.adeleteMany': { script: 'model/delete', groups: DELETE },
  'BaseRedisType.aload': { script: 'model/load', groups: READ },
  'BaseRedisType.asave': { script: 'model/update', groups: UPDATE },
  'RedisInt.aincrease': { script: 'int/incr', groups: UPDATE | ARITHMETIC },
  'RedisInt.iadd': { script: 'int/op', groups: UPDATE | ARITHMETIC },
  'RedisInt.isub': { script: 'int/op', groups: UPDATE | ARITHMETIC },
  'RedisInt.imul': { script: 'int/op', groups: UPDATE | ARITHMETIC },
  'RedisInt.ifloordiv': { script: 'int/op', groups: UPDATE | ARITHMETIC },
  'RedisInt.imod': { script: 'int/op', groups: UPDATE | ARITHMETIC },
  'RedisInt.ipow': { script: 'int/op', groups: UPDATE | ARITHMETIC },
  'RedisFloat.aincrease': { script: 'float/incr', groups: UPDATE | ARITHMETIC },
  'RedisFloat.iadd': { script: 'float/op', groups: UPDATE | ARITHMETIC },
  'RedisFloat.isub': { script: 'float/op', groups: UPDATE | ARITHMETIC },
  'RedisFloat.imul': { script: 'float/op', groups: UPDATE | ARITHMETIC },
  'RedisFloat.itruediv': { script: 'float/op', groups: UPDATE | ARITHMETIC },
  'RedisFloat.ifloordiv': { script: 'float/op', groups: UPDATE | ARITHMETIC },
  'RedisFloat.imod': { script: 'float/op', groups: UPDATE | ARITHMETIC },
  'RedisFloat.ipow': { script: 'float/op', groups: UPDATE | ARITHMETIC },
  'RedisStr.iadd': { script: 'str/op', groups: UPDATE | APPEND },
  'RedisStr.imul': { script: 'str/op', groups: UPDATE },
  'RedisBytes.iadd': { script: 'str/op', groups: UPDATE | APPEND },
  'RedisDatetime.iadd': { script: 'int/op', groups: UPDATE | ARITHMETIC },
  'RedisDatetime.isub': { script: 'int/op', groups: UPDATE | ARITHMETIC },
  // Collections (issue 3). Sync methods name the script they queue inside a pipeline.
  'RedisList.aappend': { script: 'list/append', groups: UPDATE | APPEND },
  'RedisList.aextend': { script: 'list/append', groups: UPDATE | APPEND },
  'RedisList.ainsert': { script: 'list/insert', groups: UPDATE | APPEND },
  'RedisList.apop': { script: 'list/pop', groups: READ | UPDATE | ERASE },
  'RedisList.aclear': { script: 'collection/clear', groups: UPDATE | ERASE },
  'RedisList.setItem': { script: 'list/set-item', groups: UPDATE },
  'RedisList.iadd': { script: 'list/append', groups: UPDATE | APPEND },
  'RedisList.append': { script: 'list/append', groups: UPDATE | APPEND },
  'RedisList.extend': { script: 'list/append', groups: UPDATE | APPEND },
  'RedisList.insert': { script: 'list/insert', groups: UPDATE | APPEND },
  'RedisList.clear': { script: 'collection/clear', groups: UPDATE | ERASE },
  'RedisList.removeRange': { script: 'list/remove-range', groups: UPDATE | ERASE },
  // Array's mutators, checked and queued like the sync method they behave as (docs/collections.md).
  'RedisList.push': { script: 'list/append', groups: UPDATE | APPEND },
  'RedisList.unshift': { script: 'list/insert', groups: UPDATE | APPEND },
  'RedisList.pop': { script: 'list/remove-range', groups: UPDATE | ERASE },
  'RedisList.shift': { script: 'list/remove-range', groups: UPDATE | ERASE },
  'RedisDict.asetItem': { script: 'dict/set-item', groups: UPDATE },
  'RedisDict.adelItem': { script: 'dict/del-item', groups: UPDATE | ERASE },
  'RedisDict.aupdate': { script: 'dict/update', groups: UPDATE },
  'RedisDict.apop': { script: 'dict/pop', groups: READ | UPDATE | ERASE },
  'RedisDict.apopitem': { script: 'dict/popitem', groups: READ | UPDATE | ERASE },
  'RedisDict.aclear': { script: 'collection/clear', groups: UPDATE | ERASE },
  'RedisDict.setItem': { script: 'dict/set-item', groups: UPDATE },
  'RedisDict.update': { script: 'dict/update', groups: UPDATE },
  'RedisDict.clear': { script: 'collection/clear', groups: UPDATE | ERASE },
  // Map's mutators: set as setItem; delete removes a key, absent or not (dict/del-item, ARGV[6] = '1').
  'RedisDict.set': { script: 'dict/set-item', groups: UPDATE },
  'RedisDict.delete': { script: 'dict/del-item', groups: UPDATE | ERASE },
  // RedisSet is not in action-groups.json: groups chosen like the list's (docs/collections.md).
  'RedisSet.aadd': { script: 'set/add', groups: UPDATE | APPEND },
  'RedisSet.aremove': { script: 'set/remove', groups: UPDATE | ERASE },
  'RedisSet.apop': { script: 'set/pop', groups: READ | UPDATE | ERASE },
  'RedisSet.aclear': { script: 'collection/clear', groups: UPDATE | ERASE },
  'RedisSet.acontains': { script: 'set/contains', groups: READ },
  'RedisSet.asize': { script: 'set/size', groups: READ },
  'RedisSet.add': { script: 'set/add', groups: UPDATE | APPEND },
  'RedisSet.delete': { script: 'set/remove', groups: UPDATE | ERASE },
  'RedisSet.clear': { script: 'collection/clear', groups: UPDATE | ERASE },
  'RedisPriorityQueue.apush': { script: 'pq/push', groups: UPDATE | APPEND },
  'RedisPriorityQueue.apushMany': { script: 'pq/push', groups: UPDATE | APPEND },
  'RedisPriorityQueue.apop': { script: 'pq/pop', groups: READ | UPDATE | ERASE },
  'RedisPriorityQueue.apeek': { script: 'pq/peek', groups: READ },
  'RedisPriorityQueue.asize': { script: 'pq/size', groups: READ },
  'RedisPriorityQueue.aitems': { script: 'pq/items', groups: READ },
  'RedisPriorityQueue.aremove': { script: 'pq/remove', groups: UPDATE | ERASE },
  'RedisPriorityQueue.aclear': { script: 'collection/clear', groups: UPDATE | ERASE },
} as const satisfies Record<string, MethodRow>;

export type MethodName = keyof typeof METHODS;

