--[[ list/get: the item at a Python index (RedisList.aget).
KEYS         every key of the model: KEYS[1] its main hash, KEYS[2..n] its collection keys
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)      (includes/ttl.lua)
ARGV[4]      the index in KEYS of the list's key               (includes/collection-op.lua)
ARGV[5]      the index (negative counts from the end)
Reply        the encoded item
Errors       KEY_NOT_FOUND (model not stored), KEY_ERROR (index out of range)
Groups       RedisList.aget: READ
TTL          rule 1 (rule 7: reads refresh when READ meets the mask)
]]
--@include ttl
--@include collection-op
if redis.call('EXISTS', KEYS[1]) == 0 then return rapyer_fail('KEY_NOT_FOUND', KEYS[1]) end
local key = rapyer_target()
local n = redis.call('LLEN', key)
local i = rapyer_index(ARGV[5], n)
if i == nil then return rapyer_fail('KEY_ERROR', key .. ' index ' .. ARGV[5] .. ' out of range (length ' .. n .. ')') end
local item = redis.call('LINDEX', key, i)
rapyer_refresh(false)
return item
