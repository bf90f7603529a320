-- Indexes (PostgreSQL's nbtree, as a Redis sorted set per index).
--   {p}idx:<index>  zset, every score 0; member = key .. ' ' .. blk .. '.' .. slot
-- `key` is an order-preserving encoding of the indexed values made of
-- [0-9a-f] only (sql/types encodeIndexKey), so ZRANGEBYLEX walks the index in
-- key order and ' ' (below every key character) ends a key: every entry of key
-- K lies in ['K ', '(K!').
-- Each tuple version has its own entries (no HOT): a reader reaches a version
-- through an entry and keeps it only if its snapshot sees it.
-- Invariant: an entry is added in the same script as the version it points at.

local function index_member(key, blk, slot)
  return key .. ' ' .. blk .. '.' .. slot
end

local function index_ctid(member)
  local b, s = string.match(member, ' (%d+)%.(%d+)$')
  return tonumber(b), tonumber(s)
end

-- _bt_check_unique: is there a version with this key that is (or may become)
-- live? `entries` is a flat {index, unique, key, ...} list; `skip` a "blk.slot"
-- this script replaces (the old version of an update). Returns nil when the
-- insert may go ahead, else the reply the script must give:
--   {-4, blk}    a heap page must be loaded first
--   {-1, xid}    a running transaction inserted or deleted a conflicting version: wait for it
--   {-11, index} a live version has the key: unique violation
local function index_check_unique(prefix, rel, me, entries, skip)
  for i = 1, #entries, 3 do
    if entries[i + 1] == '1' then
      local key = entries[i + 2]
      local members = redis.call('ZRANGEBYLEX', prefix .. 'idx:' .. entries[i], '[' .. key .. ' ', '(' .. key .. '!')
      for _, m in ipairs(members) do
        local blk, slot = index_ctid(m)
        if (blk .. '.' .. slot) ~= skip then
          local pkey = page_key(prefix, rel, blk)
          if redis.call('EXISTS', pkey) == 0 then return { -4, blk } end
          local raw = redis.call('HGET', pkey, 's' .. slot)
          if raw then
            local t = tuple_parse(raw)
            local inserted -- nil: dead; true: live
            if t.xmin == me or MINE[t.xmin] then
              inserted = true
            elseif xid_committed(prefix, t.xmin) then
              inserted = true
            elseif xid_running(prefix, t.xmin) then
              return { -1, t.xmin }
            end
            if inserted then
              if t.xmax == 0 or t.next == 'L' then return { -11, entries[i] } end
              if t.xmax ~= me and not MINE[t.xmax] then
                if xid_running(prefix, t.xmax) then return { -1, t.xmax } end
                if not xid_committed(prefix, t.xmax) then return { -11, entries[i] } end
              end
            end
          end
        end
      end
    end
  end
  return nil
end

-- Adds the entries of a new version at blk.slot.
local function index_add(prefix, entries, blk, slot)
  for i = 1, #entries, 3 do
    redis.call('ZADD', prefix .. 'idx:' .. entries[i], 0, index_member(entries[i + 2], blk, slot))
  end
end

-- The {index, unique, key, ...} list from ARGV[from] = count, then the triples.
local function index_entries_from(from)
  local n = tonumber(ARGV[from] or '0')
  local out = {}
  for i = 1, n * 3 do out[i] = ARGV[from + i] end
  return out
end
