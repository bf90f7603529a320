-- Heap pages in Redis (PostgreSQL's bufpage.c + heapam's tuple layout).
--   {p}page:<rel>:<blk>  hash: lsn, free (bytes left), nslot (next slot), s<slot> = tuple
-- A tuple is "xmin:xmax:cmin:cmax:next|data", next = "blk.slot" of the newer
-- version, "" (none, or deleted), or "L": xmax only locks the row (SELECT FOR UPDATE).
-- Each tuple reserves TUPLE_SLACK bytes when inserted so that its header can
-- grow (xmax, cmax, next) without overflowing the 8 KiB page it must fit on disk.
local PAGE_CAPACITY = 8192 - 64
local ITEM_OVERHEAD = 4
local TUPLE_SLACK = 40

local function page_key(prefix, rel, blk)
  return prefix .. 'page:' .. rel .. ':' .. blk
end

local function tuple_parse(s)
  local xmin, xmax, cmin, cmax, nxt, data = string.match(s, '^(%d+):(%d+):(%d+):(%d+):([%d%.L]*)|(.*)$')
  return { xmin = tonumber(xmin), xmax = tonumber(xmax), cmin = tonumber(cmin), cmax = tonumber(cmax), next = nxt, data = data }
end

local function tuple_format(t)
  return t.xmin .. ':' .. t.xmax .. ':' .. t.cmin .. ':' .. t.cmax .. ':' .. t.next .. '|' .. t.data
end

-- The page's items as a flat {slot, tuple, ...} list (a full-page image).
local function page_image(key)
  local all = redis.call('HGETALL', key)
  local img = {}
  for i = 1, #all, 2 do
    local f = all[i]
    if string.sub(f, 1, 1) == 's' then
      img[#img + 1] = tonumber(string.sub(f, 2))
      img[#img + 1] = all[i + 1]
    end
  end
  return img
end

-- Shared buffers bookkeeping (PostgreSQL's buffer descriptors and clock sweep):
--   {p}buffers           list: the clock ring of resident pages ("rel:blk")
--   {p}usage             hash: "rel:blk" -> usage count (0..5), bumped on each access
--   {p}shared_buffers    how many pages may stay resident (set at start)
--   {p}bgwriter:doorbell at most one element: wakes the background writer to evict
local MAX_USAGE = 5

local function page_touch(prefix, rel, blk)
  local id = rel .. ':' .. blk
  if redis.call('HINCRBY', prefix .. 'usage', id, 1) > MAX_USAGE then
    redis.call('HSET', prefix .. 'usage', id, MAX_USAGE)
  end
end

-- A page became resident: it joins the clock ring; past shared_buffers, the background writer is woken.
local function page_resident(prefix, rel, blk)
  local id = rel .. ':' .. blk
  local n = redis.call('RPUSH', prefix .. 'buffers', id)
  redis.call('HSET', prefix .. 'usage', id, 1)
  local limit = tonumber(redis.call('GET', prefix .. 'shared_buffers') or '0')
  if limit > 0 and n > limit and redis.call('EXISTS', prefix .. 'bgwriter:doorbell') == 0 then
    redis.call('LPUSH', prefix .. 'bgwriter:doorbell', '1')
  end
end
