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
  ARGV[4..] the transaction's other live xids (subtransactions, SAVEPOINT):
    they commit with it (recorded in the commit record; until xactEnd in
    {p}commitsubs: xid -> "a,b,...")

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
local subs = {}
for i = 4, #ARGV do subs[#subs + 1] = tonumber(ARGV[i]) end
local payload = #subs > 0 and cmsgpack.pack(subs) or ''
local lsn = wal_append(xid, RM_XACT, XACT_COMMIT, payload)
local endLsn = lsn + WAL_HEADER + #payload
if ARGV[3] == '1' then
  local all = { xid }
  for _, x in ipairs(subs) do all[#all + 1] = x end
  for _, x in ipairs(all) do
    set_xid_status(prefix, x, true)
    xid_forget(prefix, x)
    redis.call('ZREM', KEYS[4], x)
    lock_release_all(prefix, tostring(x))
    redis.call('PUBLISH', prefix .. 'xact:end', x)
  end
else
  -- Until xactEnd, a checkpoint must not move its redo point past this record:
  -- its CLOG copy would miss the commit, and redo would not replay it.
  redis.call('ZADD', KEYS[5], lsn, xid)
  if #subs > 0 then redis.call('HSET', prefix .. 'commitsubs', xid, table.concat(subs, ',')) end
end
return endLsn
