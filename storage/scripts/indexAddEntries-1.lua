--[[
  Adds entries for existing tuple versions to an index (index build: CREATE
  INDEX, and the rebuild after recovery).

  KEYS[1] {p}idx:<index>
  ARGV[1..] members: key .. ' ' .. blk .. '.' .. slot (see lib/index.lua)

  Returns: the number of entries added
  Atomicity: one batch at a time; a build is a series of batches.
  Invariant: an index is rebuilt from the heap, never from WAL: after a crash
    it is empty until the startup process rebuilds it, before any backend runs.
]]
local n = 0
local args = {}
for i = 1, #ARGV do
  args[#args + 1] = 0
  args[#args + 1] = ARGV[i]
  if #args >= 1000 or i == #ARGV then
    n = n + redis.call('ZADD', KEYS[1], unpack(args))
    args = {}
  end
end
return n
