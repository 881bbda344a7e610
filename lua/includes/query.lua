-- Reading a bucket's indexes for a query (README, Queries). Needs the index include before it.
-- A plan (src/query/plan.ts) is a tree of { t = 'all' | 'and' | 'or' | 'not' | 'eq' | 'null' |
-- 'range' | 'prefix', c = children, f = field (from 1), v / gt / gx / lt / lx = values }.

local RAPYER_NULL = {}

-- A stored text as the plan compares it: a number (int, float, datetime; bool as 1 or 0), a
-- string (str: the value; enum: the stored text), RAPYER_NULL, or nil when it is not a value.
local function rapyer_q_value(kind, raw)
  if raw == nil then return nil end
  if raw == 'null' then return RAPYER_NULL end
  if kind == 'n' then return tonumber(raw) end
  if kind == 'b' then
    if raw == 'true' then return 1 elseif raw == 'false' then return 0 end
    return nil
  end
  if kind == 's' then
    local ok, d = pcall(cjson.decode, raw)
    if ok and type(d) == 'string' then return d end
    return nil
  end
  return raw
end

-- -1, 0 or 1: numbers by value, strings by bytes (never by the server's locale).
local function rapyer_q_cmp(a, b)
  if type(a) == 'number' then return a < b and -1 or (a > b and 1 or 0) end
  if a == b then return 0 end
  for i = 1, math.min(#a, #b) do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y and -1 or 1 end
  end
  return #a < #b and -1 or 1
end

-- Whether the values `get(f)` gives match the plan node.
local function rapyer_q_test(node, get)
  local t = node.t
  if t == 'all' then return true end
  if t == 'and' then
    for _, c in ipairs(node.c) do if not rapyer_q_test(c, get) then return false end end
    return true
  end
  if t == 'or' then
    for _, c in ipairs(node.c) do if rapyer_q_test(c, get) then return true end end
    return false
  end
  if t == 'not' then return not rapyer_q_test(node.c, get) end
  local v = get(node.f)
  if t == 'null' then return v == RAPYER_NULL end
  if v == nil or v == RAPYER_NULL then return false end
  if t == 'eq' then return type(v) == type(node.v) and v == node.v end
  if type(v) ~= 'string' and t == 'prefix' then return false end
  if t == 'prefix' then return string.sub(v, 1, #node.v) == node.v end
  local bound = node.gt
  if bound == nil then bound = node.lt end
  if type(v) ~= type(bound) then return false end
  if node.gt ~= nil then
    local c = rapyer_q_cmp(v, node.gt)
    if c < 0 or (c == 0 and node.gx) then return false end
  end
  if node.lt ~= nil then
    local c = rapyer_q_cmp(v, node.lt)
    if c > 0 or (c == 0 and node.lx) then return false end
  end
  return true
end

local function rapyer_q_num(x) return string.format('%.17g', x) end
local function rapyer_q_esc(v) return (string.gsub(v, '%z', '\0\1')) end

-- The part of an index a leaf reads: { key, lex = true for str and enum, lo, hi } in the bound
-- syntax of ZCOUNT (numbers) or ZLEXCOUNT (members, lua/includes/index.lua), or nil.
local function rapyer_q_range(node, fields)
  local t = node.t
  if t ~= 'eq' and t ~= 'null' and t ~= 'range' and t ~= 'prefix' then return nil end
  local fd = fields[node.f]
  local r = { key = fd.key, f = node.f, eq = t == 'eq' or t == 'null' }
  if fd.kind == 'n' or fd.kind == 'b' then
    if t == 'null' then r.lo, r.hi = '-inf', '-inf'
    elseif t == 'eq' then r.lo = rapyer_q_num(node.v); r.hi = r.lo
    else
      r.lo, r.hi = '(-inf', '+inf'
      if node.gt ~= nil then r.lo = (node.gx and '(' or '') .. rapyer_q_num(node.gt) end
      if node.lt ~= nil then r.hi = (node.lx and '(' or '') .. rapyer_q_num(node.lt) end
    end
    return r
  end
  r.lex = true
  if t == 'null' then r.lo, r.hi = '[\0', '(\1'; return r end
  if t == 'eq' then
    local e = '\1' .. rapyer_q_esc(node.v)
    r.lo, r.hi = '[' .. e .. '\0\0', '(' .. e .. '\0\1'
  elseif t == 'prefix' then
    local e = '\1' .. rapyer_q_esc(node.v)
    r.lo, r.hi = '[' .. e, '(' .. e .. '\255'
  else
    r.lo, r.hi = '[\1', '(\2'
    if node.gt ~= nil then r.lo = '[\1' .. rapyer_q_esc(node.gt) .. (node.gx and '\0\1' or '\0\0') end
    if node.lt ~= nil then r.hi = '(\1' .. rapyer_q_esc(node.lt) .. (node.lx and '\0\0' or '\0\1') end
  end
  return r
end

-- Fills r.first (the rank of its first member, from 0) and r.n (its number of members).
local function rapyer_q_measure(r)
  local flip = function(bound, open, closed)
    local c = string.sub(bound, 1, 1)
    if c == open then return closed .. string.sub(bound, 2) end
    if c == closed and r.lex then return open .. string.sub(bound, 2) end
    return open .. bound
  end
  if r.all or r.lo == '-' then
    r.first, r.n = 0, redis.call('ZCARD', r.key)
  elseif r.lex then
    r.first = redis.call('ZLEXCOUNT', r.key, '-', flip(r.lo, '(', '['))
    r.n = redis.call('ZLEXCOUNT', r.key, r.lo, r.hi)
  else
    r.first = r.lo == '-inf' and 0 or redis.call('ZCOUNT', r.key, '-inf', flip(r.lo, '(', ''))
    r.n = redis.call('ZCOUNT', r.key, r.lo, r.hi)
  end
  return r
end

-- The ranges whose members hold every match of the node (their union), or nil when the node
-- needs every model (a NOT).
local function rapyer_q_sources(node, fields, all)
  if node.t == 'all' then return { rapyer_q_measure({ key = all, all = true, lex = true, eq = true }) } end
  if node.t == 'or' then
    local out = {}
    for _, c in ipairs(node.c) do
      local s = rapyer_q_sources(c, fields, all)
      if not s then return nil end
      for _, r in ipairs(s) do out[#out + 1] = r end
    end
    return out
  end
  if node.t == 'and' then
    local best, size = nil, nil
    for _, c in ipairs(node.c) do
      local s = rapyer_q_sources(c, fields, all)
      if s then
        local n = 0
        for _, r in ipairs(s) do n = n + r.n end
        if size == nil or n < size then best, size = s, n end
      end
    end
    return best
  end
  local r = rapyer_q_range(node, fields)
  return r and { rapyer_q_measure(r) } or nil
end

-- The pk of an index member.
local function rapyer_q_pk(r, member)
  if r.all or not r.lex then return member end
  if string.byte(member, 1) == 0 then return string.sub(member, 2) end
  local at = string.find(member, '\0\0', 2, true)
  return string.sub(member, at + 2)
end

-- Calls visit(pk) for the members of range r in rank order (backwards when desc), stopping when
-- it answers true. Backwards, members of one value are visited in ascending pk order.
local function rapyer_q_walk(r, desc, visit)
  local step = 256
  if not desc then
    for from = r.first, r.first + r.n - 1, step do
      local to = math.min(from + step, r.first + r.n) - 1
      for _, m in ipairs(redis.call('ZRANGE', r.key, from, to)) do
        if visit(rapyer_q_pk(r, m)) then return end
      end
    end
    return
  end
  local group, value = {}, nil
  local function flush()
    for i = #group, 1, -1 do if visit(group[i]) then return true end end
    group = {}
    return false
  end
  local last = r.first + r.n - 1
  for to = last, r.first, -step do
    local from = math.max(to - step + 1, r.first)
    local got = redis.call('ZRANGE', r.key, from, to, 'WITHSCORES')
    for i = #got - 1, 1, -2 do
      local m = got[i]
      local pk = rapyer_q_pk(r, m)
      local v = r.lex and string.sub(m, 1, #m - #pk) or got[i + 1]
      if v ~= value then
        if flush() then return end
        value = v
      end
      group[#group + 1] = pk
    end
  end
  flush()
end
