--[[
  Ends a transaction whose commit record is flushed: marks it committed in the
  CLOG, removes it from the proc array and wakes every waiter.

  KEYS[1] {p}procarray
  KEYS[2] {p}committing
  ARGV[1] key prefix {p}
  ARGV[2] xid

  Returns: 1, or 0 if it was not running
  Atomicity: CLOG and proc array change together, so no snapshot sees the
    transaction neither running nor committed.
  Invariant: a waiter woken by {p}xact:end finds the xid no longer running.
]]
--@include "lib/mvcc.lua"
local prefix, xid = ARGV[1], tonumber(ARGV[2])
if redis.call('ZREM', KEYS[1], xid) == 0 then return 0 end
set_xid_status(prefix, xid, true)
redis.call('ZREM', KEYS[2], xid)
redis.call('PUBLISH', prefix .. 'xact:end', xid)
return 1
