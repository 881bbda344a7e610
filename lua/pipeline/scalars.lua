--[[ pipeline/scalars: a pipeline batch whose operations are all numeric field operations (int/op,
float/op, int/incr, float/incr), in one short script (README, Pipelines). The client sends it
first when it can; it applies the batch only when every operation succeeds, and otherwise writes
nothing and replies nil, and the client then sends the batch as pipeline/batch, which fails it
with the failing operation's own error (nothing was written, so the batch runs once).
Each operation keeps its script's arithmetic (includes/numbers.lua), checks and TTL step. Fields
do not affect one another, so each field's operations run in their queue order, as runs of equal
operations (`x.iadd(1)` five times: one run of five), from the value read once per model (one
HMGET; EXISTS only when none of its fields is stored). Only the last value of a field is
formatted, as its script formats it (an integer with %d, a float as its shortest exact decimal):
an intermediate value, formatted and read back by the next operation, would be the same number.
Then one HSET per model, and one PEXPIRE per key of a model whose operations refresh its TTL (a
second PEXPIRE of a key to the same TTL in one script would change nothing).
KEYS         the keys of each model in turn (main hash first, then its collection keys)
ARGV[1]      JSON: [ models, fields ], flat arrays:
             models: for each model: k (its next k KEYS), refreshTtl mask, TTL ms ('' = none), f
             (its next f fields)
             fields: for each field: 1 (int) | 0 (float), path, encoded default, the largest
             magnitude allowed ('' = 2^53-1; int/op only), r, then r runs: op, operand, groups,
             count; op is add | sub | mul | truediv | floordiv | mod | pow (int/op, float/op) or
             incr (int/incr, float/incr)
Reply        { value of field 1, ..., value of field F }: what is stored after the batch; nil when
             an operation would fail (nothing written)
Errors       none of its own: when its first write is refused (maxmemory), nothing was written
             and it replies nil too
Groups       each operation's own (its TTL step)
]]
--@include numbers
local spec = cjson.decode(ARGV[1])
local M, F = spec[1], spec[2]
local out = {}
local at = 1          -- the next field in F
local kbase = 0       -- KEYS before this model's
local firsts = {}     -- model -> the index in KEYS of its main hash
local writes = {}     -- model -> HSET arguments
local refresh = {}    -- model -> true: its keys get its TTL
for m = 1, #M / 4 do
  local k, mask, ttl, nf = M[4 * m - 3], M[4 * m - 2], M[4 * m - 1], M[4 * m]
  local key = KEYS[kbase + 1]
  local names, starts = {}, {}
  for i = 1, nf do
    names[i], starts[i] = F[at + 1], at
    at = at + 5 + 4 * F[at + 4]
  end
  local stored = redis.pcall('HMGET', key, unpack(names))
  if stored.err then return false end
  local any = false
  for i = 1, nf do if stored[i] then any = true end end
  if not any and redis.call('EXISTS', key) == 0 then return false end
  local hset = {}
  for i = 1, nf do
    local q = starts[i]
    local int, limit = F[q] == 1, tonumber(F[q + 3])
    local text = stored[i] or F[q + 2]
    if text == 'null' then return false end
    local a = tonumber(text)
    if int then
      if a == nil or a ~= math.floor(a) then return false end
    elseif a == nil or a ~= a or a == math.huge or a == -math.huge then
      return false
    end
    q = q + 5
    for _ = 1, F[q - 1] do
      local op, b, groups = F[q], tonumber(F[q + 1]), F[q + 2]
      local lim = limit
      if op == 'incr' then op, lim = 'add', nil end
      local err
      for _ = 1, F[q + 3] do
        if int then a, err = rapyer_int_op(a, op, b, lim) else a, err = rapyer_float_op(a, op, b) end
        if err then return false end
      end
      if ttl ~= '' and bit.band(groups, mask) ~= 0 then refresh[m] = true end
      q = q + 4
    end
    local v = int and string.format('%d', a) or rapyer_float(a)
    out[#out + 1] = v
    hset[2 * i - 1], hset[2 * i] = names[i], v
  end
  firsts[m], writes[m] = kbase + 1, hset
  kbase = kbase + k
end
-- Every operation succeeds: write (the first write is the one Redis may refuse, for memory).
for m = 1, #M / 4 do
  local r = redis.pcall('HSET', KEYS[firsts[m]], unpack(writes[m]))
  if type(r) == 'table' and r.err then
    if m == 1 then return false end -- refused before anything was written: pipeline/batch says why
    return r
  end
end
for m = 1, #M / 4 do
  if refresh[m] then
    local first = firsts[m]
    for i = first, first + M[4 * m - 3] - 1 do redis.call('PEXPIRE', KEYS[i], M[4 * m - 1]) end
  end
end
return out
