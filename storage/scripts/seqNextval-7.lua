--[[
  Advances a sequence (nextval, setval) (PostgreSQL's sequence.c): the
  value in shared memory moves on every call; its WAL record is written
  ahead, 32 values at a time, so that after a crash the sequence resumes past
  every value handed out (with a gap), never below one.

  KEYS[1] {p}wal:insert
  KEYS[2] {p}wal:buffer
  KEYS[3] {p}wal:doorbell
  KEYS[4] {p}ckpt:redo
  KEYS[5] {p}dirty
  KEYS[6] {p}rel:<seq>
  KEYS[7] {p}seq:<seq> (hash: last, called, logged: the live state)
  ARGV[1] key prefix {p}
  ARGV[2] sequence relation id
  ARGV[3] increment
  ARGV[4] min value
  ARGV[5] max value
  ARGV[6] cycle: 1 | 0
  ARGV[7] start value
  ARGV[8] op: next | set
  ARGV[9] (set) the new last value
  ARGV[10] (set) is_called: 1 | 0

  Returns: {0, value} (next: the value handed out; set: the value set); {-4, 0}
    if its page must be loaded first; {-6} no such sequence; {-13, limit} the
    sequence reached its maximum (or minimum) and does not cycle
  Atomicity: the new value and, when it passes what WAL covers (or the page
    predates the checkpoint's redo point), the WAL record of the page at once.
  Invariant: the page (on disk and in WAL) always holds a value at or past
    every value handed out: block 0, slot 0 = "0:0:0:0:|<logged>,1".
]]
--@include "lib/wal.lua"
--@include "lib/mvcc.lua"
--@include "lib/page.lua"
--@include "lib/heaplog.lua"
local prefix, rel = ARGV[1], ARGV[2]
local inc, minv, maxv, cycle, start = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6] == '1', tonumber(ARGV[7])
if redis.call('EXISTS', KEYS[6]) == 0 then return { -6 } end
local pkey = page_key(prefix, rel, 0)
local nblocks = tonumber(redis.call('HGET', KEYS[6], 'nblocks') or '0')
local last, called, logged
local st = redis.call('HMGET', KEYS[7], 'last', 'called', 'logged')
if st[1] then
  last, called, logged = tonumber(st[1]), st[2] == '1', tonumber(st[3])
elseif nblocks == 0 then
  last, called, logged = start, false, start
else
  -- After a restart: resume from what the page (recovered from disk and WAL) says.
  if redis.call('EXISTS', pkey) == 0 then return { -4, 0 } end
  local t = tuple_parse(redis.call('HGET', pkey, 's0'))
  local v, c = string.match(t.data, '^(-?%d+),(%d)$')
  last, called, logged = tonumber(v), c == '1', tonumber(v)
end
local result
if ARGV[8] == 'set' then
  result = tonumber(ARGV[9])
  last, called = result, ARGV[10] == '1'
  logged = nil -- always logged
else
  if not called then
    result = last
  else
    result = last + inc
    if (inc > 0 and result > maxv) or (inc < 0 and result < minv) then
      if not cycle then return { -13, inc > 0 and maxv or minv } end
      result = inc > 0 and minv or maxv
    end
  end
  last, called = result, true
end
local redo = tonumber(redis.call('GET', KEYS[4]) or '0')
local pageLsn = 0
if nblocks > 0 then
  if redis.call('EXISTS', pkey) == 0 then return { -4, 0 } end
  pageLsn = tonumber(redis.call('HGET', pkey, 'lsn') or '0')
end
local behind = logged == nil or (inc > 0 and result >= logged) or (inc < 0 and result <= logged)
if behind or nblocks == 0 or pageLsn <= redo then
  -- Log ahead: the page says 32 increments past this value (or exactly the value set by setval).
  if ARGV[8] == 'set' then
    logged = result
  else
    logged = result + inc * 32
    if logged > maxv then logged = maxv end
    if logged < minv then logged = minv end
  end
  if nblocks == 0 then
    redis.call('HSET', pkey, 'lsn', 0, 'free', PAGE_CAPACITY, 'nslot', 1)
    redis.call('HSET', KEYS[6], 'nblocks', 1, 'target', 0)
    page_resident(prefix, rel, 0)
  end
  local tuple = '0:0:0:0:|' .. string.format('%d', logged) .. ',' .. ((ARGV[8] == 'set' and not called) and '0' or '1')
  redis.call('HSET', pkey, 's0', tuple)
  heap_log(prefix, 0, { { key = pkey, rel = tonumber(rel), blk = 0, sets = { 0, tuple } } })
end
redis.call('HSET', KEYS[7], 'last', string.format('%d', last), 'called', called and '1' or '0', 'logged', string.format('%d', logged))
return { 0, result }
