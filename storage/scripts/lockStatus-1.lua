--[[
  Reads every table-level lock, granted and awaited, in one consistent view
  (the data behind pg_locks; PostgreSQL's GetLockStatusData takes every lock
  partition for the same reason). Changes nothing.

  KEYS[1] {p}locks  (set: lock tags with a holder or waiter)
  ARGV[1] key prefix {p} (builds {p}lock:<tag> and {p}lockwait:<tag>, as lib/lock.lua)

  Returns: a flat array, four elements per lock: tag, xid, mode, granted
    (1, or 0 for a waiter); a holder of several modes gives one row per mode;
    waiters come in queue order after the holders of their tag
  Atomicity: one read of all lock tables, so no lock is seen twice or missed
    while it moves from waiting to granted.
  Invariant: read-only.
]]
local prefix = ARGV[1]
local out = {}
local tags = redis.call('SMEMBERS', KEYS[1])
table.sort(tags)
for _, tag in ipairs(tags) do
  local held = redis.call('HGETALL', prefix .. 'lock:' .. tag)
  for i = 1, #held, 2 do
    for mode in string.gmatch(held[i + 1], '[^,]+') do
      out[#out + 1] = tag
      out[#out + 1] = held[i]
      out[#out + 1] = mode
      out[#out + 1] = 1
    end
  end
  for _, member in ipairs(redis.call('ZRANGE', prefix .. 'lockwait:' .. tag, 0, -1)) do
    local xid, mode = string.match(member, '^([^:]+):(.+)$')
    out[#out + 1] = tag
    out[#out + 1] = xid
    out[#out + 1] = mode
    out[#out + 1] = 0
  end
end
return out
