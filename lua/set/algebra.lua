--[[ set/algebra: the union, intersection or difference of a set field with other sets
(RedisSet.aunion, aintersect, adifference). The other sets are set fields of models in the same
hash slot (this model's, or others': on a Cluster the library refuses other slots first).
KEYS         every key of the model (KEYS[1] its main hash), then the other sets' keys (the last n)
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)      (includes/ttl.lua)
ARGV[4]      the index in KEYS of this set's key                (includes/collection-op.lua)
ARGV[5]      union | inter | diff
ARGV[6]      n, the number of other sets' keys at the end of KEYS
Reply        the encoded members of the result (no order)
Errors       KEY_NOT_FOUND when the model is not stored
Groups       RedisSet.aunion, RedisSet.aintersect, RedisSet.adifference: READ
TTL          rule 1 on this model's keys only (the other sets' keys are taken off KEYS first)
]]
--@include ttl
--@include collection-op
if redis.call('EXISTS', KEYS[1]) == 0 then return rapyer_fail('KEY_NOT_FOUND', KEYS[1]) end
local n = tonumber(ARGV[6])
local others = {}
for i = #KEYS - n + 1, #KEYS do others[#others + 1] = KEYS[i] end
for _ = 1, n do KEYS[#KEYS] = nil end -- the TTL step reaches this model's keys only
local members
if ARGV[5] == 'union' then members = redis.call('SUNION', rapyer_target(), unpack(others))
elseif ARGV[5] == 'inter' then members = redis.call('SINTER', rapyer_target(), unpack(others))
else members = redis.call('SDIFF', rapyer_target(), unpack(others)) end
rapyer_refresh(false)
return members
