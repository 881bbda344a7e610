-- Shared by the collection scripts (lua/list, lua/dict, lua/set, lua/pq).
-- Convention: KEYS = every key of the model, KEYS[1] its main hash then its collection keys in
-- the model's order (so the TTL step reaches them all); ARGV[4] = the index in KEYS of the
-- collection key the operation works on. Operation arguments start at ARGV[5].
-- Needs includes/ttl.lua.

-- The key of the collection the operation works on.
local function rapyer_target()
  return KEYS[tonumber(ARGV[4])]
end

-- The TTL step after a write: rule 1 sets every key's TTL; otherwise rule 4: a target key that
-- has no TTL (the write (re)created it) takes the main key's remaining TTL.
local function rapyer_after_write(key)
  if not rapyer_refresh(false) and redis.call('PTTL', key) == -1 then rapyer_inherit(key) end
end

-- Runs `cmd key v[first] .. v[last]` in chunks that stay below Lua's stack limit (4000 is even,
-- so pairs never split across chunks when first..last holds pairs). Returns the last chunk's
-- reply (RPUSH: the list's length after it; nil when there was nothing to run) and the sum of
-- the replies (ZADD, SADD: the members added).
local function rapyer_push(cmd, key, v, first, last)
  local i = first
  local reply
  local total = 0
  while i <= last do
    local j = math.min(i + 3999, last)
    reply = redis.call(cmd, key, unpack(v, i, j))
    total = total + reply
    i = j + 1
  end
  return reply, total
end

-- A Python index against a length n: negative counts from the end. Returns nil when out of range.
local function rapyer_index(raw, n)
  local i = tonumber(raw)
  if i < 0 then i = i + n end
  if i < 0 or i >= n then return nil end
  return i
end

-- Python's slice bound against a length n: '' takes `fallback`; negative counts from the end;
-- then clamped to 0 .. n.
local function rapyer_slice_bound(raw, n, fallback)
  if raw == '' then return fallback end
  local i = tonumber(raw)
  if i < 0 then i = math.max(i + n, 0) end
  return math.min(i, n)
end

-- Marks an item for removal by LSET + LREM: never a stored item (those are JSON texts).
local RAPYER_GONE = '\0rapyer:removed\0'
