--[[ model/get-or-create: the stored model, or, when it is not stored, the draft saved whole
(agetOrCreate). One script, so of concurrent callers on one key exactly one creates.
KEYS[1]      the model's main hash
KEYS[2..n]   the model's collection keys
ARGV[1..3]   groups, refreshTtl mask, TTL ms ('' = none)      (includes/ttl.lua); ARGV[1] holds the
             groups of the outcome that creates the model (CREATE)
ARGV[4]      the groups of the outcome that finds it stored (READ|FETCH)
ARGV[5]      '*', then ARGV[6 .. 4+n] one kind per collection key for the read
             (list|hash|set|zset, or 'skip': includes/load.lua)
ARGV[5+n..]  the draft's write payload, as asave sends it (includes/collections.lua)
Reply        found: { hash, coll2, ..., colln } as model/load replies for '*'; created: 1
Errors       none (a key of another type fails as Redis's WRONGTYPE, before anything is written)
Groups       AtomicRedisModel.agetOrCreate, module.agetOrCreate: created CREATE, stored READ|FETCH
TTL          found: rule 1 with the groups of ARGV[4] (rule 7); created: rule 2 (always set).
]]
--@include ttl
--@include collections
--@include load
--@include save
--@index
if redis.call('EXISTS', KEYS[1]) == 1 then
  local reply = rapyer_load(5)
  ARGV[1] = ARGV[4] -- the TTL step decides with the groups of this outcome
  rapyer_refresh(false)
  return reply
end
rapyer_save(5 + #KEYS)
return 1
