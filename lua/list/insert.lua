--[[ list/insert: insert an item before a Python index, clamped as Python does
(RedisList.ainsert; queued by insert inside a pipeline).
KEYS         every key of the model: KEYS[1] its main hash, KEYS[2..n] its collection keys
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)      (includes/ttl.lua)
ARGV[4]      the index in KEYS of the list's key               (includes/collection-op.lua)
ARGV[5]      the index (negative counts from the end; clamped to 0 .. length)
ARGV[6]      the encoded item
Reply        the position the item now has (0-based)
Errors       KEY_NOT_FOUND when the model is not stored (nothing is written)
Groups       RedisList.ainsert, RedisList.insert, RedisList.unshift: UPDATE|APPEND
TTL          rule 1; else rule 4 when the insert (re)created the list's key
]]
--@include ttl
--@include collection-op
if redis.call('EXISTS', KEYS[1]) == 0 then return rapyer_fail('KEY_NOT_FOUND', KEYS[1]) end
local key = rapyer_target()
local n = redis.call('LLEN', key)
local i = tonumber(ARGV[5])
if i < 0 then i = math.max(i + n, 0) end
if i > n then i = n end
if i == n then redis.call('RPUSH', key, ARGV[6])
elseif i == 0 then redis.call('LPUSH', key, ARGV[6])
else
  -- LINSERT finds its pivot by value: mark position i, insert before the mark, restore it.
  local was = redis.call('LINDEX', key, i)
  redis.call('LSET', key, i, RAPYER_GONE)
  redis.call('LINSERT', key, 'BEFORE', RAPYER_GONE, ARGV[6])
  redis.call('LSET', key, i + 1, was)
end
rapyer_after_write(key)
return i
