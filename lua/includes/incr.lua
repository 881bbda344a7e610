-- Adding to a numeric field (the upsert form of RedisInt/RedisFloat aincrease). Needs the ttl
-- and numbers includes before it. Only computes: it reads and writes nothing.
-- `kind` is 'int' or 'float', `raw` the field's stored text, `by` the increment's text.
-- Returns the new value's text (ints as %d, floats as rapyer_float writes them), or nil and the
-- error reply: VALIDATION (the value is null), CORRUPTED (not a number of the kind),
-- OVERFLOW (an int beyond +-2^53-1, a float not finite).
local function rapyer_add(kind, raw, by, path)
  local where = KEYS[1] .. ' ' .. path
  if raw == 'null' then return nil, rapyer_fail('VALIDATION', where .. ' is null') end
  local cur = tonumber(raw)
  local bad = cur == nil or cur ~= cur or cur == math.huge or cur == -math.huge
  if kind == 'int' and not bad then bad = cur ~= math.floor(cur) end
  if bad then return nil, rapyer_fail('CORRUPTED', where .. ' ' .. raw) end
  local new, err
  if kind == 'int' then new, err = rapyer_int_op(cur, 'add', tonumber(by)) else new, err = rapyer_float_op(cur, 'add', tonumber(by)) end
  if err then return nil, rapyer_fail(err, where .. ' ' .. raw .. ' + ' .. by) end
  if kind == 'int' then return string.format('%d', new) end
  return rapyer_float(new)
end
