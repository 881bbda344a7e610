--[[ pipeline/batch: apply the queued operations of one hash slot, all or nothing (README, Pipelines).
Each operation runs the same Lua code as its own script (the build puts every operation
script here as OPS[name](KEYS, ARGV)), one after the other. Every key is first snapshotted
(DUMP + PTTL); when an operation fails, every key is restored and the error names it, so a
rejected pipeline leaves every model as it was.
KEYS         every key the operations touch (one hash slot)
ARGV[1]      N, the number of operations; then for each operation:
             script name, label, k, k indexes into KEYS (its KEYS in order), a, its a ARGV
Reply        { reply of operation 1, ..., reply of operation N }
Errors       the failing operation's error, e.g. 'RAPYER_ZERO_DIVISION <detail> [operation 3: <label>]';
             a Redis error inside an operation becomes 'RAPYER_REDIS <message> [...]'
Groups       the union of the queued operations' groups; each operation runs its own TTL step
]]
local OPS = {}
--@ops

local snap = {}
for i = 1, #KEYS do snap[i] = { redis.call('DUMP', KEYS[i]), redis.call('PTTL', KEYS[i]) } end

local function rollback()
  for i = 1, #KEYS do
    redis.call('DEL', KEYS[i])
    local s = snap[i]
    if s[1] then redis.call('RESTORE', KEYS[i], s[2] > 0 and s[2] or 0, s[1]) end
  end
end

local replies = {}
local at = 2
for n = 1, tonumber(ARGV[1]) do
  local name, label, k = ARGV[at], ARGV[at + 1], tonumber(ARGV[at + 2])
  local keys = {}
  for i = 1, k do keys[i] = KEYS[tonumber(ARGV[at + 2 + i])] end
  at = at + 3 + k
  local a = tonumber(ARGV[at])
  local args = {}
  for i = 1, a do args[i] = ARGV[at + i] end
  at = at + 1 + a
  local fn = OPS[name]
  local ok, r
  if fn then ok, r = pcall(fn, keys, args) else ok, r = false, 'RAPYER_UNSUPPORTED no script ' .. name end
  local err = (not ok) and r or (type(r) == 'table' and r.err)
  if err then
    rollback()
    if type(err) == 'table' then err = err.err or tostring(err) end
    err = tostring(err)
    if string.sub(err, 1, 7) ~= 'RAPYER_' then err = 'RAPYER_REDIS ' .. err end
    return redis.error_reply(err .. ' [operation ' .. n .. ': ' .. label .. ']')
  end
  replies[n] = r
end
return replies
