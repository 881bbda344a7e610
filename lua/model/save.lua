--[[ model/save: write the whole model (asave, ainsert).
KEYS[1]      the model's main hash
KEYS[2..n]   the model's collection keys
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)      (includes/ttl.lua)
ARGV[4..]    the write payload                              (includes/collections.lua)
Reply        1 when the model was created, 0 when it existed
Errors       none
Groups       AtomicRedisModel.asave: CREATE|UPDATE; AtomicRedisModel.ainsert, module.ainsert: CREATE
TTL          rule 1 (groups meet the mask), rule 2 (created), rule 3 (otherwise the remaining
             TTL of the main key is kept, on every key).
]]
--@include ttl
--@include collections
local pttl = redis.call('PTTL', KEYS[1])          -- -2: no such key, the model is created
local created = pttl == -2
-- Overwrite in place; the hash must end up holding exactly the payload's N fields. Before HLEN
-- fields, plus the ones HSET added, more than N means fields of an older shape remain: rewrite.
-- (A key of another type is replaced.)
local before = 0
if not created then
  before = redis.pcall('HLEN', KEYS[1])
  if type(before) ~= 'number' then redis.call('DEL', KEYS[1]); before = 0 end
end
if before + rapyer_apply_payload(4) > tonumber(ARGV[4]) then
  redis.call('DEL', KEYS[1])
  rapyer_apply_payload(4)
end
if not rapyer_refresh(created) and pttl > 0 then
  for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], pttl) end
end
return created and 1 or 0
