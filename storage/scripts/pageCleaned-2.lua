--[[
  A page was written to its data file as of `lsn`: it is clean unless it
  changed again since.

  KEYS[1] the page's hash
  KEYS[2] {p}dirty
  ARGV[1] "rel:blk"
  ARGV[2] the page LSN that was written

  Returns: 1 clean now, 0 still dirty (changed after the copy was taken)
  Atomicity: the LSN check and the removal from the dirty set at once.
  Invariant: a page leaves the dirty set only when the data file holds its current state.
]]
if redis.call('HGET', KEYS[1], 'lsn') ~= ARGV[2] then return 0 end
redis.call('SREM', KEYS[2], ARGV[1])
return 1
