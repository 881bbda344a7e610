--[[ set/remove: remove members from a set field (RedisSet.aremove; queued by delete inside a
pipeline).
KEYS         every key of the model: KEYS[1] its main hash, KEYS[2..n] its collection keys
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)      (includes/ttl.lua)
ARGV[4]      the index in KEYS of the set's key                  (includes/collection-op.lua)
ARGV[5..]    the encoded members
Reply        the number of members removed
Errors       KEY_NOT_FOUND when the model is not stored (nothing is written)
Groups       RedisSet.aremove, RedisSet.delete, RedisSet.adiscard: UPDATE|ERASE
TTL          rule 1
]]
--@include ttl
--@include collection-op
if redis.call('EXISTS', KEYS[1]) == 0 then return rapyer_fail('KEY_NOT_FOUND', KEYS[1]) end
local key = rapyer_target()
local _, removed = rapyer_push('SREM', key, ARGV, 5, #ARGV) -- SREM counts members it removed
rapyer_refresh(false)
return removed
