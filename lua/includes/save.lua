-- The whole-model write (asave), shared by model/save and lock/save. Needs the ttl and
-- collections includes before it. KEYS = every key of the model (main hash first) and nothing
-- else: the TTL step sets the TTL of every KEY. ARGV[1..3] as in includes/ttl.lua; the write
-- payload starts at ARGV[at] (includes/collections.lua).
-- Returns 1 when the model was created, 0 when it existed. It writes: check preconditions first.
local function rapyer_save(at)
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
  if before + rapyer_apply_payload(at) > tonumber(ARGV[at]) then
    redis.call('DEL', KEYS[1])
    rapyer_apply_payload(at)
  end
  if not rapyer_refresh(created) and pttl > 0 then
    for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], pttl) end
  end
  return created and 1 or 0
end
