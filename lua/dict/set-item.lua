--[[ dict/set-item: set one key of a dict field (RedisDict.asetItem; queued by setItem inside a
pipeline). Dict keys are hash fields of the dict's own key, so any string is a valid key.
KEYS         every key of the model: KEYS[1] its main hash, KEYS[2..n] its collection keys
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)      (includes/ttl.lua)
ARGV[4]      the index in KEYS of the dict's hash key            (includes/collection-op.lua)
ARGV[5]      the dict key (any string)
ARGV[6]      the encoded value
Reply        1
Errors       KEY_NOT_FOUND when the model is not stored (nothing is written)
Groups       RedisDict.asetItem, RedisDict.setItem, RedisDict.set: UPDATE
TTL          rule 1; else rule 4 when the write (re)created the dict's key
]]
--@include ttl
--@include collection-op
if redis.call('EXISTS', KEYS[1]) == 0 then return rapyer_fail('KEY_NOT_FOUND', KEYS[1]) end
local key = rapyer_target()
redis.call('HSET', key, ARGV[5], ARGV[6])
rapyer_after_write(key)
return 1
