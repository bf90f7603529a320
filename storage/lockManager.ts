/*
 * Table-level locks: PostgreSQL's lock manager (lock.c, lmgr.c) for relations,
 * with its eight modes and their conflict table (docs: "Table-Level Lock
 * Modes"; lock.c LockConflicts).
 *
 * Owners are transactions: a lock belongs to the transaction's xid (taking one
 * assigns the xid, like a first write), so table-lock waits and row-lock waits
 * are edges of the one wait-for graph ({p}waitsfor) and the one deadlock check
 * finds cycles that mix them. A lock is held until its transaction ends: the
 * scripts that end a transaction (xactCommit when asynchronous, xactEnd,
 * xactAbort) release all of them in the same step (lib/lock.lua), and publish
 * the end on {p}xact:end, which wakes the waiters.
 *
 * Granting (lockAcquire): a transaction never conflicts with itself. A request
 * waits if it conflicts with a mode granted to another transaction, or with
 * the request of an earlier waiter (a queue, as PostgreSQL's: a strong request
 * is not starved by a stream of weak ones), unless that waiter waits for a lock
 * this transaction holds (it is served ahead of it, as ProcSleep does, instead
 * of deadlocking). A waiter keeps its place in the queue across retries.
 *
 * Waiting: the script names one transaction that blocks the request (the
 * oldest conflicting holder, else the first conflicting waiter ahead); the
 * requester waits for that transaction's end (notifications, never polling),
 * with an edge in the wait-for graph and the deadlock check after
 * deadlock_timeout, then asks again. NOWAIT fails at once, a lock timeout
 * when it runs out (both 55P03), a deadlock with 40P01; each failure aborts
 * the transaction, as an error does in PostgreSQL (AbortTransaction releases
 * its locks at once), so nobody queued behind it is left waiting.
 *
 * A mode held, or one weaker than a mode held (whose conflicts are a subset),
 * is granted again without a round trip: the transaction remembers what it
 * holds. Such an implied weaker mode is not listed by listLocks.
 */
import type { StorageEngine } from './engine.ts';
import { lockTimeout, replyArray, replyInt, replyString, ScriptCode, scriptFailure, StorageError } from './errors.ts';
import type { Transaction } from './transaction.ts';

/** PostgreSQL's lock modes, weakest first, numbered as in lockdefs.h. */
export enum LockMode {
  /** SELECT. */
  AccessShareLock = 1,
  /** SELECT FOR UPDATE / FOR SHARE. */
  RowShareLock = 2,
  /** INSERT, UPDATE, DELETE. */
  RowExclusiveLock = 3,
  /** VACUUM, ANALYZE, CREATE INDEX CONCURRENTLY. */
  ShareUpdateExclusiveLock = 4,
  /** CREATE INDEX. */
  ShareLock = 5,
  /** CREATE TRIGGER, some ALTER TABLE. */
  ShareRowExclusiveLock = 6,
  /** REFRESH MATERIALIZED VIEW CONCURRENTLY. */
  ExclusiveLock = 7,
  /** DROP TABLE, TRUNCATE, VACUUM FULL, LOCK TABLE (default), most ALTER TABLE. */
  AccessExclusiveLock = 8,
}

export type LockModeName = keyof typeof LockMode;

export const LOCK_MODES: readonly LockMode[] = [
  LockMode.AccessShareLock,
  LockMode.RowShareLock,
  LockMode.RowExclusiveLock,
  LockMode.ShareUpdateExclusiveLock,
  LockMode.ShareLock,
  LockMode.ShareRowExclusiveLock,
  LockMode.ExclusiveLock,
  LockMode.AccessExclusiveLock,
];

const L = LockMode;

/** The modes each mode conflicts with (lock.c LockConflicts; lib/lock.lua holds the same table as bit masks). */
export const LOCK_CONFLICTS: Readonly<Record<LockMode, readonly LockMode[]>> = {
  [L.AccessShareLock]: [L.AccessExclusiveLock],
  [L.RowShareLock]: [L.ExclusiveLock, L.AccessExclusiveLock],
  [L.RowExclusiveLock]: [L.ShareLock, L.ShareRowExclusiveLock, L.ExclusiveLock, L.AccessExclusiveLock],
  [L.ShareUpdateExclusiveLock]: [L.ShareUpdateExclusiveLock, L.ShareLock, L.ShareRowExclusiveLock, L.ExclusiveLock, L.AccessExclusiveLock],
  [L.ShareLock]: [L.RowExclusiveLock, L.ShareUpdateExclusiveLock, L.ShareRowExclusiveLock, L.ExclusiveLock, L.AccessExclusiveLock],
  [L.ShareRowExclusiveLock]: [L.RowExclusiveLock, L.ShareUpdateExclusiveLock, L.ShareLock, L.ShareRowExclusiveLock, L.ExclusiveLock, L.AccessExclusiveLock],
  [L.ExclusiveLock]: [L.RowShareLock, L.RowExclusiveLock, L.ShareUpdateExclusiveLock, L.ShareLock, L.ShareRowExclusiveLock, L.ExclusiveLock, L.AccessExclusiveLock],
  [L.AccessExclusiveLock]: [...LOCK_MODES],
};

const NAMES: Readonly<Record<LockMode, LockModeName>> = {
  [L.AccessShareLock]: 'AccessShareLock',
  [L.RowShareLock]: 'RowShareLock',
  [L.RowExclusiveLock]: 'RowExclusiveLock',
  [L.ShareUpdateExclusiveLock]: 'ShareUpdateExclusiveLock',
  [L.ShareLock]: 'ShareLock',
  [L.ShareRowExclusiveLock]: 'ShareRowExclusiveLock',
  [L.ExclusiveLock]: 'ExclusiveLock',
  [L.AccessExclusiveLock]: 'AccessExclusiveLock',
};

/** The mode's name, as pg_locks shows it and Redis stores it. */
export function lockModeName(mode: LockMode): LockModeName {
  const name: LockModeName | undefined = NAMES[mode];
  if (name === undefined) throw new StorageError('XX000', `unknown lock mode ${String(mode)}`);
  return name;
}

export function lockModeFromName(name: string): LockMode | null {
  return LOCK_MODES.find((m) => NAMES[m] === name) ?? null;
}

/** Do two modes conflict when held by different transactions? (Symmetric.) */
export function lockConflicts(a: LockMode, b: LockMode): boolean {
  return LOCK_CONFLICTS[a].includes(b);
}

/** Is `weaker` implied by holding `held`: everything that conflicts with `weaker` conflicts with `held`. */
function implies(held: LockMode, weaker: LockMode): boolean {
  return LOCK_CONFLICTS[weaker].every((m) => LOCK_CONFLICTS[held].includes(m));
}

export interface LockOptions {
  /** Fail at once with 55P03 instead of waiting (LOCK ... NOWAIT). */
  nowait?: boolean;
  /** Fail with 55P03 once the wait lasted this long (lock_timeout); 0 or absent: wait as long as it takes. */
  timeoutMs?: number;
  /** For the error message; the relid is shown otherwise. */
  relationName?: string;
}

/** Modes granted per relation, per transaction: the round-trip-free path for re-acquiring. */
const granted = new WeakMap<Transaction, Map<number, LockMode[]>>();

/**
 * Takes `mode` on relation `relid` for transaction `tx` (which must be active),
 * waiting as long as another transaction's lock conflicts. Called through
 * Transaction.lockRelation.
 */
export async function acquireRelationLock(engine: StorageEngine, tx: Transaction, relid: number, mode: LockMode, opts: LockOptions = {}): Promise<void> {
  const name = lockModeName(mode);
  let held = granted.get(tx);
  if (held?.get(relid)?.some((h) => implies(h, mode))) return;
  const what = opts.relationName === undefined ? `relation with OID ${relid}` : `relation "${opts.relationName}"`;
  const deadline = opts.timeoutMs ? Date.now() + opts.timeoutMs : null;
  const keys = engine.keys;
  for (;;) {
    const reply = replyArray(
      await engine.script(
        'lockAcquire',
        [keys.lockRel(relid), keys.lockWaitRel(relid), keys.locks(), keys.lockWaitNext(), keys.xidNext(), keys.procarray()],
        [keys.prefix, tx.xidArg(), relid, name, opts.nowait ? 1 : 0],
      ),
      'lockAcquire',
    );
    const status = replyInt(reply[0], 'lockAcquire');
    if (status === 0) {
      tx.xid = replyInt(reply[1], 'lockAcquire');
      if (!held) granted.set(tx, (held = new Map()));
      held.set(relid, [...(held.get(relid) ?? []), mode]);
      return;
    }
    if (status === ScriptCode.Wait) {
      tx.xid = replyInt(reply[1], 'lockAcquire'); // queued: the xid is assigned
      await waitForBlocker(engine, tx, replyInt(reply[2], 'lockAcquire'), deadline);
      continue;
    }
    const err = scriptFailure(status, what);
    if (status === ScriptCode.LockNotAvailable) await tx.abort();
    throw err;
  }
}

/**
 * Waits for transaction `blocker` to end, as Transaction's row-lock wait does:
 * an edge in the wait-for graph while waiting, the deadlock check once after
 * deadlock_timeout, and in addition the lock timeout. A deadlock (this
 * transaction is the victim) or a timeout aborts the transaction and throws.
 */
async function waitForBlocker(engine: StorageEngine, tx: Transaction, blocker: number, deadline: number | null): Promise<void> {
  const keys = engine.keys;
  if (replyInt(await engine.script('lockWaitBegin', [keys.waitsFor(), keys.procarray()], [tx.xid, blocker]), 'lockWaitBegin') === 0) return;
  const timers: NodeJS.Timeout[] = [];
  const failure = new Promise<never>((_, reject) => {
    timers.push(
      setTimeout(() => {
        void engine.script('deadlockCheck', [keys.waitsFor(), keys.procarray()], [tx.xid]).then((r) => {
          if (replyInt(r, 'deadlockCheck') === 1)
            reject(new StorageError('40P01', `deadlock detected: transaction ${tx.xid} waits for transaction ${blocker}, which waits for it`));
        }, reject);
      }, engine.deadlockTimeoutMs),
    );
    if (deadline !== null) timers.push(setTimeout(() => reject(lockTimeout()), Math.max(0, deadline - Date.now())));
  });
  try {
    await Promise.race([engine.notifications.waitForXactEnd(blocker), failure]);
  } catch (err) {
    if (err instanceof StorageError && (err.sqlstate === '40P01' || err.sqlstate === '55P03')) await tx.abort();
    throw err;
  } finally {
    for (const t of timers) clearTimeout(t);
    await engine.script('lockWaitEnd', [keys.waitsFor()], [tx.xid, blocker]);
  }
}

/** One row of pg_locks for a table-level lock. */
export interface LockRow {
  locktype: 'relation';
  relation: number;
  xid: number;
  mode: LockModeName;
  granted: boolean;
}

/**
 * Every table-level lock, granted and awaited, read in one consistent step:
 * holders first (one row per mode), then waiters in queue order, by relation.
 */
export async function listLocks(engine: StorageEngine): Promise<LockRow[]> {
  const reply = replyArray(await engine.script('lockStatus', [engine.keys.locks()], [engine.keys.prefix]), 'lockStatus');
  const rows: LockRow[] = [];
  for (let i = 0; i + 3 < reply.length; i += 4) {
    const tag = /^rel:(\d+)$/.exec(replyString(reply[i], 'lockStatus'));
    const mode = lockModeFromName(replyString(reply[i + 2], 'lockStatus'));
    if (!tag || mode === null) throw new StorageError('XX000', `lockStatus: unexpected lock ${JSON.stringify(reply.slice(i, i + 4))}`);
    rows.push({
      locktype: 'relation',
      relation: Number(tag[1]),
      xid: replyInt(reply[i + 1], 'lockStatus'),
      mode: lockModeName(mode),
      granted: replyInt(reply[i + 3], 'lockStatus') === 1,
    });
  }
  return rows;
}
