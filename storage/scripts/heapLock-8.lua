--[[
  Locks a tuple version for this transaction (heap_lock_tuple, SELECT ... FOR
  UPDATE): its xmax becomes this transaction's xid, marked lock-only, so the
  row stays visible and no other transaction can update, delete or lock it
  until this one ends.

  KEYS[1] {p}wal:insert
  KEYS[2] {p}wal:buffer
  KEYS[3] {p}wal:doorbell
  KEYS[4] {p}ckpt:redo
  KEYS[5] {p}dirty
  KEYS[6] {p}xid:next
  KEYS[7] {p}procarray
  KEYS[8] {p}rel:<rel>
  ARGV[1] key prefix {p}
  ARGV[2] xid of the locking transaction, or "-<pid>:<n>" (its owner token, lib/mvcc.lua xid_arg) if it has none yet
  ARGV[3] command id
  ARGV[4] relation id
  ARGV[5] block
  ARGV[6] slot
  ARGV[7] isolation: rc | rr
  ARGV[8] wait policy: wait | nowait | skip

  Returns: {xid, endLsn} locked (endLsn 0: it already was, by this
    transaction); {-12, holder} held by a running transaction and the policy
    is nowait or skip; {-4, blk} the page must be loaded first; {-5} no such
    tuple; {-6} no such relation; {-7} this transaction updated or deleted it;
    or another refusal of heap_check_xmax ({-1, xid} wait, {-2}, {-3, next})
  Atomicity: the check, the xid assignment, the lock mark and its WAL record at once.
  Invariant: a lock-only xmax never hides a row (lib/mvcc.lua tuple_visible)
    and ends with its transaction: no release is ever written.
]]
--@include "lib/wal.lua"
--@include "lib/mvcc.lua"
--@include "lib/page.lua"
--@include "lib/heaplog.lua"
local prefix, cid, rel, blk, slot, iso, policy = ARGV[1], tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5]), ARGV[6], ARGV[7], ARGV[8]
if redis.call('EXISTS', KEYS[8]) == 0 then return { -6 } end
local key = page_key(prefix, rel, blk)
if redis.call('EXISTS', key) == 0 then return { -4, blk } end
local raw = redis.call('HGET', key, 's' .. slot)
if not raw then return { -5 } end
local t = tuple_parse(raw)
local xid, token = xid_arg(ARGV[2])
if MINE[t.xmax] then
  if t.next == 'L' then return { xid, 0 } end
  return { -7 }
end
local refusal = heap_check_xmax(prefix, t, xid, iso)
if refusal then
  if refusal[1] == -1 and policy ~= 'wait' then return { -12, refusal[2] } end
  return refusal
end
xid = ensure_xid(prefix, xid, token)
t.xmax, t.cmax, t.next = xid, cid, 'L'
local tuple = tuple_format(t)
redis.call('HSET', key, 's' .. slot, tuple)
local endLsn = heap_log(prefix, xid, { { key = key, rel = tonumber(rel), blk = blk, sets = { tonumber(slot), tuple } } })
return { xid, endLsn }
