--[[ model/save: write the whole model (asave, ainsert).
KEYS[1]      the model's main hash
KEYS[2..n]   the model's collection keys
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)      (includes/ttl.lua)
ARGV[4..]    the write payload                              (includes/collections.lua)
Reply        1 when the model was created, 0 when it existed
Errors       none
Groups       AtomicRedisModel.asave: CREATE|UPDATE; AtomicRedisModel.ainsert, module.ainsert: CREATE
TTL          rule 1 (groups meet the mask), rule 2 (created), rule 3 (otherwise the remaining
             TTL of the main key is kept, on every key).
]]
--@include ttl
--@include collections
--@include save
--@index
return rapyer_save(4)
