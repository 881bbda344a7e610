--[[ model/delete: delete every key of a model (adelete, adeleteByKey, adeleteMany).
KEYS[1]      the model's main hash
KEYS[2..n]   the model's collection keys
ARGV[1..3]   groups, refreshTtl mask, TTL ms (unused: DELETE never refreshes, rule 5)
Reply        { 1 if the main key existed else 0, number of keys deleted }
Errors       none
Groups       AtomicRedisModel.adelete, AtomicRedisModel.adeleteByKey, AtomicRedisModel.adeleteMany,
             module.adeleteMany: DELETE
]]
--@index
local existed = redis.call('EXISTS', KEYS[1])
local deleted = redis.call('DEL', unpack(KEYS))
return { existed, deleted }
