--[[
  Creates a relation (heap) and WAL-logs it (PostgreSQL's relation map and
  smgrcreate, in one step).

  KEYS[1] {p}wal:insert
  KEYS[2] {p}wal:buffer
  KEYS[3] {p}wal:doorbell
  KEYS[4] {p}rels (hash: name -> relation id)
  KEYS[5] {p}relid:next
  ARGV[1] key prefix {p}
  ARGV[2] relation name

  Returns: {relid, endLsn}; {-9} if the name is taken
  Atomicity: the name, the relation and its WAL record at once.
  Invariant: a relation exists in Redis only with a WAL record that recreates it.
]]
--@include "lib/wal.lua"
local prefix, name = ARGV[1], ARGV[2]
if redis.call('HEXISTS', KEYS[4], name) == 1 then return { -9 } end
local relid = redis.call('INCR', KEYS[5]) - 1
redis.call('HSET', KEYS[4], name, relid)
redis.call('HSET', prefix .. 'rel:' .. relid, 'name', name, 'nblocks', 0, 'target', 0)
local payload = cmsgpack.pack({ r = relid, n = name })
local endLsn = wal_append(0, RM_RELMAP, RELMAP_CREATE, payload) + WAL_HEADER + #payload
return { relid, endLsn }
