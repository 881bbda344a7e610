--[[ dict/del-item: delete one key of a dict field (RedisDict.adelItem; queued by delete inside
a pipeline, with ARGV[6] = '1').
KEYS         every key of the model: KEYS[1] its main hash, KEYS[2..n] its collection keys
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)      (includes/ttl.lua)
ARGV[4]      the index in KEYS of the dict's hash key            (includes/collection-op.lua)
ARGV[5]      the dict key
ARGV[6]      optional: '1' = a missing dict key is no error (Map.delete); absent = KEY_ERROR
Reply        1 when the key was there, else 0 (only with ARGV[6] = '1')
Errors       KEY_NOT_FOUND (model not stored), KEY_ERROR (no such dict key, without ARGV[6]);
             nothing is written on error
Groups       RedisDict.adelItem, RedisDict.delete: UPDATE|ERASE
TTL          rule 1
]]
--@include ttl
--@include collection-op
if redis.call('EXISTS', KEYS[1]) == 0 then return rapyer_fail('KEY_NOT_FOUND', KEYS[1]) end
local key = rapyer_target()
local removed = redis.call('HDEL', key, ARGV[5])
if removed == 0 and ARGV[6] ~= '1' then return rapyer_fail('KEY_ERROR', key .. ' has no key ' .. ARGV[5]) end
rapyer_refresh(false)
return removed
