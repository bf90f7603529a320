-- Heap pages in Redis (PostgreSQL's bufpage.c + heapam's tuple layout).
--   {p}page:<rel>:<blk>  hash: lsn, free (bytes left), nslot (next slot), s<slot> = tuple
-- A tuple is "xmin:xmax:cmin:cmax:next|data", next = "blk.slot" of the newer version or "".
-- Each tuple reserves TUPLE_SLACK bytes when inserted so that its header can
-- grow (xmax, cmax, next) without overflowing the 8 KiB page it must fit on disk.
local PAGE_CAPACITY = 8192 - 64
local ITEM_OVERHEAD = 4
local TUPLE_SLACK = 40

local function page_key(prefix, rel, blk)
  return prefix .. 'page:' .. rel .. ':' .. blk
end

local function tuple_parse(s)
  local xmin, xmax, cmin, cmax, nxt, data = string.match(s, '^(%d+):(%d+):(%d+):(%d+):([%d%.]*)|(.*)$')
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
