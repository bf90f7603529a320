--[[
  The WAL writer wrote and fdatasynced the first `count` records of the WAL
  buffer: drop them and advance the flushed LSN, then wake the committers
  waiting for it (on every worker, through the channel {p}wal:flushed).

  KEYS[1] {p}wal:buffer
  KEYS[2] {p}wal:flush
  ARGV[1] key prefix {p}
  ARGV[2] count of records written
  ARGV[3] the flushed LSN (end of the last record written)
  ARGV[4] LSN of the first record written (checked against the buffer's head)

  Returns: 1; -10 if the buffer's head is not the record the writer wrote
  Atomicity: the records leave the buffer exactly when the flushed LSN covers them.
  Invariant: every record is either in the buffer or durable on disk; the
    flushed LSN never moves backwards.
]]
local head = redis.call('LINDEX', KEYS[1], 0)
if not head or struct.unpack('<d', head) ~= tonumber(ARGV[4]) then return -10 end
redis.call('LTRIM', KEYS[1], tonumber(ARGV[2]), -1)
local flushed = tonumber(ARGV[3])
if flushed > tonumber(redis.call('GET', KEYS[2]) or '0') then
  redis.call('SET', KEYS[2], flushed)
end
redis.call('PUBLISH', ARGV[1] .. 'wal:flushed', flushed)
return 1
