--[[ list/remove-range: delete a slice, `del list[start:stop]` with Python's slice rules
(queued by RedisList.removeRange inside a pipeline).
KEYS         every key of the model: KEYS[1] its main hash, KEYS[2..n] its collection keys
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)      (includes/ttl.lua)
ARGV[4]      the index in KEYS of the list's key               (includes/collection-op.lua)
ARGV[5]      start ('' = 0); negative counts from the end; clamped to 0 .. length
ARGV[6]      stop ('' = length); the same rules; nothing is removed when stop <= start
Reply        the number of items removed
Errors       KEY_NOT_FOUND when the model is not stored (nothing is written)
Groups       RedisList.removeRange, RedisList.pop, RedisList.shift: UPDATE|ERASE
TTL          rule 1 (the key is only shortened, never created)
]]
--@include ttl
--@include collection-op
if redis.call('EXISTS', KEYS[1]) == 0 then return rapyer_fail('KEY_NOT_FOUND', KEYS[1]) end
local key = rapyer_target()
local n = redis.call('LLEN', key)
local start, stop = rapyer_slice_bound(ARGV[5], n, 0), rapyer_slice_bound(ARGV[6], n, n)
local removed = 0
if start < stop then
  removed = stop - start
  if start == 0 then redis.call('LTRIM', key, stop, -1)
  elseif stop == n then redis.call('LTRIM', key, 0, start - 1)
  else
    local tail = redis.call('LRANGE', key, stop, -1)
    redis.call('LTRIM', key, 0, start - 1)
    rapyer_push('RPUSH', key, tail, 1, #tail)
  end
end
rapyer_refresh(false)
return removed
