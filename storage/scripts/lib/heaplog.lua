-- Logging heap page changes (heapam's XLOG_HEAP_* records, simplified to
-- physical item writes). Expects the WAL key block (KEYS[1..3]) plus
--   KEYS[4] {p}ckpt:redo  redo LSN of the checkpoint in progress (or last done)
--   KEYS[5] {p}dirty      set of "rel:blk" of pages changed since written to disk
-- Call it after the changes were applied to the page hashes. The first change
-- of a page after a checkpoint's redo point logs a full-page image instead of
-- the item writes (full_page_writes): redo then restores the whole page, which
-- makes a page torn on disk by a crash harmless.
-- Invariant: a page's lsn is the end LSN of the last record that changed it,
-- and the page is in the dirty set until a checkpoint wrote it with that lsn.
local function heap_log(prefix, xid, changes)
  local redo = tonumber(redis.call('GET', KEYS[4]) or '0')
  local pages = {}
  for _, c in ipairs(changes) do
    local lsn = tonumber(redis.call('HGET', c.key, 'lsn') or '0')
    if lsn <= redo then
      pages[#pages + 1] = { r = c.rel, b = c.blk, i = page_image(c.key) }
    else
      pages[#pages + 1] = { r = c.rel, b = c.blk, s = c.sets }
    end
  end
  local payload = cmsgpack.pack(pages)
  local endLsn = wal_append(xid, RM_HEAP, HEAP_CHANGE, payload) + WAL_HEADER + #payload
  for _, c in ipairs(changes) do
    redis.call('HSET', c.key, 'lsn', endLsn)
    redis.call('SADD', KEYS[5], c.rel .. ':' .. c.blk)
    page_touch(prefix, c.rel, c.blk)
  end
  return endLsn
end

-- Finds room for a tuple of `size` bytes: the relation's insert target page if
-- it has room, else a new page at the end. Returns key, blk, or nil, blk when
-- the target page must first be loaded from its data file.
local function heap_place(prefix, relKey, rel, size)
  local target = tonumber(redis.call('HGET', relKey, 'target'))
  local nblocks = tonumber(redis.call('HGET', relKey, 'nblocks'))
  if target < nblocks then
    local key = page_key(prefix, rel, target)
    if redis.call('EXISTS', key) == 0 then return nil, target end
    if tonumber(redis.call('HGET', key, 'free')) >= size then return key, target end
  end
  local blk = nblocks
  local key = page_key(prefix, rel, blk)
  redis.call('HSET', key, 'lsn', 0, 'free', PAGE_CAPACITY, 'nslot', 0)
  redis.call('HSET', relKey, 'nblocks', blk + 1, 'target', blk)
  page_resident(prefix, rel, blk)
  return key, blk
end

-- Adds a tuple to a page with room for it; returns its slot.
local function page_add(key, tuple)
  local slot = redis.call('HINCRBY', key, 'nslot', 1) - 1
  redis.call('HSET', key, 's' .. slot, tuple)
  redis.call('HINCRBY', key, 'free', -(#tuple + ITEM_OVERHEAD + TUPLE_SLACK))
  return slot
end

-- May transaction `me` replace or delete tuple version t (HeapTupleSatisfiesUpdate)?
-- Returns nil if so, else the reply the script must give:
--   {-1, xid}   another transaction that is still running changed it: wait for its end, then retry
--   {-2}        it was changed by a transaction that committed (REPEATABLE READ: serialization failure)
--   {-3, next}  the same under READ COMMITTED: `next` is the newer version ("" if deleted)
--   {-7}        this transaction already changed it
local function heap_check_xmax(prefix, t, me, isolation)
  if t.xmax == 0 then return nil end
  if t.next == 'L' then
    -- Only locked (FOR UPDATE): by this transaction, or by one that ended, it is free.
    if t.xmax ~= me and not MINE[t.xmax] and xid_running(prefix, t.xmax) then return { -1, t.xmax } end
    return nil
  end
  if t.xmax == me or MINE[t.xmax] then return { -7 } end
  if xid_running(prefix, t.xmax) then return { -1, t.xmax } end
  if xid_committed(prefix, t.xmax) then
    if isolation == 'rr' then return { -2 } end
    return { -3, t.next }
  end
  return nil -- changed by a transaction that aborted or died: free to take
end
