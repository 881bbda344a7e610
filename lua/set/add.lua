--[[ set/add: add members to a set field (RedisSet.aadd, aaddMany; queued by add inside a pipeline).
KEYS         every key of the model: KEYS[1] its main hash, KEYS[2..n] its collection keys
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)      (includes/ttl.lua)
ARGV[4]      the index in KEYS of the set's key                  (includes/collection-op.lua)
ARGV[5..]    the encoded members (none: nothing is written)
Reply        the number of members that were new
Errors       KEY_NOT_FOUND when the model is not stored (nothing is written)
Groups       RedisSet.aadd, RedisSet.aaddMany, RedisSet.add, RedisSet.update: UPDATE|APPEND
TTL          rule 1; else rule 4 when the write (re)created the set's key
]]
--@include ttl
--@include collection-op
if redis.call('EXISTS', KEYS[1]) == 0 then return rapyer_fail('KEY_NOT_FOUND', KEYS[1]) end
local key = rapyer_target()
local _, added = rapyer_push('SADD', key, ARGV, 5, #ARGV) -- SADD counts new members only
rapyer_after_write(key)
return added
