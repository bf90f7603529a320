/*
 * The WAL record frame, the counterpart of PostgreSQL's XLogRecord header
 * (access/xlogrecord.h) and of the checks in xlogreader.c's
 * ValidXLogRecordHeader / ValidXLogRecord.
 *
 * A record is a 24-byte little-endian header followed by its payload:
 *
 *   0  UInt32 totLen    whole record length, header included (24 .. MAX_RECORD_SIZE)
 *   4  UInt32 crc       CRC-32C of bytes [8, totLen) then of bytes [0, 4)
 *   8  UInt64 lsn       the record's own LSN, its byte position in the WAL stream
 *   16 UInt32 xid_lo    low 32 bits of the transaction id
 *   20 UInt16 xid_hi16  high 16 bits of the transaction id
 *   22 UInt8  rmgr      resource manager id
 *   23 UInt8  info      record type within the resource manager
 *   24 Bytes  payload   totLen - 24 bytes
 *
 * Invariants: the CRC covers every byte of the record except itself, payload
 * first and header last, as PostgreSQL does. A record carries its own LSN, so a
 * reader that expects a record at position p rejects the stale bytes of an
 * older record found there (a recycled segment, an overwritten tail).
 * LSNs are byte positions below 2^53 (exact JS numbers); 0 means "invalid".
 * Transaction ids are below 2^48: xid_lo and xid_hi16 hold 48 bits.
 */
import { crc32c } from '@node-rs/crc32';

export const WAL_HEADER_SIZE = 24;
export const MAX_RECORD_SIZE = 64 * 1024 * 1024;
export const MAX_XID = 2 ** 48 - 1;

const TWO_32 = 2 ** 32;

export interface WalRecord {
  lsn: number;
  xid: number;
  rmgr: number;
  info: number;
  payload: Buffer;
}

export type DecodeError = { error: 'short' | 'crc' | 'length' | 'lsn'; detail: string };
export type DecodeResult = { record: WalRecord; size: number } | DecodeError;

/** Frames one record. Throws RangeError for a field out of its range. */
export function encodeRecord(r: WalRecord): Buffer {
  checkInteger('lsn', r.lsn, Number.MAX_SAFE_INTEGER);
  checkInteger('xid', r.xid, MAX_XID);
  checkInteger('rmgr', r.rmgr, 0xff);
  checkInteger('info', r.info, 0xff);
  const totLen = WAL_HEADER_SIZE + r.payload.length;
  if (totLen > MAX_RECORD_SIZE) throw new RangeError(`WAL record of ${totLen} bytes exceeds MAX_RECORD_SIZE (${MAX_RECORD_SIZE})`);
  const buf = Buffer.allocUnsafe(totLen);
  buf.writeUInt32LE(totLen, 0); // totLen
  buf.writeUInt32LE(r.lsn % TWO_32, 8); // lsn, low half
  buf.writeUInt32LE(Math.floor(r.lsn / TWO_32), 12); // lsn, high half
  buf.writeUInt32LE(r.xid % TWO_32, 16); // xid_lo
  buf.writeUInt16LE(Math.floor(r.xid / TWO_32), 20); // xid_hi16
  buf.writeUInt8(r.rmgr, 22); // rmgr
  buf.writeUInt8(r.info, 23); // info
  r.payload.copy(buf, WAL_HEADER_SIZE); // payload
  buf.writeUInt32LE(recordCrc(buf, totLen), 4); // crc, last: it covers the other header bytes
  return buf;
}

/**
 * Reads the record starting at `offset`. The returned payload is a view of
 * `buf`, not a copy. With `expectedLsn`, a record whose header names another
 * position is rejected ('lsn').
 */
export function decodeRecord(buf: Buffer, offset: number, expectedLsn?: number): DecodeResult {
  const remaining = buf.length - offset;
  if (remaining < WAL_HEADER_SIZE) return { error: 'short', detail: `${remaining} of ${WAL_HEADER_SIZE} header bytes` };
  const totLen = buf.readUInt32LE(offset); // totLen
  if (totLen < WAL_HEADER_SIZE || totLen > MAX_RECORD_SIZE) return { error: 'length', detail: `invalid record length ${totLen}` };
  if (remaining < totLen) return { error: 'short', detail: `${remaining} of ${totLen} record bytes` };
  const rec = buf.subarray(offset, offset + totLen);
  const stored = rec.readUInt32LE(4); // crc
  const computed = recordCrc(rec, totLen);
  if (stored !== computed) return { error: 'crc', detail: `CRC-32C ${hex(computed)} differs from stored ${hex(stored)}` };
  const lsnLo = rec.readUInt32LE(8); // lsn, low half
  const lsnHi = rec.readUInt32LE(12); // lsn, high half
  if (lsnHi >= 2 ** 21) return { error: 'lsn', detail: `record LSN ${lsnHi.toString(16).toUpperCase()}/${lsnLo.toString(16).toUpperCase()} is beyond 2^53` };
  const lsn = lsnHi * TWO_32 + lsnLo;
  if (expectedLsn !== undefined && lsn !== expectedLsn) return { error: 'lsn', detail: `record at ${formatLsn(expectedLsn)} claims LSN ${formatLsn(lsn)}` };
  const record: WalRecord = {
    lsn,
    xid: rec.readUInt16LE(20) * TWO_32 + rec.readUInt32LE(16), // xid_hi16, xid_lo
    rmgr: rec.readUInt8(22), // rmgr
    info: rec.readUInt8(23), // info
    payload: rec.subarray(WAL_HEADER_SIZE), // payload
  };
  return { record, size: totLen };
}

/** PostgreSQL's `%X/%X` form: high and low 32 bits in uppercase hex, unpadded (0/16B3748). */
export function formatLsn(lsn: number): string {
  return `${Math.floor(lsn / TWO_32)
    .toString(16)
    .toUpperCase()}/${(lsn % TWO_32).toString(16).toUpperCase()}`;
}

/** The inverse of formatLsn, accepting what pg_lsn accepts (1 to 8 hex digits each side). Throws on anything else. */
export function parseLsn(s: string): number {
  const m = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(s);
  if (m === null) throw new RangeError(`invalid LSN: "${s}"`);
  const hi = parseInt(m[1]!, 16);
  if (hi >= 2 ** 21) throw new RangeError(`LSN ${s} is beyond 2^53`);
  return hi * TWO_32 + parseInt(m[2]!, 16);
}

function recordCrc(rec: Buffer, totLen: number): number {
  return crc32c(rec.subarray(0, 4), crc32c(rec.subarray(8, totLen)));
}

function checkInteger(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new RangeError(`WAL record ${name} ${value} is not an integer in [0, ${max}]`);
}

function hex(n: number): string {
  return n.toString(16).toUpperCase().padStart(8, '0');
}
