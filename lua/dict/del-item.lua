--[[ dict/del-item: delete one key of a dict field (RedisDict.adelItem).
KEYS         every key of the model: KEYS[1] its main hash, KEYS[2..n] its collection keys
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)      (includes/ttl.lua)
ARGV[4]      the index in KEYS of the dict's hash key            (includes/collection-op.lua)
ARGV[5]      the dict key
Reply        1
Errors       KEY_NOT_FOUND (model not stored), KEY_ERROR (no such dict key); nothing is
             written on error
Groups       RedisDict.adelItem: UPDATE|ERASE
TTL          rule 1
]]
--@include ttl
--@include collection-op
if redis.call('EXISTS', KEYS[1]) == 0 then return rapyer_fail('KEY_NOT_FOUND', KEYS[1]) end
local key = rapyer_target()
if redis.call('HDEL', key, ARGV[5]) == 0 then return rapyer_fail('KEY_ERROR', key .. ' has no key ' .. ARGV[5]) end
rapyer_refresh(false)
return 1
