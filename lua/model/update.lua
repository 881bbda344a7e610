--[[ model/update: write some fields of a stored model (aupdate, a field's asave).
KEYS[1]      the model's main hash
KEYS[2..n]   the model's collection keys
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)      (includes/ttl.lua)
ARGV[4..]    the write payload; untouched collections are 'keep' (includes/collections.lua)
Reply        1
Errors       KEY_NOT_FOUND when the model is not stored (nothing is written)
Groups       AtomicRedisModel.aupdate, BaseRedisType.asave: UPDATE
TTL          rule 1; keys the payload rewrote take the main key's remaining TTL (rule 4).
]]
--@include ttl
--@include collections
--@index
if redis.call('EXISTS', KEYS[1]) == 0 then return rapyer_fail('KEY_NOT_FOUND', KEYS[1]) end
local pttl = redis.call('PTTL', KEYS[1])
rapyer_apply_payload(4)
if not rapyer_refresh(false) and pttl > 0 then
  for i = 2, #KEYS do
    if redis.call('PTTL', KEYS[i]) == -1 then redis.call('PEXPIRE', KEYS[i], pttl) end
  end
end
return 1
