--[[
  Brings a page read from its data file into shared buffers (ReadBuffer on a
  miss), unless another process loaded it meanwhile.

  KEYS[1] the page's hash {p}page:<rel>:<blk>
  KEYS[2] {p}rel:<rel>
  ARGV[1] key prefix {p}
  ARGV[2] relation id
  ARGV[3] block number
  ARGV[4] page LSN
  ARGV[5..] slot, tuple, slot, tuple ...

  Returns: 1 loaded, 0 already there; -6 no such relation or block
  Also: the page joins the clock ring ({p}buffers, {p}usage); past
    shared_buffers it rings {p}bgwriter:doorbell.
  Atomicity: the page appears whole or not at all.
  Invariant: the copy in Redis is never older than the data file's.
]]
--@include "lib/page.lua"
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local nblocks = tonumber(redis.call('HGET', KEYS[2], 'nblocks') or '-1')
if tonumber(ARGV[3]) >= nblocks then return -6 end
local free, nslot = PAGE_CAPACITY, 0
local fields = { 'lsn', ARGV[4] }
for i = 5, #ARGV, 2 do
  local slot = tonumber(ARGV[i])
  fields[#fields + 1] = 's' .. slot
  fields[#fields + 1] = ARGV[i + 1]
  free = free - #ARGV[i + 1] - ITEM_OVERHEAD - TUPLE_SLACK
  if slot >= nslot then nslot = slot + 1 end
end
fields[#fields + 1] = 'free'
fields[#fields + 1] = free
fields[#fields + 1] = 'nslot'
fields[#fields + 1] = nslot
redis.call('HSET', KEYS[1], unpack(fields))
page_resident(ARGV[1], ARGV[2], ARGV[3])
return 1
