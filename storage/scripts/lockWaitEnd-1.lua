--[[
  Removes a waiter's edge from the wait-for graph once its wait is over.

  KEYS[1] {p}waitsfor
  ARGV[1] waiter xid
  ARGV[2] holder xid it waited for

  Returns: 1 removed, 0 not there (already removed, e.g. chosen as a deadlock victim)
  Atomicity: one check-and-delete.
  Invariant: a transaction has at most one edge, and only while it waits.
]]
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
return 1
