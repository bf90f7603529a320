/*
 * The CLOG on disk (PostgreSQL's pg_xact/): one file per chunk of 2^20
 * transactions, 2 bits each (committed, aborted), the same bytes as the
 * {p}clog:<n> strings in Redis. Written by each checkpoint; recovery loads
 * them and replays commit and abort records on top.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileDurably } from './durableFile.ts';

export const CLOG_CHUNK_XIDS = 1 << 20;

export function clogDir(dataDir: string): string {
  return join(dataDir, 'pg_xact');
}

function chunkName(chunk: number): string {
  return chunk.toString(16).toUpperCase().padStart(4, '0');
}

export async function writeClogChunk(dataDir: string, chunk: number, bytes: Buffer): Promise<void> {
  await mkdir(clogDir(dataDir), { recursive: true, mode: 0o700 });
  await writeFileDurably(join(clogDir(dataDir), chunkName(chunk)), bytes);
}

export async function readClog(dataDir: string): Promise<Map<number, Buffer>> {
  const out = new Map<number, Buffer>();
  let names: string[];
  try {
    names = await readdir(clogDir(dataDir));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return out;
    throw err;
  }
  for (const name of names) {
    if (/^[0-9A-F]{4,}$/.test(name)) out.set(parseInt(name, 16), await readFile(join(clogDir(dataDir), name)));
  }
  return out;
}

/** Sets an xid's status in a chunk map (Redis's SETBIT bit order: most significant bit first). */
export function setClogStatus(chunks: Map<number, Buffer>, xid: number, committed: boolean): void {
  const chunk = Math.floor(xid / CLOG_CHUNK_XIDS);
  const bit = (xid % CLOG_CHUNK_XIDS) * 2 + (committed ? 0 : 1);
  const byte = bit >> 3;
  let buf = chunks.get(chunk) ?? Buffer.alloc(0);
  if (buf.length <= byte) {
    const bigger = Buffer.alloc(byte + 1);
    buf.copy(bigger);
    buf = bigger;
  }
  buf[byte]! |= 0x80 >> (bit & 7);
  chunks.set(chunk, buf);
}

export function clogStatus(chunks: Map<number, Buffer>, xid: number): 'committed' | 'aborted' | 'unknown' {
  const buf = chunks.get(Math.floor(xid / CLOG_CHUNK_XIDS));
  const bit = (xid % CLOG_CHUNK_XIDS) * 2;
  const get = (b: number) => (buf && buf.length > b >> 3 ? (buf[b >> 3]! >> (7 - (b & 7))) & 1 : 0);
  if (get(bit)) return 'committed';
  if (get(bit + 1)) return 'aborted';
  return 'unknown';
}
