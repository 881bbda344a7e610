--[[ list/append: push items at the end of a list field (RedisList.aappend, aextend; queued by
append, extend, iadd inside a pipeline).
KEYS         every key of the model: KEYS[1] its main hash, KEYS[2..n] its collection keys
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)      (includes/ttl.lua)
ARGV[4]      the index in KEYS of the list's key               (includes/collection-op.lua)
ARGV[5..]    the encoded items, in order (none: nothing is pushed)
Reply        the list's new length
Errors       KEY_NOT_FOUND when the model is not stored (nothing is written)
Groups       RedisList.aappend, RedisList.aextend, RedisList.iadd, RedisList.append,
             RedisList.extend, RedisList.push: UPDATE|APPEND
TTL          rule 1; else rule 4 when the push (re)created the list's key
]]
--@include ttl
--@include collection-op
if redis.call('EXISTS', KEYS[1]) == 0 then return rapyer_fail('KEY_NOT_FOUND', KEYS[1]) end
local key = rapyer_target()
-- RPUSH answers the new length (LLEN only when nothing was pushed)
local n = rapyer_push('RPUSH', key, ARGV, 5, #ARGV)
rapyer_after_write(key)
return n or redis.call('LLEN', key)
