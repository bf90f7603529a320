--[[
  Deletes a tuple version (heap_delete): sets its xmax.

  KEYS[1] {p}wal:insert
  KEYS[2] {p}wal:buffer
  KEYS[3] {p}wal:doorbell
  KEYS[4] {p}ckpt:redo
  KEYS[5] {p}dirty
  KEYS[6] {p}xid:next
  KEYS[7] {p}procarray
  KEYS[8] {p}rel:<rel>
  ARGV[1] key prefix {p}
  ARGV[2] xid of the deleting transaction, or "-<pid>:<n>" (its owner token, lib/mvcc.lua xid_arg) if it has none yet
  ARGV[3] command id
  ARGV[4] relation id
  ARGV[5] block
  ARGV[6] slot
  ARGV[7] isolation: rc | rr

  Returns: {xid, endLsn}; {-4, blk} if the page must be loaded first; {-5} no
    such tuple; {-6} no such relation; or a refusal of heap_check_xmax
  Also: the pages changed get their usage bumped; a page added joins {p}buffers.
  Atomicity: the tuple change and its WAL record happen together.
  Invariant: as heapUpdate.
]]
--@include "lib/wal.lua"
--@include "lib/mvcc.lua"
--@include "lib/page.lua"
--@include "lib/heaplog.lua"
local prefix, cid, rel, blk, slot, iso = ARGV[1], tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5]), ARGV[6], ARGV[7]
if redis.call('EXISTS', KEYS[8]) == 0 then return { -6 } end
local key = page_key(prefix, rel, blk)
if redis.call('EXISTS', key) == 0 then return { -4, blk } end
local raw = redis.call('HGET', key, 's' .. slot)
if not raw then return { -5 } end
local t = tuple_parse(raw)
local xid, token = xid_arg(ARGV[2])
local refusal = heap_check_xmax(prefix, t, xid, iso)
if refusal then return refusal end
xid = ensure_xid(prefix, xid, token)
t.xmax, t.cmax, t.next = xid, cid, '' -- a lock this transaction held becomes the delete
local tuple = tuple_format(t)
redis.call('HSET', key, 's' .. slot, tuple)
local endLsn = heap_log(prefix, xid, { { key = key, rel = tonumber(rel), blk = blk, sets = { tonumber(slot), tuple } } })
return { xid, endLsn }
