import test from 'ava';
import type { ExecutionContext } from 'ava';
import { copyFileSync, existsSync, readFileSync, readdirSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { WalWriter, checkSegmentSize, firstLsn, parseSegmentFileName, removeSegmentsBefore, scanWal, segmentFileName } from '../storage/wal/segments.ts';
import type { WalWriterOptions } from '../storage/wal/segments.ts';
import { WAL_HEADER_SIZE, encodeRecord } from '../storage/wal/walFormat.ts';
import type { WalRecord } from '../storage/wal/walFormat.ts';
import { tempDir } from './helpers/dirs.ts';

const MiB = 1024 * 1024;
const SEG = MiB;

function walDir(t: ExecutionContext): string {
  return join(tempDir(t, 'ag-wal-'), 'wal');
}

/** Appends one record per payload size, each stamped with the position it lands at. */
async function appendRecords(w: WalWriter, sizes: number[]): Promise<WalRecord[]> {
  const records: WalRecord[] = [];
  for (const size of sizes) {
    const r = { lsn: w.position, xid: records.length + 1, rmgr: 1, info: 0x10, payload: randomBytes(size) };
    await w.append(encodeRecord(r));
    records.push(r);
  }
  return records;
}

async function writeWal(dir: string, sizes: number[], options?: WalWriterOptions): Promise<{ records: WalRecord[]; end: number }> {
  const w = await WalWriter.open(dir, SEG, firstLsn(SEG), options);
  const records = await appendRecords(w, sizes);
  const end = await w.flush();
  await w.close();
  return { records, end };
}

async function scan(dir: string, from = firstLsn(SEG)) {
  const records: WalRecord[] = [];
  const result = await scanWal(dir, SEG, from, (r) => {
    records.push(r);
  });
  return { records, ...result };
}

function sameRecords(t: ExecutionContext, got: WalRecord[], want: WalRecord[]): void {
  t.is(got.length, want.length);
  got.forEach((g, i) => {
    const w = want[i]!;
    t.deepEqual([g.lsn, g.xid, g.rmgr, g.info], [w.lsn, w.xid, w.rmgr, w.info], `record ${i}`);
    t.true(g.payload.equals(w.payload), `payload of record ${i}`);
  });
}

function segmentPath(dir: string, lsn: number): { path: string; offset: number } {
  return { path: join(dir, segmentFileName(Math.floor(lsn / SEG), SEG)), offset: lsn % SEG };
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

test('segment file names are those PostgreSQL gives the same segments', (t) => {
  t.is(segmentFileName(1, 16 * MiB), '000000010000000000000001');
  t.is(segmentFileName(0xff, 16 * MiB), '0000000100000000000000FF');
  t.is(segmentFileName(0x100, 16 * MiB), '000000010000000100000000');
  t.is(segmentFileName(0x1234_5678, 16 * MiB), '000000010012345600000078');
  t.is(segmentFileName(4096, MiB), '000000010000000100000000');
  t.is(segmentFileName(4, 1024 * MiB), '000000010000000100000000');
  for (const [segno, segSize] of [
    [1, 16 * MiB],
    [0x100, 16 * MiB],
    [0x1234_5678, 16 * MiB],
    [4097, MiB],
    [7, 1024 * MiB],
  ] as const) {
    t.is(parseSegmentFileName(segmentFileName(segno, segSize), segSize), segno);
  }
});

test('names that are not segments of timeline 1 at this segment size parse as null', (t) => {
  for (const name of [
    '00000001.history',
    '000000010000000000000001.partial',
    '000000010000000a00000001',
    '000000020000000000000001',
    '0000000100000000000001',
    '000000010000000000000100',
    'archive_status',
  ]) {
    t.is(parseSegmentFileName(name, 16 * MiB), null, name);
  }
});

test('segment sizes must be powers of two between 1 MiB and 1 GiB', (t) => {
  for (const ok of [MiB, 16 * MiB, 1024 * MiB]) t.notThrows(() => checkSegmentSize(ok));
  for (const bad of [0, MiB / 2, 3 * MiB, 2048 * MiB, 16 * MiB + 1]) t.throws(() => checkSegmentSize(bad), { instanceOf: RangeError });
});

test('a fresh WAL starts at the first byte of segment 1 and scans as empty', async (t) => {
  const dir = walDir(t);
  const w = await WalWriter.open(dir, SEG, firstLsn(SEG));
  t.is(w.position, SEG);
  t.deepEqual(readdirSync(dir), ['000000010000000000000001']);
  await w.close();
  const s = await scan(dir);
  t.deepEqual([s.stop, s.endLsn, s.records.length], ['end', SEG, 0]);
  const missing = await scan(join(dir, 'nothing'));
  t.deepEqual([missing.stop, missing.endLsn], ['end', SEG]);
});

test('records spanning segment boundaries, one larger than a segment, are read back in order', async (t) => {
  const dir = walDir(t);
  const sizes = [0, 100, 400_000, 700_000, 1_500_000, 10, 0, 300_000, 5];
  const { records, end } = await writeWal(dir, sizes);
  t.is(end, SEG + sizes.reduce((a, b) => a + b + WAL_HEADER_SIZE, 0));
  t.deepEqual(
    readdirSync(dir).sort(),
    [1, 2, 3].map((n) => segmentFileName(n, SEG)),
  );
  t.is(statSync(join(dir, segmentFileName(2, SEG))).size, SEG);
  const all = await scan(dir);
  t.deepEqual([all.stop, all.endLsn], ['end', end]);
  sameRecords(t, all.records, records);
  const tail = await scan(dir, records[5]!.lsn);
  t.deepEqual([tail.stop, tail.endLsn], ['end', end]);
  sameRecords(t, tail.records, records.slice(5));
});

test('a last record cut at any point ends the scan as torn just before it, after every earlier record', async (t) => {
  const dir = walDir(t);
  const { records } = await writeWal(dir, [10, 200, 50, 300]);
  const last = records.at(-1)!;
  const { path, offset } = segmentPath(dir, last.lsn);
  const len = WAL_HEADER_SIZE + last.payload.length;
  for (const cut of [len - 1, len - 100, WAL_HEADER_SIZE + 1, WAL_HEADER_SIZE, WAL_HEADER_SIZE - 1, 5, 4, 3, 1]) {
    truncateSync(path, offset + cut);
    const s = await scan(dir);
    t.deepEqual([s.stop, s.endLsn], ['torn', last.lsn], `cut at ${cut}`);
    sameRecords(t, s.records, records.slice(0, -1));
  }
  truncateSync(path, offset);
  const s = await scan(dir);
  t.deepEqual([s.stop, s.endLsn], ['end', last.lsn]);
});

test('a record whose second half is in a missing or short segment is torn', async (t) => {
  const dir = walDir(t);
  const { records } = await writeWal(dir, [SEG - 2 * WAL_HEADER_SIZE - 1000, 5000]);
  const last = records[1]!;
  const next = join(dir, segmentFileName(2, SEG));
  truncateSync(next, 100);
  let s = await scan(dir);
  t.deepEqual([s.stop, s.endLsn, s.records.length], ['torn', last.lsn, 1]);
  unlinkSync(next);
  s = await scan(dir);
  t.deepEqual([s.stop, s.endLsn, s.records.length], ['torn', last.lsn, 1]);
  t.regex(s.detail, /short/);
});

test('a bit flipped in a record ends the scan as corrupt at that record', async (t) => {
  const dir = walDir(t);
  const { records } = await writeWal(dir, [10, 200, 50, 300]);
  for (const victim of [3, 1]) {
    const { path, offset } = segmentPath(dir, records[victim]!.lsn);
    const bytes = readFileSync(path);
    bytes[offset + WAL_HEADER_SIZE + 7]! ^= 0x10;
    writeFileSync(path, bytes);
    const s = await scan(dir);
    t.deepEqual([s.stop, s.endLsn], ['corrupt', records[victim]!.lsn]);
    t.regex(s.detail, /crc/);
    sameRecords(t, s.records, records.slice(0, victim));
  }
});

test('the valid record of a recycled segment is rejected because it names another LSN', async (t) => {
  const dir = walDir(t);
  const { records, end } = await writeWal(dir, [SEG - WAL_HEADER_SIZE]);
  t.is(end, 2 * SEG);
  copyFileSync(join(dir, segmentFileName(1, SEG)), join(dir, segmentFileName(2, SEG)));
  const s = await scan(dir);
  t.deepEqual([s.stop, s.endLsn], ['corrupt', 2 * SEG]);
  t.regex(s.detail, /^lsn at 0\/200000: record at 0\/200000 claims LSN 0\/100000$/);
  sameRecords(t, s.records, records);
});

test('opening the writer at an earlier LSN cuts off the stale tail so new records are not followed by old ones', async (t) => {
  const dir = walDir(t);
  const old = await writeWal(dir, [100, 100, 700_000, 700_000, 100]);
  t.true(existsSync(join(dir, segmentFileName(2, SEG))));
  const w = await WalWriter.open(dir, SEG, old.records[1]!.lsn);
  const fresh = await appendRecords(w, [100 - WAL_HEADER_SIZE - 7]);
  await w.flush();
  await w.close();
  t.deepEqual(readdirSync(dir), [segmentFileName(1, SEG)]);
  const s = await scan(dir);
  t.deepEqual([s.stop, s.endLsn], ['end', fresh[0]!.lsn + 100 - 7]);
  sameRecords(t, s.records, [old.records[0]!, fresh[0]!]);
});

test('removeSegmentsBefore removes only whole segments below the one holding the LSN', async (t) => {
  const dir = walDir(t);
  const { records } = await writeWal(dir, [SEG, SEG, SEG]);
  writeFileSync(join(dir, 'notes.txt'), 'kept');
  const removed = await removeSegmentsBefore(dir, SEG, 3 * SEG + 12345);
  t.deepEqual(removed, [segmentFileName(1, SEG), segmentFileName(2, SEG)]);
  t.deepEqual(readdirSync(dir).sort(), [segmentFileName(3, SEG), segmentFileName(4, SEG), 'notes.txt']);
  t.deepEqual(await removeSegmentsBefore(dir, SEG, 3 * SEG), []);
  const s = await scan(dir, records[2]!.lsn);
  t.deepEqual([s.stop, s.records.length], ['end', 1]);
  t.deepEqual(await removeSegmentsBefore(join(dir, 'nothing'), SEG, 5 * SEG), []);
});

test('flush stays pending while fdatasync is held back and resolves with the flushed LSN once released', async (t) => {
  const dir = walDir(t);
  const called = deferred();
  const release = deferred();
  const w = await WalWriter.open(dir, SEG, firstLsn(SEG), {
    fdatasync: async (fh) => {
      called.resolve();
      await release.promise;
      await fh.datasync();
    },
  });
  t.teardown(() => w.close());
  await appendRecords(w, [1000]);
  let flushed: number | undefined;
  const flushing = w.flush().then((lsn) => (flushed = lsn));
  await called.promise;
  await new Promise(setImmediate);
  t.is(flushed, undefined);
  release.resolve();
  t.is(await flushing, SEG + 1000 + WAL_HEADER_SIZE);
  t.is(flushed, w.position);
});

test('flush syncs every segment written since the last flush, in order, and nothing when nothing was written', async (t) => {
  const dir = walDir(t);
  const synced: number[] = [];
  const fdatasync = async (fh: FileHandle) => {
    synced.push((await fh.stat()).ino);
    await fh.datasync();
  };
  const w = await WalWriter.open(dir, SEG, firstLsn(SEG), { fdatasync });
  t.teardown(() => w.close());
  await appendRecords(w, [SEG + 800_000, 300_000]);
  const inode = (n: number) => statSync(join(dir, segmentFileName(n, SEG))).ino;
  t.is(await w.flush(), w.position);
  t.deepEqual(synced, [inode(1), inode(2), inode(3)]);
  t.is(await w.flush(), w.position);
  t.is(synced.length, 3);
  await appendRecords(w, [10]);
  await w.flush();
  t.deepEqual(synced.slice(3), [inode(3)]);
});

test('appends issued without awaiting land in the order they were called', async (t) => {
  const dir = walDir(t);
  const w = await WalWriter.open(dir, SEG, firstLsn(SEG));
  const records: WalRecord[] = [];
  const pending: Promise<void>[] = [];
  for (let i = 0; i < 50; i++) {
    const r = { lsn: w.position, xid: i, rmgr: 2, info: 0, payload: randomBytes(i * 997) };
    records.push(r);
    pending.push(w.append(encodeRecord(r)));
  }
  const flushed = await w.flush();
  await Promise.all(pending);
  await w.close();
  t.is(flushed, w.position);
  const s = await scan(dir);
  t.deepEqual([s.stop, s.endLsn], ['end', flushed]);
  sameRecords(t, s.records, records);
});

test('after a failed fdatasync the writer refuses further work but still closes', async (t) => {
  const dir = walDir(t);
  const w = await WalWriter.open(dir, SEG, firstLsn(SEG), {
    fdatasync: () => Promise.reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })),
  });
  await appendRecords(w, [10]);
  await t.throwsAsync(w.flush(), { message: /EIO/ });
  await t.throwsAsync(w.append(Buffer.alloc(30)), { message: /stopped after an I\/O error: EIO/ });
  await t.throwsAsync(w.flush(), { message: /stopped after an I\/O error/ });
  await t.notThrowsAsync(w.close());
  await t.throwsAsync(w.flush(), { message: /stopped after an I\/O error/ });
});
