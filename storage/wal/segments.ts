/*
 * The WAL as one byte stream cut into segment files, the counterpart of the
 * file handling in PostgreSQL's xlog.c (XLogWrite, XLogFileInit, XLogFileName,
 * RemoveOldXlogFiles) and of the reading side of xlogreader.c.
 *
 * Stream position p (an LSN) lives in segment Math.floor(p / segSize) at offset
 * p % segSize. Segment 0 is never used: a fresh cluster starts at LSN segSize,
 * so LSN 0 stays "invalid". Files are named as XLogFileName names them, with
 * timeline 1. Segments are not preallocated: a segment file ends where its
 * written data ends, and a missing file, a file that ends early or a zero
 * record length is the end of the WAL.
 *
 * Invariants:
 * - Records are written in LSN order: appends run one after another in the
 *   order they were called, and `position` (where the next append goes)
 *   advances when append is called, so a caller can stamp a record with its
 *   LSN before handing it over.
 * - flush() returns only after fdatasync of every segment written since the
 *   previous flush, in segment order; a new segment's directory entry is
 *   fsynced when the file is created.
 * - A record's bytes never change once flushed: the writer only writes at and
 *   after `position`. WalWriter.open(startLsn) declares startLsn the end of
 *   the WAL, so it cuts off whatever lies beyond it (the torn or corrupt tail
 *   recovery stopped at, later segment files): new records never sit in front
 *   of stale ones that a later scan could take for their successors.
 * - After any I/O error the writer refuses further work: a failed fdatasync
 *   may have dropped dirty pages, so a retry could report as durable what is
 *   not (PostgreSQL PANICs there).
 */
import { mkdir, open, readdir, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MAX_RECORD_SIZE, WAL_HEADER_SIZE, decodeRecord, formatLsn } from './walFormat.ts';
import type { WalRecord } from './walFormat.ts';

export const DEFAULT_SEGMENT_SIZE = 16 * 1024 * 1024;
export const MIN_SEGMENT_SIZE = 1024 * 1024;
export const MAX_SEGMENT_SIZE = 1024 * 1024 * 1024;

const TIMELINE = 1;
const READ_CHUNK = 4 * 1024 * 1024;
const FILE_MODE = 0o600;

/** Throws RangeError unless segSize is a power of two between 1 MiB and 1 GiB. */
export function checkSegmentSize(segSize: number): void {
  const powerOfTwo = Number.isInteger(segSize) && segSize > 0 && 2 ** Math.round(Math.log2(segSize)) === segSize;
  if (!powerOfTwo || segSize < MIN_SEGMENT_SIZE || segSize > MAX_SEGMENT_SIZE) throw new RangeError(`WAL segment size ${segSize} is not a power of two between 1 MiB and 1 GiB`);
}

/** The first LSN of a fresh cluster: the start of segment 1. */
export function firstLsn(segSize: number): number {
  checkSegmentSize(segSize);
  return segSize;
}

/** XLogFileName: `%08X%08X%08X` of timeline, segno / segments per 4 GiB, segno % segments per 4 GiB. */
export function segmentFileName(segno: number, segSize: number): string {
  checkSegmentSize(segSize);
  if (!Number.isSafeInteger(segno) || segno < 0) throw new RangeError(`invalid WAL segment number ${segno}`);
  const perId = 2 ** 32 / segSize;
  return hex8(TIMELINE) + hex8(Math.floor(segno / perId)) + hex8(segno % perId);
}

/** The segment number named by a file name, or null for any other name (another timeline, lowercase, a history file). */
export function parseSegmentFileName(name: string, segSize: number): number | null {
  checkSegmentSize(segSize);
  const m = /^([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})$/.exec(name);
  if (m === null || parseInt(m[1]!, 16) !== TIMELINE) return null;
  const perId = 2 ** 32 / segSize;
  const low = parseInt(m[3]!, 16);
  return low < perId ? parseInt(m[2]!, 16) * perId + low : null;
}

export interface WalWriterOptions {
  /** How a segment is made durable; the default is fh.datasync(). Tests hold it back. */
  fdatasync?: (fh: FileHandle) => Promise<void>;
}

export class WalWriter {
  /** Where the next append goes; advanced when append is called. */
  private insertPos: number;
  /** How far the queued appends have reached the files. */
  private writePos: number;
  /** Segments written since the last flush, in order; all but the current one are closed once synced. */
  private unflushed: FileHandle[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private broken: Error | null = null;

  private constructor(
    private readonly dir: string,
    private readonly segSize: number,
    startLsn: number,
    private segno: number,
    private fh: FileHandle,
    private readonly fdatasync: (fh: FileHandle) => Promise<void>,
  ) {
    this.insertPos = startLsn;
    this.writePos = startLsn;
  }

  /** Opens (or creates) the segment holding startLsn and cuts off everything at and after startLsn. */
  static async open(dir: string, segSize: number, startLsn: number, options: WalWriterOptions = {}): Promise<WalWriter> {
    checkSegmentSize(segSize);
    if (!Number.isSafeInteger(startLsn) || startLsn < segSize) throw new RangeError(`WAL start ${startLsn} is not an LSN at or after segment 1`);
    const fdatasync = options.fdatasync ?? ((fh: FileHandle) => fh.datasync());
    if ((await mkdir(dir, { recursive: true })) !== undefined) await syncDirectory(dirname(dir));
    const segno = Math.floor(startLsn / segSize);
    const offset = startLsn - segno * segSize;
    const fh = await openSegment(dir, segmentFileName(segno, segSize));
    try {
      if ((await fh.stat()).size > offset) {
        await fh.truncate(offset);
        await fdatasync(fh);
      }
      const later = (await listSegments(dir, segSize)).filter((s) => s.segno > segno);
      for (const s of later) await unlink(join(dir, s.name));
      if (later.length > 0) await syncDirectory(dir);
    } catch (e) {
      await fh.close();
      throw e;
    }
    return new WalWriter(dir, segSize, startLsn, segno, fh, fdatasync);
  }

  /** The LSN the next appended byte gets. */
  get position(): number {
    return this.insertPos;
  }

  /** Writes bytes at `position`, crossing into new segment files as needed. Not durable until flush(). */
  append(bytes: Buffer): Promise<void> {
    this.insertPos += bytes.length;
    return this.enqueue(() => this.write(bytes));
  }

  /** fdatasyncs every segment written since the last flush, in order; resolves with the LSN up to which the WAL is durable. */
  flush(): Promise<number> {
    return this.enqueue(async () => {
      const upTo = this.writePos;
      while (this.unflushed.length > 0) {
        const fh = this.unflushed[0]!;
        await this.fdatasync(fh);
        this.unflushed.shift();
        if (fh !== this.fh) await fh.close();
      }
      return upTo;
    });
  }

  /** Closes the files once queued work is done. Does not flush: unflushed bytes stay in the OS cache. */
  close(): Promise<void> {
    return this.enqueue(async () => {
      this.broken ??= new Error('WAL writer is closed');
      const handles = new Set([...this.unflushed, this.fh]);
      this.unflushed = [];
      for (const fh of handles) await fh.close();
    }, true);
  }

  private async write(bytes: Buffer): Promise<void> {
    let done = 0;
    while (done < bytes.length) {
      if (this.writePos === (this.segno + 1) * this.segSize) await this.nextSegment();
      const offset = this.writePos - this.segno * this.segSize;
      const { bytesWritten } = await this.fh.write(bytes, done, Math.min(bytes.length - done, this.segSize - offset), offset);
      if (bytesWritten === 0) throw new Error(`WAL write at ${formatLsn(this.writePos)} wrote nothing`);
      if (this.unflushed.at(-1) !== this.fh) this.unflushed.push(this.fh);
      done += bytesWritten;
      this.writePos += bytesWritten;
    }
  }

  private async nextSegment(): Promise<void> {
    if (this.unflushed.at(-1) !== this.fh) await this.fh.close();
    const name = segmentFileName(this.segno + 1, this.segSize);
    this.fh = await open(join(this.dir, name), 'wx', FILE_MODE);
    this.segno += 1;
    await syncDirectory(this.dir);
  }

  /** Runs op after every earlier call; after a failure, everything but close() is refused. */
  private enqueue<T>(op: () => Promise<T>, evenIfBroken = false): Promise<T> {
    const run = this.queue.then(() => {
      if (this.broken !== null && !evenIfBroken) throw this.broken;
      return op();
    });
    this.queue = run.catch((e: unknown) => {
      this.broken ??= new Error(`WAL writer stopped after an I/O error: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    });
    return run;
  }
}

export interface ScanResult {
  /** The LSN just after the last good record (fromLsn if there was none). */
  endLsn: number;
  /** 'end': no more written data; 'torn': the data ends inside a record; 'corrupt': a bad length, CRC or LSN. */
  stop: 'end' | 'torn' | 'corrupt';
  detail: string;
}

/**
 * Reads records in LSN order from fromLsn, across segment boundaries, checking
 * each record's CRC and that its header names its own position. A bad tail is
 * a result, never an exception; only I/O errors other than ENOENT (and what
 * onRecord throws) reject.
 * Payloads are views of read buffers that are never reused.
 */
export async function scanWal(dir: string, segSize: number, fromLsn: number, onRecord: (r: WalRecord) => void | Promise<void>): Promise<ScanResult> {
  checkSegmentSize(segSize);
  if (!Number.isSafeInteger(fromLsn) || fromLsn < 0) throw new RangeError(`invalid LSN ${fromLsn}`);
  const window = new StreamWindow(dir, segSize, fromLsn);
  try {
    let lsn = fromLsn;
    for (;;) {
      const have = await window.fill(lsn, WAL_HEADER_SIZE);
      if (have === 0) return { endLsn: lsn, stop: 'end', detail: window.endReason };
      const lengthBytes = window.bytes(lsn, Math.min(have, 4));
      if (lengthBytes.every((b) => b === 0)) return { endLsn: lsn, stop: 'end', detail: `zero record length at ${formatLsn(lsn)}` };
      if (have >= 4) {
        const totLen = lengthBytes.readUInt32LE(0);
        if (totLen > WAL_HEADER_SIZE && totLen <= MAX_RECORD_SIZE) await window.fill(lsn, totLen);
      }
      const r = decodeRecord(window.buffer, window.offsetOf(lsn), lsn);
      if ('error' in r) return { endLsn: lsn, stop: r.error === 'short' ? 'torn' : 'corrupt', detail: `${r.error} at ${formatLsn(lsn)}: ${r.detail}` };
      await onRecord(r.record);
      lsn += r.size;
    }
  } finally {
    await window.close();
  }
}

/** Removes the segment files wholly below the segment holding lsn; returns their names in segment order. */
export async function removeSegmentsBefore(dir: string, segSize: number, lsn: number): Promise<string[]> {
  checkSegmentSize(segSize);
  const limit = Math.floor(lsn / segSize);
  const removed: string[] = [];
  for (const s of await listSegments(dir, segSize)) {
    if (s.segno >= limit) break;
    await unlink(join(dir, s.name));
    removed.push(s.name);
  }
  return removed;
}

/**
 * A forward-only window over the WAL stream, filled in chunks of READ_CHUNK
 * bytes (or a whole record if larger) read segment by segment. Each fill
 * allocates a new buffer, so views handed out earlier stay valid.
 */
class StreamWindow {
  buffer = Buffer.alloc(0);
  endReason = '';
  private start: number;
  private eof = false;
  private fh: FileHandle | null = null;
  private fhSegno = -1;

  constructor(
    private readonly dir: string,
    private readonly segSize: number,
    from: number,
  ) {
    this.start = from;
  }

  /** Makes at least n bytes from lsn available if the WAL has them; returns how many are available. */
  async fill(lsn: number, n: number): Promise<number> {
    let have = this.start + this.buffer.length - lsn;
    if (have >= n || this.eof) return have;
    const want = Math.max(n, READ_CHUNK);
    const next = Buffer.allocUnsafe(want);
    this.buffer.copy(next, 0, lsn - this.start);
    while (have < want && !this.eof) {
      const got = await this.readAt(lsn + have, next, have, want - have);
      if (got === 0) this.eof = true;
      have += got;
    }
    this.buffer = next.subarray(0, have);
    this.start = lsn;
    return have;
  }

  offsetOf(lsn: number): number {
    return lsn - this.start;
  }

  bytes(lsn: number, n: number): Buffer {
    return this.buffer.subarray(lsn - this.start, lsn - this.start + n);
  }

  async close(): Promise<void> {
    await this.fh?.close();
    this.fh = null;
  }

  private async readAt(lsn: number, target: Buffer, at: number, max: number): Promise<number> {
    const segno = Math.floor(lsn / this.segSize);
    const offset = lsn - segno * this.segSize;
    const name = segmentFileName(segno, this.segSize);
    if (segno !== this.fhSegno) {
      await this.close();
      this.fhSegno = segno;
      try {
        this.fh = await open(join(this.dir, name), 'r');
      } catch (e) {
        if (!isENOENT(e)) throw e;
      }
    }
    if (this.fh === null) {
      this.endReason = `segment ${name} does not exist (${formatLsn(lsn)})`;
      return 0;
    }
    const { bytesRead } = await this.fh.read(target, at, Math.min(max, this.segSize - offset), offset);
    if (bytesRead === 0) this.endReason = `segment ${name} ends at offset ${offset} (${formatLsn(lsn)})`;
    return bytesRead;
  }
}

async function openSegment(dir: string, name: string): Promise<FileHandle> {
  try {
    return await open(join(dir, name), 'r+');
  } catch (e) {
    if (!isENOENT(e)) throw e;
  }
  const fh = await open(join(dir, name), 'wx', FILE_MODE);
  await syncDirectory(dir);
  return fh;
}

async function listSegments(dir: string, segSize: number): Promise<{ name: string; segno: number }[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if (isENOENT(e)) return [];
    throw e;
  }
  return names
    .map((name) => ({ name, segno: parseSegmentFileName(name, segSize) }))
    .filter((s): s is { name: string; segno: number } => s.segno !== null)
    .sort((a, b) => a.segno - b.segno);
}

/** Makes a directory's entries (created or removed files) durable. */
async function syncDirectory(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function isENOENT(e: unknown): boolean {
  return e instanceof Error && 'code' in e && e.code === 'ENOENT';
}

function hex8(n: number): string {
  return n.toString(16).toUpperCase().padStart(8, '0');
}
