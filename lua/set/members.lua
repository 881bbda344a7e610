--[[ set/members: every member of a set field (RedisSet.amembers).
KEYS         every key of the model: KEYS[1] its main hash, KEYS[2..n] its collection keys
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)      (includes/ttl.lua)
ARGV[4]      the index in KEYS of the set's key                  (includes/collection-op.lua)
Reply        the encoded members (no order)
Errors       KEY_NOT_FOUND when the model is not stored
Groups       RedisSet.amembers: READ
TTL          rule 1 (rule 7: reads refresh when READ meets the mask)
]]
--@include ttl
--@include collection-op
if redis.call('EXISTS', KEYS[1]) == 0 then return rapyer_fail('KEY_NOT_FOUND', KEYS[1]) end
local members = redis.call('SMEMBERS', rapyer_target())
rapyer_refresh(false)
return members
