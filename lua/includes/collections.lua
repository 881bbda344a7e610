-- Reading and writing the model's collection keys (KEYS[2..n]).
-- A collection is described by a kind: 'list' (list), 'hash' (dict), 'set' (set),
-- 'zset' (priority queue), or 'skip' / 'keep' (leave this key alone).

-- The stored items of one collection key, as a flat array (hash and zset: pairs).
local function rapyer_read(key, kind)
  if kind == 'list' then return redis.call('LRANGE', key, 0, -1) end
  if kind == 'hash' then return redis.call('HGETALL', key) end
  if kind == 'set' then return redis.call('SMEMBERS', key) end
  if kind == 'zset' then return redis.call('ZRANGE', key, 0, -1, 'WITHSCORES') end
  return false
end

-- Replaces one collection key with ARGV[first .. first+count-1] (pairs for hash and zset:
-- member then score for zset). Writes in chunks to stay below Lua's stack limit.
local function rapyer_write(key, kind, first, count)
  redis.call('DEL', key)
  local step = 4000
  local i = first
  local last = first + count - 1
  while i <= last do
    local j = math.min(i + step - 1, last)
    if kind == 'list' then redis.call('RPUSH', key, unpack(ARGV, i, j))
    elseif kind == 'hash' then redis.call('HSET', key, unpack(ARGV, i, j))
    elseif kind == 'set' then redis.call('SADD', key, unpack(ARGV, i, j))
    elseif kind == 'zset' then
      local args = {}
      for k = i, j, 2 do args[#args + 1] = ARGV[k + 1]; args[#args + 1] = ARGV[k] end
      redis.call('ZADD', key, unpack(args))
    end
    i = j + 1
  end
end

-- Applies a write payload starting at ARGV[at]:
--   N, then N hash field/value pairs for KEYS[1],
--   then for each collection key KEYS[2..n]: kind, count, then count values.
-- 'keep' leaves the key as it is. Returns the number of hash fields the write added to
-- KEYS[1] (HSET's count); callers check preconditions first.
local function rapyer_apply_payload(at)
  local n = tonumber(ARGV[at])
  local i = at + 1
  local last = i + 2 * n - 1
  local added = 0
  while i <= last do
    local j = math.min(i + 3999, last)
    added = added + redis.call('HSET', KEYS[1], unpack(ARGV, i, j))
    i = j + 1
  end
  for k = 2, #KEYS do
    local kind = ARGV[i]
    local count = tonumber(ARGV[i + 1])
    if kind ~= 'keep' then rapyer_write(KEYS[k], kind, i + 2, count) end
    i = i + 2 + count
  end
  return added
end
