--[[ lock/release: release a lease lock, only for its owner.
KEYS[1]      the lock key
ARGV[1]      the owner's token
Reply        1 when released, 0 when the lock is not held with this token (expired, another
             owner's, or a key of another type): nothing deleted
Errors       none
Groups       none
]]
if redis.pcall('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
