--[[
  Deadlock detection (PostgreSQL's DeadLockCheck), run by a waiter whose wait
  lasted deadlock_timeout: follows the wait-for edges from the waiter; if they
  lead back to it, the waiter is the victim: its edge is removed at once, so a
  second waiter of the same cycle checking after it finds no cycle, and
  exactly one transaction of the cycle fails with 40P01.

  KEYS[1] {p}waitsfor
  KEYS[2] {p}procarray
  ARGV[1] waiter xid
  ARGV[2..] the waiter's other live xids (subtransactions): reaching one of
    them closes the cycle too, and their edges go with the waiter's

  Returns: 1 deadlock (the waiter must abort), 0 none
  Atomicity: the whole graph is read, and the victim chosen, in one step.
  Invariant: edges of ended transactions never count (their holders' ends woke the waiters).
]]
local me = ARGV[1]
local mine = {}
for i = 1, #ARGV do mine[ARGV[i]] = true end
local x = redis.call('HGET', KEYS[1], me)
for _ = 1, 10000 do
  if not x then return 0 end
  if redis.call('ZSCORE', KEYS[2], x) == false then return 0 end
  if mine[x] then
    for i = 1, #ARGV do redis.call('HDEL', KEYS[1], ARGV[i]) end
    return 1
  end
  x = redis.call('HGET', KEYS[1], x)
end
return 0
