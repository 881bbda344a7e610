--[[ lock/save: the fenced save that ends a lease lock (alock / alockFromKey with saveAtEnd):
only while the lock key still holds the owner's token, write the whole model exactly as
model/save does, then release the lock. A holder whose lease ran out can therefore never
write over the changes of the next holder.
KEYS[1]      the model's main hash
KEYS[2..n-1] the model's collection keys
KEYS[n]      the lock key, `${main}:lock:${action}` (same hash slot). It is taken off KEYS before
             the save, so the TTL step never gives it the model's TTL.
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)      (includes/ttl.lua)
ARGV[4]      the owner's token
ARGV[5..]    the write payload                              (includes/collections.lua)
Reply        1 when the model was created, 0 when it existed; the lock is released
Errors       LOCK_LOST (detail: main key, lock key) when the lock key does not hold the token
             (the lease expired, another owner holds it, or the key was replaced): nothing is
             written, the lock key is left as it is
Groups       CREATE|UPDATE (as asave)
TTL          as model/save, on the model's keys only
]]
--@include ttl
--@include collections
--@include save
--@index
local lock = KEYS[#KEYS]
KEYS[#KEYS] = nil -- the TTL step and the save see the model's keys only
if redis.pcall('GET', lock) ~= ARGV[4] then
  return rapyer_fail('LOCK_LOST', KEYS[1] .. ' ' .. lock)
end
local created = rapyer_save(5)
redis.call('DEL', lock)
return created
