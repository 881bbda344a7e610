--[[ pq/items: every value of a priority queue with its priority, in pop order
(RedisPriorityQueue.aitems, and the queue's field aload).
Storage: member = the encoded value, score = the priority. The lowest score comes out first;
equal scores come out in the byte order of the encoded values (the sorted set's own order).
KEYS         every key of the model: KEYS[1] its main hash, KEYS[2..n] its collection keys
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)      (includes/ttl.lua)
ARGV[4]      the index in KEYS of the queue's sorted set key     (includes/collection-op.lua)
Reply        { value, priority, value, priority, ... } (flat), lowest priority first
Errors       KEY_NOT_FOUND when the model is not stored
Groups       RedisPriorityQueue.aitems: READ
TTL          rule 1 (rule 7: reads refresh when READ meets the mask)
]]
--@include ttl
--@include collection-op
if redis.call('EXISTS', KEYS[1]) == 0 then return rapyer_fail('KEY_NOT_FOUND', KEYS[1]) end
local items = redis.call('ZRANGE', rapyer_target(), 0, -1, 'WITHSCORES')
rapyer_refresh(false)
return items
