/*
 * Every Redis key name actorgres uses, built in one place. All start with the
 * cluster's prefix (default `ag:`), so several clusters can share one Redis
 * and `redis-cli --scan --pattern 'ag:*'` shows everything of one cluster.
 *
 *   {p}epoch            string  generation of the shared state; a Redis that
 *                               restarted empty lacks it (crash-restart cycle)
 *   {p}procs            set     ids of every live process/actor (pg_stat_activity rows)
 *   {p}proc:{id}        hash    one entry: role, name, pid, node, state, started_at, restarts ...
 *   {p}procs:pid:{pid}  set     ids hosted by one OS process, to clean up after its death
 *
 * WAL and transactions (see storage/scripts/lib/*.lua for their invariants):
 *   {p}wal:insert       string  next WAL insert position (LSN, bytes)
 *   {p}wal:buffer       list    records not yet written by the WAL writer
 *   {p}wal:doorbell     list    at most one element: wakes the WAL writer
 *   {p}wal:flush        string  LSN up to which WAL is fdatasynced; published on {p}wal:flushed
 *   {p}ckpt:redo        string  redo LSN of the current checkpoint cycle (full-page images before it)
 *   {p}dirty            set     "rel:blk" of pages changed since their data file was written
 *   {p}xid:next         string  next transaction id (64-bit range, JS-safe below 2^53)
 *   {p}procarray        zset    running transaction ids; their end is published on {p}xact:end
 *   {p}committing       zset    xid -> LSN of its commit record, while the commit waits for its flush
 *   {p}xidowner         hash    running xid -> owner token "<pid>:<n>" (process, transaction number there)
 *   {p}xidtoken         hash    owner token -> xid (found again after a lost reply)
 *   {p}xids:pid:{pid}   set     running xids of one process (ended by another if it dies)
 *   {p}waitsfor         hash    waiter xid -> xid it waits for (pg_locks' waiting rows; deadlock detection)
 *
 * Table-level locks (storage/lockManager.ts, storage/scripts/lib/lock.lua; pg_locks):
 *   {p}lock:rel:{relid}     hash  xid -> modes granted to it, comma-separated ("AccessShareLock,RowExclusiveLock")
 *   {p}lockwait:rel:{relid} zset  "xid:mode" of the waiters, in queue order (score: {p}lockwait:next)
 *   {p}lockwait:next        string arrival counter of the lock queues
 *   {p}locks:xid:{xid}      set   lock tags ("rel:{relid}") an xid holds or awaits, released at its end
 *   {p}locks                set   lock tags with a holder or waiter (the index pg_locks reads)
 *   {p}clog:{n}         string  2 bits per xid (committed, aborted), 2^20 xids per chunk
 *   {p}catalog:inval    channel a DDL committed: processes drop their catalog caches (sinval)
 *   {p}rels             hash    relation name -> relation id
 *   {p}relid:next       string  next relation id
 *   {p}rel:{relid}      hash    name, nblocks, target (insert block)
 *   {p}page:{rel}:{blk} hash    lsn, free, nslot, s{slot} = "xmin:xmax:cmin:cmax:next|data"
 *   {p}idx:{index}      zset    index entries "key blk.slot" (key: order-preserving hex), all scores 0
 *   {p}seq:{seq}        hash    a sequence's live state: last, called, logged (WAL covers up to logged)
 *   {p}buffers          list    clock ring of resident pages ("rel:blk"); {p}usage their usage counts
 *   {p}shared_buffers   string  pages that may stay resident; past it {p}bgwriter:doorbell wakes the evictor
 */
export class Keys {
  constructor(readonly prefix: string) {
    if (!/^[A-Za-z0-9_.:{}-]*$/.test(prefix)) throw new Error(`invalid Redis key prefix "${prefix}"`);
  }

  epoch(): string {
    return `${this.prefix}epoch`;
  }

  procs(): string {
    return `${this.prefix}procs`;
  }

  proc(id: string): string {
    return `${this.prefix}proc:${id}`;
  }

  /** Prefix of proc hashes, for scripts that build them from ids. */
  procPrefix(): string {
    return `${this.prefix}proc:`;
  }

  procsOfPid(pid: number): string {
    return `${this.prefix}procs:pid:${pid}`;
  }

  walInsert(): string {
    return `${this.prefix}wal:insert`;
  }

  walBuffer(): string {
    return `${this.prefix}wal:buffer`;
  }

  walDoorbell(): string {
    return `${this.prefix}wal:doorbell`;
  }

  walFlush(): string {
    return `${this.prefix}wal:flush`;
  }

  /** Pub/sub channel: the new flushed LSN. */
  walFlushedChannel(): string {
    return `${this.prefix}wal:flushed`;
  }

  ckptRedo(): string {
    return `${this.prefix}ckpt:redo`;
  }

  dirty(): string {
    return `${this.prefix}dirty`;
  }

  xidNext(): string {
    return `${this.prefix}xid:next`;
  }

  procarray(): string {
    return `${this.prefix}procarray`;
  }

  committing(): string {
    return `${this.prefix}committing`;
  }

  xidToken(): string {
    return `${this.prefix}xidtoken`;
  }

  xidsOfPid(pid: number): string {
    return `${this.prefix}xids:pid:${pid}`;
  }

  /** Wait-for graph: waiter xid -> the xid it waits for (deadlock detection). */
  waitsFor(): string {
    return `${this.prefix}waitsfor`;
  }

  /** Table-level lock of a relation: xid -> granted modes. */
  lockRel(relid: number): string {
    return `${this.prefix}lock:rel:${relid}`;
  }

  /** Waiters for a relation's lock, in queue order. */
  lockWaitRel(relid: number): string {
    return `${this.prefix}lockwait:rel:${relid}`;
  }

  lockWaitNext(): string {
    return `${this.prefix}lockwait:next`;
  }

  /** Lock tags an xid holds or awaits. */
  locksOfXid(xid: number): string {
    return `${this.prefix}locks:xid:${xid}`;
  }

  /** Lock tags in use (the index of pg_locks). */
  locks(): string {
    return `${this.prefix}locks`;
  }

  /** Pub/sub channel: the xid of every transaction that ended. */
  xactEndChannel(): string {
    return `${this.prefix}xact:end`;
  }

  /** Pub/sub channel: a DDL committed; every process reloads its catalog cache. */
  catalogInvalChannel(): string {
    return `${this.prefix}catalog:inval`;
  }

  clog(chunk: number): string {
    return `${this.prefix}clog:${chunk}`;
  }

  rels(): string {
    return `${this.prefix}rels`;
  }

  relidNext(): string {
    return `${this.prefix}relid:next`;
  }

  rel(relid: number): string {
    return `${this.prefix}rel:${relid}`;
  }

  page(relid: number, blkno: number): string {
    return `${this.prefix}page:${relid}:${blkno}`;
  }

  /** An index: a sorted set walked with ZRANGEBYLEX (storage/scripts/lib/index.lua). */
  idx(index: number): string {
    return `${this.prefix}idx:${index}`;
  }

  /** A sequence's live state (storage/sequence.ts). */
  seq(relid: number): string {
    return `${this.prefix}seq:${relid}`;
  }

  /** Clock ring of resident pages ("rel:blk"). */
  buffers(): string {
    return `${this.prefix}buffers`;
  }

  /** Usage count per resident page. */
  usage(): string {
    return `${this.prefix}usage`;
  }

  bgwriterDoorbell(): string {
    return `${this.prefix}bgwriter:doorbell`;
  }

  /** The WAL key block every WAL-inserting script takes first. */
  walBlock(): [string, string, string] {
    return [this.walInsert(), this.walBuffer(), this.walDoorbell()];
  }

  /** The key block of the heap-changing scripts (heapInsert, heapUpdate, heapDelete). */
  heapWriteBlock(relid: number): string[] {
    return [...this.walBlock(), this.ckptRedo(), this.dirty(), this.xidNext(), this.procarray(), this.rel(relid)];
  }
}
