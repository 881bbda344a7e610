--[[ float/incr: add to a float field (RedisFloat.aincrease).
KEYS[1]      the model's main hash
KEYS[2..n]   the model's collection keys (for the TTL step)
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)      (includes/ttl.lua)
ARGV[4]      the field's path
ARGV[5]      the increment (a finite number)
ARGV[6]      the field's encoded default, used when the stored record predates the field
Reply        the new value, as the shortest decimal string that reads back exactly
Errors       KEY_NOT_FOUND, CORRUPTED, VALIDATION (null field), OVERFLOW (not finite); nothing written
Groups       RedisFloat.aincrease: UPDATE|ARITHMETIC
]]
--@include ttl
--@include numbers
--@index
-- HGET first: the model exists when the field does; EXISTS only when it is missing.
local raw = redis.call('HGET', KEYS[1], ARGV[4])
if not raw then
  if redis.call('EXISTS', KEYS[1]) == 0 then return rapyer_fail('KEY_NOT_FOUND', KEYS[1]) end
  raw = ARGV[6]
end
if raw == 'null' then return rapyer_fail('VALIDATION', KEYS[1] .. ' ' .. ARGV[4] .. ' is null') end
local cur = tonumber(raw)
if cur == nil or cur ~= cur or cur == math.huge or cur == -math.huge then
  return rapyer_fail('CORRUPTED', KEYS[1] .. ' ' .. ARGV[4] .. ' ' .. raw)
end
local new = cur + tonumber(ARGV[5])
if new ~= new or new == math.huge or new == -math.huge then
  return rapyer_fail('OVERFLOW', KEYS[1] .. ' ' .. ARGV[4] .. ' ' .. raw .. ' + ' .. ARGV[5])
end
local out = rapyer_float(new)
redis.call('HSET', KEYS[1], ARGV[4], out)
rapyer_refresh(false)
return out
