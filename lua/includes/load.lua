-- Reading a stored model, shared by model/load and model/get-or-create. Needs the collections
-- include before it. KEYS = every key of the model (main hash first).
-- ARGV[at] is '*' for every hash field (HGETALL), or a count N followed by N field paths (HMGET);
-- then one kind per collection key KEYS[2..n]: list|hash|set|zset, or 'skip'.
-- Returns { hash, coll2, ..., colln } (each collection its items, flat pairs for hash and zset;
-- false for 'skip'), and the index in ARGV after these arguments. The caller checks first that
-- the main key exists. It only reads.
local function rapyer_load(at)
  local reply = {}
  local kinds
  if ARGV[at] == '*' then
    reply[1] = redis.call('HGETALL', KEYS[1])
    kinds = at + 1
  else
    local n = tonumber(ARGV[at])
    if n > 0 then reply[1] = redis.call('HMGET', KEYS[1], unpack(ARGV, at + 1, at + n)) else reply[1] = {} end
    kinds = at + 1 + n
  end
  for k = 2, #KEYS do reply[k] = rapyer_read(KEYS[k], ARGV[kinds + k - 2]) end
  return reply, kinds + #KEYS - 1
end
