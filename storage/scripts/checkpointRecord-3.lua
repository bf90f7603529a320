--[[
  Writes the checkpoint record (XLOG_CHECKPOINT_ONLINE / _SHUTDOWN) once the
  dirty pages of the checkpoint are on disk.

  KEYS[1] {p}wal:insert
  KEYS[2] {p}wal:buffer
  KEYS[3] {p}wal:doorbell
  ARGV[1] redo LSN
  ARGV[2] next xid at the redo point
  ARGV[3] 1 for a shutdown checkpoint

  Returns: {startLsn, endLsn} of the record
  Atomicity: one record.
  Invariant: the control file may point at this record only after it is flushed.
]]
--@include "lib/wal.lua"
local payload = cmsgpack.pack({ redo = tonumber(ARGV[1]), nextXid = tonumber(ARGV[2]), shutdown = ARGV[3] == '1' })
local lsn = wal_append(0, RM_XLOG, XLOG_CHECKPOINT, payload)
return { lsn, lsn + WAL_HEADER + #payload }
