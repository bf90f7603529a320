import test from 'ava';
import type { ExecutionContext } from 'ava';
import { crc32c } from '@node-rs/crc32';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTROL_FILE_VERSION, controlFilePath, CorruptControlFileError, readControlFile, writeControlFile } from '../storage/controlFile.ts';
import type { ControlData } from '../storage/controlFile.ts';
import { tempDir } from './helpers/dirs.ts';

const first: ControlData = {
  version: 1,
  state: 'in production',
  checkpointLsn: 0x1_2345_6789,
  redoLsn: 0x1_2345_0000,
  nextXid: 2 ** 53 - 1,
  nextRelId: 16384,
  segmentSize: 16 * 1024 * 1024,
  time: 1764000000000,
};
const second: ControlData = { ...first, state: 'shut down', checkpointLsn: first.checkpointLsn + 200, redoLsn: first.checkpointLsn + 200, nextXid: 1000 };

function dataDir(t: ExecutionContext): string {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'global'), { mode: 0o700 });
  return dir;
}

function corruptMessage(path: string, problem: RegExp): { instanceOf: typeof CorruptControlFileError; message: RegExp } {
  const escaped = path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return { instanceOf: CorruptControlFileError, message: new RegExp(`"${escaped}".*${problem.source}`) };
}

test('a data directory without pg_control reads as null', (t) => {
  t.is(readControlFile(dataDir(t)), null);
});

test('pg_control round trips every field, including values up to 2^53 - 1, with mode 0600', async (t) => {
  const dir = dataDir(t);
  await writeControlFile(dir, first);
  t.deepEqual(readControlFile(dir), first);
  t.is(statSync(controlFilePath(dir)).mode & 0o777, 0o600);
  for (const state of ['shut down', 'in crash recovery', 'shut down in recovery'] as const) {
    await writeControlFile(dir, { ...second, state });
    t.deepEqual(readControlFile(dir), { ...second, state });
  }
  t.false(existsSync(`${controlFilePath(dir)}.tmp`), 'the temp file was renamed away');
});

test('invalid contents are refused before anything is written', async (t) => {
  const dir = dataDir(t);
  await writeControlFile(dir, first);
  await t.throwsAsync(writeControlFile(dir, { ...second, nextXid: 2 ** 53 }), { instanceOf: RangeError, message: /nextXid/ });
  await t.throwsAsync(writeControlFile(dir, { ...second, redoLsn: -1 }), { instanceOf: RangeError, message: /redoLsn/ });
  await t.throwsAsync(writeControlFile(dir, { ...second, state: 'starting' as ControlData['state'] }), { instanceOf: RangeError });
  t.deepEqual(readControlFile(dir), first);
});

test('a crash before the rename leaves the last good pg_control, whatever the temp file holds', async (t) => {
  const dir = dataDir(t);
  const temp = `${controlFilePath(dir)}.tmp`;
  await writeControlFile(dir, first);
  const good = readFileSync(controlFilePath(dir));

  // Crashed after writing a complete new version to the temp file, before the rename.
  await writeControlFile(dir, second);
  const complete = readFileSync(controlFilePath(dir));
  writeFileSync(controlFilePath(dir), good);
  writeFileSync(temp, complete);
  t.deepEqual(readControlFile(dir), first);

  // Crashed halfway through writing the temp file.
  writeFileSync(temp, Buffer.concat([complete.subarray(0, 20), Buffer.from('garbage')]));
  t.deepEqual(readControlFile(dir), first);

  // The next write replaces the stale temp file and succeeds.
  await writeControlFile(dir, second);
  t.deepEqual(readControlFile(dir), second);
  t.false(existsSync(temp));
});

test('a flipped byte anywhere in pg_control is reported with the path and never returned', async (t) => {
  const dir = dataDir(t);
  const path = controlFilePath(dir);
  await writeControlFile(dir, first);
  const good = readFileSync(path);
  for (let i = 0; i < good.length; i++) {
    const bad = Buffer.from(good);
    bad[i] ^= 0x10;
    writeFileSync(path, bad);
    t.throws(() => readControlFile(dir), corruptMessage(path, /bad magic|wrong version|CRC mismatch/), `byte ${i}`);
  }
  const bad = Buffer.from(good);
  bad[20] ^= 0xff;
  writeFileSync(path, bad);
  t.throws(() => readControlFile(dir), corruptMessage(path, /CRC mismatch/));
});

test('a truncated, empty or overlong pg_control is reported as such', async (t) => {
  const dir = dataDir(t);
  const path = controlFilePath(dir);
  await writeControlFile(dir, first);
  const good = readFileSync(path);
  for (const length of [0, 3, 8, 40, good.length - 1]) {
    writeFileSync(path, good.subarray(0, length));
    t.throws(() => readControlFile(dir), corruptMessage(path, /truncated/), `${length} bytes`);
  }
  writeFileSync(path, Buffer.concat([good, Buffer.alloc(1)]));
  t.throws(() => readControlFile(dir), corruptMessage(path, /expected 68/));
});

test('a file with another magic or format version is refused even when its CRC is right', async (t) => {
  const dir = dataDir(t);
  const path = controlFilePath(dir);
  await writeControlFile(dir, first);
  const good = readFileSync(path);
  const resealed = (edit: (b: Buffer) => void) => {
    const b = Buffer.from(good);
    edit(b);
    b.writeUInt32LE(crc32c(b.subarray(0, 64)), 64);
    return b;
  };

  writeFileSync(
    path,
    resealed((b) => b.write('PGCT', 0, 'latin1')),
  );
  t.throws(() => readControlFile(dir), corruptMessage(path, /bad magic 0x54434750/));
  writeFileSync(
    path,
    resealed((b) => b.writeUInt32LE(CONTROL_FILE_VERSION + 1, 4)),
  );
  t.throws(() => readControlFile(dir), corruptMessage(path, /wrong version: format 2/));
  writeFileSync(
    path,
    resealed((b) => b.writeUInt32LE(9, 12)),
  );
  t.throws(() => readControlFile(dir), corruptMessage(path, /unknown state 9/));
  writeFileSync(
    path,
    resealed((b) => b.writeBigUInt64LE(2n ** 53n, 32)),
  );
  t.throws(() => readControlFile(dir), corruptMessage(path, /nextXid .* beyond 2\^53/));
});
