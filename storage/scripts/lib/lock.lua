-- Table-level locks (PostgreSQL's lock.c): the eight modes, their conflict
-- table, and the release of every lock of a transaction when it ends.
-- A lock tag names a lockable object ("rel:<relid>"); its keys are
--   {p}lock:<tag>       hash  xid -> granted modes, comma-separated ("AccessShareLock,RowExclusiveLock")
--   {p}lockwait:<tag>   zset  "<xid>:<mode>" of the waiters, scored by arrival ({p}lockwait:next)
--   {p}locks:xid:<xid>  set   tags an xid holds or awaits (what its end releases)
--   {p}locks            set   tags with at least one holder or waiter (the pg_locks index)
-- Invariant: every holder and waiter is a running transaction: the scripts that
-- end a transaction (xactCommit, xactEnd, xactAbort) call lock_release_all in
-- the same step that removes it from the proc array.
local LOCK_MODES = {
  'AccessShareLock', 'RowShareLock', 'RowExclusiveLock', 'ShareUpdateExclusiveLock',
  'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock',
}
local LOCK_MODE_NUM = {}
for i, name in ipairs(LOCK_MODES) do LOCK_MODE_NUM[name] = i end

-- LockConflicts[mode]: bit m set if the mode conflicts with mode m (bit m = 2^m).
local LOCK_CONFLICTS = {
  bit.lshift(1, 8),
  bit.lshift(1, 7) + bit.lshift(1, 8),
  bit.lshift(1, 5) + bit.lshift(1, 6) + bit.lshift(1, 7) + bit.lshift(1, 8),
  bit.lshift(1, 4) + bit.lshift(1, 5) + bit.lshift(1, 6) + bit.lshift(1, 7) + bit.lshift(1, 8),
  bit.lshift(1, 3) + bit.lshift(1, 4) + bit.lshift(1, 6) + bit.lshift(1, 7) + bit.lshift(1, 8),
  bit.lshift(1, 3) + bit.lshift(1, 4) + bit.lshift(1, 5) + bit.lshift(1, 6) + bit.lshift(1, 7) + bit.lshift(1, 8),
  bit.lshift(1, 2) + bit.lshift(1, 3) + bit.lshift(1, 4) + bit.lshift(1, 5) + bit.lshift(1, 6) + bit.lshift(1, 7) + bit.lshift(1, 8),
  bit.lshift(1, 1) + bit.lshift(1, 2) + bit.lshift(1, 3) + bit.lshift(1, 4) + bit.lshift(1, 5) + bit.lshift(1, 6) + bit.lshift(1, 7) + bit.lshift(1, 8),
}

-- Mask of the modes in a comma-separated list (false: none).
local function lock_mask(list)
  local mask = 0
  if not list then return mask end
  for name in string.gmatch(list, '[^,]+') do
    local m = LOCK_MODE_NUM[name]
    if m then mask = bit.bor(mask, bit.lshift(1, m)) end
  end
  return mask
end

-- The comma-separated list of the modes in a mask, weakest first.
local function lock_mask_list(mask)
  local names = {}
  for i, name in ipairs(LOCK_MODES) do
    if bit.band(mask, bit.lshift(1, i)) ~= 0 then names[#names + 1] = name end
  end
  return table.concat(names, ',')
end

-- Releases every lock `xid` holds or awaits and forgets its wait-for edge
-- (LockReleaseAll). Cheap for a transaction that holds none: one SMEMBERS.
local function lock_release_all(prefix, xid)
  local xkey = prefix .. 'locks:xid:' .. xid
  local who = tostring(xid)
  for _, tag in ipairs(redis.call('SMEMBERS', xkey)) do
    local held, queue = prefix .. 'lock:' .. tag, prefix .. 'lockwait:' .. tag
    redis.call('HDEL', held, who)
    for _, member in ipairs(redis.call('ZRANGE', queue, 0, -1)) do
      if string.sub(member, 1, #who + 1) == who .. ':' then redis.call('ZREM', queue, member) end
    end
    if redis.call('EXISTS', held) == 0 and redis.call('EXISTS', queue) == 0 then
      redis.call('SREM', prefix .. 'locks', tag)
    end
  end
  redis.call('DEL', xkey)
  redis.call('HDEL', prefix .. 'waitsfor', who)
end
