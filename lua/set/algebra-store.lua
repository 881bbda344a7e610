--[[ set/algebra-store: replace a set field by its union, intersection or difference with other
sets (RedisSet.aunionUpdate, aintersectUpdate, adifferenceUpdate: Python's update,
intersection_update, difference_update). The other sets are set fields of models in the same
hash slot (on a Cluster the library refuses other slots first).
KEYS         every key of the model (KEYS[1] its main hash), then the other sets' keys (the last n)
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)      (includes/ttl.lua)
ARGV[4]      the index in KEYS of this set's key                (includes/collection-op.lua)
ARGV[5]      union | inter | diff
ARGV[6]      n, the number of other sets' keys at the end of KEYS
Reply        the encoded members of this set afterwards (no order)
Errors       KEY_NOT_FOUND when the model is not stored (nothing is written)
Groups       RedisSet.aunionUpdate: UPDATE|APPEND; RedisSet.aintersectUpdate,
             RedisSet.adifferenceUpdate: UPDATE|ERASE
TTL          rule 1 on this model's keys only; else rule 4 when the store (re)created the key
]]
--@include ttl
--@include collection-op
if redis.call('EXISTS', KEYS[1]) == 0 then return rapyer_fail('KEY_NOT_FOUND', KEYS[1]) end
local n = tonumber(ARGV[6])
local key = rapyer_target()
local others = {}
for i = #KEYS - n + 1, #KEYS do others[#others + 1] = KEYS[i] end
for _ = 1, n do KEYS[#KEYS] = nil end -- the TTL step reaches this model's keys only
if ARGV[5] == 'union' then redis.call('SUNIONSTORE', key, key, unpack(others))
elseif ARGV[5] == 'inter' then redis.call('SINTERSTORE', key, key, unpack(others))
else redis.call('SDIFFSTORE', key, key, unpack(others)) end
rapyer_after_write(key)
return redis.call('SMEMBERS', key)
