--[[
  Removes one proc registry entry, if it still belongs to the given pid (a
  restarted actor may already have re-registered the same id elsewhere).

  KEYS[1] procs index set            ({p}procs)
  KEYS[2] the entry's hash           ({p}proc:{id})
  KEYS[3] set of ids of that OS pid  ({p}procs:pid:{pid})
  ARGV[1] id
  ARGV[2] pid

  Returns: 1 if removed, 0 if absent or owned by another pid
  Atomicity: index, hash and pid set change together.
  Invariant: as registerProc.
]]
redis.call('SREM', KEYS[3], ARGV[1])
if redis.call('HGET', KEYS[2], 'pid') ~= ARGV[2] then
  return 0
end
redis.call('DEL', KEYS[2])
redis.call('SREM', KEYS[1], ARGV[1])
return 1
