/*
 * A transaction on the storage engine (PostgreSQL's xact.c with heapam's
 * tuple operations): the typed storage API the SQL layer builds on.
 *
 *   const tx = engine.begin('read committed');
 *   const ctid = await tx.insert(rel, 'row data');
 *   tx.nextStatement();                    // like CommandCounterIncrement
 *   for await (const row of tx.scan(rel)) ...
 *   await tx.update(rel, ctid, 'new data');
 *   await tx.commit();
 *
 * Statements: every operation belongs to the current statement; its own
 * changes become visible to the transaction with nextStatement(). READ
 * COMMITTED takes a fresh snapshot per statement, REPEATABLE READ one for the
 * whole transaction (at its first read).
 *
 * Row locks are the tuple's xmax, as in PostgreSQL: an update or delete of a
 * version another running transaction changed waits for that transaction to
 * end (woken by its end, never by polling), then retries. Under READ
 * COMMITTED a version changed by a committed transaction is reported as
 * `changed` with its newest version, for the caller to re-check its
 * condition and retry on it (EvalPlanQual); under REPEATABLE READ it is a
 * serialization failure (40001).
 *
 * Commit: the commit record is written; with synchronous_commit on, commit()
 * returns only after the WAL writer flushed past it, and only then does the
 * commit become visible to others. Abort (or a failed commit) releases every
 * row lock at once.
 */
import type { StorageEngine } from './engine.ts';
import { WAL_HEADER_SIZE } from './wal/walFormat.ts';
import { acquireRelationLock } from './lockManager.ts';
import type { LockMode, LockOptions } from './lockManager.ts';
import { replyArray, replyInt, replyString, ScriptCode, scriptFailure, serializationFailure, StorageError, UniqueViolation } from './errors.ts';

export type Isolation = 'read committed' | 'repeatable read';

export interface Ctid {
  blk: number;
  slot: number;
}

export interface TupleRef {
  ctid: Ctid;
  data: string;
}

/** An entry a new tuple version gets in an index: `key` is the order-preserving hex encoding of its indexed values (sql/types encodeIndexKey). `unique`: refuse a second live version with the same key (a key with a NULL is never checked: pass false). */
export interface IndexEntry {
  index: number;
  unique: boolean;
  key: string;
}

/** A range of index keys (hex key prefixes: a prefix bound covers every longer key that starts with it). */
export interface IndexRange {
  lower?: { key: string; inclusive: boolean };
  upper?: { key: string; inclusive: boolean };
}

/** done: the new version; changed: a committed transaction changed it first (READ COMMITTED) — its newest version, or null if deleted; self: this statement already changed it. */
export type WriteResult<T> = { status: 'done'; value: T } | { status: 'changed'; latest: TupleRef | null } | { status: 'self' };

const SCAN_BATCH_PAGES = 32;
const INDEX_BATCH = 256;

type TxState = 'active' | 'committed' | 'aborted' | 'failed';

export class Transaction {
  /** 0 until the first write assigns one. */
  xid = 0;
  private cid = 0;
  private snapshot = '';
  private state: TxState = 'active';
  private ownerToken: string;
  /** The transaction's other live xids: those its enclosing subtransaction levels wrote with (SAVEPOINT). */
  private earlier: number[] = [];
  /** Open savepoints, innermost last: what to roll back to. */
  private savepoints: Array<{ name: string; earlier: number[]; xid: number }> = [];

  constructor(
    private readonly engine: StorageEngine,
    readonly isolation: Isolation,
    private readonly synchronousCommit: boolean,
  ) {
    this.ownerToken = engine.nextOwnerToken();
  }

  /**
   * The xid argument of a script that may assign one: the xid, or while there
   * is none "-<owner token>": the script records the xid it assigns under
   * this process and token, so that the transaction can be found again if the
   * reply is lost, and ended by another process if this one dies.
   */
  xidArg(): string {
    const current = this.xid !== 0 ? String(this.xid) : `-${this.ownerToken}`;
    return this.earlier.length ? `${current},${this.earlier.join(',')}` : current;
  }

  /** Every live xid of this transaction (current level first). */
  private mine(): number[] {
    return this.xid !== 0 ? [this.xid, ...this.earlier] : [...this.earlier];
  }

  /** The own-xids argument of reading scripts: "x,y,..." or "0". */
  private mineArg(): string {
    return this.mine().join(',') || '0';
  }

  // ---- subtransactions (SAVEPOINT) --------------------------------------------
  // A savepoint level writes with an xid of its own. ROLLBACK TO aborts the
  // xids of the levels inside it (their versions become invisible, their row
  // and table locks free); RELEASE keeps them; COMMIT commits them all with
  // the transaction (one commit record lists them).

  savepoint(name: string): void {
    this.checkActive();
    this.savepoints.push({ name, earlier: [...this.earlier], xid: this.xid });
    if (this.xid !== 0) this.earlier.push(this.xid);
    this.xid = 0;
    this.ownerToken = this.engine.nextOwnerToken();
  }

  /** The innermost open savepoint, if any (an error inside it rolls back to it). */
  innermostSavepoint(): string | null {
    return this.savepoints[this.savepoints.length - 1]?.name ?? null;
  }

  hasSavepoint(name: string): boolean {
    return this.savepoints.some((s) => s.name === name);
  }

  /** RELEASE SAVEPOINT: the level and those inside it merge into the enclosing one. */
  releaseSavepoint(name: string): void {
    const i = this.savepoints.map((s) => s.name).lastIndexOf(name);
    if (i < 0) throw new StorageError('3B001', `savepoint "${name}" does not exist`);
    this.savepoints = this.savepoints.slice(0, i);
  }

  /** ROLLBACK TO SAVEPOINT: undoes what the levels inside it did; the savepoint stays. */
  async rollbackToSavepoint(name: string): Promise<void> {
    const i = this.savepoints.map((s) => s.name).lastIndexOf(name);
    if (i < 0) throw new StorageError('3B001', `savepoint "${name}" does not exist`);
    const level = this.savepoints[i]!;
    const keep = new Set([...level.earlier, level.xid]);
    const keys = this.engine.keys;
    const found = this.xid === 0 ? await this.engine.guard(this.engine.redis.hget(keys.xidToken(), this.ownerToken)) : null;
    const gone = [...this.mine(), ...(found !== null ? [Number(found)] : [])].filter((x) => !keep.has(x));
    for (const x of gone) await this.engine.script('xactAbort', [...keys.walBlock(), keys.procarray(), keys.committing()], [keys.prefix, x]);
    this.earlier = [...level.earlier, ...(level.xid !== 0 ? [level.xid] : [])];
    this.xid = 0;
    this.ownerToken = this.engine.nextOwnerToken();
    this.savepoints = this.savepoints.slice(0, i + 1);
  }

  private get iso(): 'rc' | 'rr' {
    return this.isolation === 'repeatable read' ? 'rr' : 'rc';
  }

  /** Ends the current statement: its changes become visible to the next one. */
  nextStatement(): void {
    this.cid++;
    if (this.isolation === 'read committed') this.snapshot = '';
  }

  /** Inserts a version and its index entries; a unique index that holds the key fails with UniqueViolation (after waiting for an in-progress holder, as PostgreSQL does). */
  async insert(relid: number, data: string, entries: readonly IndexEntry[] = []): Promise<Ctid> {
    this.checkActive();
    for (;;) {
      const r = await this.heapWrite('heapInsert', relid, [data, ...flattenEntries(entries)]);
      if (r.ok) return { blk: r.values[1]!, slot: r.values[2]! };
      await this.resolveOrThrow(relid, r, 'insert');
    }
  }

  async fetch(relid: number, ctid: Ctid, mode: 'snapshot' | 'latest' = 'snapshot'): Promise<TupleRef | null> {
    this.checkActive();
    for (;;) {
      const reply = replyArray(
        await this.engine.script(
          'heapFetch',
          [this.engine.keys.procarray(), this.engine.keys.xidNext()],
          [this.engine.keys.prefix, this.snapshot, this.mineArg(), this.cid, relid, ctid.blk, ctid.slot, mode],
        ),
        'heapFetch',
      );
      this.snapshot = replyString(reply[0], 'heapFetch');
      const status = replyInt(reply[1], 'heapFetch');
      if (status === ScriptCode.PageNotLoaded) {
        await this.engine.loadPage(relid, replyInt(reply[2], 'heapFetch'));
        continue;
      }
      if (status === 0) return null;
      return { ctid: { blk: replyInt(reply[2], 'heapFetch'), slot: replyInt(reply[3], 'heapFetch') }, data: replyString(reply[4], 'heapFetch') };
    }
  }

  async *scan(relid: number): AsyncGenerator<TupleRef> {
    this.checkActive();
    let blk = 0;
    while (blk >= 0) {
      const reply = replyArray(
        await this.engine.script(
          'heapScan',
          [this.engine.keys.procarray(), this.engine.keys.xidNext(), this.engine.keys.rel(relid)],
          [this.engine.keys.prefix, this.snapshot, this.mineArg(), this.cid, relid, blk, SCAN_BATCH_PAGES],
        ),
        'heapScan',
      );
      this.snapshot = replyString(reply[0], 'heapScan');
      const next = replyInt(reply[1], 'heapScan');
      for (let i = 3; i + 2 < reply.length; i += 3) {
        yield { ctid: { blk: replyInt(reply[i], 'heapScan'), slot: replyInt(reply[i + 1], 'heapScan') }, data: replyString(reply[i + 2], 'heapScan') };
      }
      if (replyInt(reply[2], 'heapScan') === 1) await this.engine.loadPage(relid, next);
      blk = next;
    }
  }

  /**
   * Yields the versions this transaction's snapshot sees through an index
   * range, in key order; one script per batch of entries.
   */
  async *indexScan(relid: number, index: number, range: IndexRange = {}): AsyncGenerator<TupleRef> {
    this.checkActive();
    let min = range.lower ? (range.lower.inclusive ? '[' + range.lower.key : '[' + range.lower.key + 'g') : '-';
    const max = range.upper ? (range.upper.inclusive ? '(' + range.upper.key + 'g' : '(' + range.upper.key) : '+';
    for (;;) {
      const keys = this.engine.keys;
      const reply = replyArray(
        await this.engine.script(
          'indexScan',
          [keys.procarray(), keys.xidNext(), keys.idx(index)],
          [keys.prefix, this.snapshot, this.mineArg(), this.cid, relid, min, max, INDEX_BATCH],
        ),
        'indexScan',
      );
      this.snapshot = replyString(reply[0], 'indexScan');
      if (replyInt(reply[1], 'indexScan') === ScriptCode.PageNotLoaded) {
        await this.engine.loadPage(relid, replyInt(reply[2], 'indexScan'));
        continue;
      }
      for (let i = 3; i + 2 < reply.length; i += 3) {
        yield { ctid: { blk: replyInt(reply[i], 'indexScan'), slot: replyInt(reply[i + 1], 'indexScan') }, data: replyString(reply[i + 2], 'indexScan') };
      }
      const resume = replyString(reply[2], 'indexScan');
      if (resume === '') return;
      min = '(' + resume;
    }
  }

  /** Replaces a version; `entries` are the new version's index entries (every index of the relation: there is no HOT). */
  async update(relid: number, ctid: Ctid, data: string, entries: readonly IndexEntry[] = []): Promise<WriteResult<Ctid>> {
    this.checkActive();
    for (;;) {
      const r = await this.heapWrite('heapUpdate', relid, [ctid.blk, ctid.slot, data, this.iso, ...flattenEntries(entries)]);
      if (r.ok) return { status: 'done', value: { blk: r.values[1]!, slot: r.values[2]! } };
      const outcome = await this.conflict(relid, r, 'update');
      if (outcome) return outcome;
    }
  }

  /**
   * Locks a row version against updates, deletes and other locks until this
   * transaction ends (SELECT ... FOR UPDATE). `wait` blocks on a holder (then
   * as update: READ COMMITTED gets `changed` with the newest version, REPEATABLE
   * READ 40001); `nowait` and `skip` answer `busy` instead of waiting.
   * FOR SHARE takes the same lock: shared row locks (MultiXacts) are not kept.
   */
  async lockRow(relid: number, ctid: Ctid, policy: 'wait' | 'nowait' | 'skip' = 'wait'): Promise<WriteResult<null> | { status: 'busy' }> {
    this.checkActive();
    for (;;) {
      const r = await this.heapWrite('heapLock', relid, [ctid.blk, ctid.slot, this.iso, policy]);
      if (r.ok) return { status: 'done', value: null };
      if (r.code === ScriptCode.RowLocked) return { status: 'busy' };
      const outcome = await this.conflict(relid, r, 'lock');
      if (outcome) return outcome;
    }
  }

  async delete(relid: number, ctid: Ctid): Promise<WriteResult<null>> {
    this.checkActive();
    for (;;) {
      const r = await this.heapWrite('heapDelete', relid, [ctid.blk, ctid.slot, this.iso]);
      if (r.ok) return { status: 'done', value: null };
      const outcome = await this.conflict(relid, r, 'delete');
      if (outcome) return outcome;
    }
  }

  /**
   * Takes a table-level lock on `relid`, held until this transaction ends;
   * waits while another transaction's lock conflicts (storage/lockManager.ts).
   */
  async lockRelation(relid: number, mode: LockMode, opts?: LockOptions): Promise<void> {
    this.checkActive();
    await acquireRelationLock(this.engine, this, relid, mode, opts);
  }

  async commit(): Promise<void> {
    this.checkActive();
    const all = this.mine();
    if (all.length === 0) {
      this.state = 'committed';
      return;
    }
    // One commit record for the transaction: its first live xid, with the others (subtransactions) listed in it.
    this.xid = all[0]!;
    this.earlier = all.slice(1);
    const keys = this.engine.keys;
    let endLsn: number;
    try {
      endLsn = replyInt(
        await this.engine.script('xactCommit', [...keys.walBlock(), keys.procarray(), keys.committing()], [keys.prefix, this.xid, this.synchronousCommit ? 0 : 1, ...this.earlier]),
        'xactCommit',
      );
    } catch (err) {
      // The reply was lost with the connection: did the commit record get written? Shared memory knows.
      if (!(err instanceof StorageError) || err.sqlstate !== '08006') throw err;
      const resolved = await this.resolveLostCommit();
      if (resolved === 'not written') throw err; // still running: the caller aborts it
      if (resolved === 'done') {
        this.state = 'committed';
        return;
      }
      endLsn = resolved;
    }
    if (endLsn < 0) throw scriptFailure(endLsn, `commit of transaction ${this.xid}`);
    if (this.synchronousCommit) {
      // The commit record may be durable once this wait ends; until then the transaction is in doubt.
      this.state = 'failed';
      await this.engine.notifications.waitForFlush(endLsn);
      await this.engine.script('xactEnd', [keys.procarray(), keys.committing()], [keys.prefix, this.xid]);
    }
    this.state = 'committed';
  }

  async abort(): Promise<void> {
    if (this.state === 'committed' || this.state === 'aborted') return;
    // A commit record that may already be durable must not be contradicted: recovery decides.
    if (this.state === 'failed') throw new StorageError('XX000', `transaction ${this.xid} is in doubt (its commit record was written); it cannot be aborted`);
    const keys = this.engine.keys;
    if (this.xid === 0) {
      // A first write whose reply was lost may have assigned an xid all the same.
      const found = await this.engine.guard(this.engine.redis.hget(keys.xidToken(), this.ownerToken));
      if (found !== null) this.xid = Number(found);
    }
    for (const x of this.mine()) await this.engine.script('xactAbort', [...keys.walBlock(), keys.procarray(), keys.committing()], [keys.prefix, x]);
    this.state = 'aborted';
  }

  /**
   * After a lost reply to xactCommit: the commit record's LSN end if it was
   * written and waits for its flush (synchronous commit), 'done' if the
   * commit completed (asynchronous), or 'not written' if the transaction is
   * still running without one.
   */
  private async resolveLostCommit(): Promise<number | 'done' | 'not written'> {
    const keys = this.engine.keys;
    const lsn = await this.engine.guard(this.engine.redis.zscore(keys.committing(), String(this.xid)));
    if (lsn !== null) return Number(lsn) + WAL_HEADER_SIZE;
    const running = await this.engine.guard(this.engine.redis.zscore(keys.procarray(), String(this.xid)));
    return running !== null ? 'not written' : 'done';
  }

  // ---- internals ---------------------------------------------------------------

  private checkActive(): void {
    if (this.state !== 'active') throw new StorageError('25P02', `transaction is ${this.state}`);
  }

  /**
   * Waits for transaction `holder` to end. After deadlock_timeout it walks the
   * wait-for graph once; if the wait closes a cycle, this transaction is the
   * victim: it aborts (releasing its row locks) and fails with 40P01.
   */
  private async waitFor(holder: number): Promise<void> {
    const keys = this.engine.keys;
    const mine = this.mine();
    if (mine.length === 0) return this.engine.notifications.waitForXactEnd(holder); // holds nothing: cannot close a cycle
    // Every xid of this transaction waits (a cycle may close through any of them: subtransactions).
    if (replyInt(await this.engine.script('lockWaitBegin', [keys.waitsFor(), keys.procarray()], [mine[0]!, holder]), 'lockWaitBegin') === 0) return;
    for (const x of mine.slice(1)) await this.engine.script('lockWaitBegin', [keys.waitsFor(), keys.procarray()], [x, holder]);
    let timer: NodeJS.Timeout | undefined;
    const deadlock = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        void this.engine.script('deadlockCheck', [keys.waitsFor(), keys.procarray()], mine).then(
          (r) => {
            if (replyInt(r, 'deadlockCheck') === 1) reject(deadlockDetected(mine[0]!, holder));
          },
          (err: unknown) => reject(err),
        );
      }, this.engine.deadlockTimeoutMs);
    });
    try {
      await Promise.race([this.engine.notifications.waitForXactEnd(holder), deadlock]);
    } catch (err) {
      // The victim's locks go at once: the whole transaction, or (inside a savepoint) the caller rolls back to it.
      if (err instanceof StorageError && err.sqlstate === '40P01' && this.savepoints.length === 0) await this.abort();
      throw err;
    } finally {
      clearTimeout(timer);
      for (const x of mine) await this.engine.script('lockWaitEnd', [keys.waitsFor()], [x, holder]);
    }
  }

  /** Runs a heap-changing script; a non-negative first element is success (the xid). */
  private async heapWrite(script: string, relid: number, args: Array<string | number>): Promise<Refusal | { ok: true; values: number[] }> {
    const reply = replyArray(await this.engine.script(script, this.engine.keys.heapWriteBlock(relid), [this.engine.keys.prefix, this.xidArg(), this.cid, relid, ...args]), script);
    const first = replyInt(reply[0], script);
    if (first < 0) return { ok: false, code: first, arg: reply[1] ?? null };
    this.xid = first; // assigned by the first write
    return { ok: true, values: reply.map((v) => replyInt(v, script)) };
  }

  private async resolveOrThrow(relid: number, r: Refusal, what: string): Promise<void> {
    if (r.code === ScriptCode.PageNotLoaded) return this.engine.loadPage(relid, replyInt(r.arg, what));
    if (r.code === ScriptCode.Wait) return this.waitFor(replyInt(r.arg, what));
    if (r.code === ScriptCode.UniqueViolation) throw new UniqueViolation(replyInt(r.arg, what));
    throw scriptFailure(r.code, what);
  }

  /** Handles a refusal of heapUpdate/heapDelete: waits and returns undefined to retry, or the outcome. */
  private async conflict(relid: number, r: Refusal, what: string): Promise<WriteResult<never> | undefined> {
    switch (r.code) {
      case ScriptCode.PageNotLoaded:
        await this.engine.loadPage(relid, replyInt(r.arg, what));
        return undefined;
      case ScriptCode.Wait:
        await this.waitFor(replyInt(r.arg, what));
        return undefined;
      case ScriptCode.Updated: {
        const next = replyString(r.arg, what);
        const m = /^(\d+)\.(\d+)$/.exec(next);
        return { status: 'changed', latest: m ? await this.fetch(relid, { blk: Number(m[1]), slot: Number(m[2]) }, 'latest') : null };
      }
      case ScriptCode.SerializationFailure:
        throw serializationFailure();
      case ScriptCode.SelfUpdated:
        return { status: 'self' };
      case ScriptCode.UniqueViolation:
        throw new UniqueViolation(replyInt(r.arg, what));
      default:
        throw scriptFailure(r.code, what);
    }
  }
}

function flattenEntries(entries: readonly IndexEntry[]): Array<string | number> {
  const out: Array<string | number> = [entries.length];
  for (const e of entries) out.push(e.index, e.unique ? 1 : 0, e.key);
  return out;
}

function deadlockDetected(xid: number, holder: number): StorageError {
  return new StorageError('40P01', `deadlock detected: transaction ${xid} waits for transaction ${holder}, which waits for it`);
}

interface Refusal {
  ok: false;
  code: number;
  arg: unknown;
}
