/*
 * Order-preserving index keys: a (composite) key as a lowercase hex string
 * whose bytewise order equals compare() column by column, NULL after every
 * value (NULLS LAST). Each column is self-delimiting, so the encoding of a
 * key prefix is a prefix of the full key's encoding and a range over the
 * leading columns is a lexicographic range.
 *
 * Column layout: a marker byte (0x01 value, 0x02 NULL) then, for a value:
 *   bool                 00 / 01
 *   int2/int4/int8/date  8 bytes big-endian, sign bit flipped (date +-infinity at the ends)
 *   timestamp(tz), time  8 bytes: PostgreSQL's int64 (microseconds from 2000), sign flipped
 *   float4/float8        8 bytes IEEE 754 with the usual total-order flip; -0 as 0, NaN last
 *   text/varchar/bpchar  UTF-8 bytes then 00 (text has no NUL; bpchar drops trailing spaces)
 *   bytea                bytes with 00 escaped as 00 ff, then 00 01
 *   uuid                 16 bytes
 *   numeric              class byte, then (for nonzero finite) exponent and digits, inverted when negative
 *   interval             16 bytes: the 30-day-month span as a signed 128-bit value, sign flipped
 */
import { PG_EPOCH_USECS } from './calendar.ts';
import type { Datum, Interval } from './datum.ts';
import { intervalSpan } from './interval.ts';
import type { Numeric } from './numeric.ts';
import { TypeOid, type SqlType } from './oids.ts';
import { bpcharTrim } from './text.ts';

const HEX: string[] = Array.from({ length: 256 }, (_v, i) => (i < 16 ? '0' : '') + i.toString(16));

const SIGN64 = 0x8000000000000000n;
const MASK64 = 0xffffffffffffffffn;

function int64Hex(v: bigint): string {
  return (BigInt.asUintN(64, v) ^ SIGN64).toString(16).padStart(16, '0');
}

/** A small integer (|v| < 2^53) without BigInt on the hot path. */
function smallIntHex(v: number): string {
  // Offset into unsigned: v + 2^63 as two 32-bit halves.
  const hi = Math.floor(v / 4294967296);
  const lo = v - hi * 4294967296;
  const hiU = (hi + 0x80000000) >>> 0;
  return hiU.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

const floatView = new DataView(new ArrayBuffer(8));
function floatHex(v: number): string {
  if (Number.isNaN(v)) return 'fff8000000000001';
  if (v === 0) v = 0;
  floatView.setFloat64(0, v);
  const bits = floatView.getBigUint64(0);
  const flipped = bits & SIGN64 ? ~bits & MASK64 : bits | SIGN64;
  return flipped.toString(16).padStart(16, '0');
}

function textHex(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) out += HEX[c];
    else {
      out += Buffer.from(s.slice(i), 'utf8').toString('hex');
      break;
    }
  }
  return out + '00';
}

function byteaHex(b: Buffer): string {
  let out = '';
  for (const byte of b) out += byte === 0 ? '00ff' : HEX[byte];
  return out + '0001';
}

function invertHex(h: string): string {
  let out = '';
  for (let i = 0; i < h.length; i++) out += (15 - parseInt(h[i]!, 16)).toString(16);
  return out;
}

/** Classes: 01 -Infinity, 02 negative, 03 zero, 04 positive, 05 +Infinity, 06 NaN. */
function numericHex(n: Numeric): string {
  if (n.isNaN()) return '06';
  if (n.isInfinite()) return n.sign() > 0 ? '05' : '01';
  const sign = n.sign();
  if (sign === 0) return '03';
  let digits = (n.digits < 0n ? -n.digits : n.digits).toString();
  const exp = digits.length - 1 - n.scale; // decimal exponent of the leading digit
  digits = digits.replace(/0+$/, '');
  let body = (exp + 0x80000000).toString(16).padStart(8, '0');
  for (let i = 0; i < digits.length; i++) body += HEX[digits.charCodeAt(i) - 47]; // digit d as byte d + 1
  body += '00';
  return sign > 0 ? '04' + body : '02' + invertHex(body);
}

function intervalHex(iv: Interval): string {
  const span = intervalSpan(iv);
  return (BigInt.asUintN(128, span) ^ (1n << 127n)).toString(16).padStart(32, '0');
}

function dateHex(d: number): string {
  if (d === Infinity) return 'ffffffffffffffff';
  if (d === -Infinity) return '0000000000000000';
  return smallIntHex(d);
}

function columnHex(oid: number, v: Datum): string {
  switch (oid) {
    case TypeOid.int4:
    case TypeOid.int2:
      return smallIntHex(v as number);
    case TypeOid.int8:
      return int64Hex(v as bigint);
    case TypeOid.text:
    case TypeOid.varchar:
    case TypeOid.unknown:
      return textHex(v as string);
    case TypeOid.bpchar:
      return textHex(bpcharTrim(v as string));
    case TypeOid.bool:
      return v ? '01' : '00';
    case TypeOid.date:
      return dateHex(v as number);
    case TypeOid.timestamp:
    case TypeOid.timestamptz:
      return int64Hex((v as bigint) - PG_EPOCH_USECS);
    case TypeOid.time:
      return int64Hex(v as bigint);
    case TypeOid.float4:
    case TypeOid.float8:
      return floatHex(v as number);
    case TypeOid.uuid:
      return (v as string).replace(/-/g, '');
    case TypeOid.numeric:
      return numericHex(v as Numeric);
    case TypeOid.bytea:
      return byteaHex(v as Buffer);
    case TypeOid.interval:
      return intervalHex(v as Interval);
    default:
      throw new TypeError(`type ${oid} cannot be an index key`);
  }
}

/** Encode a key; `values` may be shorter than `types` (a prefix for range scans). */
export function encodeIndexKey(types: SqlType[], values: Datum[]): string {
  let out = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    out += v === null ? '02' : '01' + columnHex(types[i]!.oid, v);
  }
  return out;
}
