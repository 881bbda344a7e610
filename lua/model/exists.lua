--[[ model/exists: whether a model is stored (aexists; afindKeys uses it to refresh what it found).
KEYS[1]      the model's main hash
KEYS[2..n]   the model's collection keys
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)      (includes/ttl.lua)
Reply        1 or 0
Errors       none
Groups       AtomicRedisModel.afindKeys, AtomicRedisModel.aexists, module.aexists: READ
TTL          rule 1 when the model exists (rule 7)
]]
--@include ttl
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
rapyer_refresh(false)
return 1
