--[[ dict/popitem: remove one item of a dict field and return it (RedisDict.apopitem).
Which item: the first HSCAN meets. For a small dict (stored as a listpack) that is the oldest
key; in general Redis hashes keep no order, so it is unspecified, as for the reference.
KEYS         every key of the model: KEYS[1] its main hash, KEYS[2..n] its collection keys
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)      (includes/ttl.lua)
ARGV[4]      the index in KEYS of the dict's hash key            (includes/collection-op.lua)
Reply        { dict key, encoded value }
Errors       KEY_NOT_FOUND (model not stored), KEY_ERROR (the dict is empty)
Groups       RedisDict.apopitem: READ|UPDATE|ERASE
TTL          rule 1 (a pop never creates a key)
]]
--@include ttl
--@include collection-op
if redis.call('EXISTS', KEYS[1]) == 0 then return rapyer_fail('KEY_NOT_FOUND', KEYS[1]) end
local key = rapyer_target()
local cursor = '0'
local found
repeat
  local page = redis.call('HSCAN', key, cursor, 'COUNT', 16)
  cursor = page[1]
  if #page[2] > 0 then found = page[2] end
until found or cursor == '0'
if not found then return rapyer_fail('KEY_ERROR', key .. ' popitem(): the dict is empty') end
redis.call('HDEL', key, found[1])
rapyer_refresh(false)
return { found[1], found[2] }
