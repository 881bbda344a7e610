--[[ model/import: store, in its bucket, a model written before its class had indexed fields
(areindex, README, Queries): the client read its keys with DUMP from the layout without
buckets; this script restores them under the bucketed keys, then deletes nothing (the client
deletes the old keys once this answered).
KEYS[1..n]   the model's keys in its bucket (main hash first)
ARGV[1..3]   groups, refreshTtl mask, TTL ms (unused: no group)
ARGV[4]      the PTTL to restore them with, or 0 for none
ARGV[5..4+n] the DUMP of each key, or '' when that key did not exist
Reply        1 when the model was stored, 0 when a model was already stored at KEYS[1] (nothing written)
Errors       none
Groups       AtomicRedisModel.areindexMove: none
]]
--@index
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
for i = 1, #KEYS do
  if ARGV[4 + i] ~= '' then
    redis.call('DEL', KEYS[i])
    redis.call('RESTORE', KEYS[i], ARGV[4], ARGV[4 + i])
  end
end
return 1
