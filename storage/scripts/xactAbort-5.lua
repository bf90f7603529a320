--[[
  Aborts a transaction (RecordTransactionAbort): abort record, CLOG, proc
  array, waiters. Its tuple versions stay and are invisible to everyone.

  KEYS[1] {p}wal:insert
  KEYS[2] {p}wal:buffer
  KEYS[3] {p}wal:doorbell
  KEYS[4] {p}procarray
  KEYS[5] {p}committing
  ARGV[1] key prefix {p}
  ARGV[2] xid

  Returns: 1, or 0 if it was not running
  Atomicity: all at once.
  Invariant: an aborted transaction's row locks (its xmax marks) are free for
    others the moment this returns: waiters are woken.
]]
--@include "lib/wal.lua"
--@include "lib/mvcc.lua"
local prefix, xid = ARGV[1], tonumber(ARGV[2])
if redis.call('ZREM', KEYS[4], xid) == 0 then return 0 end
wal_append(xid, RM_XACT, XACT_ABORT, '')
set_xid_status(prefix, xid, false)
redis.call('ZREM', KEYS[5], xid)
redis.call('PUBLISH', prefix .. 'xact:end', xid)
return 1
