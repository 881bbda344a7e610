-- Index maintenance (README, Queries), for the scripts marked `--@index`: the build wraps their
-- body so that the index tail is taken off KEYS and ARGV before it runs, and once it succeeded
-- the indexes are brought in line with what is stored, in the same script.
-- The tail, after the script's own KEYS and ARGV:
--   ARGV[#ARGV]    t, the number of tail KEYS; 0 when the model has no indexed field (and then
--                  this is the only tail ARGV)
--   ARGV[#ARGV-1]  a, the number of tail ARGV before these two: P, then P pks, then the fields:
--                  per indexed field its path, kind and encoded default, all joined by NUL
--                  (kind: n = int, float, datetime; b = bool; s = str; e = enum)
--   KEYS tail      the bucket's ~all, ~values and ~expiry keys, its F field indexes, then the
--                  main key of each of the P models
-- A bucket's keys: ~all, a sorted set of its pks (score 0, so in pk order); ~values, a hash pk ->
-- the indexed stored texts (path, text, path, text, ... joined by NUL); ~expiry, a sorted set
-- pk -> the main key's expiry time in ms as last seen (none when it has no TTL); and per field a
-- sorted set: numbers and booleans by score (null: -inf), strings and enums by member (below).

-- True in a script that moves the model's TTL without writing it (`--@index ttl`, model/set-ttl):
-- its expiry time is recorded even though its indexed values did not change.
local rapyer_ix_ttl_moved = false

-- Takes the tail off KEYS and ARGV. Returns it as { keys, args }, or nil when there is none.
local function rapyer_ix_take()
  local n = #ARGV
  local t = tonumber(ARGV[n])
  if t == 0 then
    ARGV[n] = nil
    return nil
  end
  local first = n - 1 - tonumber(ARGV[n - 1])
  local nk = #KEYS
  local ix = { keys = { unpack(KEYS, nk - t + 1, nk) }, args = { unpack(ARGV, first, n - 2) } }
  for i = nk, nk - t + 1, -1 do KEYS[i] = nil end
  for i = n, first, -1 do ARGV[i] = nil end
  return ix
end

-- The parts of a text joined by NUL.
local function rapyer_ix_split(text)
  local parts, i = {}, 1
  while true do
    local j = string.find(text, '\0', i, true)
    parts[#parts + 1] = string.sub(text, i, j and j - 1 or -1)
    if not j then return parts end
    i = j + 1
  end
end

-- The bucket and the fields of a tail: b = { all, vals, exp, base }, fields[f] = { path, kind,
-- def, key }; P, the number of models.
local function rapyer_ix_open(ix)
  local k, a = ix.keys, ix.args
  local P = tonumber(a[1])
  local fields, parts, paths = {}, rapyer_ix_split(a[P + 2]), {}
  for f = 1, #parts / 3 do
    fields[f] = { path = parts[3 * f - 2], kind = parts[3 * f - 1], def = parts[3 * f], key = k[3 + f] }
    paths[f] = parts[3 * f - 2]
  end
  fields.paths = paths
  local b = { all = k[1], vals = k[2], exp = k[3], base = string.sub(k[1], 1, -5) }
  return b, fields, P
end

-- A field's index entry for the stored text `raw`: member and score, or nil when the text is
-- not a value of the kind (a corrupted record has no entry for that field).
-- Strings and enums: '\0' .. pk for null, else '\1' .. value .. '\0\0' .. pk with each NUL of
-- the value written '\0\1', so members sort by value (UTF-8 bytes), then pk. An enum's value is
-- its stored text.
local function rapyer_ix_entry(kind, raw, pk)
  if kind == 'n' or kind == 'b' then
    if raw == 'null' then return pk, '-inf' end
    if kind == 'b' then
      if raw == 'true' then return pk, '1' elseif raw == 'false' then return pk, '0' end
      return nil
    end
    local v = tonumber(raw)
    if v == nil or v ~= v or v == math.huge or v == -math.huge then return nil end
    return pk, raw
  end
  if raw == 'null' then return '\0' .. pk, '0' end
  local v = raw
  if kind == 's' then
    local ok, d = pcall(cjson.decode, raw)
    if not ok or type(d) ~= 'string' then return nil end
    v = d
  end
  return '\1' .. string.gsub(v, '%z', '\0\1') .. '\0\0' .. pk, '0'
end

-- The main key of a model of the bucket, made from the bucket's key: the one place a script
-- reaches a key it was not given (README, Queries: same hash tag, so same slot; keyPrefix kept).
local function rapyer_ix_main(b, pk)
  return b.base .. '{' .. pk .. '}'
end

-- A collection key of such a model (src/keys.ts collectionKey).
local function rapyer_ix_coll(main, path)
  return main .. ':' .. path
end

-- A ~values record -> { path -> stored text }.
local function rapyer_ix_record(rec)
  local out, parts = {}, rapyer_ix_split(rec)
  for i = 1, #parts - 1, 2 do out[parts[i]] = parts[i + 1] end
  return out
end

-- Removes a model's index entries (its ~values record `rec` names them, when there is one).
local function rapyer_ix_drop(b, fields, pk, rec)
  if rec then
    local raws = rapyer_ix_record(rec)
    for _, fd in ipairs(fields) do
      local raw = raws[fd.path]
      local m = raw and rapyer_ix_entry(fd.kind, raw, pk)
      if m then redis.call('ZREM', fd.key, m) end
    end
    redis.call('HDEL', b.vals, pk)
  end
  redis.call('ZREM', b.all, pk)
  redis.call('ZREM', b.exp, pk)
end

-- Brings the index entries of one model in line with its main key `main` (none when it is gone).
-- Its expiry time is recorded when it enters the index (or asetTtl moved its TTL): a TTL
-- refreshed since leaves an earlier time, which a sweep corrects when it comes due (one look per
-- TTL period at most). Returns true when a record was made or removed.
local function rapyer_ix_put(b, fields, pk, main)
  local old = redis.call('HGET', b.vals, pk)
  local raws = redis.call('HMGET', main, unpack(fields.paths))
  local any = false
  for f = 1, #fields do
    if raws[f] then any = true else raws[f] = fields[f].def ~= '' and fields[f].def or 'null' end
  end
  if not any and redis.call('EXISTS', main) == 0 then
    if old then rapyer_ix_drop(b, fields, pk, old) end
    return old ~= false
  end
  local parts = {}
  for f = 1, #fields do parts[2 * f - 1] = fields[f].path; parts[2 * f] = raws[f] end
  local rec = table.concat(parts, '\0')
  if rec ~= old then
    local olds = old and rapyer_ix_record(old) or {}
    for f, fd in ipairs(fields) do
      local was = olds[fd.path]
      if was ~= raws[f] then
        local m, score = rapyer_ix_entry(fd.kind, raws[f], pk)
        -- a number's member is the pk: ZADD moves it; a string's member holds the value
        local gone = was and (m == nil or not (fd.kind == 'n' or fd.kind == 'b')) and rapyer_ix_entry(fd.kind, was, pk)
        if gone then redis.call('ZREM', fd.key, gone) end
        if m then redis.call('ZADD', fd.key, score, m) end
      end
    end
    redis.call('HSET', b.vals, pk, rec)
    if not old then redis.call('ZADD', b.all, '0', pk) end
  end
  if old and not rapyer_ix_ttl_moved then return false end
  local at = redis.call('PEXPIRETIME', main)
  if at > 0 then redis.call('ZADD', b.exp, at, pk) elseif old then redis.call('ZREM', b.exp, pk) end
  return not old
end

-- Expiry: at most `budget` models of the bucket whose expiry time has passed are looked at; one
-- that is gone leaves the index, one whose TTL was refreshed since gets its new time. The main
-- keys are made from the bucket's key (same hash tag, keyPrefix included).
local function rapyer_ix_sweep(b, fields, budget)
  local t = redis.call('TIME')
  local now = string.format('%d', t[1] * 1000 + math.floor(t[2] / 1000))
  local due = redis.call('ZRANGEBYSCORE', b.exp, '-inf', now, 'LIMIT', 0, budget)
  for _, pk in ipairs(due) do
    local at = redis.call('PEXPIRETIME', rapyer_ix_main(b, pk))
    if at == -2 then
      rapyer_ix_drop(b, fields, pk, redis.call('HGET', b.vals, pk))
    elseif at == -1 then
      redis.call('ZREM', b.exp, pk)
    else
      redis.call('ZADD', b.exp, at, pk)
    end
  end
  return #due
end

-- After the body: the reply unchanged; on success the models' index entries updated first. A
-- write that put a model into the index or took one out (or moved a TTL) also sweeps 2 expired
-- entries: every entry that comes in pays for two that went, so expired ones cannot pile up.
local function rapyer_ix_after(ix, reply, ttl_moved)
  if ix == nil or (type(reply) == 'table' and reply.err) then return reply end
  rapyer_ix_ttl_moved = ttl_moved
  local b, fields, P = rapyer_ix_open(ix)
  local sweep = rapyer_ix_ttl_moved
  for p = 1, P do
    if rapyer_ix_put(b, fields, ix.args[1 + p], ix.keys[3 + #fields + p]) then sweep = true end
  end
  if sweep then rapyer_ix_sweep(b, fields, 2) end
  return reply
end
