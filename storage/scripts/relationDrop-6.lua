--[[
  Drops a relation (heap or index) from shared memory and WAL-logs it
  (smgrdounlink's shared-buffer part: DropRelationBuffers). The data file is
  removed by the caller once this record is flushed.

  KEYS[1] {p}wal:insert
  KEYS[2] {p}wal:buffer
  KEYS[3] {p}wal:doorbell
  KEYS[4] {p}rels (hash: name -> relation id)
  KEYS[5] {p}rel:<relid>
  KEYS[6] {p}dirty
  ARGV[1] key prefix {p}
  ARGV[2] relation id

  Returns: {endLsn}; {-6} if there is no such relation
  Also: its pages leave shared buffers (dirty or not: they are never written),
    its index entries ({p}idx:<relid>) and sequence state ({p}seq:<relid>) go; entries in {p}buffers for its pages
    are skipped by the clock sweep.
  Atomicity: the name, the pages and the WAL record go at once.
  Invariant: a page of a dropped relation is never written to a data file after
    this script (the checkpointer and bgwriter skip pages that are gone).
]]
--@include "lib/wal.lua"
local prefix, relid = ARGV[1], ARGV[2]
local name = redis.call('HGET', KEYS[5], 'name')
if not name then return { -6 } end
local nblocks = tonumber(redis.call('HGET', KEYS[5], 'nblocks') or '0')
for blk = 0, nblocks - 1 do
  redis.call('DEL', prefix .. 'page:' .. relid .. ':' .. blk)
  redis.call('SREM', KEYS[6], relid .. ':' .. blk)
  redis.call('HDEL', prefix .. 'usage', relid .. ':' .. blk)
end
redis.call('DEL', KEYS[5], prefix .. 'idx:' .. relid, prefix .. 'seq:' .. relid)
redis.call('HDEL', KEYS[4], name)
local payload = cmsgpack.pack({ r = tonumber(relid) })
local endLsn = wal_append(0, RM_RELMAP, RELMAP_DROP, payload) + WAL_HEADER + #payload
return { endLsn }
