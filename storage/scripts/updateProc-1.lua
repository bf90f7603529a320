--[[
  Updates fields of an existing proc registry entry; does nothing if the entry
  is gone (so a late update cannot resurrect an entry that was removed).

  KEYS[1] the entry's hash ({p}proc:{id})
  ARGV[1] pid that owns the entry
  ARGV[2..] field, value, field, value ...

  Returns: 1 if updated, 0 if the entry does not exist or belongs to another pid
  Atomicity: existence check and update in one step.
  Invariant: only the owning pid changes an entry.
]]
if redis.call('HGET', KEYS[1], 'pid') ~= ARGV[1] then
  return 0
end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
return 1
