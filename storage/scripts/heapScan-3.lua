--[[
  Returns the tuple versions visible to a snapshot on a run of pages
  (heapgettup, a sequential scan a batch of pages at a time).

  KEYS[1] {p}procarray
  KEYS[2] {p}xid:next
  KEYS[3] {p}rel:<rel>
  ARGV[1] key prefix {p}
  ARGV[2] snapshot, or "" to take one now
  ARGV[3] own xids: "x,y,..." (the transaction's live xids, subtransactions included) or 0
  ARGV[4] command id
  ARGV[5] relation id
  ARGV[6] first block
  ARGV[7] at most this many pages

  Returns: {snapshot, nextBlk, missing, blk, slot, data, blk, slot, data, ...}:
    nextBlk is where the next batch starts (-1 at the end of the relation);
    missing is 1 when the page at nextBlk must first be loaded from its data file
  Also: bumps the usage count of each page read (clock sweep).
  Atomicity: read-only but for usage counts; one batch sees one consistent state.
  Invariant: as heapFetch.
]]
--@include "lib/mvcc.lua"
--@include "lib/page.lua"
local prefix, me, cid, rel = ARGV[1], set_mine(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local snap = snapshot_get(prefix, ARGV[2])
local nblocks = tonumber(redis.call('HGET', KEYS[3], 'nblocks') or '0')
local blk = tonumber(ARGV[6])
local last = math.min(nblocks, blk + tonumber(ARGV[7]))
local out = { snap.text, -1, 0 }
while blk < last do
  local key = page_key(prefix, rel, blk)
  if redis.call('EXISTS', key) == 0 then
    out[2], out[3] = blk, 1
    return out
  end
  page_touch(prefix, rel, blk)
  local all = redis.call('HGETALL', key)
  for i = 1, #all, 2 do
    local f = all[i]
    if string.sub(f, 1, 1) == 's' then
      local t = tuple_parse(all[i + 1])
      if tuple_visible(prefix, snap, t, me, cid) then
        out[#out + 1] = blk
        out[#out + 1] = tonumber(string.sub(f, 2))
        out[#out + 1] = t.data
      end
    end
  end
  blk = blk + 1
end
if blk < nblocks then out[2] = blk end
return out
