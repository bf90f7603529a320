--[[
  Clock sweep (PostgreSQL's StrategyGetBuffer, run by the background writer):
  walks the ring of resident pages, decrementing usage counts, and evicts
  clean pages whose count is zero until at most `target` pages stay resident.
  Dirty pages are never evicted: they are returned for the caller to write
  (after WAL is flushed past them) and mark clean, then swept again.

  KEYS[1] {p}buffers
  KEYS[2] {p}usage
  KEYS[3] {p}dirty
  ARGV[1] key prefix {p}
  ARGV[2] target: resident pages to keep at most
  ARGV[3] at most this many steps of the clock hand

  Returns: {evicted, resident, dirty page, dirty page, ...} (at most 32 dirty pages)
  Atomicity: a page is evicted only if clean at that instant.
  Invariant: a page leaves Redis only when its data file holds its current
    state; {p}buffers lists every resident page once.
]]
local prefix, target, steps = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local n = redis.call('LLEN', KEYS[1])
local evicted = 0
local dirty = {}
while n > target and steps > 0 and #dirty < 32 do
  steps = steps - 1
  local id = redis.call('LPOP', KEYS[1])
  if not id then break end
  local usage = tonumber(redis.call('HGET', KEYS[2], id) or '0')
  if usage > 0 then
    redis.call('HSET', KEYS[2], id, usage - 1)
    redis.call('RPUSH', KEYS[1], id)
  elseif redis.call('SISMEMBER', KEYS[3], id) == 1 then
    redis.call('RPUSH', KEYS[1], id)
    dirty[#dirty + 1] = id
  else
    redis.call('DEL', prefix .. 'page:' .. id)
    redis.call('HDEL', KEYS[2], id)
    n = n - 1
    evicted = evicted + 1
  end
end
local out = { evicted, n }
for _, id in ipairs(dirty) do out[#out + 1] = id end
return out
