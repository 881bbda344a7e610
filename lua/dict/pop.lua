--[[ dict/pop: remove one key of a dict field and return its value (RedisDict.apop).
KEYS         every key of the model: KEYS[1] its main hash, KEYS[2..n] its collection keys
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)      (includes/ttl.lua)
ARGV[4]      the index in KEYS of the dict's hash key            (includes/collection-op.lua)
ARGV[5]      the dict key
ARGV[6]      '1' when the caller has a default for a missing key, else '0'
Reply        the encoded value, or false when the key is missing and ARGV[6] is '1'
Errors       KEY_NOT_FOUND (model not stored), KEY_ERROR (missing key and no default)
Groups       RedisDict.apop: READ|UPDATE|ERASE
TTL          rule 1 (a pop never creates a key)
]]
--@include ttl
--@include collection-op
if redis.call('EXISTS', KEYS[1]) == 0 then return rapyer_fail('KEY_NOT_FOUND', KEYS[1]) end
local key = rapyer_target()
local value = redis.call('HGET', key, ARGV[5])
if not value and ARGV[6] ~= '1' then return rapyer_fail('KEY_ERROR', key .. ' has no key ' .. ARGV[5]) end
if value then redis.call('HDEL', key, ARGV[5]) end
rapyer_refresh(false)
return value
