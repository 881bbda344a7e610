--[[ list/pop: remove and return the item at a Python index (RedisList.apop).
KEYS         every key of the model: KEYS[1] its main hash, KEYS[2..n] its collection keys
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)      (includes/ttl.lua)
ARGV[4]      the index in KEYS of the list's key               (includes/collection-op.lua)
ARGV[5]      the index (negative counts from the end)
Reply        false when the list is empty; else { position the item had, encoded item }
Errors       KEY_NOT_FOUND (model not stored), KEY_ERROR (index out of range of a non-empty
             list); nothing is written on error
Groups       RedisList.apop: READ|UPDATE|ERASE
TTL          rule 1 (a pop never creates a key)
]]
--@include ttl
--@include collection-op
if redis.call('EXISTS', KEYS[1]) == 0 then return rapyer_fail('KEY_NOT_FOUND', KEYS[1]) end
local key = rapyer_target()
local n = redis.call('LLEN', key)
if n == 0 then
  rapyer_refresh(false)
  return false
end
local i = rapyer_index(ARGV[5], n)
if i == nil then return rapyer_fail('KEY_ERROR', key .. ' index ' .. ARGV[5] .. ' out of range (length ' .. n .. ')') end
local item
if i == n - 1 then item = redis.call('RPOP', key)
elseif i == 0 then item = redis.call('LPOP', key)
else
  item = redis.call('LINDEX', key, i)
  redis.call('LSET', key, i, RAPYER_GONE)
  redis.call('LREM', key, 1, RAPYER_GONE)
end
rapyer_refresh(false)
return { i, item }
