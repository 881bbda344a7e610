--[[ pq/push: add values to a priority queue, or change the priority of values already in it
(RedisPriorityQueue.apush, apushMany).
Storage: member = the encoded value, score = the priority. The lowest score comes out first;
equal scores come out in the byte order of the encoded values (the sorted set's own order).
KEYS         every key of the model: KEYS[1] its main hash, KEYS[2..n] its collection keys
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)      (includes/ttl.lua)
ARGV[4]      the index in KEYS of the queue's sorted set key     (includes/collection-op.lua)
ARGV[5..]    priority, encoded value, priority, encoded value, ... (finite numbers)
Reply        the number of values that were new
Errors       KEY_NOT_FOUND when the model is not stored (nothing is written)
Groups       RedisPriorityQueue.apush, RedisPriorityQueue.apushMany: UPDATE|APPEND
TTL          rule 1; else rule 4 when the push (re)created the queue's key
]]
--@include ttl
--@include collection-op
if redis.call('EXISTS', KEYS[1]) == 0 then return rapyer_fail('KEY_NOT_FOUND', KEYS[1]) end
local key = rapyer_target()
-- ZADD answers how many members it added (a member given again in a later chunk counts once)
local _, added = rapyer_push('ZADD', key, ARGV, 5, #ARGV)
rapyer_after_write(key)
return added
