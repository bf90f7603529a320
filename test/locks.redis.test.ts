import { endTransactionsOfPid } from '../storage/deadBackends.ts';
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { StorageEngine } from '../storage/engine.ts';
import { StorageError } from '../storage/errors.ts';
import { LOCK_CONFLICTS, LOCK_MODES, LockMode, listLocks, lockModeName } from '../storage/lockManager.ts';
import type { LockRow } from '../storage/lockManager.ts';
import type { Transaction } from '../storage/transaction.ts';
import { storageRig } from './helpers/storage.ts';
import type { StorageRig } from './helpers/storage.ts';
import { processAlive, until } from './helpers/wait.ts';

/** PostgreSQL's documented table ("Conflicting Lock Modes"): row = requested, column = held, X = conflict. Modes in LockMode order. */
const DOCUMENTED_CONFLICTS = [
  '.......X', // ACCESS SHARE
  '......XX', // ROW SHARE
  '....XXXX', // ROW EXCLUSIVE
  '...XXXXX', // SHARE UPDATE EXCLUSIVE
  '..XX.XXX', // SHARE
  '..XXXXXX', // SHARE ROW EXCLUSIVE
  '.XXXXXXX', // EXCLUSIVE
  'XXXXXXXX', // ACCESS EXCLUSIVE
];

async function secondEngine(t: ExecutionContext, rig: StorageRig, name = 'second'): Promise<StorageEngine> {
  const engine = await StorageEngine.open({ dataDir: rig.dataDir, redisAddress: rig.redisAddress, keyPrefix: 'ag:', name });
  t.teardown(() => engine.close());
  return engine;
}

/** Resolves once `tx` is listed as waiting for a lock on `relid` (the queue entry is written before the wait starts). */
function queued(engine: StorageEngine, relid: number, tx: Transaction): Promise<LockRow> {
  return until(`transaction ${tx.xid} queued on relation ${relid}`, async () => (await listLocks(engine)).find((l) => l.relation === relid && !l.granted && l.xid === tx.xid));
}

/** Counts the Lua scripts an engine runs, by name. */
function countScripts(engine: StorageEngine): Map<string, number> {
  const counts = new Map<string, number>();
  const run = engine.script.bind(engine);
  engine.script = (name, keys, args) => {
    counts.set(name, (counts.get(name) ?? 0) + 1);
    return run(name, keys, args);
  };
  return counts;
}

function sqlstate(err: unknown): string | undefined {
  return err instanceof StorageError ? err.sqlstate : undefined;
}

test('the TypeScript conflict table is PostgreSQL documented one, and it is symmetric', (t) => {
  for (const a of LOCK_MODES) {
    const row = LOCK_MODES.map((b) => (LOCK_CONFLICTS[a].includes(b) ? 'X' : '.')).join('');
    t.is(row, DOCUMENTED_CONFLICTS[a - 1], lockModeName(a));
    for (const b of LOCK_MODES) t.is(LOCK_CONFLICTS[a].includes(b), LOCK_CONFLICTS[b].includes(a));
  }
});

test('every one of the 64 pairs of modes is granted at once or waits for the holder, exactly as PostgreSQL conflict table says', async (t) => {
  const { engine } = await storageRig(t);
  const matrix: string[] = [];
  for (const requested of LOCK_MODES) {
    let row = '';
    for (const held of LOCK_MODES) {
      const relid = 1000 + requested * 10 + held;
      const holder = engine.begin();
      await holder.lockRelation(relid, held);
      const requester = engine.begin();
      let settled = false;
      const request = requester.lockRelation(relid, requested).finally(() => (settled = true));
      const waits = await until('granted or queued', async () => {
        if (settled) return 'granted';
        return (await listLocks(engine)).some((l) => l.relation === relid && !l.granted) ? 'waits' : null;
      });
      row += waits === 'waits' ? 'X' : '.';
      await holder.commit();
      await request;
      t.deepEqual(
        (await listLocks(engine)).filter((l) => l.relation === relid),
        [{ locktype: 'relation', relation: relid, xid: requester.xid, mode: lockModeName(requested), granted: true }],
        'after the holder ended, the requester holds its lock',
      );
      await requester.commit();
    }
    matrix.push(row);
  }
  t.deepEqual(matrix, DOCUMENTED_CONFLICTS);
  t.deepEqual(await listLocks(engine), [], 'every lock was released');
});

test('a waiter on another engine is woken by the commit of the holder, with no retry before it', async (t) => {
  const rig = await storageRig(t);
  const other = await secondEngine(t, rig);
  const relid = await rig.engine.createRelation('t');
  const holder = rig.engine.begin();
  await holder.lockRelation(relid, LockMode.AccessExclusiveLock);
  const calls = countScripts(other);
  const waiter = other.begin();
  const acquired = waiter.lockRelation(relid, LockMode.AccessShareLock);
  await queued(rig.engine, relid, waiter);
  t.is(calls.get('lockAcquire'), 1, 'one request, then a wait on the holder end');
  await holder.commit();
  await acquired;
  t.is(calls.get('lockAcquire'), 2, 'exactly one retry, after the wake-up');
  t.deepEqual(await listLocks(rig.engine), [{ locktype: 'relation', relation: relid, xid: waiter.xid, mode: 'AccessShareLock', granted: true }]);
  await waiter.commit();
});

test('a waiter is woken by the abort of the holder', async (t) => {
  const rig = await storageRig(t);
  const other = await secondEngine(t, rig);
  const relid = await rig.engine.createRelation('t');
  const holder = rig.engine.begin();
  await holder.lockRelation(relid, LockMode.ShareLock);
  const waiter = other.begin();
  const acquired = waiter.lockRelation(relid, LockMode.RowExclusiveLock);
  await queued(rig.engine, relid, waiter);
  await holder.abort();
  await acquired;
  t.deepEqual(
    (await listLocks(rig.engine)).map((l) => [l.xid, l.mode, l.granted]),
    [[waiter.xid, 'RowExclusiveLock', true]],
  );
  await waiter.commit();
});

test('NOWAIT fails at once with 55P03 naming the relation, leaves no trace and aborts the requesting transaction', async (t) => {
  const { engine } = await storageRig(t);
  const relid = await engine.createRelation('accounts');
  const holder = engine.begin();
  await holder.lockRelation(relid, LockMode.RowExclusiveLock);
  const tx = engine.begin();
  const err = await t.throwsAsync(tx.lockRelation(relid, LockMode.ShareLock, { nowait: true, relationName: 'accounts' }), { instanceOf: StorageError });
  t.is(err?.sqlstate, '55P03');
  t.is(err?.message, 'could not obtain lock on relation "accounts"');
  t.is(tx.xid, 0, 'no xid was assigned for a lock not taken');
  t.deepEqual(
    (await listLocks(engine)).map((l) => [l.xid, l.mode, l.granted]),
    [[holder.xid, 'RowExclusiveLock', true]],
  );
  await t.throwsAsync(tx.lockRelation(relid, LockMode.AccessShareLock), { message: /aborted/ });
  const compatible = engine.begin();
  await compatible.lockRelation(relid, LockMode.RowExclusiveLock, { nowait: true });
  t.pass('a compatible NOWAIT request is granted');
  await compatible.commit();
  await holder.commit();
});

test('a lock timeout fails the wait with 55P03, removes the waiter from the queue and aborts its transaction; the holder keeps its lock', async (t) => {
  const { engine } = await storageRig(t);
  const relid = await engine.createRelation('t');
  const holder = engine.begin();
  await holder.lockRelation(relid, LockMode.ExclusiveLock);
  const tx = engine.begin();
  const err = await t.throwsAsync(tx.lockRelation(relid, LockMode.RowShareLock, { timeoutMs: 100 }), { instanceOf: StorageError });
  t.is(err?.sqlstate, '55P03');
  t.is(err?.message, 'canceling statement due to lock timeout');
  t.deepEqual(
    (await listLocks(engine)).map((l) => [l.xid, l.mode, l.granted]),
    [[holder.xid, 'ExclusiveLock', true]],
  );
  t.is(await engine.redis.hget(engine.keys.waitsFor(), String(tx.xid)), null, 'no wait-for edge is left');
  t.is(await engine.redis.zscore(engine.keys.procarray(), String(tx.xid)), null, 'the waiter transaction ended');
  await holder.commit();
});

test('locks are readable in Redis while held (hash per relation, set per xid) and gone after commit and after abort', async (t) => {
  const { engine } = await storageRig(t);
  const redis = engine.redis;
  const keys = engine.keys;
  const relid = await engine.createRelation('t');
  for (const end of ['commit', 'async commit', 'abort'] as const) {
    const tx = engine.begin('read committed', { synchronousCommit: end !== 'async commit' });
    await tx.lockRelation(relid, LockMode.RowExclusiveLock);
    t.true(tx.xid > 0, 'taking a lock assigns an xid');
    t.not(await redis.zscore(keys.procarray(), String(tx.xid)), null, 'the owner is a running transaction');
    t.deepEqual(await redis.hgetall(keys.lockRel(relid)), { [tx.xid]: 'RowExclusiveLock' });
    t.deepEqual(await redis.smembers(keys.locksOfXid(tx.xid)), [`rel:${relid}`]);
    t.deepEqual(await redis.smembers(keys.locks()), [`rel:${relid}`]);
    if (end === 'abort') await tx.abort();
    else await tx.commit();
    t.is(await redis.exists(keys.lockRel(relid), keys.lockWaitRel(relid), keys.locksOfXid(tx.xid), keys.locks()), 0, `nothing left after ${end}`);
  }
});

test('a transaction re-acquires a mode it holds, or a weaker one, without a round trip, and never conflicts with itself', async (t) => {
  const { engine } = await storageRig(t);
  const relid = await engine.createRelation('t');
  const calls = countScripts(engine);
  const tx = engine.begin();
  await tx.lockRelation(relid, LockMode.ShareLock);
  await tx.lockRelation(relid, LockMode.RowExclusiveLock); // conflicts with ShareLock, but not its own
  await tx.lockRelation(relid, LockMode.AccessExclusiveLock, { nowait: true });
  t.is(calls.get('lockAcquire'), 3);
  await tx.lockRelation(relid, LockMode.AccessExclusiveLock);
  await tx.lockRelation(relid, LockMode.ShareUpdateExclusiveLock);
  await tx.lockRelation(relid, LockMode.AccessShareLock);
  t.is(calls.get('lockAcquire'), 3, 'held or implied by a held mode: no script ran');
  t.deepEqual(
    (await listLocks(engine)).map((l) => l.mode),
    ['RowExclusiveLock', 'ShareLock', 'AccessExclusiveLock'],
  );
  t.is(await engine.redis.hget(engine.keys.lockRel(relid), String(tx.xid)), 'RowExclusiveLock,ShareLock,AccessExclusiveLock');
  await tx.commit();
  t.deepEqual(await listLocks(engine), []);
});

test('a strong waiter is not starved: a later weak request compatible with the holder queues behind it, and they are granted in arrival order', async (t) => {
  const { engine } = await storageRig(t);
  const relid = await engine.createRelation('t');
  const reader = engine.begin();
  await reader.lockRelation(relid, LockMode.AccessShareLock);
  const dropper = engine.begin();
  const order: string[] = [];
  const strong = dropper.lockRelation(relid, LockMode.AccessExclusiveLock).then(() => order.push('strong'));
  await queued(engine, relid, dropper);
  const lateReader = engine.begin();
  const weak = lateReader.lockRelation(relid, LockMode.AccessShareLock).then(() => order.push('weak'));
  const entry = await queued(engine, relid, lateReader);
  t.is(entry.mode, 'AccessShareLock');
  t.deepEqual(
    (await listLocks(engine)).map((l) => [l.xid, l.mode, l.granted]),
    [
      [reader.xid, 'AccessShareLock', true],
      [dropper.xid, 'AccessExclusiveLock', false],
      [lateReader.xid, 'AccessShareLock', false],
    ],
    'pg_locks: the holder, then the waiters in queue order',
  );
  await reader.commit();
  await strong;
  t.deepEqual(order, ['strong'], 'the strong waiter goes first; the weak one waits for it');
  await dropper.commit();
  await weak;
  t.deepEqual(order, ['strong', 'weak']);
  await lateReader.commit();
});

test('a holder asking for a stronger mode is served ahead of a waiter that waits for it, instead of deadlocking', async (t) => {
  const { engine } = await storageRig(t);
  engine.deadlockTimeoutMs = 60_000; // a deadlock would hang this test, not be resolved
  const relid = await engine.createRelation('t');
  const holder = engine.begin();
  await holder.lockRelation(relid, LockMode.AccessShareLock);
  const waiter = engine.begin();
  const waiting = waiter.lockRelation(relid, LockMode.AccessExclusiveLock);
  await queued(engine, relid, waiter);
  await holder.lockRelation(relid, LockMode.RowExclusiveLock);
  t.is(await engine.redis.hget(engine.keys.lockRel(relid), String(holder.xid)), 'AccessShareLock,RowExclusiveLock');
  await holder.commit();
  await waiting;
  await waiter.commit();
});

test('a deadlock between a table-lock wait and a row-lock wait ends with exactly one 40P01, and the other transaction goes on', async (t) => {
  const { engine } = await storageRig(t);
  engine.deadlockTimeoutMs = 200;
  const rows = await engine.createRelation('rows');
  const locked = await engine.createRelation('locked');
  const setup = engine.begin();
  const a = await setup.insert(rows, 'a');
  await setup.commit();
  const t1 = engine.begin();
  const t2 = engine.begin();
  t.is((await t1.update(rows, a, 'a1')).status, 'done'); // t1 holds the row
  await t2.lockRelation(locked, LockMode.AccessExclusiveLock); // t2 holds the table
  const outcomes = await Promise.allSettled([
    t1.lockRelation(locked, LockMode.AccessShareLock).then(() => t1.commit()), // t1 -> t2 (table lock)
    t2.update(rows, a, 'a2').then(async (r) => (await t2.commit(), r.status)), // t2 -> t1 (row lock)
  ]);
  const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
  t.is(failed.length, 1, 'exactly one victim');
  t.is(sqlstate(failed[0]?.reason), '40P01');
  t.deepEqual(await listLocks(engine), [], 'the victim released its locks by aborting, the survivor by committing');
  t.deepEqual(await engine.redis.hgetall(engine.keys.waitsFor()), {}, 'no wait-for edge is left');
});

test('the locks of a transaction whose process died (kill -9) stay until the clean-up ends the transactions recorded under its pid, which releases them and wakes the waiters', async (t) => {
  const rig = await storageRig(t);
  const relid = await rig.engine.createRelation('t');
  const fixture = fileURLToPath(new URL('./fixtures/lockHolder.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, rig.dataDir, rig.redisAddress, 'ag:', String(relid), 'AccessExclusiveLock'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.teardown(() => void child.kill('SIGKILL'));
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  const deadXid = Number(line.toString().trim());
  t.true(deadXid > 0);
  child.kill('SIGKILL');
  await once(child, 'exit');
  t.false(processAlive(child.pid ?? 0));

  const waiter = rig.engine.begin();
  const acquired = waiter.lockRelation(relid, LockMode.AccessShareLock);
  await queued(rig.engine, relid, waiter);
  t.deepEqual(
    (await listLocks(rig.engine)).map((l) => [l.xid, l.mode, l.granted]),
    [
      [deadXid, 'AccessExclusiveLock', true],
      [waiter.xid, 'AccessShareLock', false],
    ],
    'a dead process does not release its locks by itself',
  );
  // The postmaster's clean-up after a dead worker (actors/shmem.ts): every xid recorded under its pid ends.
  t.deepEqual(await rig.engine.redis.smembers(rig.engine.keys.xidsOfPid(child.pid!)), [String(deadXid)]);
  t.deepEqual(await endTransactionsOfPid(rig.engine, child.pid!), { aborted: [deadXid], committed: [] });
  t.is(await rig.engine.redis.exists(rig.engine.keys.xidsOfPid(child.pid!)), 0);
  await acquired;
  t.deepEqual(
    (await listLocks(rig.engine)).map((l) => [l.xid, l.mode, l.granted]),
    [[waiter.xid, 'AccessShareLock', true]],
  );
  t.is(await rig.engine.redis.exists(rig.engine.keys.locksOfXid(deadXid)), 0);
  await waiter.commit();
});
