--[[
  Inserts a new tuple version into a relation (heap_insert), WAL-logged in the
  same script.

  KEYS[1] {p}wal:insert
  KEYS[2] {p}wal:buffer
  KEYS[3] {p}wal:doorbell
  KEYS[4] {p}ckpt:redo
  KEYS[5] {p}dirty
  KEYS[6] {p}xid:next
  KEYS[7] {p}procarray
  KEYS[8] {p}rel:<rel>
  ARGV[1] key prefix {p}
  ARGV[2] xid of the inserting transaction, or "-<pid>:<n>" (its owner token, lib/mvcc.lua xid_arg) if it has none yet
  ARGV[3] command id
  ARGV[4] relation id
  ARGV[5] tuple data
  ARGV[6] number of index entries n (0 if none), then n triples:
  ARGV[7..] index id, unique (1|0), key (sql/types encodeIndexKey)

  Returns: {xid, blk, slot, endLsn}; {-4, blk} if a page must be loaded from
    its data file first; {-6} if the relation does not exist; {-1, xid} wait
    for that transaction, then retry (it holds a version with a unique key);
    {-11, index} unique violation
  Also: the pages changed get their usage bumped; a page added joins {p}buffers.
  Atomicity: the unique checks, the xid assignment, the page change, its index
    entries and its WAL record happen together; every refusal comes before the
    first write.
  Invariant: no change to a page without its WAL record (DESIGN.md 3.1); no
    two live versions with the same key in a unique index.
]]
--@include "lib/wal.lua"
--@include "lib/mvcc.lua"
--@include "lib/page.lua"
--@include "lib/heaplog.lua"
--@include "lib/index.lua"
local prefix, cid, rel, data = ARGV[1], tonumber(ARGV[3]), ARGV[4], ARGV[5]
if redis.call('EXISTS', KEYS[8]) == 0 then return { -6 } end
local xid, token = xid_arg(ARGV[2])
local entries = index_entries_from(6)
local refusal = index_check_unique(prefix, rel, xid, entries, '')
if refusal then return refusal end
local provisional = tuple_format({ xmin = xid == 0 and redis.call('GET', KEYS[6]) or xid, xmax = 0, cmin = cid, cmax = 0, next = '', data = data })
local key, blk = heap_place(prefix, KEYS[8], rel, #provisional + ITEM_OVERHEAD + TUPLE_SLACK)
if not key then return { -4, blk } end
xid = ensure_xid(prefix, xid, token)
local tuple = tuple_format({ xmin = xid, xmax = 0, cmin = cid, cmax = 0, next = '', data = data })
local slot = page_add(key, tuple)
index_add(prefix, entries, blk, slot)
local endLsn = heap_log(prefix, xid, { { key = key, rel = tonumber(rel), blk = blk, sets = { slot, tuple } } })
return { xid, blk, slot, endLsn }
