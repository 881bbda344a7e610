--[[ pq/peek: the value with the lowest priority, left in the queue (RedisPriorityQueue.apeek).
Storage: member = the encoded value, score = the priority. The lowest score comes out first;
equal scores come out in the byte order of the encoded values (the sorted set's own order).
KEYS         every key of the model: KEYS[1] its main hash, KEYS[2..n] its collection keys
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)      (includes/ttl.lua)
ARGV[4]      the index in KEYS of the queue's sorted set key     (includes/collection-op.lua)
Reply        { encoded value, priority }, or false when the queue is empty
Errors       KEY_NOT_FOUND when the model is not stored
Groups       RedisPriorityQueue.apeek: READ
TTL          rule 1 (rule 7: reads refresh when READ meets the mask)
]]
--@include ttl
--@include collection-op
if redis.call('EXISTS', KEYS[1]) == 0 then return rapyer_fail('KEY_NOT_FOUND', KEYS[1]) end
local top = redis.call('ZRANGE', rapyer_target(), 0, 0, 'WITHSCORES')
rapyer_refresh(false)
if #top == 0 then return false end
return top
