--[[ list/slice: the items of a Python slice list[start:stop] (RedisList.aslice).
KEYS         every key of the model: KEYS[1] its main hash, KEYS[2..n] its collection keys
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)      (includes/ttl.lua)
ARGV[4]      the index in KEYS of the list's key               (includes/collection-op.lua)
ARGV[5]      start ('' = from the first item); negative counts from the end, then clamped
ARGV[6]      stop ('' = to the end, excluded); negative counts from the end, then clamped
Reply        the encoded items, in order (empty when start >= stop)
Errors       KEY_NOT_FOUND (model not stored)
Groups       RedisList.aslice: READ
TTL          rule 1 (rule 7: reads refresh when READ meets the mask)
]]
--@include ttl
--@include collection-op
if redis.call('EXISTS', KEYS[1]) == 0 then return rapyer_fail('KEY_NOT_FOUND', KEYS[1]) end
local key = rapyer_target()
local n = redis.call('LLEN', key)
local from, to = rapyer_slice_bound(ARGV[5], n, 0), rapyer_slice_bound(ARGV[6], n, n)
local items = {}
if from < to then items = redis.call('LRANGE', key, from, to - 1) end
rapyer_refresh(false)
return items
