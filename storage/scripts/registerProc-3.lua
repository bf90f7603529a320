--[[
  Registers (or replaces) one entry of the proc registry.

  KEYS[1] procs index set            ({p}procs)
  KEYS[2] the entry's hash           ({p}proc:{id})
  KEYS[3] set of ids of that OS pid  ({p}procs:pid:{pid})
  ARGV[1] id
  ARGV[2] pid (OS process hosting the entry)
  ARGV[3..] field, value, field, value ...

  Returns: 1
  Atomicity: index, hash and pid set change together, so a reader never sees
    an id in the index without its hash.
  Invariant: every id in {p}procs has a hash, and its hash's pid field names
    the pid set that lists it.
]]
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], 'id', ARGV[1], 'pid', ARGV[2], unpack(ARGV, 3))
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[1])
return 1
