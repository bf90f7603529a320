--[[
  After recovery: the WAL, transaction and relation state shared memory starts
  from (PostgreSQL's StartupXLOG end: ShmemVariableCache, CLOG, relmap).

  KEYS[1] {p}wal:insert
  KEYS[2] {p}wal:flush
  KEYS[3] {p}ckpt:redo
  KEYS[4] {p}xid:next
  KEYS[5] {p}relid:next
  KEYS[6] {p}rels
  ARGV[1] key prefix {p}
  ARGV[2] end of WAL (next insert LSN)
  ARGV[3] next xid
  ARGV[4] next relation id
  ARGV[5] shared_buffers (pages)
  ARGV[6] count of relations n, then n times: relid, name, nblocks
  then: clog chunk number, chunk bytes, ...

  Returns: 1
  Atomicity: shared memory goes from empty to consistent in one step; no
    backend runs before it.
  Invariant: wal:flush = wal:insert = end of the recovered WAL.
]]
local prefix = ARGV[1]
redis.call('SET', KEYS[1], ARGV[2])
redis.call('SET', KEYS[2], ARGV[2])
redis.call('SET', KEYS[3], ARGV[2])
redis.call('SET', KEYS[4], ARGV[3])
redis.call('SET', KEYS[5], ARGV[4])
redis.call('SET', prefix .. 'shared_buffers', ARGV[5])
local n = tonumber(ARGV[6])
local i = 7
for _ = 1, n do
  local relid, name, nblocks = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  redis.call('HSET', KEYS[6], name, relid)
  redis.call('HSET', prefix .. 'rel:' .. relid, 'name', name, 'nblocks', nblocks, 'target', math.max(0, tonumber(nblocks) - 1))
  i = i + 3
end
while i <= #ARGV do
  redis.call('SET', prefix .. 'clog:' .. ARGV[i], ARGV[i + 1])
  i = i + 2
end
return 1
