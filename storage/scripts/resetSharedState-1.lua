--[[
  Starts a new generation of shared state: deletes every key of this cluster
  (by prefix) and sets the epoch. Run by the postmaster's start-up and by the
  crash-restart cycle, before any backend or worker actor runs.

  KEYS[1] epoch key ({p}epoch)
  ARGV[1] match pattern of the cluster's keys ({p}*)
  ARGV[2] new epoch value

  Returns: number of keys deleted
  Atomicity: nothing else runs while the old generation is removed.
  Invariant: after it, only the new epoch exists under the prefix.
]]
local deleted = 0
local cursor = '0'
repeat
  local res = redis.call('SCAN', cursor, 'MATCH', ARGV[1], 'COUNT', 1000)
  cursor = res[1]
  for _, key in ipairs(res[2]) do
    redis.call('DEL', key)
    deleted = deleted + 1
  end
until cursor == '0'
redis.call('SET', KEYS[1], ARGV[2])
return deleted
