import test from 'ava';
import { storageRig } from './helpers/storage.ts';
import type { Transaction } from '../storage/transaction.ts';

async function rows(tx: Transaction, rel: number): Promise<string[]> {
  const out: string[] = [];
  for await (const r of tx.scan(rel)) out.push(r.data);
  return out.sort();
}

test('a row locked FOR UPDATE stays visible; others skip it, refuse without waiting, or wait until the locker ends', async (t) => {
  const { engine } = await storageRig(t);
  const rel = await engine.createRelation('jobs');
  const setup = engine.begin();
  const a = await setup.insert(rel, 'job-a');
  const b = await setup.insert(rel, 'job-b');
  await setup.commit();
  const locker = engine.begin();
  t.deepEqual(await locker.lockRow(rel, a), { status: 'done', value: null });
  t.deepEqual(await locker.lockRow(rel, a), { status: 'done', value: null }, 'locking again is free');
  const other = engine.begin();
  t.deepEqual(await rows(other, rel), ['job-a', 'job-b'], 'a lock hides nothing');
  t.deepEqual(await other.lockRow(rel, a, 'skip'), { status: 'busy' });
  t.deepEqual(await other.lockRow(rel, a, 'nowait'), { status: 'busy' });
  t.deepEqual(await other.lockRow(rel, b, 'skip'), { status: 'done', value: null });
  let settled = false;
  const waiting = other.update(rel, a, 'job-a taken').finally(() => (settled = true));
  await t.throwsAsync(Promise.race([waiting, new Promise((_, reject) => setImmediate(() => reject(new Error('still waiting'))))]), { message: 'still waiting' });
  t.false(settled);
  t.is((await locker.update(rel, a, 'job-a done by locker')).status, 'done', 'the locker may change what it locked');
  await locker.commit();
  const outcome = await waiting;
  t.is(outcome.status, 'changed', 'READ COMMITTED: the waiter sees the locker committed a newer version');
  await other.commit();
  t.deepEqual(await rows(engine.begin(), rel), ['job-a done by locker', 'job-b']);
});

test('a lock ends with its transaction: after an abort the row is free and unchanged; a locked row deleted by its locker is gone', async (t) => {
  const { engine } = await storageRig(t);
  const rel = await engine.createRelation('t');
  const setup = engine.begin();
  const a = await setup.insert(rel, 'a');
  const b = await setup.insert(rel, 'b');
  await setup.commit();
  const l1 = engine.begin();
  await l1.lockRow(rel, a);
  await l1.abort();
  const l2 = engine.begin();
  t.deepEqual(await l2.lockRow(rel, a, 'nowait'), { status: 'done', value: null });
  await l2.lockRow(rel, b);
  t.is((await l2.delete(rel, b)).status, 'done');
  await l2.commit();
  t.deepEqual(await rows(engine.begin(), rel), ['a']);
});
