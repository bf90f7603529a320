--[[
  Writes a transaction's commit record (RecordTransactionCommit). With
  synchronous_commit on, the caller then waits until the WAL writer has
  flushed past the returned LSN and only then calls xactEnd, which makes the
  commit visible and releases the table locks; with it off, both happen here.

  KEYS[1] {p}wal:insert
  KEYS[2] {p}wal:buffer
  KEYS[3] {p}wal:doorbell
  KEYS[4] {p}procarray
  KEYS[5] {p}committing (zset: xid -> LSN of its commit record, until xactEnd)
  ARGV[1] key prefix {p} (also builds the lock keys of the xid, lib/lock.lua)
  ARGV[2] xid
  ARGV[3] 1: asynchronous commit (synchronous_commit = off), 0: synchronous

  Returns: the end LSN of the commit record; -8 if the xid is not running
  Atomicity: the commit record (and, if asynchronous, the visibility and the
    release of its table locks) at once.
  Invariant: a synchronous commit is visible to others, and acknowledged, only
    after its commit record is on disk (DESIGN.md 3.2); its table locks are
    held until then.
]]
--@include "lib/wal.lua"
--@include "lib/mvcc.lua"
--@include "lib/lock.lua"
local prefix, xid = ARGV[1], tonumber(ARGV[2])
if redis.call('ZSCORE', KEYS[4], xid) == false then return -8 end
local lsn = wal_append(xid, RM_XACT, XACT_COMMIT, '')
local endLsn = lsn + WAL_HEADER
if ARGV[3] == '1' then
  set_xid_status(prefix, xid, true)
  xid_forget(prefix, xid)
  redis.call('ZREM', KEYS[4], xid)
  lock_release_all(prefix, ARGV[2])
  redis.call('PUBLISH', prefix .. 'xact:end', xid)
else
  -- Until xactEnd, a checkpoint must not move its redo point past this record:
  -- its CLOG copy would miss the commit, and redo would not replay it.
  redis.call('ZADD', KEYS[5], lsn, xid)
end
return endLsn
