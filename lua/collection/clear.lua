--[[ collection/clear: empty a collection field by deleting its key (RedisList, RedisDict, RedisSet
and RedisPriorityQueue aclear, and the sync clear, which queues it inside a pipeline).
KEYS         every key of the model: KEYS[1] its main hash, KEYS[2..n] its collection keys
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)      (includes/ttl.lua)
ARGV[4]      the index in KEYS of the field's key              (includes/collection-op.lua)
Reply        1
Errors       KEY_NOT_FOUND when the model is not stored (nothing is written)
Groups       RedisList.aclear, RedisList.clear, RedisDict.aclear, RedisDict.clear, RedisSet.aclear,
             RedisSet.clear, RedisPriorityQueue.aclear: UPDATE|ERASE
TTL          rule 1 (on the model's other keys: the emptied key is gone)
]]
--@include ttl
--@include collection-op
if redis.call('EXISTS', KEYS[1]) == 0 then return rapyer_fail('KEY_NOT_FOUND', KEYS[1]) end
redis.call('DEL', rapyer_target())
rapyer_refresh(false)
return 1
