import test from 'ava';
import type { ExecutionContext } from 'ava';
import { randomBytes, randomInt } from 'node:crypto';
import { crc32c } from '@node-rs/crc32';
import { MAX_RECORD_SIZE, MAX_XID, WAL_HEADER_SIZE, decodeRecord, encodeRecord, formatLsn, parseLsn } from '../storage/wal/walFormat.ts';
import type { WalRecord } from '../storage/wal/walFormat.ts';

function same(t: ExecutionContext, got: WalRecord, want: WalRecord): void {
  t.deepEqual({ ...got, payload: null }, { ...want, payload: null });
  t.true(got.payload.equals(want.payload));
}

function record(payloadSize: number, lsn = 0x1_0000_0000 + payloadSize): WalRecord {
  return { lsn, xid: randomInt(0, 2 ** 47) * 2 + 1, rmgr: randomInt(0, 256), info: randomInt(0, 256), payload: randomBytes(payloadSize) };
}

test('records of any size up to megabytes decode to what was encoded', (t) => {
  const sizes = [0, 1, 23, 24, 25, 4096, ...Array.from({ length: 20 }, () => randomInt(0, 70_000)), 3 * 1024 * 1024 + 17];
  for (const size of sizes) {
    const r = record(size);
    const buf = encodeRecord(r);
    t.is(buf.length, WAL_HEADER_SIZE + size);
    const d = decodeRecord(buf, 0, r.lsn);
    if ('error' in d) return t.fail(`${size}: ${d.error} ${d.detail}`);
    t.is(d.size, buf.length);
    same(t, d.record, r);
  }
});

test('extreme field values survive the round trip', (t) => {
  for (const r of [
    { lsn: Number.MAX_SAFE_INTEGER, xid: MAX_XID, rmgr: 255, info: 255, payload: Buffer.alloc(0) },
    { lsn: 0, xid: 0, rmgr: 0, info: 0, payload: Buffer.from('x') },
    { lsn: 2 ** 32, xid: 2 ** 32, rmgr: 1, info: 0x80, payload: Buffer.alloc(3) },
  ]) {
    const d = decodeRecord(encodeRecord(r), 0);
    t.deepEqual('record' in d ? d.record : d, r);
  }
});

test('records packed back to back decode at their offsets', (t) => {
  const records = [record(10, 100), record(0, 134), record(1000, 158)];
  const buf = Buffer.concat(records.map(encodeRecord));
  let offset = 0;
  for (const r of records) {
    const d = decodeRecord(buf, offset, r.lsn);
    if ('error' in d) return t.fail(d.detail);
    same(t, d.record, r);
    offset += d.size;
  }
  t.is(offset, buf.length);
});

test('the header is laid out little-endian as documented, and the CRC covers payload then the first four bytes', (t) => {
  const buf = encodeRecord({ lsn: 0x0000_0123_4567_89ab, xid: 0xbeef_0000_0001, rmgr: 7, info: 0x42, payload: Buffer.from('payload') });
  t.is(buf.readUInt32LE(0), WAL_HEADER_SIZE + 7);
  t.is(buf.readBigUInt64LE(8), 0x0000_0123_4567_89abn);
  t.is(buf.readUInt32LE(16), 1);
  t.is(buf.readUInt16LE(20), 0xbeef);
  t.is(buf[22], 7);
  t.is(buf[23], 0x42);
  t.is(buf.subarray(24).toString(), 'payload');
  t.is(buf.readUInt32LE(4), crc32c(Buffer.concat([buf.subarray(8), buf.subarray(0, 4)])));
});

test('every single bit flip is detected', (t) => {
  const clean = encodeRecord({ lsn: 0x100_0000, xid: 12345, rmgr: 3, info: 1, payload: Buffer.from('a small payload') });
  for (let bit = 0; bit < clean.length * 8; bit++) {
    const buf = Buffer.from(clean);
    buf[bit >> 3]! ^= 1 << (bit & 7);
    const d = decodeRecord(buf, 0);
    if (!('error' in d)) return t.fail(`bit ${bit} flipped went unnoticed`);
    if (bit >= 32) t.is(d.error, 'crc', `bit ${bit}`);
    else t.true(['crc', 'length', 'short'].includes(d.error), `bit ${bit}: ${d.error}`);
  }
});

test('a record cut anywhere is short, not corrupt', (t) => {
  const buf = encodeRecord(record(40));
  for (let len = 0; len < buf.length; len++) {
    const d = decodeRecord(buf.subarray(0, len), 0);
    t.is('error' in d && d.error, 'short', `cut at ${len}`);
  }
});

test('a length below the header size or above MAX_RECORD_SIZE is rejected as a bad length', (t) => {
  for (const totLen of [0, 1, WAL_HEADER_SIZE - 1, MAX_RECORD_SIZE + 1, 0xffff_ffff]) {
    const buf = encodeRecord(record(64));
    buf.writeUInt32LE(totLen, 0);
    const d = decodeRecord(buf, 0);
    t.is('error' in d && d.error, 'length', `totLen ${totLen}`);
  }
});

test('a record whose header names another position than the expected LSN is rejected', (t) => {
  const buf = encodeRecord(record(8, 0x200_0000));
  const d = decodeRecord(buf, 0, 0x300_0000);
  t.is('error' in d && d.error, 'lsn');
  t.regex('error' in d ? d.detail : '', /3000000.*2000000/);
  t.false('error' in decodeRecord(buf, 0, 0x200_0000));
});

test('fields out of range are refused when encoding', (t) => {
  const ok = record(0);
  for (const bad of [
    { lsn: -1 },
    { lsn: 2 ** 53 },
    { lsn: 1.5 },
    { xid: MAX_XID + 1 },
    { xid: 2 ** 53 - 1 },
    { xid: -1 },
    { rmgr: 256 },
    { info: -1 },
    { payload: Buffer.alloc(MAX_RECORD_SIZE - WAL_HEADER_SIZE + 1) },
  ]) {
    t.throws(() => encodeRecord({ ...ok, ...bad }), { instanceOf: RangeError });
  }
});

test('LSNs print and parse in PostgreSQL form', (t) => {
  t.is(formatLsn(0), '0/0');
  t.is(formatLsn(0x16b3748), '0/16B3748');
  t.is(formatLsn(0x1a_0000_000b), '1A/B');
  t.is(formatLsn(Number.MAX_SAFE_INTEGER), '1FFFFF/FFFFFFFF');
  t.is(parseLsn('0/16B3748'), 0x16b3748);
  t.is(parseLsn('1a/0000000b'), 0x1a_0000_000b);
  for (let i = 0; i < 100; i++) {
    const lsn = randomInt(0, 2 ** 48 - 1) * 32 + randomInt(0, 32);
    t.is(parseLsn(formatLsn(lsn)), lsn);
  }
  for (const bad of ['', '0', '/1', '0/', '0/123456789', 'G/0', ' 0/1', '200000/0']) t.throws(() => parseLsn(bad), { instanceOf: RangeError }, bad);
});
