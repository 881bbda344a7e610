--[[ pq/remove: remove a value from a priority queue (RedisPriorityQueue.aremove).
KEYS         every key of the model: KEYS[1] its main hash, KEYS[2..n] its collection keys
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)      (includes/ttl.lua)
ARGV[4]      the index in KEYS of the queue's sorted set key     (includes/collection-op.lua)
ARGV[5]      the encoded value
Reply        1 when it was there, else 0
Errors       KEY_NOT_FOUND when the model is not stored
Groups       RedisPriorityQueue.aremove: UPDATE|ERASE
TTL          rule 1
]]
--@include ttl
--@include collection-op
if redis.call('EXISTS', KEYS[1]) == 0 then return rapyer_fail('KEY_NOT_FOUND', KEYS[1]) end
local removed = redis.call('ZREM', rapyer_target(), ARGV[5])
rapyer_refresh(false)
return removed
