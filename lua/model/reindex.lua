--[[ model/reindex: bring a stored model's index entries in line with it (areindex, README,
Queries). The body only answers whether the model is stored; the index step after it does the
work (lua/includes/index.lua).
KEYS[1]      the model's main hash
ARGV[1..3]   groups, refreshTtl mask, TTL ms (unused: no group, the TTL is left alone)
Reply        1 when the model is stored, else 0
Errors       none
Groups       AtomicRedisModel.areindex: none
]]
--@index
return redis.call('EXISTS', KEYS[1])
