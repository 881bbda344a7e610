--[[ lock/acquire: take a lease lock if it is free (alock, alockFromKey; README, Locks).
KEYS[1]      the lock key, `${main}:lock:${action}` (the model's hash slot)
ARGV[1]      the owner's token
ARGV[2]      the lease in milliseconds (the lock frees itself if the holder dies)
Reply        1 when taken, 0 when another owner holds it
Errors       none
Groups       none (a lock is not an operation on the model's data; no TTL step)
]]
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
