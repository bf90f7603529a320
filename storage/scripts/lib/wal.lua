-- WAL insertion (PostgreSQL's XLogInsert), shared by every script that changes
-- shared state. Expects the WAL key block in KEYS[1..3]:
--   KEYS[1] {p}wal:insert    next insert LSN (a byte position in the WAL stream)
--   KEYS[2] {p}wal:buffer    list of records not yet written by the WAL writer
--   KEYS[3] {p}wal:doorbell  at most one element: wakes the WAL writer's BLPOP
-- A buffer entry is struct.pack('<ddBB', lsn, xid, rmgr, info) .. payload; on
-- disk the record takes WAL_HEADER + #payload bytes, so LSNs are positions.
local WAL_HEADER = 24
local RM_XACT, RM_HEAP, RM_RELMAP, RM_XLOG = 1, 2, 3, 4
local XACT_COMMIT, XACT_ABORT = 1, 2
local HEAP_CHANGE = 1
local RELMAP_CREATE, RELMAP_DROP = 1, 2
local XLOG_CHECKPOINT = 1

local function wal_append(xid, rmgr, info, payload)
  local lsn = tonumber(redis.call('GET', KEYS[1]))
  redis.call('SET', KEYS[1], lsn + WAL_HEADER + #payload)
  redis.call('RPUSH', KEYS[2], struct.pack('<ddBB', lsn, xid, rmgr, info) .. payload)
  if redis.call('EXISTS', KEYS[3]) == 0 then
    redis.call('LPUSH', KEYS[3], '1')
  end
  return lsn
end
