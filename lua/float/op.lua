--[[ float/op: an in-place float operation with Python semantics (RedisFloat iadd/isub/imul/
itruediv/ifloordiv/imod/ipow, queued by pipelines).
KEYS[1]      the model's main hash
KEYS[2..n]   the model's collection keys (for the TTL step)
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)      (includes/ttl.lua)
ARGV[4]      the field's path
ARGV[5]      the operation: add | sub | mul | truediv | floordiv | mod | pow
ARGV[6]      the operand (a finite number)
ARGV[7]      the field's encoded default, used when the stored record predates the field
Reply        the new value, as the shortest decimal string that reads back exactly
Errors       KEY_NOT_FOUND, CORRUPTED, VALIDATION (null field), ZERO_DIVISION, OVERFLOW (not
             finite); nothing is written on error
Groups       RedisFloat.iadd, RedisFloat.isub, RedisFloat.imul, RedisFloat.itruediv,
             RedisFloat.ifloordiv, RedisFloat.imod, RedisFloat.ipow: UPDATE|ARITHMETIC
]]
--@include ttl
--@include numbers
--@index
if redis.call('EXISTS', KEYS[1]) == 0 then return rapyer_fail('KEY_NOT_FOUND', KEYS[1]) end
local raw = redis.call('HGET', KEYS[1], ARGV[4]) or ARGV[7]
if raw == 'null' then return rapyer_fail('VALIDATION', KEYS[1] .. ' ' .. ARGV[4] .. ' is null') end
local a = tonumber(raw)
if a == nil or a ~= a or a == math.huge or a == -math.huge then
  return rapyer_fail('CORRUPTED', KEYS[1] .. ' ' .. ARGV[4] .. ' ' .. raw)
end
local new, err = rapyer_float_op(a, ARGV[5], tonumber(ARGV[6]))
if err then return rapyer_fail(err, KEYS[1] .. ' ' .. ARGV[4] .. ' ' .. raw .. ' ' .. ARGV[5] .. ' ' .. ARGV[6]) end
local out = rapyer_float(new)
redis.call('HSET', KEYS[1], ARGV[4], out)
rapyer_refresh(false)
return out
