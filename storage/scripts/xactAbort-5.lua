--[[
  Aborts a transaction (RecordTransactionAbort): abort record, CLOG, proc
  array, table locks, waiters. Its tuple versions stay and are invisible to
  everyone. Also how another process ends the transaction of a dead one.

  KEYS[1] {p}wal:insert
  KEYS[2] {p}wal:buffer
  KEYS[3] {p}wal:doorbell
  KEYS[4] {p}procarray
  KEYS[5] {p}committing
  ARGV[1] key prefix {p} (also builds the lock keys of the xid, lib/lock.lua)
  ARGV[2] xid

  Returns: 1, or 0 if it was not running
  Atomicity: all at once.
  Invariant: an aborted transaction's row locks (its xmax marks) and table
    locks (held or awaited) are free for others the moment this returns:
    waiters are woken.
]]
--@include "lib/wal.lua"
--@include "lib/mvcc.lua"
--@include "lib/lock.lua"
local prefix, xid = ARGV[1], tonumber(ARGV[2])
if redis.call('ZREM', KEYS[4], xid) == 0 then return 0 end
wal_append(xid, RM_XACT, XACT_ABORT, '')
set_xid_status(prefix, xid, false)
xid_forget(prefix, xid)
redis.call('ZREM', KEYS[5], xid)
lock_release_all(prefix, ARGV[2])
redis.call('PUBLISH', prefix .. 'xact:end', xid)
return 1
