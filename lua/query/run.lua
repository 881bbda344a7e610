--[[ query/run: the models of some buckets that match a query (afind, afindOne, acount and
adeleteMany with `where`; README, Queries). The client sends one call per hash slot and merges.
KEYS         per bucket: its ~all, ~values, ~expiry keys and its F field indexes (3 + F keys)
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)      (includes/ttl.lua)
ARGV[4]      'find', 'count' or 'delete'
ARGV[5]      the plan, as JSON (src/query/plan.ts)
ARGV[6]      the orderBy field (from 1), or 0 for pk order; ARGV[7] '1' for descending
ARGV[8]      at most this many models per bucket (offset + maxResults), or -1 for all
ARGV[9]      how many of the merged matches to skip (the offset, when this is the query's only
             call; else 0 and the client skips them): the matches of every bucket are merged, and
             only those kept are read, refreshed or deleted
ARGV[10]     the indexed fields: path, kind, encoded default of each, joined by NUL (as the index tail)
ARGV[..]     C, then per collection field: path, kind (list|hash|set|zset|skip, as model/load)
Reply        find: per match, in order: pk, the stored text of the orderBy field (or ''), and the
             model as model/load replies for '*'; count: the number of matches; delete:
             { models deleted, keys deleted }
Errors       none
Groups       AtomicRedisModel.afindWhere, AtomicRedisModel.afindOneWhere: READ|FETCH;
             AtomicRedisModel.acountWhere: READ; AtomicRedisModel.adeleteWhere: DELETE
TTL          rule 1 for the models returned, and counted (acount is READ); their keys are made
             from the bucket's (README, Queries)
Expiry       each bucket first looks at up to 1000 models whose expiry time passed (index include)
]]
--@include ttl
--@include collections
--@include index
--@include query
local mode, plan = ARGV[4], cjson.decode(ARGV[5])
local orderF, desc, limit, skip = tonumber(ARGV[6]), ARGV[7] == '1', tonumber(ARGV[8]), tonumber(ARGV[9])
local fargs = { '0', ARGV[10] }
local c0 = 11
local colls = {}
for i = 1, tonumber(ARGV[c0]) do colls[i] = { path = ARGV[c0 + 2 * i - 1], kind = ARGV[c0 + 2 * i] } end
local refresh = rapyer_refreshes(false) -- rule 1, for the models it keeps (their keys are not KEYS)
local per = 3 + #rapyer_ix_split(ARGV[10]) / 3

-- The order of matches: by the orderBy value (null first ascending, last descending), then pk.
local function before(x, y)
  if orderF > 0 and x.v ~= y.v then
    if x.v == RAPYER_NULL then return not desc end
    if y.v == RAPYER_NULL then return desc end
    local c = rapyer_q_cmp(x.v, y.v)
    if c ~= 0 then return (c < 0) ~= desc end
  end
  return rapyer_q_cmp(x.pk, y.pk) < 0
end

-- The matches of one bucket: { pk, raw = the orderBy field's stored text, v = its value }, in order.
-- Entries of models found gone are removed after the walks (a removal would shift the ranks a
-- walk pages by).
local function walk_matches(b, fields, gone)
  local found, seen = {}, {}
  local function consider(pk)
    if seen[pk] then return false end
    seen[pk] = true
    local rec = redis.call('HGET', b.vals, pk)
    if not rec then return false end
    if redis.call('EXISTS', rapyer_ix_main(b, pk)) == 0 then
      gone[pk] = rec
      return false
    end
    local raws, cache = rapyer_ix_record(rec), {}
    local get = function(f)
      if cache[f] == nil then cache[f] = rapyer_q_value(fields[f].kind, raws[fields[f].path]) or false end
      return cache[f] or nil
    end
    if not rapyer_q_test(plan, get) then return false end
    local m = { pk = pk, raw = '' }
    if orderF > 0 then m.raw = raws[fields[orderF].path] or 'null'; m.v = get(orderF) or RAPYER_NULL end
    found[#found + 1] = m
    return limit >= 0 and #found >= limit
  end
  local sources = rapyer_q_sources(plan, fields, b.all) or rapyer_q_sources({ t = 'all' }, fields, b.all)
  local one = #sources == 1 and sources[1] or nil
  -- one range already in the wanted order: walk it and stop at the limit
  if one and ((orderF == 0 and one.eq and not desc) or (orderF > 0 and one.f == orderF)) then
    rapyer_q_walk(one, desc, consider)
    return found
  end
  if one and orderF > 0 and limit >= 0 and one.n > 2000 then
    local lex = fields[orderF].kind == 's'
    rapyer_q_walk(rapyer_q_measure({ key = fields[orderF].key, lex = lex, lo = lex and '-' or '-inf', hi = lex and '+' or '+inf', f = orderF }), desc, consider)
    return found
  end
  local saved = limit
  limit = -1
  for _, r in ipairs(sources) do rapyer_q_walk(r, false, consider) end
  limit = saved
  table.sort(found, before)
  if limit >= 0 then for i = #found, limit + 1, -1 do found[i] = nil end end
  return found
end

local function matches(b, fields)
  local gone = {}
  local found = walk_matches(b, fields, gone)
  for pk, rec in pairs(gone) do rapyer_ix_drop(b, fields, pk, rec) end
  return found
end

local picked = {}
for first = 1, #KEYS, per do
  local b, fields = rapyer_ix_open({ keys = { unpack(KEYS, first, first + per - 1) }, args = fargs })
  rapyer_ix_sweep(b, fields, 1000)
  for _, m in ipairs(matches(b, fields)) do
    m.b, m.fields = b, fields
    picked[#picked + 1] = m
  end
end
if #KEYS > per then table.sort(picked, before) end
local last = limit >= 0 and math.min(limit, #picked) or #picked

local out, models, keys = {}, 0, 0
for i = skip + 1, last do
  local m = picked[i]
  local b = m.b
  local main = rapyer_ix_main(b, m.pk)
  if mode == 'delete' then
    local rec = redis.call('HGET', b.vals, m.pk)
    keys = keys + redis.call('DEL', main)
    for _, c in ipairs(colls) do keys = keys + redis.call('DEL', rapyer_ix_coll(main, c.path)) end
    rapyer_ix_drop(b, m.fields, m.pk, rec)
  else
    if mode == 'find' then
      local one = { redis.call('HGETALL', main) }
      for j, c in ipairs(colls) do one[j + 1] = rapyer_read(rapyer_ix_coll(main, c.path), c.kind) end
      out[#out + 1] = m.pk
      out[#out + 1] = m.raw
      out[#out + 1] = one
    end
    if refresh then
      redis.call('PEXPIRE', main, ARGV[3])
      for _, c in ipairs(colls) do redis.call('PEXPIRE', rapyer_ix_coll(main, c.path), ARGV[3]) end
      redis.call('ZADD', b.exp, redis.call('PEXPIRETIME', main), m.pk)
    end
  end
  models = models + 1
end
if mode == 'count' then return models end
if mode == 'delete' then return { models, keys } end
return out
