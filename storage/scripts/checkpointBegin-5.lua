--[[
  Starts a checkpoint (CreateCheckPoint): the redo point is the current WAL
  insert position; from now on the first change of each page logs a full-page
  image. Returns what the checkpointer must write.

  KEYS[1] {p}wal:insert
  KEYS[2] {p}ckpt:redo
  KEYS[3] {p}dirty
  KEYS[4] {p}xid:next
  KEYS[5] {p}committing
  ARGV[1] key prefix {p}

  Returns: {redoLsn, nextXid, nextRelId, dirty page, dirty page, ...}
  Atomicity: the redo point and the list of dirty pages are taken at one instant.
  Invariant: every change after the redo point is in WAL after it; every page
    dirtied before it is in the returned list; every commit not yet in the
    CLOG has its commit record at or after the redo point.
]]
-- Not past the commit record of a transaction that is still ending: the CLOG
-- this checkpoint saves does not show it committed yet (PostgreSQL's delayChkpt).
local redo = tonumber(redis.call('GET', KEYS[1]))
local oldest = redis.call('ZRANGE', KEYS[5], 0, 0, 'WITHSCORES')
if oldest[2] and tonumber(oldest[2]) < redo then redo = tonumber(oldest[2]) end
redis.call('SET', KEYS[2], redo)
local out = { redo, tonumber(redis.call('GET', KEYS[4])), tonumber(redis.call('GET', ARGV[1] .. 'relid:next') or '1') }
for _, m in ipairs(redis.call('SMEMBERS', KEYS[3])) do out[#out + 1] = m end
return out
