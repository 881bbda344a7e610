--[[ lock/extend: give a held lease lock a new lease, only for its owner.
KEYS[1]      the lock key
ARGV[1]      the owner's token
ARGV[2]      the new lease in milliseconds
Reply        1 when extended, 0 when the lock is not held with this token (expired, another
             owner's, or a key of another type)
Errors       none
Groups       none
]]
if redis.pcall('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
