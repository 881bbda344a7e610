--[[ model/incr-upsert: aincrease(by, { upsert: true }) of an int or float field. When the model is
stored it is aincrease (int/incr, float/incr); when it is not, the instance's values are saved
whole (as asave: every field and collection but a priority queue, TTL set) and the increment
is applied to the value just saved. One script: no increment is lost to a concurrent creation.
KEYS[1]      the model's main hash
KEYS[2..n]   the model's collection keys
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)      (includes/ttl.lua); ARGV[1] holds the
             groups of the outcome that creates the model (CREATE|UPDATE|ARITHMETIC)
ARGV[4]      the groups of the outcome that finds it stored (UPDATE|ARITHMETIC)
ARGV[5]      'int' or 'float'
ARGV[6]      the field's path
ARGV[7]      the increment (a safe integer, or a finite number)
ARGV[8]      the field's encoded default, used when the stored record predates the field
ARGV[9..]    the instance's write payload, as asave sends it (includes/collections.lua); when
             the model is created, the field's value in it is replaced by that value plus the
             increment before it is written
Reply        the new value (as int/incr or float/incr write it)
Errors       CORRUPTED (the value is not a number of the kind), VALIDATION (the value is null),
             OVERFLOW (int beyond +-2^53-1, float not finite): checked before anything is written
Groups       RedisInt.aincreaseUpsert, RedisFloat.aincreaseUpsert: created CREATE|UPDATE|ARITHMETIC,
             stored UPDATE|ARITHMETIC
TTL          stored: rule 1 with the groups of ARGV[4]; created: rule 2 (always set).
]]
--@include ttl
--@include numbers
--@include collections
--@include save
--@include incr
--@index
local kind, path, by = ARGV[5], ARGV[6], ARGV[7]
if redis.call('EXISTS', KEYS[1]) == 1 then
  local raw = redis.call('HGET', KEYS[1], path) or ARGV[8]
  local out, err = rapyer_add(kind, raw, by, path)
  if err then return err end
  redis.call('HSET', KEYS[1], path, out)
  ARGV[1] = ARGV[4] -- the TTL step decides with the groups of this outcome
  rapyer_refresh(false)
  return out
end
-- Not stored: the increment applies to the field's value in the payload (N, then N path/value
-- pairs), which is replaced by the result before the save writes it (and sets the TTL).
local at = nil
for i = 10, 9 + 2 * tonumber(ARGV[9]), 2 do
  if ARGV[i] == path then at = i + 1; break end
end
if not at then return rapyer_fail('VALIDATION', KEYS[1] .. ' ' .. path .. ' is not among the values to save') end
local out, err = rapyer_add(kind, ARGV[at], by, path)
if err then return err end
ARGV[at] = out
rapyer_save(9)
return out
