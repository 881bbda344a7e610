--[[ pipeline/batch: apply the queued operations of one hash slot, all or nothing, then read back
what they touched (README, Pipelines).
Each operation runs the same Lua code as its own script (the build puts here, once, the includes
of every operation that can queue, then each such script as OPS[name], a function reading the
KEYS and ARGV upvalues that the batch fills before calling it), one after the other.
All or nothing without copying the data: every write command of an operation goes through an
undo log first (the `redis` seen by the operations wraps redis.call / redis.pcall): HSET, HINCRBY
and HINCRBYFLOAT save the old values of the fields they write, RPUSH the list's length, PEXPIRE
and PERSIST the key's PTTL, and any other write the whole key (DUMP + PTTL), each the first time
only; a key that did not exist is deleted on rollback. A key no operation writes is never copied.
When an operation fails, the log is replayed backwards and the error names the operation.
A PEXPIRE of a key to the TTL this batch already gave it (and that no write took away since) is
not sent again: one refresh per key and TTL, however many operations refresh it.
KEYS         every key the operations touch (one hash slot)
ARGV[1]      N, the number of operations; ARGV[2] R, the number of models to read back; then for
             each operation: script name, k, k indexes into KEYS (its KEYS in order), a,
             its a ARGV; then for each model read back: k, k indexes into KEYS (its main hash,
             then its collection keys), then what model/load reads from ARGV[4] on ('*' or a
             count and that many field paths, then one kind per collection key, or 'skip')
Reply        { read 1, ..., read R }, each as model/load replies (false when the model is not stored)
Errors       the failing operation's error, e.g. 'RAPYER_ZERO_DIVISION <detail> [operation 3]' (the
             client adds the operation's label);
             a Redis error inside an operation becomes 'RAPYER_REDIS <message> [...]'
Groups       the union of the queued operations' groups; each operation runs its own TTL step
]]
local BKEYS, BARGV = KEYS, ARGV
local KEYSET = {}
for i = 1, #BKEYS do KEYSET[BKEYS[i]] = true end

-- The undo log: { 1, key, dump, pttl } restore | { 2, key } delete | { 3, key, fields, olds }
-- hash fields | { 4, key, pttl } TTL | { 5, key, length } trim a list back | { 6, key, member,
-- score or false } one member of a sorted set (the index updates: lua/includes/index.lua).
local undo = {}
local whole = {}   -- key -> true: an entry restores the whole key; nothing more to log for it
local fields = {}  -- key -> { field -> true }: fields whose old value is logged
local pushed = {}  -- key -> true: the list's length before its first RPUSH is logged
local ttlsaved = {} -- key -> true: its PTTL is logged
local ttlset = {}  -- key -> ms: this batch set that TTL, and no write took it away since

local READS = {
  EXISTS = true, HGET = true, HMGET = true, HGETALL = true, HLEN = true, HEXISTS = true, HSCAN = true,
  LRANGE = true, LLEN = true, LINDEX = true, SMEMBERS = true, SISMEMBER = true, SCARD = true,
  ZRANGE = true, ZCARD = true, ZSCORE = true, PTTL = true, TTL = true, TYPE = true, GET = true, DUMP = true,
  PEXPIRETIME = true, ZRANGEBYSCORE = true,
}
local HASH_WRITES = { HSET = true, HINCRBY = true, HINCRBYFLOAT = true, HDEL = true }

local function whole_entry(key)
  local dump = redis.call('DUMP', key)
  if dump then return { 1, key, dump, redis.call('PTTL', key) } end
  return { 2, key }
end

-- The undo entries a write needs (nil when none), computed before it runs; logged after it
-- succeeds (a refused write, e.g. for memory, changed nothing).
local function entries_for(cmd, a)
  local key = a[1]
  if HASH_WRITES[cmd] then
    if whole[key] then return nil end
    local known = fields[key]
    if not known then
      if redis.call('EXISTS', key) == 0 then return { { 2, key } } end
      known = {}
      fields[key] = known
    end
    local names = {}
    local step = cmd == 'HSET' and 2 or #a -- (HDEL: of one field)
    for i = 2, #a, step do
      if not known[a[i]] then names[#names + 1] = a[i] end
    end
    if #names == 0 then return nil end
    local olds = redis.pcall('HMGET', key, unpack(names))
    if olds.err then return nil end -- the write meets the same error
    -- HDEL of the last field deletes the key, and its TTL: the TTL is logged first, so that the
    -- rollback (backwards) puts the fields back, then the TTL
    if cmd == 'HDEL' and not ttlsaved[key] then return { { 4, key, redis.call('PTTL', key) }, { 3, key, names, olds } } end
    return { { 3, key, names, olds } }
  elseif cmd == 'RPUSH' then
    if whole[key] or pushed[key] then return nil end
    local n = redis.pcall('LLEN', key)
    if type(n) ~= 'number' then return nil end
    if n == 0 then return { { 2, key } } end
    return { { 5, key, n } }
  elseif (cmd == 'ZADD' and #a == 3) or (cmd == 'ZREM' and #a == 2) then
    if whole[key] then return nil end
    local member = a[#a]
    local entry = { 6, key, member, redis.call('ZSCORE', key, member) }
    -- a ZREM of the last member deletes the key and its TTL (as HDEL above)
    if cmd == 'ZREM' and not ttlsaved[key] then return { { 4, key, redis.call('PTTL', key) }, entry } end
    return { entry }
  elseif cmd == 'PEXPIRE' or cmd == 'PERSIST' then
    if whole[key] or ttlsaved[key] then return nil end
    return { { 4, key, redis.call('PTTL', key) } }
  end
  local out = nil
  for i = 1, #a do
    local k = a[i]
    if KEYSET[k] and not whole[k] then
      out = out or {}
      out[#out + 1] = whole_entry(k)
      whole[k] = true -- a key given twice is saved once (unset below if the write fails)
    end
  end
  if out then for _, e in ipairs(out) do whole[e[2]] = nil end end
  return out
end

local function log(cmd, a, entries, reply)
  if entries then
    for _, e in ipairs(entries) do
      undo[#undo + 1] = e
      local kind, key = e[1], e[2]
      if kind == 1 or kind == 2 then whole[key] = true
      elseif kind == 3 then for _, f in ipairs(e[3]) do fields[key][f] = true end
      elseif kind == 4 then ttlsaved[key] = true
      elseif kind == 5 then pushed[key] = true end
    end
  end
  if cmd == 'PEXPIRE' then
    ttlset[a[1]] = reply == 1 and tonumber(a[2]) or nil
  elseif cmd == 'HDEL' or not (HASH_WRITES[cmd] or cmd == 'RPUSH' or cmd == 'ZADD') then
    -- (an HDEL or ZREM of the last item deletes the key, and its TTL)
    for i = 1, #a do ttlset[a[i]] = nil end
  end
end

-- The hash cache: HGET, EXISTS (of one key) and HSET (of one field, on a hash known to exist
-- and whose field was read) are answered from what this batch read and wrote, and the writes
-- are held back until another command reaches the key, or the operations end: the same end
-- state with fewer commands (the scalar operations on one model cost one HGET per field and one
-- HSET per model, instead of an EXISTS, an HGET and an HSET each).
local exists = {}  -- key -> EXISTS reply
local hcache = {}  -- key -> { field -> value, or false when not stored }
local held = {}    -- key -> { field -> its stored value before the held writes (or false) }
local heldby = {}  -- key -> the number of the last operation that held a write to it
local current = 0  -- the number of the operation running

-- Writes the held fields of a key in one HSET, its undo entry logged. Returns an error reply
-- table, with .op the operation that held the write, or nil.
local function flush(key)
  local h = held[key]
  if not h then return nil end
  held[key] = nil
  local c = hcache[key]
  local args, names, olds = {}, {}, {}
  local known = fields[key]
  for f, old in pairs(h) do
    args[#args + 1] = f
    args[#args + 1] = c[f]
    if not whole[key] and not (known and known[f]) then names[#names + 1] = f; olds[#olds + 1] = old end
  end
  local r = redis.pcall('HSET', key, unpack(args))
  if type(r) == 'table' and r.err then
    hcache[key] = nil
    return { err = r.err, op = heldby[key] }
  end
  if #names > 0 then
    known = known or {}
    fields[key] = known
    for _, f in ipairs(names) do known[f] = true end
    undo[#undo + 1] = { 3, key, names, olds }
  end
  return nil
end

local function flush_all()
  for key in pairs(held) do
    local e = flush(key)
    if e then return e end
  end
  return nil
end

local function fail(raise, e)
  if raise then error(e) end
  return e
end

-- A command of an operation: from the hash cache when it can be, else sent, with the undo
-- entries of a write logged; `raise` as redis.call, else as redis.pcall.
local function shadow(raise, cmd, key, ...)
  if cmd == 'TIME' then return redis.call('TIME') end
  local nargs = select('#', ...)
  if cmd == 'PEXPIRE' and nargs == 1 and ttlset[key] == tonumber((...)) then
    return 1
  elseif cmd == 'HGET' and nargs == 1 then
    local f = ...
    local c = hcache[key]
    local v = c and c[f]
    if v ~= nil then return v end
    v = redis.pcall('HGET', key, f)
    if type(v) == 'table' then return fail(raise, v) end
    if not c then c = {}; hcache[key] = c end
    c[f] = v
    return v
  elseif cmd == 'EXISTS' and nargs == 0 then
    local e = exists[key]
    if e then return e end
    e = redis.call('EXISTS', key)
    exists[key] = e
    return e
  elseif cmd == 'HSET' and nargs == 2 and exists[key] == 1 then
    local f, v = ...
    local c = hcache[key]
    local old = c and c[f]
    if old ~= nil and type(v) == 'string' then
      local h = held[key]
      if not h then h = {}; held[key] = h end
      if h[f] == nil then h[f] = old end
      c[f] = v
      heldby[key] = current
      return old == false and 1 or 0
    end
  end
  local a = { key, ... }
  local reads = READS[cmd]
  -- (a PEXPIRE too: Redis refuses a script's first write above maxmemory, and a held HSET must
  -- stay the first write, as in the operation's own script)
  if not (cmd == 'PTTL' or cmd == 'TTL') then
    for i = 1, #a do
      if held[a[i]] then
        local e = flush(a[i])
        if e then return fail(raise, e) end
      end
    end
  end
  if reads then
    if raise then return redis.call(cmd, key, unpack(a, 2)) end
    return redis.pcall(cmd, key, unpack(a, 2))
  end
  local entries = entries_for(cmd, a)
  local reply = redis.pcall(cmd, key, unpack(a, 2))
  if cmd ~= 'PEXPIRE' and cmd ~= 'PERSIST' then
    for i = 1, #a do hcache[a[i]] = nil; exists[a[i]] = nil end
  end
  if type(reply) == 'table' and reply.err then return fail(raise, reply) end
  log(cmd, a, entries, reply)
  return reply
end

local function rollback()
  for i = #undo, 1, -1 do
    local e = undo[i]
    local kind, key = e[1], e[2]
    if kind == 1 then
      redis.pcall('DEL', key)
      redis.pcall('RESTORE', key, e[4] > 0 and e[4] or 0, e[3])
    elseif kind == 2 then
      redis.pcall('DEL', key)
    elseif kind == 3 then
      local set, gone = {}, {}
      for j, f in ipairs(e[3]) do
        local old = e[4][j]
        if old then set[#set + 1] = f; set[#set + 1] = old else gone[#gone + 1] = f end
      end
      if #set > 0 then redis.pcall('HSET', key, unpack(set)) end
      if #gone > 0 then redis.pcall('HDEL', key, unpack(gone)) end
    elseif kind == 4 then
      if e[3] > 0 then redis.pcall('PEXPIRE', key, e[3])
      elseif e[3] == -1 then redis.pcall('PERSIST', key) end
    elseif kind == 5 then
      redis.pcall('LTRIM', key, 0, e[3] - 1)
    elseif e[4] then
      redis.pcall('ZADD', key, e[4], e[3])
    else
      redis.pcall('ZREM', key, e[3])
    end
  end
end

local real = redis
local redis = setmetatable({
  call = function(cmd, ...) return shadow(true, cmd, ...) end,
  pcall = function(cmd, ...) return shadow(false, cmd, ...) end,
}, { __index = real })

-- The KEYS and ARGV of the operation being run (filled again for each).
local KEYS, ARGV = {}, {}
--@ops

local function fill(t, n, from, src)
  local old = #t
  for i = 1, n do t[i] = src[from + i] end
  for i = n + 1, old do t[i] = nil end
end

local at = 3
local count = tonumber(BARGV[1])
for n = 1, count do
  local name, k = BARGV[at], tonumber(BARGV[at + 1])
  local oldk = #KEYS
  for i = 1, k do KEYS[i] = BKEYS[tonumber(BARGV[at + 1 + i])] end
  for i = k + 1, oldk do KEYS[i] = nil end
  at = at + 2 + k
  local a = tonumber(BARGV[at])
  fill(ARGV, a, at, BARGV)
  at = at + 1 + a
  current = n
  local ok, r = pcall(run_op, name)
  local err = (not ok) and r or (type(r) == 'table' and r.err)
  if not err and n == count then
    local e = flush_all()
    if e then err = e; n = e.op end
  end
  if err then
    if type(err) == 'table' and err.op then n = err.op end
    rollback()
    if type(err) == 'table' then err = err.err or tostring(err) end
    err = tostring(err)
    if string.sub(err, 1, 7) ~= 'RAPYER_' then err = 'RAPYER_REDIS ' .. err end
    return real.error_reply(err .. ' [operation ' .. n .. ']')
  end
end

-- Read back each model (model/load's reading, without its TTL step).
local reads = {}
for r = 1, tonumber(BARGV[2]) do
  local k = tonumber(BARGV[at])
  local main = BKEYS[tonumber(BARGV[at + 1])]
  local first = at + 1
  at = at + 1 + k
  if real.call('EXISTS', main) == 0 then
    reads[r] = false
    if BARGV[at] == '*' then at = at + 1 else at = at + 1 + tonumber(BARGV[at]) end
    at = at + k - 1
  else
    local one = {}
    if BARGV[at] == '*' then
      one[1] = real.call('HGETALL', main)
      at = at + 1
    else
      local m = tonumber(BARGV[at])
      if m > 0 then one[1] = real.call('HMGET', main, unpack(BARGV, at + 1, at + m)) else one[1] = {} end
      at = at + 1 + m
    end
    for c = 2, k do
      one[c] = rapyer_read(BKEYS[tonumber(BARGV[first + c - 1])], BARGV[at])
      at = at + 1
    end
    reads[r] = one
  end
end
return reads
