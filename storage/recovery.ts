/*
 * Crash recovery (PostgreSQL's StartupXLOG and the redo routines), run by the
 * startup actor before anything else uses shared memory, at every start and
 * in every crash-restart cycle.
 *
 * 1. Read the control file (a corrupt one is an error naming the file, never
 *    used), the CLOG and the relation map the last checkpoint saved.
 * 2. Redo: read WAL from the checkpoint's redo LSN. Heap records are applied
 *    to the pages they name (read from the data files on first touch) when
 *    the record is newer than the page; a full-page image replaces the page
 *    whatever it held, which repairs pages torn on disk. Commit and abort
 *    records go to the CLOG, relation records to the map.
 * 3. Redo stops at the end of WAL, or at a torn or corrupt record (reported
 *    with its LSN): what follows was never flushed, so never acknowledged.
 * 4. Transactions seen without a commit record end aborted.
 * Progress goes to the log every 10% of the WAL to read (LSN, percentage);
 *    a `progress` callback also hears every whole percent (and 0% at the
 *    start, 100% at the end of redo), for a progress bar or events.
 * 5. End-of-recovery checkpoint: redone pages, CLOG and relation map are
 *    written and fsynced, then the control file points past the end of WAL,
 *    and WAL before it is removed. Shared memory then starts with no pages
 *    at all: they are read from the data files on demand.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { clogStatus, readClog, setClogStatus, writeClogChunk } from './clogFile.ts';
import { readControlFile, writeControlFile } from './controlFile.ts';
import type { ControlData } from './controlFile.ts';
import { RelationFile, removeRelationFile } from './pageFile.ts';
import type { Page } from './pageFile.ts';
import { readRelMap, writeRelMap } from './relmapFile.ts';
import type { RelMap } from './relmapFile.ts';
import {
  decodeHeapChange,
  decodeRelmapCreate,
  decodeRelmapDrop,
  decodeXactCommit,
  HEAP_CHANGE,
  RELMAP_CREATE,
  RELMAP_DROP,
  RM_HEAP,
  RM_RELMAP,
  RM_XACT,
  XACT_ABORT,
  XACT_COMMIT,
} from './wal/rmgr.ts';
import { firstLsn, parseSegmentFileName, removeSegmentsBefore, scanWal } from './wal/segments.ts';
import { formatLsn, WAL_HEADER_SIZE } from './wal/walFormat.ts';
import { walDir } from './walFlush.ts';

export const CONTROL_VERSION = 1;

export interface RecoveryResult {
  segmentSize: number;
  /** Where WAL ends: the next record goes here. */
  endLsn: number;
  redoLsn: number;
  nextXid: number;
  nextRelId: number;
  relations: Array<{ relid: number; name: string; nblocks: number }>;
  clog: Map<number, Buffer>;
  records: number;
  pagesRedone: number;
  abortedXids: number;
  stop: 'end' | 'torn' | 'corrupt';
  detail: string;
  /** True if the last shutdown was not clean (redo had work to do, or the control file said so). */
  crashed: boolean;
}

export type RecoveryLog = (message: string) => void;

/** Where redo stands: `lsn` of the record being redone, out of WAL that ends at most at `endLsn`. */
export type RecoveryProgress = {
  phase: 'begin' | 'progress' | 'end';
  lsn: number;
  /** Before the end, where the WAL files end (an upper bound); at the end, where valid WAL ended. */
  endLsn: number;
  /** 0 to 100, whole numbers; 100 only at the end. */
  percent: number;
  records: number;
  /**
   * The progress log line of this step (every 10%), or null. When a progress
   * callback is given, these lines go to it instead of `log`: the caller
   * decides whether a bar or the log shows them.
   */
  message: string | null;
};

export type RecoveryProgressFn = (progress: RecoveryProgress) => void;

export async function recover(dataDir: string, segSize: number, log: RecoveryLog, progress?: RecoveryProgressFn): Promise<RecoveryResult> {
  // The segment size is fixed when the cluster first starts (initdb's --wal-segsize): the control file has it.
  const control: ControlData = readControlFile(dataDir) ?? freshControl(segSize);
  segSize = control.segmentSize;
  const crashed = control.state !== 'shut down';
  if (crashed) await writeControlFile(dataDir, { ...control, state: 'in crash recovery' });
  const clog = await readClog(dataDir);
  const relmap: RelMap = await readRelMap(dataDir);
  const pages = new Map<string, { rel: number; blk: number; page: Page }>();
  const files = new Map<number, RelationFile>();
  const file = async (rel: number) => {
    let f = files.get(rel);
    if (!f) files.set(rel, (f = await RelationFile.open(dataDir, rel)));
    return f;
  };
  const seen = new Set<number>();
  let maxXid = control.nextXid - 1;
  let records = 0;
  const walEnd = await walBytesEnd(walDir(dataDir), segSize);
  const span = Math.max(1, walEnd - control.redoLsn);
  const walEndLsn = Math.max(walEnd, control.redoLsn);
  let nextReport = 10;
  let lastPercent = 0;
  log(`redo starts at ${formatLsn(control.redoLsn)} (at most ${formatBytes(walEnd - control.redoLsn)} of WAL to read)`);
  progress?.({ phase: 'begin', lsn: control.redoLsn, endLsn: walEndLsn, percent: 0, records: 0, message: null });
  const result = await scanWal(walDir(dataDir), segSize, control.redoLsn, async (rec) => {
    records++;
    const pct = Math.floor(((rec.lsn - control.redoLsn) / span) * 100);
    let message: string | null = null;
    if (pct >= nextReport) {
      message = `redo in progress at ${formatLsn(rec.lsn)} (${pct}%, ${records} records)`;
      if (!progress) log(message);
      nextReport = Math.floor(pct / 10) * 10 + 10;
    }
    if (progress && pct > lastPercent) {
      lastPercent = pct;
      progress({ phase: 'progress', lsn: rec.lsn, endLsn: walEndLsn, percent: pct, records, message });
    }
    if (rec.xid > maxXid) maxXid = rec.xid;
    if (rec.xid > 0) seen.add(rec.xid);
    const where = `WAL record at ${formatLsn(rec.lsn)}`;
    const endLsn = rec.lsn + WAL_HEADER_SIZE + rec.payload.length;
    if (rec.rmgr === RM_HEAP && rec.info === HEAP_CHANGE) {
      for (const change of decodeHeapChange(rec.payload, where)) {
        const key = `${change.rel}:${change.blk}`;
        let entry = pages.get(key);
        if (change.kind === 'image') {
          // Restored whatever the data file holds: it may be torn (never read it).
          const page = { lsn: endLsn, items: new Map(change.items.map(([s, t]) => [s, Buffer.from(t, 'utf8')])) };
          if (entry) entry.page = page;
          else pages.set(key, { rel: change.rel, blk: change.blk, page });
          continue;
        }
        if (!entry) {
          const onDisk = await (await file(change.rel)).readBlock(change.blk);
          entry = { rel: change.rel, blk: change.blk, page: onDisk ?? { lsn: 0, items: new Map() } };
          pages.set(key, entry);
        }
        if (entry.page.lsn < endLsn) {
          for (const [s, t] of change.items) entry.page.items.set(s, Buffer.from(t, 'utf8'));
          entry.page.lsn = endLsn;
        }
      }
    } else if (rec.rmgr === RM_XACT) {
      if (rec.info === XACT_COMMIT) {
        setClogStatus(clog, rec.xid, true);
        for (const sub of decodeXactCommit(rec.payload, where)) setClogStatus(clog, sub, true);
      } else if (rec.info === XACT_ABORT) setClogStatus(clog, rec.xid, false);
    } else if (rec.rmgr === RM_RELMAP && rec.info === RELMAP_CREATE) {
      const r = decodeRelmapCreate(rec.payload, where);
      if (!relmap.relations.some((x) => x.relid === r.relid)) relmap.relations.push(r);
      relmap.nextRelId = Math.max(relmap.nextRelId, r.relid + 1);
    } else if (rec.rmgr === RM_RELMAP && rec.info === RELMAP_DROP) {
      const relid = decodeRelmapDrop(rec.payload, where);
      relmap.relations = relmap.relations.filter((x) => x.relid !== relid);
      for (const [key, entry] of pages) if (entry.rel === relid) pages.delete(key);
    }
  });
  const redoEnd = Math.max(result.endLsn, control.redoLsn);
  progress?.({ phase: 'end', lsn: redoEnd, endLsn: redoEnd, percent: 100, records, message: null });
  if (result.stop !== 'end') log(`redo stopped at ${formatLsn(result.endLsn)}: ${result.stop} WAL record (${result.detail}); the rest of WAL is ignored`);
  log(`redo done at ${formatLsn(result.endLsn)}: ${records} records, ${pages.size} pages`);

  let abortedXids = 0;
  for (const xid of seen) {
    if (clogStatus(clog, xid) === 'unknown') {
      setClogStatus(clog, xid, false);
      abortedXids++;
    }
  }
  // End-of-recovery checkpoint: data first, then the control file that makes WAL before it unnecessary.
  const live = new Set(relmap.relations.map((r) => r.relid));
  for (const { rel, blk, page } of pages.values()) if (live.has(rel)) await (await file(rel)).writeBlock(blk, page);
  const nblocks = new Map<number, number>();
  for (const r of relmap.relations) nblocks.set(r.relid, await (await file(r.relid)).nblocks());
  for (const f of files.values()) {
    await f.sync();
    await f.close();
  }
  for (const [chunk, bytes] of clog) await writeClogChunk(dataDir, chunk, bytes);
  // Files of relations dropped before the crash (removed only after their drop record was flushed).
  await removeOrphanFiles(dataDir, live);
  const nextXid = Math.max(control.nextXid, maxXid + 1);
  relmap.nextRelId = Math.max(relmap.nextRelId, control.nextRelId);
  await writeRelMap(dataDir, relmap);
  const endLsn = Math.max(result.endLsn, control.redoLsn);
  await writeControlFile(dataDir, { ...control, state: 'in production', checkpointLsn: endLsn, redoLsn: endLsn, nextXid, nextRelId: relmap.nextRelId, time: Date.now() });
  await removeSegmentsBefore(walDir(dataDir), segSize, endLsn);
  return {
    segmentSize: segSize,
    endLsn,
    redoLsn: control.redoLsn,
    nextXid,
    nextRelId: relmap.nextRelId,
    relations: relmap.relations.map((r) => ({ ...r, nblocks: nblocks.get(r.relid) ?? 0 })),
    clog,
    records,
    pagesRedone: pages.size,
    abortedXids,
    stop: result.stop,
    detail: result.detail,
    crashed: crashed || records > 0,
  };
}

async function removeOrphanFiles(dataDir: string, live: Set<number>): Promise<void> {
  let names: string[] = [];
  try {
    names = await readdir(join(dataDir, 'base'));
  } catch {
    return;
  }
  for (const name of names) if (/^\d+$/.test(name) && !live.has(Number(name))) await removeRelationFile(dataDir, Number(name));
}

/** Where the WAL files end at most (the last segment's size bounds the progress estimate). */
async function walBytesEnd(dir: string, segSize: number): Promise<number> {
  let end = 0;
  let names: string[] = [];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    const segno = parseSegmentFileName(name, segSize);
    if (segno === null) continue;
    end = Math.max(end, segno * segSize + (await stat(join(dir, name))).size);
  }
  return end;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(0, n)} bytes`;
}

function freshControl(segSize: number): ControlData {
  const lsn = firstLsn(segSize);
  return { version: CONTROL_VERSION, state: 'shut down', checkpointLsn: lsn, redoLsn: lsn, nextXid: 1, nextRelId: 1, segmentSize: segSize, time: Date.now() };
}
