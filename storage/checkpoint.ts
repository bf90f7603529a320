/*
 * A checkpoint (PostgreSQL's CreateCheckPoint + CheckPointBuffers), run by the
 * checkpointer actor:
 *
 * 1. checkpointBegin fixes the redo point (not past a commit record whose
 *    transaction is still ending) and lists the dirty pages.
 * 2. Each dirty page is copied from Redis and written to its data file only
 *    once WAL is flushed past the page's LSN (WAL before data, DESIGN.md 3.3).
 * 3. Data files are fsynced; only then are the pages marked clean (unless they
 *    changed again meanwhile).
 * 4. CLOG and relation map are saved, the checkpoint record is written and
 *    flushed, and then the control file is replaced (temp, fsync, rename,
 *    fsync dir) to point at it. WAL before the redo point is removed.
 *
 * A crash anywhere in between leaves the previous checkpoint in force: its
 * redo point is older, so redo replays everything again.
 */
import { writeClogChunk, CLOG_CHUNK_XIDS } from './clogFile.ts';
import { readControlFile, writeControlFile } from './controlFile.ts';
import type { StorageEngine } from './engine.ts';
import { replyArray, replyInt, replyString } from './errors.ts';
import type { RelationFile } from './pageFile.ts';
import { writeRelMap } from './relmapFile.ts';
import { CONTROL_VERSION } from './recovery.ts';
import { removeSegmentsBefore } from './wal/segments.ts';
import { walDir } from './walFlush.ts';

export interface CheckpointResult {
  redoLsn: number;
  checkpointLsn: number;
  pagesWritten: number;
  segmentsRemoved: number;
}

export interface CheckpointHooks {
  /** Called after the data pages were written and synced, before the control file (tests inject crashes here). */
  afterPagesWritten?: () => Promise<void>;
}

export async function checkpoint(engine: StorageEngine, segSize: number, shutdown: boolean, hooks: CheckpointHooks = {}): Promise<CheckpointResult> {
  const keys = engine.keys;
  const begin = replyArray(
    await engine.script('checkpointBegin', [keys.walInsert(), keys.ckptRedo(), keys.dirty(), keys.xidNext(), keys.committing()], [keys.prefix]),
    'checkpointBegin',
  );
  const redoLsn = replyInt(begin[0], 'checkpointBegin');
  const nextXid = replyInt(begin[1], 'checkpointBegin');
  const nextRelId = replyInt(begin[2], 'checkpointBegin');
  const dirty = begin.slice(3).map((m) => replyString(m, 'checkpointBegin'));

  const written: Array<{ member: string; key: string; lsn: string }> = [];
  const touched = new Set<RelationFile>();
  for (const member of dirty) {
    const [rel, blk] = member.split(':').map(Number) as [number, number];
    const key = keys.page(rel, blk);
    const h = await engine.guard(engine.redis.hgetall(key));
    if (!h['lsn']) continue; // gone (its relation was dropped)
    const lsn = Number(h['lsn']);
    await engine.notifications.waitForFlush(lsn);
    const items = new Map<number, Buffer>();
    for (const [f, v] of Object.entries(h)) if (f.startsWith('s')) items.set(Number(f.slice(1)), Buffer.from(v, 'utf8'));
    const file = await engine.relationFile(rel);
    await file.writeBlock(blk, { lsn, items });
    touched.add(file);
    written.push({ member, key, lsn: h['lsn'] });
  }
  for (const f of touched) await f.sync();
  for (const w of written) await engine.script('pageCleaned', [w.key, keys.dirty()], [w.member, w.lsn]);
  await hooks.afterPagesWritten?.();

  const lastChunk = Math.floor(Math.max(0, nextXid - 1) / CLOG_CHUNK_XIDS);
  for (let chunk = 0; chunk <= lastChunk; chunk++) {
    const bytes = await engine.guard(engine.redis.getBuffer(keys.clog(chunk)));
    if (bytes) await writeClogChunk(engine.dataDir, chunk, bytes);
  }
  const rels = await engine.guard(engine.redis.hgetall(keys.rels()));
  await writeRelMap(engine.dataDir, { nextRelId, relations: Object.entries(rels).map(([name, relid]) => ({ relid: Number(relid), name })) });

  const rec = replyArray(await engine.script('checkpointRecord', keys.walBlock(), [redoLsn, nextXid, shutdown ? 1 : 0]), 'checkpointRecord');
  const checkpointLsn = replyInt(rec[0], 'checkpointRecord');
  await engine.notifications.waitForFlush(replyInt(rec[1], 'checkpointRecord'));
  const prev = readControlFile(engine.dataDir);
  await writeControlFile(engine.dataDir, {
    version: prev?.version ?? CONTROL_VERSION,
    state: shutdown ? 'shut down' : 'in production',
    checkpointLsn,
    redoLsn,
    nextXid,
    nextRelId,
    segmentSize: segSize,
    time: Date.now(),
  });
  const removed = await removeSegmentsBefore(walDir(engine.dataDir), segSize, redoLsn);
  return { redoLsn, checkpointLsn, pagesWritten: written.length, segmentsRemoved: removed.length };
}
