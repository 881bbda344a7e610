--[[ int/op: an in-place integer operation with Python semantics (RedisInt and RedisDatetime
iadd/isub/imul/ifloordiv/imod/ipow, queued by pipelines).
KEYS[1]      the model's main hash
KEYS[2..n]   the model's collection keys (for the TTL step)
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)      (includes/ttl.lua)
ARGV[4]      the field's path
ARGV[5]      the operation: add | sub | mul | floordiv | mod | pow
ARGV[6]      the operand (a safe integer; pow: non-negative)
ARGV[7]      the field's encoded default, used when the stored record predates the field
ARGV[8]      optional: the largest magnitude allowed (datetimes: 8640000000000000 ms); default 2^53-1
Reply        the new value, as a decimal string
Errors       KEY_NOT_FOUND, CORRUPTED, VALIDATION (null field), ZERO_DIVISION, OVERFLOW
             (result beyond +-2^53-1 or ARGV[8]); nothing is written on error
Groups       RedisInt.iadd, RedisInt.isub, RedisInt.imul, RedisInt.ifloordiv, RedisInt.imod,
             RedisInt.ipow, RedisDatetime.iadd, RedisDatetime.isub: UPDATE|ARITHMETIC
]]
--@include ttl
--@include numbers
--@index
if redis.call('EXISTS', KEYS[1]) == 0 then return rapyer_fail('KEY_NOT_FOUND', KEYS[1]) end
local raw = redis.call('HGET', KEYS[1], ARGV[4]) or ARGV[7]
if raw == 'null' then return rapyer_fail('VALIDATION', KEYS[1] .. ' ' .. ARGV[4] .. ' is null') end
local a = tonumber(raw)
if a == nil or a ~= math.floor(a) then return rapyer_fail('CORRUPTED', KEYS[1] .. ' ' .. ARGV[4] .. ' ' .. raw) end
local new, err = rapyer_int_op(a, ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[8]))
if err then return rapyer_fail(err, KEYS[1] .. ' ' .. ARGV[4] .. ' ' .. raw .. ' ' .. ARGV[5] .. ' ' .. ARGV[6]) end
local out = string.format('%d', new)
redis.call('HSET', KEYS[1], ARGV[4], out)
rapyer_refresh(false)
return out
