--[[ set/pop: remove and return a random member of a set field (RedisSet.apop).
KEYS         every key of the model: KEYS[1] its main hash, KEYS[2..n] its collection keys
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)      (includes/ttl.lua)
ARGV[4]      the index in KEYS of the set's key                  (includes/collection-op.lua)
Reply        the encoded member, or false when the set is empty
Errors       KEY_NOT_FOUND when the model is not stored
Groups       RedisSet.apop: READ|UPDATE|ERASE
TTL          rule 1 (a pop never creates a key)
]]
--@include ttl
--@include collection-op
if redis.call('EXISTS', KEYS[1]) == 0 then return rapyer_fail('KEY_NOT_FOUND', KEYS[1]) end
local member = redis.call('SPOP', rapyer_target())
rapyer_refresh(false)
return member
