import test from 'ava';
import { StorageError } from '../storage/errors.ts';
import { storageRig } from './helpers/storage.ts';

test('insert, commit, read back; uncommitted rows are invisible to others and visible to their own transaction', async (t) => {
  const { engine } = await storageRig(t);
  const rel = await engine.createRelation('accounts');
  const tx = engine.begin();
  const c1 = await tx.insert(rel, 'alice=100');
  const c2 = await tx.insert(rel, 'bob=50');
  tx.nextStatement();
  const other = engine.begin();
  t.deepEqual(await collect(other.scan(rel)), [], 'no dirty reads');
  t.deepEqual((await collect(tx.scan(rel))).sort(), ['alice=100', 'bob=50']);
  await tx.commit();
  other.nextStatement();
  t.deepEqual((await collect(other.scan(rel))).sort(), ['alice=100', 'bob=50']);
  t.deepEqual((await other.fetch(rel, c1))?.data, 'alice=100');
  t.deepEqual((await other.fetch(rel, c2))?.data, 'bob=50');
  await other.commit();
});

test('an aborted transaction leaves nothing visible', async (t) => {
  const { engine } = await storageRig(t);
  const rel = await engine.createRelation('t');
  const tx = engine.begin();
  await tx.insert(rel, 'ghost');
  await tx.abort();
  const r = engine.begin();
  t.deepEqual(await collect(r.scan(rel)), []);
  await t.throwsAsync(tx.insert(rel, 'x'), { instanceOf: StorageError, message: /aborted/ });
});

test('update makes a new version; REPEATABLE READ keeps its snapshot, READ COMMITTED sees the commit at its next statement', async (t) => {
  const { engine } = await storageRig(t);
  const rel = await engine.createRelation('t');
  const setup = engine.begin();
  const ctid = await setup.insert(rel, 'v1');
  await setup.commit();
  const rr = engine.begin('repeatable read');
  const rc = engine.begin('read committed');
  t.deepEqual(await collect(rr.scan(rel)), ['v1']);
  t.deepEqual(await collect(rc.scan(rel)), ['v1']);
  const w = engine.begin();
  const r = await w.update(rel, ctid, 'v2');
  t.is(r.status, 'done');
  await w.commit();
  rr.nextStatement();
  rc.nextStatement();
  t.deepEqual(await collect(rr.scan(rel)), ['v1']);
  t.deepEqual(await collect(rc.scan(rel)), ['v2']);
});

test('a writer waits for the holder of a row and then, under REPEATABLE READ, fails with 40001; under READ COMMITTED it gets the newer version', async (t) => {
  const { engine } = await storageRig(t);
  const rel = await engine.createRelation('t');
  const setup = engine.begin();
  const ctid = await setup.insert(rel, '1');
  await setup.commit();

  const holder = engine.begin();
  t.is((await holder.update(rel, ctid, '2')).status, 'done');
  const rr = engine.begin('repeatable read');
  t.deepEqual(await collect(rr.scan(rel)), ['1']);
  let settled = false;
  const rrWrite = rr.update(rel, ctid, 'rr').finally(() => (settled = true));
  const rc = engine.begin('read committed');
  const rcWrite = rc.update(rel, ctid, 'rc');
  await new Promise((r) => setImmediate(r));
  t.false(settled, 'it waits while the holder runs');
  await holder.commit();
  const err = await t.throwsAsync(rrWrite, { instanceOf: StorageError });
  t.is((err as StorageError).sqlstate, '40001');
  const rcResult = await rcWrite;
  t.is(rcResult.status, 'changed');
  if (rcResult.status !== 'changed') return;
  t.is(rcResult.latest?.data, '2');
  t.is((await rc.update(rel, rcResult.latest!.ctid, 'rc')).status, 'done');
  await rc.commit();
  const check = engine.begin();
  t.deepEqual(await collect(check.scan(rel)), ['rc']);
});

test('32 concurrent x = x + 1 transactions under READ COMMITTED end with the exact sum', async (t) => {
  const { engine } = await storageRig(t);
  const rel = await engine.createRelation('counter');
  const setup = engine.begin();
  const ctid = await setup.insert(rel, '0');
  await setup.commit();
  const n = 32;
  await Promise.all(
    Array.from({ length: n }, async () => {
      const tx = engine.begin('read committed');
      let row = await tx.fetch(rel, ctid, 'latest');
      for (;;) {
        const r = await tx.update(rel, row!.ctid, String(Number(row!.data) + 1));
        if (r.status === 'done') break;
        if (r.status !== 'changed' || !r.latest) throw new Error(`unexpected ${r.status}`);
        row = r.latest;
      }
      await tx.commit();
    }),
  );
  const check = engine.begin();
  t.deepEqual(await collect(check.scan(rel)), [String(n)]);
});

async function collect(it: AsyncIterable<{ data: string }>): Promise<string[]> {
  const out: string[] = [];
  for await (const r of it) out.push(r.data);
  return out;
}

test('two crossing row-lock waits end with exactly one 40P01, within 2 x deadlock_timeout, and the other transaction goes on', async (t) => {
  const { engine } = await storageRig(t);
  engine.deadlockTimeoutMs = 200;
  const rel = await engine.createRelation('t');
  const setup = engine.begin();
  const a = await setup.insert(rel, 'a');
  const b = await setup.insert(rel, 'b');
  await setup.commit();
  const t1 = engine.begin();
  const t2 = engine.begin();
  t.is((await t1.update(rel, a, 'a1')).status, 'done');
  t.is((await t2.update(rel, b, 'b2')).status, 'done');
  const started = performance.now();
  const outcomes = await Promise.allSettled([t1.update(rel, b, 'b1').then(async (r) => (await t1.commit(), r)), t2.update(rel, a, 'a2').then(async (r) => (await t2.commit(), r))]);
  const elapsed = performance.now() - started;
  const failed = outcomes.filter((o) => o.status === 'rejected');
  t.is(failed.length, 1, 'exactly one victim');
  t.is(((failed[0] as PromiseRejectedResult).reason as StorageError).sqlstate, '40P01');
  t.log(`deadlock resolved after ${elapsed.toFixed(0)} ms (deadlock_timeout 200 ms)`);
  const survivor = outcomes.find((o) => o.status === 'fulfilled') as PromiseFulfilledResult<{ status: string }>;
  t.is(survivor.value.status, 'done', 'the victim aborted, so the survivor takes the row');
  const check = engine.begin();
  t.is((await collect(check.scan(rel))).length, 2);
});
