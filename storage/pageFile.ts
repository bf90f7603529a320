/*
 * Data files and the pages in them: PostgreSQL's bufpage.c (page layout and
 * PageIsVerified), checksum.c (pd_checksum) and md.c (one file per relation,
 * block n at offset n * BLCKSZ), without segmenting files at 1 GB.
 *
 *   DIR/base/<relId>   directory mode 0700, file mode 0600
 *
 * A block on disk (little-endian, PAGE_SIZE = 8192 bytes):
 *
 *   offset  size  field
 *        0     4  magic 0x47504741 ("AGPG" as bytes)
 *        4     4  checksum: CRC-32C of the block number (u32), then of the
 *                 8192 bytes of the block with this field read as zero
 *        8     4  LSN, high 32 bits
 *       12     4  LSN, low 32 bits
 *       16     2  item count n
 *       18        n items packed, in ascending slot order:
 *                   u16 slot (0..65534)  u16 len  len bytes of tuple data
 *                 zero padding to 8192
 *
 * Invariants:
 * - decodePage never returns data from a block that fails verification: a
 *   wrong magic, a checksum mismatch or an item outside the block is a
 *   CorruptPageError naming the file, the block and the failure.
 * - The block number is part of the checksum, so a page written at another
 *   block's offset (a misdirected write) fails verification.
 * - An all-zero block is a page never written (a hole, or a file extended
 *   before the page reached it) and decodes as an empty page with LSN 0, as
 *   PageIsVerified accepts new pages.
 * - Nothing here decides when a page may be written (WAL before data) or when
 *   files are fsynced: callers do, through writeBlock, sync and syncDirectory.
 *   An fsync error is thrown, never retried: after a failed fsync the kernel
 *   may have dropped the dirty data, so the caller must treat it as a crash.
 */
import { crc32c } from '@node-rs/crc32';
import { constants } from 'node:fs';
import { mkdir, open, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

export const PAGE_SIZE = 8192;
/** Bytes before the first item. */
export const PAGE_HEADER_SIZE = 18;
/** Bytes each item costs besides its data: a tuple of n bytes fits if pageFreeSpace(page) >= ITEM_HEADER_SIZE + n. */
export const ITEM_HEADER_SIZE = 4;
/** Largest slot number; 65535 is left invalid, as PostgreSQL's InvalidOffsetNumber. */
export const MAX_SLOT = 0xfffe;
/** Largest block number, PostgreSQL's MaxBlockNumber (0xFFFFFFFF is InvalidBlockNumber). */
export const MAX_BLOCK_NUMBER = 0xfffffffe;

const PAGE_MAGIC = 0x47504741;
const CHECKSUM_OFFSET = 4;
const LSN_HIGH_OFFSET = 8;
const LSN_LOW_OFFSET = 12;
const COUNT_OFFSET = 16;
const TWO_TO_32 = 0x1_0000_0000;
/** The high half of an LSN below 2^53. */
const MAX_LSN_HIGH = 0x1f_ffff;

export interface Page {
  lsn: number;
  /** slot number (0..MAX_SLOT) to opaque tuple bytes */
  items: Map<number, Buffer>;
}

export class PageFullError extends Error {
  override name = 'PageFullError';
  constructor(
    readonly blkno: number,
    readonly needed: number,
  ) {
    super(`page for block ${blkno} needs ${needed} bytes, more than the page size of ${PAGE_SIZE}`);
  }
}

export class CorruptPageError extends Error {
  override name = 'CorruptPageError';
  constructor(
    readonly where: string,
    readonly blkno: number,
    readonly problem: string,
  ) {
    super(`invalid page in block ${blkno} of relation file "${where}": ${problem}`);
  }
}

function checkBlockNumber(blkno: number): void {
  if (!Number.isInteger(blkno) || blkno < 0 || blkno > MAX_BLOCK_NUMBER) throw new RangeError(`invalid block number ${blkno}`);
}

/** Encoded size of `page` in bytes, padding excluded. */
function usedBytes(page: Page): number {
  let used = PAGE_HEADER_SIZE;
  for (const data of page.items.values()) used += ITEM_HEADER_SIZE + data.length;
  return used;
}

/** Bytes still free if `page` were encoded; negative if it is over full by that many and encodePage would throw. */
export function pageFreeSpace(page: Page): number {
  return PAGE_SIZE - usedBytes(page);
}

/** The checksum of a PAGE_SIZE block as stored at CHECKSUM_OFFSET, the field itself read as zero. */
function pageChecksum(block: Buffer, blkno: number): number {
  const prefix = Buffer.alloc(4 + CHECKSUM_OFFSET + 4);
  prefix.writeUInt32LE(blkno, 0);
  block.copy(prefix, 4, 0, CHECKSUM_OFFSET);
  return crc32c(block.subarray(CHECKSUM_OFFSET + 4), crc32c(prefix));
}

export function encodePage(page: Page, blkno: number): Buffer {
  checkBlockNumber(blkno);
  if (!Number.isSafeInteger(page.lsn) || page.lsn < 0) throw new RangeError(`invalid page LSN ${page.lsn}`);
  for (const [slot, data] of page.items) {
    if (!Number.isInteger(slot) || slot < 0 || slot > MAX_SLOT) throw new RangeError(`invalid slot number ${slot}`);
    if (!Buffer.isBuffer(data)) throw new TypeError(`item in slot ${slot} is not a Buffer`);
  }
  const used = usedBytes(page);
  if (used > PAGE_SIZE) throw new PageFullError(blkno, used);

  const block = Buffer.alloc(PAGE_SIZE);
  block.writeUInt32LE(PAGE_MAGIC, 0);
  block.writeUInt32LE(Math.floor(page.lsn / TWO_TO_32), LSN_HIGH_OFFSET);
  block.writeUInt32LE(page.lsn % TWO_TO_32, LSN_LOW_OFFSET);
  block.writeUInt16LE(page.items.size, COUNT_OFFSET);
  let off = PAGE_HEADER_SIZE;
  for (const slot of [...page.items.keys()].sort((a, b) => a - b)) {
    const data = page.items.get(slot)!;
    block.writeUInt16LE(slot, off);
    block.writeUInt16LE(data.length, off + 2);
    data.copy(block, off + ITEM_HEADER_SIZE);
    off += ITEM_HEADER_SIZE + data.length;
  }
  block.writeUInt32LE(pageChecksum(block, blkno), CHECKSUM_OFFSET);
  return block;
}

/** Verifies and decodes block `blkno` read from `where` (the file's path, for the error). */
export function decodePage(buf: Buffer, blkno: number, where: string): Page {
  checkBlockNumber(blkno);
  const corrupt = (problem: string) => new CorruptPageError(where, blkno, problem);
  if (buf.length !== PAGE_SIZE) throw corrupt(`truncated block: ${buf.length} of ${PAGE_SIZE} bytes`);
  const magic = buf.readUInt32LE(0);
  if (magic === 0 && buf.every((b) => b === 0)) return { lsn: 0, items: new Map() };
  if (magic !== PAGE_MAGIC) throw corrupt(`bad magic 0x${magic.toString(16).padStart(8, '0')}`);
  const stored = buf.readUInt32LE(CHECKSUM_OFFSET);
  const computed = pageChecksum(buf, blkno);
  if (stored !== computed) throw corrupt(`checksum mismatch: stored 0x${stored.toString(16)}, computed 0x${computed.toString(16)}`);

  const high = buf.readUInt32LE(LSN_HIGH_OFFSET);
  if (high > MAX_LSN_HIGH) throw corrupt(`LSN high word 0x${high.toString(16)} is beyond 2^53`);
  const lsn = high * TWO_TO_32 + buf.readUInt32LE(LSN_LOW_OFFSET);
  const count = buf.readUInt16LE(COUNT_OFFSET);
  const items = new Map<number, Buffer>();
  let off = PAGE_HEADER_SIZE;
  for (let i = 0; i < count; i++) {
    if (off + ITEM_HEADER_SIZE > PAGE_SIZE) throw corrupt(`item ${i} of ${count} out of bounds: header at offset ${off}`);
    const slot = buf.readUInt16LE(off);
    const len = buf.readUInt16LE(off + 2);
    const start = off + ITEM_HEADER_SIZE;
    if (start + len > PAGE_SIZE) throw corrupt(`item ${i} (slot ${slot}) out of bounds: ${len} bytes at offset ${start}`);
    if (slot > MAX_SLOT) throw corrupt(`item ${i} has invalid slot ${slot}`);
    if (items.has(slot)) throw corrupt(`slot ${slot} appears twice`);
    items.set(slot, Buffer.from(buf.subarray(start, start + len)));
    off = start + len;
  }
  return { lsn, items };
}

/** fsync a directory, making the creation, removal or renaming of its entries durable. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** mkdir with mode 0700; false if `dir` already existed. */
async function createDirectory(dir: string): Promise<boolean> {
  try {
    await mkdir(dir, { mode: 0o700 });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** One open relation file, DIR/base/<relId>. Blocks beyond the end read as null; writing past the end leaves all-zero (empty) blocks between. */
export class RelationFile {
  private constructor(
    readonly relId: number,
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  /** Opens the file, creating DIR/base/ and the file if missing; a creation is made durable (directory fsync) before this resolves. */
  static async open(dataDir: string, relId: number): Promise<RelationFile> {
    if (!Number.isSafeInteger(relId) || relId <= 0) throw new RangeError(`invalid relation id ${relId}`);
    const baseDir = join(dataDir, 'base');
    const path = join(baseDir, String(relId));
    if (await createDirectory(baseDir)) await syncDirectory(dataDir);
    let handle: FileHandle;
    try {
      handle = await open(path, constants.O_RDWR);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      handle = await open(path, constants.O_RDWR | constants.O_CREAT, 0o600);
      await syncDirectory(baseDir).catch(async (syncErr: unknown) => {
        await handle.close();
        throw syncErr;
      });
    }
    return new RelationFile(relId, path, handle);
  }

  /** The page in block `blkno`, or null if the file ends before it. */
  async readBlock(blkno: number): Promise<Page | null> {
    checkBlockNumber(blkno);
    const buf = Buffer.alloc(PAGE_SIZE);
    let got = 0;
    while (got < PAGE_SIZE) {
      const { bytesRead } = await this.handle.read(buf, got, PAGE_SIZE - got, blkno * PAGE_SIZE + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    if (got === 0) return null;
    return decodePage(buf.subarray(0, got), blkno, this.path);
  }

  async writeBlock(blkno: number, page: Page): Promise<void> {
    const block = encodePage(page, blkno);
    let done = 0;
    while (done < PAGE_SIZE) {
      const { bytesWritten } = await this.handle.write(block, done, PAGE_SIZE - done, blkno * PAGE_SIZE + done);
      done += bytesWritten;
    }
  }

  /** Whole blocks in the file; a torn trailing partial block is not counted (and reads as truncated). */
  async nblocks(): Promise<number> {
    return Math.floor((await this.handle.stat()).size / PAGE_SIZE);
  }

  async sync(): Promise<void> {
    await this.handle.datasync();
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** Removes DIR/base/<relId> (a dropped relation) and makes the removal durable; a missing file is fine. */
export async function removeRelationFile(dataDir: string, relId: number): Promise<void> {
  const baseDir = join(dataDir, 'base');
  try {
    await unlink(join(baseDir, String(relId)));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  await syncDirectory(baseDir);
}
