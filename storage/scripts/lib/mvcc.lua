-- Transaction status and snapshots (PostgreSQL's clog.c, procarray.c and
-- heapam_visibility.c). The prefix of every key is `prefix` (ARGV[1]).
--   {p}clog:<n>   2 bits per xid (bit 0 committed, bit 1 aborted), 2^20 xids a chunk
--   {p}procarray  zset of running xids (score = xid)
--   {p}xid:next   next xid to assign
-- An xid below xid:next that is neither committed, aborted nor running belonged
-- to a transaction that died with a crash: it counts as aborted.
local CLOG_CHUNK = 1048576

local function clog_key(prefix, xid)
  return prefix .. 'clog:' .. math.floor(xid / CLOG_CHUNK)
end

local function xid_committed(prefix, xid)
  return redis.call('GETBIT', clog_key(prefix, xid), (xid % CLOG_CHUNK) * 2) == 1
end

local function xid_running(prefix, xid)
  return redis.call('ZSCORE', prefix .. 'procarray', xid) ~= false
end

local function set_xid_status(prefix, xid, committed)
  redis.call('SETBIT', clog_key(prefix, xid), (xid % CLOG_CHUNK) * 2 + (committed and 0 or 1), 1)
end

-- The xid argument of a script that may assign one: the transaction's xid,
-- or, while it has none yet, "-<pid>:<n>": its owner token (the OS process
-- running it and a transaction number there). Returns xid (0: none), token.
-- After the first element, the list names the transaction's other live xids
-- (those of its subtransactions: SAVEPOINT): all of them are "mine" (MINE),
-- for visibility and row locks, as PostgreSQL's TransactionIdIsCurrentTransactionId.
local MINE = {}

local function xid_arg(v)
  local first, rest = string.match(v, '^([^,]*),?(.*)$')
  for x in string.gmatch(rest, '%d+') do MINE[tonumber(x)] = true end
  if string.sub(first, 1, 1) == '-' then return 0, string.sub(first, 2) end
  local xid = tonumber(first)
  if xid ~= 0 then MINE[xid] = true end
  return xid, nil
end

-- The own-xid argument of a reading script: "x,y,..." (every live xid of the transaction) or "0".
local function set_mine(v)
  local first
  for x in string.gmatch(v, '%d+') do
    local n = tonumber(x)
    if n ~= 0 then MINE[n] = true end
    first = first or n
  end
  return first or 0
end

-- Assigns an xid on first write (PostgreSQL assigns them lazily too), and
-- records its owner:
--   {p}xidowner       hash: xid -> owner token "<pid>:<n>"
--   {p}xidtoken       hash: owner token -> xid (a transaction whose first
--                     write's reply was lost finds its xid there)
--   {p}xids:pid:<pid> set: the running xids of one process
-- so that the transactions of a process that died can be ended by another.
local function ensure_xid(prefix, xid, token)
  if xid ~= 0 then return xid end
  xid = redis.call('INCR', prefix .. 'xid:next') - 1
  redis.call('ZADD', prefix .. 'procarray', xid, xid)
  MINE[xid] = true
  if token then
    local pid = string.match(token, '^(%d+):')
    redis.call('HSET', prefix .. 'xidowner', xid, token)
    redis.call('HSET', prefix .. 'xidtoken', token, xid)
    redis.call('SADD', prefix .. 'xids:pid:' .. pid, xid)
  end
  return xid
end

-- The transaction ended: its owner records go.
local function xid_forget(prefix, xid)
  local token = redis.call('HGET', prefix .. 'xidowner', xid)
  if token then
    redis.call('HDEL', prefix .. 'xidowner', xid)
    redis.call('HDEL', prefix .. 'xidtoken', token)
    redis.call('SREM', prefix .. 'xids:pid:' .. string.match(token, '^(%d+):'), xid)
  end
end

local function snapshot_take(prefix)
  local xmax = tonumber(redis.call('GET', prefix .. 'xid:next'))
  local running = redis.call('ZRANGE', prefix .. 'procarray', 0, -1)
  local xip = {}
  local xmin = xmax
  for _, x in ipairs(running) do
    local n = tonumber(x)
    xip[n] = true
    if n < xmin then xmin = n end
  end
  return { xmin = xmin, xmax = xmax, xip = xip, text = xmin .. ':' .. xmax .. ':' .. table.concat(running, ',') }
end

local function snapshot_parse(text)
  local xmin, xmax, list = string.match(text, '^(%d+):(%d+):([%d,]*)$')
  local xip = {}
  for x in string.gmatch(list, '%d+') do xip[tonumber(x)] = true end
  return { xmin = tonumber(xmin), xmax = tonumber(xmax), xip = xip, text = text }
end

local function snapshot_get(prefix, text)
  if text == '' then return snapshot_take(prefix) end
  return snapshot_parse(text)
end

-- Did xid commit before the snapshot was taken?
local function committed_before(prefix, snap, xid)
  if xid >= snap.xmax or snap.xip[xid] then return false end
  return xid_committed(prefix, xid)
end

-- HeapTupleSatisfiesMVCC: t has xmin, xmax, cmin, cmax; me = own xid (0: none yet), cid = current command.
local function tuple_visible(prefix, snap, t, me, cid)
  if t.xmin == me or MINE[t.xmin] then
    if t.cmin >= cid then return false end
  elseif not committed_before(prefix, snap, t.xmin) then
    return false
  end
  if t.xmax == 0 or t.next == 'L' then return true end -- a row lock never hides the row
  if t.xmax == me or MINE[t.xmax] then return t.cmax >= cid end
  return not committed_before(prefix, snap, t.xmax)
end
