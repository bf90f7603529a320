--[[
  Removes every proc registry entry hosted by an OS process that died.

  KEYS[1] procs index set            ({p}procs)
  KEYS[2] set of ids of that OS pid  ({p}procs:pid:{pid})
  ARGV[1] prefix of entry hashes     ({p}proc:)
  ARGV[2] pid

  Returns: number of entries removed
  Atomicity: all entries of the pid go at once.
  Invariant: as registerProc; entries re-registered by another pid survive.
]]
local removed = 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  local key = ARGV[1] .. id
  if redis.call('HGET', key, 'pid') == ARGV[2] then
    redis.call('DEL', key)
    redis.call('SREM', KEYS[1], id)
    removed = removed + 1
  end
end
redis.call('DEL', KEYS[2])
return removed
