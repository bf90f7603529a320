import test from 'ava';
import { openSync, readdirSync, readSync, statSync, writeSync, closeSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { checkpoint } from '../storage/checkpoint.ts';
import { readControlFile } from '../storage/controlFile.ts';
import { RelationFile } from '../storage/pageFile.ts';
import type { StorageEngine } from '../storage/engine.ts';
import { walDir } from '../storage/walFlush.ts';
import { deferred } from './helpers/wait.ts';
import { SEG, storageRig } from './helpers/storage.ts';
import type { StorageRig } from './helpers/storage.ts';

async function rows(engine: StorageEngine, rel: number): Promise<string[]> {
  const tx = engine.begin();
  const out: string[] = [];
  for await (const r of tx.scan(rel)) out.push(r.data);
  await tx.commit();
  return out.sort();
}

/** Simulates a crash of everything: the WAL writer and the engine stop, and Redis (shared memory) is thrown away. */
async function crash(rig: StorageRig): Promise<void> {
  await rig.stopFlusher();
  await rig.engine.close();
}

test('committed rows survive a crash with no checkpoint (redo), uncommitted ones do not', async (t) => {
  const rig = await storageRig(t);
  const rel = await rig.engine.createRelation('t');
  const a = rig.engine.begin();
  await a.insert(rel, 'committed-1');
  await a.commit();
  const b = rig.engine.begin();
  const c = await b.insert(rel, 'committed-2');
  await b.commit();
  const u = rig.engine.begin();
  await u.update(rel, c, 'uncommitted-update');
  await u.insert(rel, 'uncommitted-insert');
  await crash(rig);
  const again = await storageRig(t, { dataDir: rig.dataDir });
  t.true(again.recovery.records > 0);
  t.deepEqual(await rows(again.engine, rel), ['committed-1', 'committed-2']);
  // The uncommitted transaction ended aborted: its row lock is free.
  const w = again.engine.begin();
  const row = (await collectRefs(w, rel)).find((r) => r.data === 'committed-2')!;
  t.is((await w.update(rel, row.ctid, 'after-recovery')).status, 'done');
  await w.commit();
  t.deepEqual(await rows(again.engine, rel), ['after-recovery', 'committed-1']);
});

test('a checkpoint writes pages only once WAL is flushed past them; COMMIT does not return while fdatasync is held back', async (t) => {
  let hold: { promise: Promise<void>; resolve: (v: void) => void } | null = null;
  const rig = await storageRig(t, { wal: { fdatasync: async (fh) => (hold ? await hold.promise : undefined, fh.datasync()) } });
  const rel = await rig.engine.createRelation('t');
  hold = deferred<void>();
  // Both the committer and the checkpointer must come to wait for the flush.
  const notifications = rig.engine.notifications;
  const waitForFlush = notifications.waitForFlush.bind(notifications);
  let waiters = 0;
  const bothWaiting = deferred<void>();
  notifications.waitForFlush = (lsn) => {
    if (++waiters === 2) bothWaiting.resolve();
    return waitForFlush(lsn);
  };
  const tx = rig.engine.begin();
  await tx.insert(rel, 'x');
  let committed = false;
  const commit = tx.commit().then(() => (committed = true));
  let checkpointed = false;
  const ckpt = checkpoint(rig.engine, SEG, false).then(() => (checkpointed = true));
  await bothWaiting.promise;
  t.false(committed, 'COMMIT waits for the flush');
  t.false(checkpointed, 'the checkpoint waits for the flush too');
  const file = await RelationFile.open(rig.dataDir, rel);
  t.is(await file.nblocks(), 0, 'no data page was written before its WAL');
  await file.close();
  hold.resolve();
  hold = null;
  await commit;
  await ckpt;
  t.true(committed && checkpointed);
  const after = await RelationFile.open(rig.dataDir, rel);
  t.is(await after.nblocks(), 1);
  await after.close();
});

test('after a checkpoint, restart needs no old WAL, and rows committed after it are redone', async (t) => {
  const rig = await storageRig(t);
  const rel = await rig.engine.createRelation('t');
  for (let i = 0; i < 20; i++) {
    const tx = rig.engine.begin();
    await tx.insert(rel, `before-${i}`);
    await tx.commit();
  }
  const c = await checkpoint(rig.engine, SEG, false);
  t.true(c.pagesWritten > 0);
  t.is(readControlFile(rig.dataDir)?.redoLsn, c.redoLsn);
  const tx = rig.engine.begin();
  await tx.insert(rel, 'after');
  await tx.commit();
  await crash(rig);
  const again = await storageRig(t, { dataDir: rig.dataDir });
  t.is(again.recovery.redoLsn, c.redoLsn);
  const got = await rows(again.engine, rel);
  t.is(got.length, 21);
  t.true(got.includes('after'));
});

test('a checkpointer that crashes after writing pages but before the control file loses nothing', async (t) => {
  const rig = await storageRig(t);
  const rel = await rig.engine.createRelation('t');
  for (let i = 0; i < 5; i++) {
    const tx = rig.engine.begin();
    await tx.insert(rel, `r${i}`);
    await tx.commit();
  }
  const before = readControlFile(rig.dataDir);
  await t.throwsAsync(checkpoint(rig.engine, SEG, false, { afterPagesWritten: async () => Promise.reject(new Error('checkpointer killed')) }));
  t.deepEqual(readControlFile(rig.dataDir), before, 'the previous checkpoint is still in force');
  await crash(rig);
  const again = await storageRig(t, { dataDir: rig.dataDir });
  t.deepEqual(await rows(again.engine, rel), ['r0', 'r1', 'r2', 'r3', 'r4']);
});

test('a page torn on disk is repaired by the full-page image redo replays', async (t) => {
  const rig = await storageRig(t);
  const rel = await rig.engine.createRelation('t');
  await checkpoint(rig.engine, SEG, false);
  const tx = rig.engine.begin();
  for (let i = 0; i < 30; i++) await tx.insert(rel, `row-${i}-${'x'.repeat(50)}`);
  await tx.commit();
  await checkpoint(rig.engine, SEG, false); // writes the page
  const tx2 = rig.engine.begin();
  await tx2.insert(rel, 'later'); // first change after the checkpoint: logged with a full-page image
  await tx2.commit();
  await crash(rig);
  // Tear block 0: its second half is garbage, as if the write stopped midway.
  const path = join(rig.dataDir, 'base', String(rel));
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.alloc(4096, 0xab), 0, 4096, 4096);
  closeSync(fd);
  const again = await storageRig(t, { dataDir: rig.dataDir });
  const got = await rows(again.engine, rel);
  t.is(got.length, 31);
});

test('a truncated or bit-flipped WAL tail ends redo cleanly and is reported with its LSN', async (t) => {
  for (const damage of ['truncate', 'flip'] as const) {
    const rig = await storageRig(t);
    const rel = await rig.engine.createRelation('t');
    for (let i = 0; i < 10; i++) {
      const tx = rig.engine.begin();
      await tx.insert(rel, `r${i}`);
      await tx.commit();
    }
    await crash(rig);
    const dir = walDir(rig.dataDir);
    const seg = join(dir, readdirSync(dir).sort().at(-1)!);
    const size = statSync(seg).size;
    if (damage === 'truncate') {
      const fd = openSync(seg, 'r+');
      ftruncateSync(fd, size - 10);
      closeSync(fd);
    } else {
      const fd = openSync(seg, 'r+');
      const b = Buffer.alloc(1);
      readSync(fd, b, 0, 1, size - 5);
      b[0]! ^= 0x10;
      writeSync(fd, b, 0, 1, size - 5);
      closeSync(fd);
    }
    const again = await storageRig(t, { dataDir: rig.dataDir });
    t.is(again.recovery.stop, damage === 'truncate' ? 'torn' : 'corrupt', damage);
    // The last record was the last commit: that transaction is lost, the nine before it are there.
    t.deepEqual(await rows(again.engine, rel), ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8'], damage);
  }
});

async function collectRefs(tx: ReturnType<StorageEngine['begin']>, rel: number) {
  const out = [];
  for await (const r of tx.scan(rel)) out.push(r);
  return out;
}
