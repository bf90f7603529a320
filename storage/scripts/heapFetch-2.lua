--[[
  Fetches one tuple version by its ctid (heap_fetch), as the snapshot sees it,
  or the newest version of that row (mode latest: what READ COMMITTED
  re-checks after a concurrent update, as PostgreSQL's EvalPlanQual does).

  KEYS[1] {p}procarray
  KEYS[2] {p}xid:next
  ARGV[1] key prefix {p}
  ARGV[2] snapshot ("xmin:xmax:xip,..."), or "" to take one now
  ARGV[3] own xids: "x,y,..." (the transaction's live xids, subtransactions included) or 0
  ARGV[4] command id
  ARGV[5] relation id
  ARGV[6] block
  ARGV[7] slot
  ARGV[8] mode: snapshot | latest

  Returns: {snapshot, 1, blk, slot, data} found; {snapshot, 0} not visible or
    deleted; {snapshot, -4, blk} a page must be loaded from its data file first
  Also: bumps the usage count of each page read (clock sweep).
  Atomicity: read-only but for usage counts; the snapshot and the read are one consistent view.
  Invariant: a version whose inserter has not committed is never returned to
    another transaction.
]]
--@include "lib/mvcc.lua"
--@include "lib/page.lua"
local prefix, me, cid, rel, mode = ARGV[1], set_mine(ARGV[3]), tonumber(ARGV[4]), ARGV[5], ARGV[8]
local snap = snapshot_get(prefix, ARGV[2])
local blk, slot = tonumber(ARGV[6]), ARGV[7]
for _ = 1, 1000 do
  local key = page_key(prefix, rel, blk)
  if redis.call('EXISTS', key) == 0 then return { snap.text, -4, blk } end
  page_touch(prefix, rel, blk)
  local raw = redis.call('HGET', key, 's' .. slot)
  if not raw then return { snap.text, 0 } end
  local t = tuple_parse(raw)
  if mode == 'snapshot' then
    if tuple_visible(prefix, snap, t, me, cid) then return { snap.text, 1, blk, tonumber(slot), t.data } end
    return { snap.text, 0 }
  end
  if not MINE[t.xmin] and not xid_committed(prefix, t.xmin) then return { snap.text, 0 } end
  if t.xmax == 0 or t.next == 'L' or MINE[t.xmax] or not xid_committed(prefix, t.xmax) then
    return { snap.text, 1, blk, tonumber(slot), t.data }
  end
  if t.next == '' then return { snap.text, 0 } end
  local b, s = string.match(t.next, '^(%d+)%.(%d+)$')
  blk, slot = tonumber(b), s
end
return redis.error_reply('update chain longer than 1000 versions')
