--[[
  Acquires a table-level lock for a transaction, or queues it (LockAcquire).
  A transaction never conflicts with itself, and a mode it holds is granted
  again for free. A request waits if it conflicts with a mode another
  transaction was granted, or with the request of an earlier waiter (so a
  strong request is not starved by a stream of weak ones), except a waiter
  that waits for locks this transaction already holds (waiting behind it would
  be a deadlock; PostgreSQL's ProcSleep puts the request ahead of it too).
  The xid is assigned (ensure_xid) when the lock is granted or queued, so that
  the owner of every lock, like every row lock, is an xid of the one wait-for
  graph.

  KEYS[1] {p}lock:rel:<relid>      (hash: xid -> granted modes, comma-separated)
  KEYS[2] {p}lockwait:rel:<relid>  (zset: "<xid>:<mode>" scored by arrival)
  KEYS[3] {p}locks                 (set: lock tags with a holder or waiter)
  KEYS[4] {p}lockwait:next         (string: arrival counter of the queues)
  KEYS[5] {p}xid:next
  KEYS[6] {p}procarray
  ARGV[1] key prefix {p} (also builds {p}locks:xid:<xid>, see lib/lock.lua)
  ARGV[2] xid of the requesting transaction, or "-<pid>:<n>" (its owner token, lib/mvcc.lua xid_arg) if it has none yet
  ARGV[3] relation id
  ARGV[4] mode name (AccessShareLock ... AccessExclusiveLock)
  ARGV[5] 1: NOWAIT (never queue), 0: queue if it must wait

  Returns: {0, xid} granted; {-1, xid, blocker} queued: wait for transaction
    `blocker` to end, then call again; {-20} not available (NOWAIT: nothing
    was written, no xid assigned); {-21} unknown mode
  Atomicity: the conflict check, the grant or the queue entry, and the xid
    assignment happen together.
  Invariant: the granted modes of one relation never conflict between two
    transactions; each transaction has at most one entry in a queue, which
    keeps its arrival score across retries; every holder and waiter is running.
]]
--@include "lib/mvcc.lua"
--@include "lib/lock.lua"
local prefix, relid, modeName = ARGV[1], ARGV[3], ARGV[4]
local want = LOCK_MODE_NUM[modeName]
if not want then return { -21 } end
local wantBit = bit.lshift(1, want)
local xid, token = xid_arg(ARGV[2])
local me = tostring(xid)
local tag = 'rel:' .. relid

local heldMask = 0
if xid ~= 0 then heldMask = lock_mask(redis.call('HGET', KEYS[1], me)) end
if bit.band(heldMask, wantBit) ~= 0 then return { 0, xid } end

-- Conflicts with modes granted to others: wait for the oldest such holder.
local blocker = nil
local granted = redis.call('HGETALL', KEYS[1])
for i = 1, #granted, 2 do
  local holder = granted[i]
  if holder ~= me and bit.band(LOCK_CONFLICTS[want], lock_mask(granted[i + 1])) ~= 0 then
    if blocker == nil or tonumber(holder) < tonumber(blocker) then blocker = holder end
  end
end

-- Own place in the queue (kept across retries), then conflicts with earlier waiters.
local queue = redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES')
local mySeq, myMember = nil, nil
for i = 1, #queue, 2 do
  local wxid = string.match(queue[i], '^([^:]+):')
  if wxid == me then mySeq, myMember = tonumber(queue[i + 1]), queue[i] end
end
if blocker == nil then
  for i = 1, #queue, 2 do
    local wxid, wmode = string.match(queue[i], '^([^:]+):(.+)$')
    local w = LOCK_MODE_NUM[wmode]
    if mySeq ~= nil and tonumber(queue[i + 1]) >= mySeq then break end
    if wxid ~= me and w and bit.band(LOCK_CONFLICTS[want], bit.lshift(1, w)) ~= 0
        and bit.band(LOCK_CONFLICTS[w], heldMask) == 0 then
      blocker = wxid
      break
    end
  end
end

if blocker ~= nil and ARGV[5] == '1' then return { -20 } end
xid = ensure_xid(prefix, xid, token)
me = tostring(xid)
redis.call('SADD', prefix .. 'locks:xid:' .. me, tag)
redis.call('SADD', KEYS[3], tag)
if blocker ~= nil then
  local member = me .. ':' .. modeName
  if myMember ~= member then
    if myMember then redis.call('ZREM', KEYS[2], myMember) end
    redis.call('ZADD', KEYS[2], mySeq or redis.call('INCR', KEYS[4]), member)
  end
  return { -1, xid, tonumber(blocker) }
end
if myMember then redis.call('ZREM', KEYS[2], myMember) end
redis.call('HSET', KEYS[1], me, lock_mask_list(bit.bor(heldMask, wantBit)))
return { 0, xid }
