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

-- Assigns an xid on first write (PostgreSQL assigns them lazily too).
local function ensure_xid(prefix, xid)
  if xid ~= 0 then return xid end
  xid = redis.call('INCR', prefix .. 'xid:next') - 1
  redis.call('ZADD', prefix .. 'procarray', xid, xid)
  return xid
end

-- Snapshot: xmin (oldest running), xmax (next xid), xip (running then), own xid and command id.
-- Serialized as "xmin:xmax:xip,xip,..." so a transaction can carry it between statements.
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
  if t.xmin == me then
    if t.cmin >= cid then return false end
  elseif not committed_before(prefix, snap, t.xmin) then
    return false
  end
  if t.xmax == 0 then return true end
  if t.xmax == me then return t.cmax >= cid end
  return not committed_before(prefix, snap, t.xmax)
end
