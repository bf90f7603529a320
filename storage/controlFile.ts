/*
 * DIR/global/pg_control: PostgreSQL's control file (pg_control.h, and
 * ReadControlFile / update_controlfile). It says where recovery starts: the
 * last checkpoint, its redo LSN, the counters to resume from, and whether the
 * cluster was shut down cleanly.
 *
 * The file is 68 bytes, little-endian:
 *
 *   offset  size  field
 *        0     4  magic 0x46434741 ("AGCF" as bytes)
 *        4     4  format version, CONTROL_FILE_VERSION
 *        8     4  version (ControlData.version: the data directory's layout version)
 *       12     4  state: 0 shut down, 1 in production, 2 in crash recovery, 3 shut down in recovery
 *       16     8  checkpointLsn
 *       24     8  redoLsn
 *       32     8  nextXid
 *       40     8  nextRelId
 *       48     8  segmentSize
 *       56     8  time (epoch ms of the last checkpoint)
 *       64     4  CRC-32C of bytes 0..63
 *
 * Invariants:
 * - readControlFile returns exactly what one writeControlFile wrote, or null
 *   if the file does not exist, or throws CorruptControlFileError; never
 *   anything else.
 * - A crash at any point of writeControlFile leaves either the old or the new
 *   contents: the new bytes go to pg_control.tmp in the same directory, are
 *   fsynced, renamed over pg_control (the commit point), and the directory is
 *   fsynced. A pg_control.tmp left by a crash is never read, and the next
 *   write truncates it.
 * - One writer at a time (PostgreSQL's ControlFileLock: the startup process,
 *   then the checkpointer), since writers share the temp file's name.
 * - An fsync error is thrown, never retried: the caller treats it as a crash.
 * - DIR/global exists (init creates it).
 */
import { crc32c } from '@node-rs/crc32';
import { readFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { syncDirectory } from './pageFile.ts';

export const CONTROL_FILE_VERSION = 1;

/** PostgreSQL's DBState, in on-disk code order. */
const DB_STATES = ['shut down', 'in production', 'in crash recovery', 'shut down in recovery'] as const;
export type DbState = (typeof DB_STATES)[number];

export interface ControlData {
  version: number;
  state: DbState;
  checkpointLsn: number;
  redoLsn: number;
  nextXid: number;
  nextRelId: number;
  segmentSize: number;
  /** epoch ms of the last checkpoint */
  time: number;
}

const MAGIC = 0x46434741;
const CRC_OFFSET = 64;
const FILE_SIZE = 68;
/** The u64 fields from offset 16 on, in order. */
const U64_FIELDS = ['checkpointLsn', 'redoLsn', 'nextXid', 'nextRelId', 'segmentSize', 'time'] as const;

export class CorruptControlFileError extends Error {
  override name = 'CorruptControlFileError';
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`control file "${path}" is invalid: ${problem}`);
  }
}

export function controlFilePath(dataDir: string): string {
  return join(dataDir, 'global', 'pg_control');
}

function encode(data: ControlData): Buffer {
  const state = DB_STATES.indexOf(data.state);
  if (state < 0) throw new RangeError(`invalid cluster state "${data.state}"`);
  if (!Number.isInteger(data.version) || data.version < 0 || data.version > 0xffffffff) throw new RangeError(`invalid version ${data.version}`);
  const buf = Buffer.alloc(FILE_SIZE);
  buf.writeUInt32LE(MAGIC, 0);
  buf.writeUInt32LE(CONTROL_FILE_VERSION, 4);
  buf.writeUInt32LE(data.version, 8);
  buf.writeUInt32LE(state, 12);
  U64_FIELDS.forEach((field, i) => {
    const value = data[field];
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`invalid ${field} ${value}`);
    buf.writeBigUInt64LE(BigInt(value), 16 + 8 * i);
  });
  buf.writeUInt32LE(crc32c(buf.subarray(0, CRC_OFFSET)), CRC_OFFSET);
  return buf;
}

function decode(buf: Buffer, path: string): ControlData {
  const corrupt = (problem: string) => new CorruptControlFileError(path, problem);
  if (buf.length < 8) throw corrupt(`truncated: ${buf.length} bytes`);
  const magic = buf.readUInt32LE(0);
  if (magic !== MAGIC) throw corrupt(`bad magic 0x${magic.toString(16).padStart(8, '0')}`);
  const format = buf.readUInt32LE(4);
  if (format !== CONTROL_FILE_VERSION) throw corrupt(`wrong version: format ${format}, this server reads ${CONTROL_FILE_VERSION}`);
  if (buf.length < FILE_SIZE) throw corrupt(`truncated: ${buf.length} of ${FILE_SIZE} bytes`);
  if (buf.length > FILE_SIZE) throw corrupt(`${buf.length} bytes, expected ${FILE_SIZE}`);
  const stored = buf.readUInt32LE(CRC_OFFSET);
  const computed = crc32c(buf.subarray(0, CRC_OFFSET));
  if (stored !== computed) throw corrupt(`CRC mismatch: stored 0x${stored.toString(16)}, computed 0x${computed.toString(16)}`);

  const stateCode = buf.readUInt32LE(12);
  const state = DB_STATES[stateCode];
  if (state === undefined) throw corrupt(`unknown state ${stateCode}`);
  const data: ControlData = { version: buf.readUInt32LE(8), state, checkpointLsn: 0, redoLsn: 0, nextXid: 0, nextRelId: 0, segmentSize: 0, time: 0 };
  U64_FIELDS.forEach((field, i) => {
    const value = buf.readBigUInt64LE(16 + 8 * i);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw corrupt(`${field} ${value} is beyond 2^53`);
    data[field] = Number(value);
  });
  return data;
}

/** The control file's contents, or null if there is none; throws CorruptControlFileError rather than return bad data. */
export function readControlFile(dataDir: string): ControlData | null {
  const path = controlFilePath(dataDir);
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  return decode(buf, path);
}

/** Replaces the control file durably and atomically: temp file, fsync, rename, directory fsync. */
export async function writeControlFile(dataDir: string, data: ControlData): Promise<void> {
  const path = controlFilePath(dataDir);
  const temp = `${path}.tmp`;
  const buf = encode(data);
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(buf);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
  await syncDirectory(dirname(path));
}
