--[[ model/duplicate: copy a stored model to new ids (aduplicate, aduplicateMany).
KEYS[1..c]   the source model's keys (main hash first), c = ARGV[4]
KEYS[c+1..]  the copies' keys, c per copy, in the same order
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)
ARGV[4]      c, the number of keys per model
ARGV[5]      the key field's path, or '' when the model has no key field
ARGV[6..4+c] the kind of each collection key (list|hash|set|zset), as in model/load
ARGV[5+c..]  for each copy, the encoded value of its key field (when ARGV[5] ~= '')
Reply        the source's stored state, as model/load replies for '*'
Errors       KEY_NOT_FOUND when the source is not stored (nothing is written)
Groups       AtomicRedisModel.aduplicate, AtomicRedisModel.aduplicateMany: CREATE
TTL          every copy is created, so each of its keys gets the TTL (rule 2); without a
             model TTL the copies have none. The source is read only and keeps its TTL.
]]
--@include ttl
--@include collections
--@index
if redis.call('EXISTS', KEYS[1]) == 0 then return rapyer_fail('KEY_NOT_FOUND', KEYS[1]) end
local c = tonumber(ARGV[4])
local copies = (#KEYS / c) - 1
local ttl = tonumber(ARGV[3])
for n = 1, copies do
  for i = 1, c do
    local dst = KEYS[n * c + i]
    redis.call('DEL', dst)
    if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('COPY', KEYS[i], dst) end
  end
  if ARGV[5] ~= '' then redis.call('HSET', KEYS[n * c + 1], ARGV[5], ARGV[4 + c + n]) end
  for i = 1, c do
    local dst = KEYS[n * c + i]
    if ttl then redis.call('PEXPIRE', dst, ttl) else redis.call('PERSIST', dst) end
  end
end
local reply = { redis.call('HGETALL', KEYS[1]) }
for i = 2, c do reply[i] = rapyer_read(KEYS[i], ARGV[4 + i]) end
return reply
