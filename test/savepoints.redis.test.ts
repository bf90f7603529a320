import test from 'ava';
import type { StorageEngine } from '../storage/engine.ts';
import { storageRig } from './helpers/storage.ts';

async function rows(engine: StorageEngine, rel: number): Promise<string[]> {
  const tx = engine.begin();
  const out: string[] = [];
  for await (const r of tx.scan(rel)) out.push(r.data);
  await tx.commit();
  return out.sort();
}

test('ROLLBACK TO SAVEPOINT undoes only the writes inside it; RELEASE keeps them; COMMIT commits every level at once', async (t) => {
  const { engine } = await storageRig(t);
  const rel = await engine.createRelation('t');
  const tx = engine.begin();
  await tx.insert(rel, 'top');
  tx.nextStatement();
  tx.savepoint('a');
  await tx.insert(rel, 'in a');
  tx.savepoint('b');
  await tx.insert(rel, 'in b');
  tx.nextStatement();
  const seen: string[] = [];
  for await (const r of tx.scan(rel)) seen.push(r.data);
  t.deepEqual(seen.sort(), ['in a', 'in b', 'top'], 'a transaction sees the writes of all its levels');
  await tx.rollbackToSavepoint('b');
  tx.nextStatement();
  const after: string[] = [];
  for await (const r of tx.scan(rel)) after.push(r.data);
  t.deepEqual(after.sort(), ['in a', 'top']);
  await tx.insert(rel, 'in b again');
  tx.releaseSavepoint('a');
  t.deepEqual(await rows(engine, rel), [], 'nothing is visible to others before COMMIT');
  await tx.commit();
  t.deepEqual(await rows(engine, rel), ['in a', 'in b again', 'top']);
  t.is(await engine.redis.zcard(engine.keys.procarray()), 0, 'every xid of the transaction ended');
});

test('a row lock taken inside a savepoint is released by ROLLBACK TO, and an update there is undone', async (t) => {
  const { engine } = await storageRig(t);
  const rel = await engine.createRelation('t');
  const setup = engine.begin();
  const ctid = await setup.insert(rel, 'v1');
  await setup.commit();
  const tx = engine.begin();
  tx.savepoint('s');
  t.is((await tx.update(rel, ctid, 'v2')).status, 'done');
  const other = engine.begin();
  t.deepEqual(await other.lockRow(rel, ctid, 'nowait'), { status: 'busy' });
  await tx.rollbackToSavepoint('s');
  t.deepEqual(await other.lockRow(rel, ctid, 'nowait'), { status: 'done', value: null }, 'free once the savepoint is rolled back');
  await other.commit();
  await tx.commit();
  t.deepEqual(await rows(engine, rel), ['v1']);
});

test('a commit with savepoints survives a crash whole: its commit record names the subtransactions', async (t) => {
  const rig = await storageRig(t);
  const rel = await rig.engine.createRelation('t');
  const tx = rig.engine.begin();
  await tx.insert(rel, 'top');
  tx.savepoint('a');
  await tx.insert(rel, 'kept');
  tx.savepoint('b');
  await tx.insert(rel, 'undone');
  await tx.rollbackToSavepoint('b');
  await tx.commit();
  const open = rig.engine.begin();
  open.savepoint('x');
  await open.insert(rel, 'never committed');
  await rig.stopFlusher();
  await rig.engine.close();
  const again = await storageRig(t, { dataDir: rig.dataDir });
  t.deepEqual(await rows(again.engine, rel), ['kept', 'top']);
});
