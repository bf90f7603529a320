--[[
  Records that transaction `waiter` waits for transaction `holder` to end (an
  edge of the wait-for graph the deadlock detector walks; PostgreSQL's
  PGPROC.waitLock / lock queues).

  KEYS[1] {p}waitsfor  (hash: waiter xid -> holder xid)
  KEYS[2] {p}procarray
  ARGV[1] waiter xid
  ARGV[2] holder xid

  Returns: 1 if the wait is recorded; 0 if the holder already ended (do not wait)
  Atomicity: the holder's state and the edge are checked and set together.
  Invariant: an edge points at a transaction that was running when it was set.
]]
if redis.call('ZSCORE', KEYS[2], ARGV[2]) == false then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
