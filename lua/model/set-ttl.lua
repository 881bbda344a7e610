--[[ model/set-ttl: set exactly the given TTL on every key of a model (asetTtl).
KEYS[1]      the model's main hash
KEYS[2..n]   the model's collection keys
ARGV[1..3]   groups, refreshTtl mask, TTL ms (unused: asetTtl sets exactly ARGV[4], rule 5)
ARGV[4]      the TTL in milliseconds, or '' to remove it (PERSIST)
Reply        1
Errors       KEY_NOT_FOUND when the model is not stored
Groups       AtomicRedisModel.asetTtl: UPDATE
]]
--@include ttl
--@index ttl
if redis.call('EXISTS', KEYS[1]) == 0 then return rapyer_fail('KEY_NOT_FOUND', KEYS[1]) end
local ms = tonumber(ARGV[4])
for i = 1, #KEYS do
  if ms then redis.call('PEXPIRE', KEYS[i], ms) else redis.call('PERSIST', KEYS[i]) end
end
return 1
