--[[
  Ends a transaction whose commit record is flushed: marks it committed in the
  CLOG, removes it from the proc array, releases its table locks and wakes
  every waiter.

  KEYS[1] {p}procarray
  KEYS[2] {p}committing
  ARGV[1] key prefix {p} (also builds the lock keys of the xid, lib/lock.lua)
  ARGV[2] xid (its subtransactions' xids, from {p}commitsubs, end with it)

  Returns: 1, or 0 if it was not running
  Atomicity: CLOG, proc array and lock tables change together, so no snapshot
    sees the transaction neither running nor committed, and no lock outlives it.
  Invariant: a waiter woken by {p}xact:end finds the xid no longer running and
    its table locks released.
]]
--@include "lib/mvcc.lua"
--@include "lib/lock.lua"
local prefix, xid = ARGV[1], tonumber(ARGV[2])
if redis.call('ZREM', KEYS[1], xid) == 0 then return 0 end
local all = { xid }
local subs = redis.call('HGET', prefix .. 'commitsubs', xid)
if subs then
  for x in string.gmatch(subs, '%d+') do all[#all + 1] = tonumber(x) end
  redis.call('HDEL', prefix .. 'commitsubs', xid)
end
redis.call('ZREM', KEYS[2], xid)
for _, x in ipairs(all) do
  set_xid_status(prefix, x, true)
  xid_forget(prefix, x)
  if x ~= xid then redis.call('ZREM', KEYS[1], x) end
  lock_release_all(prefix, tostring(x))
  redis.call('PUBLISH', prefix .. 'xact:end', x)
end
return 1
