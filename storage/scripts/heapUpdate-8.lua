--[[
  Replaces a tuple version with a new one (heap_update): the old version gets
  xmax and a link to the new one, which goes on the same page if it fits.

  KEYS[1] {p}wal:insert
  KEYS[2] {p}wal:buffer
  KEYS[3] {p}wal:doorbell
  KEYS[4] {p}ckpt:redo
  KEYS[5] {p}dirty
  KEYS[6] {p}xid:next
  KEYS[7] {p}procarray
  KEYS[8] {p}rel:<rel>
  ARGV[1] key prefix {p}
  ARGV[2] xid of the updating transaction, or "-<pid>:<n>" (its owner token, lib/mvcc.lua xid_arg) if it has none yet
  ARGV[3] command id
  ARGV[4] relation id
  ARGV[5] block of the old version
  ARGV[6] slot of the old version
  ARGV[7] new tuple data
  ARGV[8] isolation: rc | rr
  ARGV[9] number of index entries n of the new version (0 if none), then n
    triples: index id, unique (1|0), key (sql/types encodeIndexKey)

  Returns: {xid, blk, slot, endLsn} of the new version; {-4, blk} if a page must
    be loaded first; {-5} no such tuple; {-6} no such relation; or a refusal of
    heap_check_xmax ({-1, xid} wait, {-2} serialization failure, {-3, next}
    updated concurrently, {-7} already changed by this transaction); a unique
    check's {-1, xid} (wait, retry) or {-11, index} (unique violation)
  Also: the pages changed get their usage bumped; a page added joins {p}buffers.
  Atomicity: both versions and the WAL record change together; every check that
    can refuse runs before the first write.
  Invariant: a tuple version is changed only by the transaction whose xid it
    carries in xmax, and only while no other running transaction holds it.
]]
--@include "lib/wal.lua"
--@include "lib/mvcc.lua"
--@include "lib/page.lua"
--@include "lib/heaplog.lua"
--@include "lib/index.lua"
local prefix, cid, rel, oblk, oslot, data, iso = ARGV[1], tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5]), ARGV[6], ARGV[7], ARGV[8]
if redis.call('EXISTS', KEYS[8]) == 0 then return { -6 } end
local okey = page_key(prefix, rel, oblk)
if redis.call('EXISTS', okey) == 0 then return { -4, oblk } end
local raw = redis.call('HGET', okey, 's' .. oslot)
if not raw then return { -5 } end
local old = tuple_parse(raw)
local xid, token = xid_arg(ARGV[2])
local refusal = heap_check_xmax(prefix, old, xid, iso)
if refusal then return refusal end
local entries = index_entries_from(9)
refusal = index_check_unique(prefix, rel, xid, entries, oblk .. '.' .. oslot)
if refusal then return refusal end
local size = #data + 64 + ITEM_OVERHEAD + TUPLE_SLACK
local nkey, nblk = okey, oblk
if tonumber(redis.call('HGET', okey, 'free')) < size then
  nkey, nblk = heap_place(prefix, KEYS[8], rel, size)
  if not nkey then return { -4, nblk } end
end
xid = ensure_xid(prefix, xid, token)
local tuple = tuple_format({ xmin = xid, xmax = 0, cmin = cid, cmax = 0, next = '', data = data })
local nslot = page_add(nkey, tuple)
index_add(prefix, entries, nblk, nslot)
old.xmax, old.cmax, old.next = xid, cid, nblk .. '.' .. nslot
local oldTuple = tuple_format(old)
redis.call('HSET', okey, 's' .. oslot, oldTuple)
local changes
if nkey == okey then
  changes = { { key = okey, rel = tonumber(rel), blk = oblk, sets = { tonumber(oslot), oldTuple, nslot, tuple } } }
else
  changes = { { key = okey, rel = tonumber(rel), blk = oblk, sets = { tonumber(oslot), oldTuple } }, { key = nkey, rel = tonumber(rel), blk = nblk, sets = { nslot, tuple } } }
end
local endLsn = heap_log(prefix, xid, changes)
return { xid, nblk, nslot, endLsn }
