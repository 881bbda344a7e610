--[[ str/op: in-place concatenation or repetition of a str or bytes field (RedisStr.iadd/imul,
RedisBytes.iadd, queued by pipelines). Values are stored as JSON strings (bytes: hex), so
concatenating two encoded values is joining their insides.
KEYS[1]      the model's main hash
KEYS[2..n]   the model's collection keys (for the TTL step)
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)      (includes/ttl.lua)
ARGV[4]      the field's path
ARGV[5]      the operation: add | mul
ARGV[6]      add: the encoded suffix (a JSON string); mul: the count (integer >= 0)
ARGV[7]      the field's encoded default, used when the stored record predates the field
Reply        the new encoded value
Errors       KEY_NOT_FOUND, CORRUPTED (not a JSON string), VALIDATION (null field; a count that is
             not an integer in 0..2^31-1; a result over RAPYER_MAX_VALUE_BYTES, 512 MiB,
             Redis's proto-max-bulk-len), all before anything is written
Groups       RedisStr.iadd, RedisBytes.iadd: UPDATE|APPEND; RedisStr.imul: UPDATE
]]
--@include ttl
--@index
-- Redis's proto-max-bulk-len (default): the largest value one command can carry.
local RAPYER_MAX_VALUE_BYTES = 536870912
if redis.call('EXISTS', KEYS[1]) == 0 then return rapyer_fail('KEY_NOT_FOUND', KEYS[1]) end
local raw = redis.call('HGET', KEYS[1], ARGV[4]) or ARGV[7]
if raw == 'null' then return rapyer_fail('VALIDATION', KEYS[1] .. ' ' .. ARGV[4] .. ' is null') end
if string.sub(raw, 1, 1) ~= '"' or string.sub(raw, -1) ~= '"' or #raw < 2 then
  return rapyer_fail('CORRUPTED', KEYS[1] .. ' ' .. ARGV[4])
end
local inner = string.sub(raw, 2, -2)
local out
if ARGV[5] == 'add' then
  local tail = string.sub(ARGV[6], 2, -2)
  if #inner + #tail + 2 > RAPYER_MAX_VALUE_BYTES then
    return rapyer_fail('VALIDATION', KEYS[1] .. ' ' .. ARGV[4] .. ' iadd: the value would be ' .. (#inner + #tail + 2) .. ' bytes, over the limit of ' .. RAPYER_MAX_VALUE_BYTES)
  end
  out = '"' .. inner .. tail .. '"'
else
  -- string.rep takes a C int: a count it cannot apply exactly (not an integer, or past 2^31-1),
  -- or a result past the limit, is refused before anything is written.
  local n = tonumber(ARGV[6])
  if n == nil or n < 0 or n ~= math.floor(n) then
    return rapyer_fail('VALIDATION', KEYS[1] .. ' ' .. ARGV[4] .. ' imul: the count ' .. ARGV[6] .. ' is not a non-negative integer')
  end
  if n == 0 or inner == '' then out = '""'
  elseif n > 2147483647 or #inner * n + 2 > RAPYER_MAX_VALUE_BYTES then
    return rapyer_fail('VALIDATION', KEYS[1] .. ' ' .. ARGV[4] .. ' imul(' .. ARGV[6] .. '): the value would be ' .. string.format('%.0f', #inner * n + 2) .. ' bytes, over the limit of ' .. RAPYER_MAX_VALUE_BYTES)
  else out = '"' .. string.rep(inner, n) .. '"' end
end
redis.call('HSET', KEYS[1], ARGV[4], out)
rapyer_refresh(false)
return out
