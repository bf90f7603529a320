--[[
  Returns the tuple versions a snapshot sees through a range of an index
  (an index scan: btgettuple + heap_fetch, one batch per call).

  KEYS[1] {p}procarray
  KEYS[2] {p}xid:next
  KEYS[3] {p}idx:<index>
  ARGV[1] key prefix {p}
  ARGV[2] snapshot ("xmin:xmax:xip,..."), or "" to take one now
  ARGV[3] own xids: "x,y,..." (the transaction's live xids, subtransactions included) or 0
  ARGV[4] command id
  ARGV[5] relation id of the heap
  ARGV[6] ZRANGEBYLEX min ('-', '[member' or '(member')
  ARGV[7] ZRANGEBYLEX max ('+', '[member' or '(member')
  ARGV[8] at most this many index entries

  Returns: {snapshot, 0, resume, blk, slot, data, ...} in index order, resume
    being the last entry read when the batch was full ("" at the end of the
    range); or {snapshot, -4, blk} if a heap page must first be loaded
  Also: bumps the usage count of each heap page read (clock sweep).
  Atomicity: read-only but for usage counts; one batch sees one consistent state.
  Invariant: as heapFetch: a version whose inserter has not committed is never
    returned to another transaction; an entry leads to exactly one version.
]]
--@include "lib/mvcc.lua"
--@include "lib/page.lua"
--@include "lib/index.lua"
local prefix, me, cid, rel, limit = ARGV[1], set_mine(ARGV[3]), tonumber(ARGV[4]), ARGV[5], tonumber(ARGV[8])
local snap = snapshot_get(prefix, ARGV[2])
local members = redis.call('ZRANGEBYLEX', KEYS[3], ARGV[6], ARGV[7], 'LIMIT', 0, limit)
local ctids = {}
for i, m in ipairs(members) do
  local blk, slot = index_ctid(m)
  if redis.call('EXISTS', page_key(prefix, rel, blk)) == 0 then return { snap.text, -4, blk } end
  ctids[i] = { blk, slot }
end
local out = { snap.text, 0, #members == limit and members[#members] or '' }
for _, c in ipairs(ctids) do
  local key = page_key(prefix, rel, c[1])
  page_touch(prefix, rel, c[1])
  local raw = redis.call('HGET', key, 's' .. c[2])
  if raw then
    local t = tuple_parse(raw)
    if tuple_visible(prefix, snap, t, me, cid) then
      out[#out + 1] = c[1]
      out[#out + 1] = c[2]
      out[#out + 1] = t.data
    end
  end
end
return out
