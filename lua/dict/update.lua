--[[ dict/update: set many keys of a dict field (RedisDict.aupdate; queued by update inside a
pipeline).
KEYS         every key of the model: KEYS[1] its main hash, KEYS[2..n] its collection keys
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)      (includes/ttl.lua)
ARGV[4]      the index in KEYS of the dict's hash key            (includes/collection-op.lua)
ARGV[5..]    dict key, encoded value, dict key, encoded value, ... (none: nothing is written)
Reply        the number of keys that were new
Errors       KEY_NOT_FOUND when the model is not stored (nothing is written)
Groups       RedisDict.aupdate, RedisDict.update: UPDATE
TTL          rule 1; else rule 4 when the write (re)created the dict's key
]]
--@include ttl
--@include collection-op
if redis.call('EXISTS', KEYS[1]) == 0 then return rapyer_fail('KEY_NOT_FOUND', KEYS[1]) end
local key = rapyer_target()
local _, added = rapyer_push('HSET', key, ARGV, 5, #ARGV) -- HSET counts new fields only
rapyer_after_write(key)
return added
