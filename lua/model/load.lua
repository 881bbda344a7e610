--[[ model/load: read a stored model, or some of its fields (aget, afind, aload, field aload).
KEYS[1]      the model's main hash
KEYS[2..n]   the model's collection keys
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)      (includes/ttl.lua)
ARGV[4]      '*' for every hash field, or a count N followed by N field paths (HMGET)
ARGV[..]     then one kind per collection key: list|hash|set|zset, or 'skip'
Reply        false when the model is not stored; else { hash, coll2, ..., colln } where hash is
             HGETALL's flat array (for '*') or HMGET's values, and each collection is its
             items (flat pairs for hash and zset; false for 'skip')
Errors       none (the caller decides whether a missing model is an error)
Groups       AtomicRedisModel.aload, BaseRedisType.aload: READ; AtomicRedisModel.aget,
             AtomicRedisModel.afind, AtomicRedisModel.afindOne, module.aget, module.afind,
             module.afindOne: READ|FETCH
TTL          rule 1 (rule 7: reads refresh when READ or FETCH meets the mask)
]]
--@include ttl
--@include collections
--@include load
local reply
if ARGV[4] == '*' then
  -- Redis deletes a hash when its last field goes: HGETALL is empty exactly when the model is
  -- not stored (no EXISTS needed; the collections it read are then empty too).
  reply = rapyer_load(4)
  if #reply[1] == 0 then return false end
else
  if redis.call('EXISTS', KEYS[1]) == 0 then return false end
  reply = rapyer_load(4)
end
rapyer_refresh(false)
return reply
