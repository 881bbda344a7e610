--[[ pipeline/scalars: a pipeline batch whose operations are all numeric field operations (int/op,
float/op, int/incr, float/incr), in one short script (README, Pipelines). The client sends it
instead of pipeline/batch when it can; each operation keeps its own script's semantics: the same
checks, errors and arithmetic (includes/numbers.lua), its own TTL step.
All or nothing without an undo log: every operation is checked and computed first, on the
values read once per model (one HMGET of the fields the batch touches, EXISTS only when none is
stored), and nothing is written unless every one succeeds; then one HSET per model writes the
final value of each field, formatted as its script formats it (an integer with %d, a float as
its shortest exact decimal: an intermediate value read back as the next operation's input is the
same number, so only the last is formatted), and each key a refreshing operation asked for gets
one PEXPIRE (a later PEXPIRE of a key to the same TTL in the same script changes nothing).
KEYS         the keys of each model in turn (main hash first, then its collection keys)
ARGV[1]      M, the number of models; then for each model: k (its next k KEYS), refreshTtl mask,
             TTL ms ('' = none)
then         F, the number of fields; then for each field: its model (1..M), 'int' | 'float', its
             path, its encoded default, the largest magnitude allowed ('' = 2^53-1; ints only)
last         the operations, one per line: `field op operand groups`, where op is add | sub | mul |
             truediv | floordiv | mod | pow (int/op, float/op) or incr (int/incr, float/incr)
Reply        { value of field 1, ..., value of field F }: what is stored after the batch
Errors       the failing operation's error, as its own script words it, then ' [operation n]'
             (the client adds the operation's label); a Redis error is 'RAPYER_REDIS <message> [...]'
Groups       each operation's own (its TTL step)
]]
--@include numbers
local function fail(n, code, detail)
  return redis.error_reply('RAPYER_' .. code .. ' ' .. detail .. ' [operation ' .. n .. ']')
end

-- A Redis error met by an operation, as pipeline/batch words it.
local function redis_fail(err, n)
  if string.sub(err, 1, 7) ~= 'RAPYER_' then err = 'RAPYER_REDIS ' .. err end
  return redis.error_reply(err .. ' [operation ' .. n .. ']')
end

local spec = cjson.decode(ARGV[1])
local M, F, O = spec[1], spec[2], spec[3]
local mfirst, mk, mmask, mttl = {}, {}, {}, {}
local kbase = 0
for m = 1, #M / 3 do
  local k = M[3 * m - 2]
  mfirst[m], mk[m], mmask[m], mttl[m] = kbase + 1, k, M[3 * m - 1], M[3 * m]
  kbase = kbase + k
end
local nf = #F / 5
local fmodel, fint, fpath, fdef, flimit = {}, {}, {}, {}, {}
local mfields = {} -- model -> its fields, in order
for f = 1, nf do
  local i = 5 * f - 4
  local m = F[i]
  fmodel[f], fint[f], fpath[f], fdef[f], flimit[f] = m, F[i + 1] == 1, F[i + 2], F[i + 3], tonumber(F[i + 4])
  local list = mfields[m]
  if not list then list = {}; mfields[m] = list end
  list[#list + 1] = f
end

local function format(f, x)
  if fint[f] then return string.format('%d', x) end
  return rapyer_float(x)
end

local raw = {}      -- field -> its stored text (or the default), until an operation writes it
local val = {}      -- field -> its value after the operations so far
local loaded = {}   -- model -> the number of the operation that read it first
local refresh = {}  -- model -> true: an operation's TTL step refreshes its keys

-- The first operation on a model reads every field the batch touches of it.
local function load(m, n)
  local key = KEYS[mfirst[m]]
  local list = mfields[m]
  local names = {}
  for i, f in ipairs(list) do names[i] = fpath[f] end
  local r = redis.pcall('HMGET', key, unpack(names))
  if r.err then return redis_fail(r.err, n) end
  local any = false
  for i, f in ipairs(list) do
    if r[i] then any = true end
    raw[f] = r[i] or fdef[f]
  end
  if not any and redis.call('EXISTS', key) == 0 then return fail(n, 'KEY_NOT_FOUND', key) end
  loaded[m] = n
  return nil
end

-- One operation on field f: its script's checks and arithmetic. Returns an error reply or nil.
local function apply(n, f, op, operand)
  local key = KEYS[mfirst[fmodel[f]]]
  local a = val[f]
  if a == nil then
    local text = raw[f]
    if text == 'null' then return fail(n, 'VALIDATION', key .. ' ' .. fpath[f] .. ' is null') end
    a = tonumber(text)
    if fint[f] then
      if a == nil or a ~= math.floor(a) then return fail(n, 'CORRUPTED', key .. ' ' .. fpath[f] .. ' ' .. text) end
    elseif a == nil or a ~= a or a == math.huge or a == -math.huge then
      return fail(n, 'CORRUPTED', key .. ' ' .. fpath[f] .. ' ' .. text)
    end
  end
  local b = tonumber(operand)
  local new, err
  if fint[f] then
    new, err = rapyer_int_op(a, op == 'incr' and 'add' or op, b, op ~= 'incr' and flimit[f] or nil)
    if new == 0 then new = 0 end -- no -0: '%d' writes it as 0, which reads back as 0
  else
    new, err = rapyer_float_op(a, op == 'incr' and 'add' or op, b)
  end
  if err then
    local text = val[f] ~= nil and format(f, val[f]) or raw[f]
    local how = op == 'incr' and ('+ ' .. operand) or (op .. ' ' .. operand)
    return fail(n, err, key .. ' ' .. fpath[f] .. ' ' .. text .. ' ' .. how)
  end
  val[f] = new
  return nil
end

for n = 1, #O / 4 do
  local i = 4 * n - 4
  local f, op, operand, groups = O[i + 1], O[i + 2], O[i + 3], O[i + 4]
  local m = fmodel[f]
  if not loaded[m] then
    local e = load(m, n)
    if e then return e end
  end
  local e = apply(n, f, op, operand)
  if e then return e end
  if mttl[m] ~= '' and bit.band(groups, mmask[m]) ~= 0 then refresh[m] = true end
end

-- Every operation succeeded: write. The first write is the one Redis may refuse (maxmemory),
-- and then nothing was written: the error names the first operation on that model.
local out = {}
for f = 1, nf do out[f] = format(f, val[f]) end
for m = 1, #mk do
  local list = mfields[m]
  if list then
    local args = {}
    for _, f in ipairs(list) do
      args[#args + 1] = fpath[f]
      args[#args + 1] = out[f]
    end
    local r = redis.pcall('HSET', KEYS[mfirst[m]], unpack(args))
    if type(r) == 'table' and r.err then return redis_fail(r.err, loaded[m]) end
  end
end
for m = 1, #mk do
  if refresh[m] then
    for i = mfirst[m], mfirst[m] + mk[m] - 1 do redis.call('PEXPIRE', KEYS[i], mttl[m]) end
  end
end
return out
