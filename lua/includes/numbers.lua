-- The shortest of %.15g, %.16g, %.17g that reads back as the same double, so a float
-- written by Lua looks like the one JavaScript would write.
local function rapyer_float(x)
  local s = string.format('%.15g', x)
  if tonumber(s) == x then return s end
  s = string.format('%.16g', x)
  if tonumber(s) == x then return s end
  return string.format('%.17g', x)
end

-- Python's modulo: the remainder takes the divisor's sign (b ~= 0).
local function rapyer_pymod(a, b)
  local r = math.fmod(a, b)
  if r ~= 0 and (r < 0) ~= (b < 0) then r = r + b end
  return r
end

-- Python's floor division (b ~= 0), as CPython's float_floor_div computes it: from the exact
-- remainder, not floor(a / b), whose rounding is wrong near integers (1 // 0.1 is 9, not 10) and,
-- for integers near 2^53, overflows. For integers every step is exact (|a - fmod(a, b)| <= |a|).
local function rapyer_floordiv(a, b)
  local mod = math.fmod(a, b)
  local div = (a - mod) / b
  if mod ~= 0 and (mod < 0) ~= (b < 0) then div = div - 1 end
  if div == 0 then return 0 end
  local floor = math.floor(div)
  if div - floor > 0.5 then floor = floor + 1 end
  return floor
end

local RAPYER_MAX_SAFE = 9007199254740991

-- Integer a <op> b with Python semantics, |result| <= limit (default 2^53-1).
-- Returns value, or nil and an error code.
local function rapyer_int_op(a, op, b, limit)
  limit = limit or RAPYER_MAX_SAFE
  local r
  if op == 'add' then r = a + b
  elseif op == 'sub' then r = a - b
  elseif op == 'mul' then r = a * b
  elseif op == 'floordiv' or op == 'mod' then
    if b == 0 then return nil, 'ZERO_DIVISION' end
    if op == 'mod' then r = rapyer_pymod(a, b) else r = rapyer_floordiv(a, b) end
  elseif op == 'pow' then
    if b < 0 then return nil, 'UNSUPPORTED' end
    r = a ^ b
  else return nil, 'UNSUPPORTED' end
  if r ~= r or r > limit or r < -limit then return nil, 'OVERFLOW' end
  return r
end

-- Float a <op> b with Python semantics. Returns value, or nil and an error code.
local function rapyer_float_op(a, op, b)
  local r
  if op == 'add' then r = a + b
  elseif op == 'sub' then r = a - b
  elseif op == 'mul' then r = a * b
  elseif op == 'truediv' or op == 'floordiv' or op == 'mod' then
    if b == 0 then return nil, 'ZERO_DIVISION' end
    if op == 'truediv' then r = a / b
    elseif op == 'mod' then r = rapyer_pymod(a, b)
    else r = rapyer_floordiv(a, b) end
  elseif op == 'pow' then r = a ^ b
  else return nil, 'UNSUPPORTED' end
  if r ~= r or r == math.huge or r == -math.huge then return nil, 'OVERFLOW' end
  return r
end
