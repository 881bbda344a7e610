--[[ set/contains: whether a set field holds a member (RedisSet.acontains).
KEYS         every key of the model: KEYS[1] its main hash, KEYS[2..n] its collection keys
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)      (includes/ttl.lua)
ARGV[4]      the index in KEYS of the set's key                  (includes/collection-op.lua)
ARGV[5]      the encoded member
Reply        1 or 0
Errors       KEY_NOT_FOUND when the model is not stored
Groups       RedisSet.acontains: READ
TTL          rule 1 (rule 7: reads refresh when READ meets the mask)
]]
--@include ttl
--@include collection-op
if redis.call('EXISTS', KEYS[1]) == 0 then return rapyer_fail('KEY_NOT_FOUND', KEYS[1]) end
local found = redis.call('SISMEMBER', rapyer_target(), ARGV[5])
rapyer_refresh(false)
return found
