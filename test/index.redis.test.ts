import test from 'ava';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { StorageError, UniqueViolation } from '../storage/errors.ts';
import type { IndexEntry, IndexRange, Transaction } from '../storage/transaction.ts';
import { storageRig } from './helpers/storage.ts';
import { until } from './helpers/wait.ts';

/** A fixed-width hex key: bytewise order equals numeric order (what encodeIndexKey guarantees for real types). */
const k = (n: number): string => n.toString(16).padStart(8, '0');
const entry = (index: number, n: number, unique = true): IndexEntry => ({ index, unique, key: k(n) });

async function scan(tx: Transaction, rel: number, index: number, range: IndexRange = {}): Promise<string[]> {
  const out: string[] = [];
  for await (const r of tx.indexScan(rel, index, range)) out.push(r.data);
  return out;
}

test('an index scan returns the visible versions in key order, for points and inclusive or exclusive ranges', async (t) => {
  const { engine } = await storageRig(t);
  const rel = await engine.createRelation('t');
  const idx = await engine.createRelation('t_pkey');
  const tx = engine.begin();
  for (const n of [5, 3, 9, 1, 7, 300, 1000]) await tx.insert(rel, `row${n}`, [entry(idx, n)]);
  await tx.commit();
  const r = engine.begin();
  t.deepEqual(await scan(r, rel, idx), ['row1', 'row3', 'row5', 'row7', 'row9', 'row300', 'row1000']);
  t.deepEqual(await scan(r, rel, idx, { lower: { key: k(7), inclusive: true }, upper: { key: k(7), inclusive: true } }), ['row7']);
  t.deepEqual(await scan(r, rel, idx, { lower: { key: k(3), inclusive: false }, upper: { key: k(9), inclusive: true } }), ['row5', 'row7', 'row9']);
  t.deepEqual(await scan(r, rel, idx, { lower: { key: k(3), inclusive: true }, upper: { key: k(9), inclusive: false } }), ['row3', 'row5', 'row7']);
  t.deepEqual(await scan(r, rel, idx, { upper: { key: k(2), inclusive: true } }), ['row1']);
  t.deepEqual(await scan(r, rel, idx, { lower: { key: k(301), inclusive: true } }), ['row1000']);
  t.deepEqual(await scan(r, rel, idx, { lower: { key: k(4), inclusive: true }, upper: { key: k(4), inclusive: true } }), []);
});

test('a composite key prefix bounds a range over the leading column', async (t) => {
  const { engine } = await storageRig(t);
  const rel = await engine.createRelation('t');
  const idx = await engine.createRelation('t_ab');
  const tx = engine.begin();
  for (const [a, b] of [
    [1, 2],
    [2, 1],
    [1, 1],
    [2, 3],
    [3, 0],
  ])
    await tx.insert(rel, `${a}/${b}`, [{ index: idx, unique: true, key: k(a!) + k(b!) }]);
  await tx.commit();
  const r = engine.begin();
  t.deepEqual(await scan(r, rel, idx, { lower: { key: k(1), inclusive: true }, upper: { key: k(1), inclusive: true } }), ['1/1', '1/2']);
  t.deepEqual(await scan(r, rel, idx, { lower: { key: k(1), inclusive: false }, upper: { key: k(2), inclusive: true } }), ['2/1', '2/3']);
  t.deepEqual(await scan(r, rel, idx, { lower: { key: k(2) + k(2), inclusive: true } }), ['2/3', '3/0']);
});

test('a scan longer than one batch resumes where the batch ended', async (t) => {
  const { engine } = await storageRig(t);
  const rel = await engine.createRelation('t');
  const idx = await engine.createRelation('t_i');
  const tx = engine.begin();
  for (let n = 0; n < 700; n++) await tx.insert(rel, String(n), [entry(idx, n, false)]);
  await tx.commit();
  const got = await scan(engine.begin(), rel, idx);
  t.deepEqual(
    got,
    Array.from({ length: 700 }, (_, n) => String(n)),
  );
});

test('a unique index refuses a second live version of a key, in the same transaction and across committed ones; NULL-style (unchecked) entries pass', async (t) => {
  const { engine } = await storageRig(t);
  const rel = await engine.createRelation('t');
  const idx = await engine.createRelation('t_pkey');
  const a = engine.begin();
  await a.insert(rel, 'one', [entry(idx, 1)]);
  const dup = await t.throwsAsync(a.insert(rel, 'one again', [entry(idx, 1)]), { instanceOf: UniqueViolation });
  t.is(dup?.indexId, idx);
  t.is(dup?.sqlstate, '23505');
  await a.abort();
  const b = engine.begin();
  await b.insert(rel, 'one', [entry(idx, 1)]);
  await b.insert(rel, 'n1', [entry(idx, 2, false)]);
  await b.insert(rel, 'n2', [entry(idx, 2, false)]);
  await b.commit();
  const c = engine.begin();
  await t.throwsAsync(c.insert(rel, 'dup', [entry(idx, 1)]), { instanceOf: UniqueViolation });
  await c.abort();
});

test('a key freed by a committed delete or an update to another key can be inserted again; an aborted insert never held it', async (t) => {
  const { engine } = await storageRig(t);
  const rel = await engine.createRelation('t');
  const idx = await engine.createRelation('t_pkey');
  const a = engine.begin();
  const c1 = await a.insert(rel, 'k1', [entry(idx, 1)]);
  const c2 = await a.insert(rel, 'k2', [entry(idx, 2)]);
  await a.commit();
  const b = engine.begin();
  t.is((await b.delete(rel, c1)).status, 'done');
  t.is((await b.update(rel, c2, 'k3', [entry(idx, 3)])).status, 'done');
  // Updating a row without changing its key is no conflict with its own old version.
  await b.commit();
  const c = engine.begin();
  await c.insert(rel, 'new k1', [entry(idx, 1)]);
  await c.insert(rel, 'new k2', [entry(idx, 2)]);
  const ghost = engine.begin();
  await t.throwsAsync(ghost.insert(rel, 'dup k3', [entry(idx, 3)]), { instanceOf: UniqueViolation });
  await ghost.abort();
  await c.commit();
  const r = engine.begin();
  t.deepEqual(await scan(r, rel, idx), ['new k1', 'new k2', 'k3']);
  const rows = await scan(r, rel, idx, { lower: { key: k(3), inclusive: true }, upper: { key: k(3), inclusive: true } });
  t.deepEqual(rows, ['k3']);
  const self = engine.begin();
  const refs: Array<{ ctid: { blk: number; slot: number } }> = [];
  for await (const x of self.indexScan(rel, idx, { lower: { key: k(3), inclusive: true }, upper: { key: k(3), inclusive: true } })) refs.push(x);
  t.is((await self.update(rel, refs[0]!.ctid, 'k3 updated', [entry(idx, 3)])).status, 'done', 'same key, same row: no violation');
  await self.commit();
});

test('an insert of a key another running transaction inserted waits for it: violation if it commits, success if it aborts', async (t) => {
  const { engine } = await storageRig(t);
  const rel = await engine.createRelation('t');
  const idx = await engine.createRelation('t_pkey');
  for (const outcome of ['commit', 'abort'] as const) {
    const n = outcome === 'commit' ? 10 : 20;
    const holder = engine.begin();
    await holder.insert(rel, `holder${n}`, [entry(idx, n)]);
    const waiter = engine.begin();
    await waiter.insert(rel, `unindexed${n}`); // holds an xid, so its wait shows in the wait-for graph
    let settled = false;
    const pending = waiter.insert(rel, `waiter${n}`, [entry(idx, n)]).finally(() => (settled = true));
    pending.catch(() => undefined);
    // The waiter is blocked on the holder's xid (visible in {p}waitsfor, like pg_locks' waiting rows).
    await until('the waiter is in the wait-for graph', async () => (await engine.redis.hlen(engine.keys.waitsFor())) === 1);
    t.false(settled);
    if (outcome === 'commit') {
      await holder.commit();
      await t.throwsAsync(pending, { instanceOf: UniqueViolation });
      await waiter.abort();
    } else {
      await holder.abort();
      await pending;
      await waiter.commit();
    }
  }
  t.deepEqual(await scan(engine.begin(), rel, idx), ['holder10', 'waiter20']);
  t.is(await engine.redis.hlen(engine.keys.waitsFor()), 0);
});

test('dropping a relation frees its pages and index, removes its file once durable, and stays dropped after recovery', async (t) => {
  const rig = await storageRig(t);
  const { engine } = rig;
  const keep = await engine.createRelation('keep');
  const gone = await engine.createRelation('gone');
  const goneIdx = await engine.createRelation('gone_pkey');
  const tx = engine.begin();
  await tx.insert(keep, 'kept');
  for (let n = 0; n < 50; n++) await tx.insert(gone, `row${n}`, [entry(goneIdx, n)]);
  await tx.commit();
  await (await engine.relationFile(gone)).writeBlock(0, { lsn: 1, items: new Map() }); // the file exists
  t.true(existsSync(join(rig.dataDir, 'base', String(gone))));
  await engine.dropRelation(goneIdx);
  await engine.dropRelation(gone);
  t.false(existsSync(join(rig.dataDir, 'base', String(gone))));
  t.is(await engine.relationId('gone'), null);
  t.is(await engine.redis.exists(engine.keys.page(gone, 0), engine.keys.idx(goneIdx), engine.keys.rel(gone)), 0);
  t.false((await engine.redis.smembers(engine.keys.dirty())).some((m) => m.startsWith(`${gone}:`)));
  await t.throwsAsync(engine.dropRelation(gone), { instanceOf: StorageError, message: /does not exist/ });
  await rig.stopFlusher();
  await engine.close();
  const again = await storageRig(t, { dataDir: rig.dataDir });
  t.deepEqual(
    again.recovery.relations.map((r) => r.name),
    ['keep'],
  );
  t.false(existsSync(join(rig.dataDir, 'base', String(gone))));
  const r = again.engine.begin();
  const rows: string[] = [];
  for await (const x of r.scan(keep)) rows.push(x.data);
  t.deepEqual(rows, ['kept']);
});
