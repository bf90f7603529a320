/*
 * Binary wire formats (typsend / typreceive) of the common built-in types,
 * converted to and from the canonical text form (the engine's typoutput
 * output, DateStyle ISO, IntervalStyle postgres). Working on text keeps this
 * file independent of the engine's in-memory datums: a Bind parameter in
 * binary is turned into its text form and goes the text path; a result
 * column asked for in binary is turned from its text form into bytes.
 *
 *   int2 / int4 / int8 / oid   big-endian two's complement (oid unsigned)
 *   float4 / float8            IEEE 754 big-endian
 *   bool                       one byte, 1 or 0
 *   text, varchar, bpchar,
 *   name, json, unknown        the UTF-8 bytes
 *   bytea                      the raw bytes
 *   uuid                       16 bytes
 *   date                       int32 days since 2000-01-01 (INT32_MIN/MAX = -infinity/infinity)
 *   time                       int64 microseconds since midnight
 *   timestamp, timestamptz     int64 microseconds since 2000-01-01 00:00:00 (UTC for
 *                              timestamptz; INT64_MIN/MAX = -infinity/infinity)
 *   numeric                    numeric.c numeric_send: int16 ndigits, int16 weight,
 *                              int16 sign, int16 dscale, int16[ndigits] base-10000 digits
 *   jsonb                      int8 version (1), then the text
 *
 * Decoding a timestamptz gives its UTC text with "+00": the instant, which
 * the engine reads back in any TimeZone.
 *
 * @see https://github.com/postgres/postgres/blob/REL_15_STABLE/src/backend/utils/adt/numeric.c (numeric_send)
 * @see https://github.com/postgres/postgres/blob/REL_15_STABLE/src/backend/utils/adt/timestamp.c (timestamp_send)
 */
import { ProtocolError } from './errors.ts';

/** A value whose bytes do not fit its type's binary format (22P03), or a type with no binary format (42883). */
export class BinaryFormatError extends ProtocolError {
  constructor(message: string, sqlstate = '22P03') {
    super(message, sqlstate, 'ERROR');
  }
}

export const Oid = {
  bool: 16,
  bytea: 17,
  name: 19,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  oid: 26,
  json: 114,
  float4: 700,
  float8: 701,
  unknown: 705,
  bpchar: 1042,
  varchar: 1043,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  numeric: 1700,
  uuid: 2950,
  jsonb: 3802,
} as const;

const TEXT_LIKE = new Set<number>([Oid.text, Oid.varchar, Oid.bpchar, Oid.name, Oid.json, Oid.unknown]);
const SUPPORTED = new Set<number>([...TEXT_LIKE, ...Object.values(Oid)]);

export const hasBinaryFormat = (typeOid: number): boolean => SUPPORTED.has(typeOid);

// ---- decode: binary bytes -> text ------------------------------------------------

/** typreceive then typoutput: the text form of a binary value. Throws BinaryFormatError on a wrong length or layout. */
export function decodeBinary(typeOid: number, b: Buffer): string {
  if (TEXT_LIKE.has(typeOid)) return utf8(b);
  switch (typeOid) {
    case Oid.bool:
      size(b, 1);
      return b[0] ? 't' : 'f';
    case Oid.int2:
      size(b, 2);
      return String(b.readInt16BE(0));
    case Oid.int4:
      size(b, 4);
      return String(b.readInt32BE(0));
    case Oid.oid:
      size(b, 4);
      return String(b.readUInt32BE(0));
    case Oid.int8:
      size(b, 8);
      return b.readBigInt64BE(0).toString();
    case Oid.float4:
      size(b, 4);
      return formatFloat(b.readFloatBE(0), true);
    case Oid.float8:
      size(b, 8);
      return formatFloat(b.readDoubleBE(0), false);
    case Oid.bytea:
      return '\\x' + b.toString('hex');
    case Oid.uuid: {
      size(b, 16);
      const h = b.toString('hex');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    }
    case Oid.date:
      size(b, 4);
      return formatDate(b.readInt32BE(0));
    case Oid.time:
      size(b, 8);
      return formatTimeOfDay(b.readBigInt64BE(0));
    case Oid.timestamp:
      size(b, 8);
      return formatTimestamp(b.readBigInt64BE(0), false);
    case Oid.timestamptz:
      size(b, 8);
      return formatTimestamp(b.readBigInt64BE(0), true);
    case Oid.numeric:
      return decodeNumeric(b);
    case Oid.jsonb:
      if (b.length < 1) throw new BinaryFormatError('insufficient data left in message');
      if (b[0] !== 1) throw new BinaryFormatError(`unsupported jsonb version number ${b[0]}`);
      return utf8(b.subarray(1));
  }
  throw new BinaryFormatError(`no binary input function available for type ${typeOid}`, '42883');
}

function size(b: Buffer, n: number): void {
  if (b.length !== n) throw new BinaryFormatError(b.length < n ? 'insufficient data left in message' : 'incorrect binary data format');
}

const decoder = new TextDecoder('utf-8', { fatal: true });
function utf8(b: Buffer): string {
  try {
    return decoder.decode(b);
  } catch {
    throw new BinaryFormatError('invalid byte sequence for encoding "UTF8"', '22021');
  }
}

// ---- encode: text -> binary bytes ------------------------------------------------

/** typinput then typsend, for a value in its canonical text form. A text that is not the type's canonical form throws (a bug upstream). */
export function encodeBinary(typeOid: number, text: string): Buffer {
  if (TEXT_LIKE.has(typeOid)) return Buffer.from(text, 'utf8');
  switch (typeOid) {
    case Oid.bool:
      if (text === 't' || text === 'true') return Buffer.from([1]);
      if (text === 'f' || text === 'false') return Buffer.from([0]);
      break;
    case Oid.int2:
    case Oid.int4:
    case Oid.oid: {
      if (!/^-?\d+$/.test(text)) break;
      const out = Buffer.allocUnsafe(typeOid === Oid.int2 ? 2 : 4);
      if (typeOid === Oid.int2) out.writeInt16BE(Number(text));
      else if (typeOid === Oid.int4) out.writeInt32BE(Number(text));
      else out.writeUInt32BE(Number(text));
      return out;
    }
    case Oid.int8: {
      if (!/^-?\d+$/.test(text)) break;
      const out = Buffer.allocUnsafe(8);
      out.writeBigInt64BE(BigInt(text));
      return out;
    }
    case Oid.float4:
    case Oid.float8: {
      const v = parseFloatText(text);
      if (v === undefined) break;
      const out = Buffer.allocUnsafe(typeOid === Oid.float4 ? 4 : 8);
      if (typeOid === Oid.float4) out.writeFloatBE(v);
      else out.writeDoubleBE(v);
      return out;
    }
    case Oid.bytea:
      return parseByteaText(text);
    case Oid.uuid: {
      const hex = text.replace(/[-{}]/g, '');
      if (!/^[0-9a-fA-F]{32}$/.test(hex)) break;
      return Buffer.from(hex, 'hex');
    }
    case Oid.date: {
      const days = parseDateText(text);
      if (days === undefined) break;
      const out = Buffer.allocUnsafe(4);
      out.writeInt32BE(days);
      return out;
    }
    case Oid.time: {
      const m = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(text);
      if (!m) break;
      const out = Buffer.allocUnsafe(8);
      out.writeBigInt64BE(BigInt(((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1e6 + fraction(m[4])));
      return out;
    }
    case Oid.timestamp:
    case Oid.timestamptz: {
      const micros = parseTimestampText(text, typeOid === Oid.timestamptz);
      if (micros === undefined) break;
      const out = Buffer.allocUnsafe(8);
      out.writeBigInt64BE(micros);
      return out;
    }
    case Oid.numeric: {
      const out = encodeNumeric(text);
      if (out) return out;
      break;
    }
    case Oid.jsonb:
      return Buffer.concat([Buffer.from([1]), Buffer.from(text, 'utf8')]);
    default:
      throw new BinaryFormatError(`no binary output function available for type ${typeOid}`, '42883');
  }
  throw new BinaryFormatError(`cannot send "${text.length > 40 ? text.slice(0, 40) + '...' : text}" as type ${typeOid} in binary`, 'XX000');
}

// ---- floats ----------------------------------------------------------------------

function parseFloatText(text: string): number | undefined {
  if (text === 'NaN') return NaN;
  if (text === 'Infinity') return Infinity;
  if (text === '-Infinity') return -Infinity;
  if (!/^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text)) return undefined;
  return Number(text);
}

/** float8out / float4out with extra_float_digits = 1: the shortest digits that read back exactly, laid out as Ryu's output in PostgreSQL. */
export function formatFloat(v: number, single: boolean): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  let e = '';
  if (single) {
    for (let p = 1; p <= 9; p++) {
      e = v.toExponential(p - 1);
      if (Math.fround(Number(e)) === v) break;
    }
  } else {
    e = v.toExponential();
  }
  const neg = e.startsWith('-');
  const [mant, ex] = (neg ? e.slice(1) : e).split('e') as [string, string];
  const digits = mant.replace('.', '');
  const exp = Number(ex);
  let out: string;
  if (exp < -4 || exp >= (single ? 6 : 15)) {
    const m = digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits;
    const ae = Math.abs(exp);
    out = `${m}e${exp < 0 ? '-' : '+'}${ae < 10 ? '0' : ''}${ae}`;
  } else if (exp < 0) out = '0.' + '0'.repeat(-exp - 1) + digits;
  else if (digits.length <= exp + 1) out = digits + '0'.repeat(exp + 1 - digits.length);
  else out = digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1);
  return neg ? '-' + out : out;
}

// ---- bytea -----------------------------------------------------------------------

function parseByteaText(text: string): Buffer {
  if (text.startsWith('\\x')) {
    const hex = text.slice(2).replace(/\s+/g, '');
    if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new BinaryFormatError(`invalid hexadecimal data in bytea "${text}"`, 'XX000');
    return Buffer.from(hex, 'hex');
  }
  // The escape format: \\ is a backslash, \ooo an octal byte, anything else itself.
  const out: number[] = [];
  const src = Buffer.from(text, 'utf8');
  for (let i = 0; i < src.length; i++) {
    if (src[i] !== 0x5c) out.push(src[i]!);
    else if (src[i + 1] === 0x5c) {
      out.push(0x5c);
      i++;
    } else {
      const oct = src.toString('latin1', i + 1, i + 4);
      if (!/^[0-3][0-7]{2}$/.test(oct)) throw new BinaryFormatError('invalid input syntax for type bytea', 'XX000');
      out.push(parseInt(oct, 8));
      i += 3;
    }
  }
  return Buffer.from(out);
}

// ---- dates and times -------------------------------------------------------------

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
/** days_from_civil(2000, 1, 1): the PostgreSQL epoch in days since 1970-01-01. */
const PG_EPOCH_DAYS = 10957;
const MICROS_PER_DAY = 86_400_000_000n;

/** Howard Hinnant's days_from_civil: days since 1970-01-01 of a proleptic Gregorian date (year 0 = 1 BC). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(z: number): { y: number; m: number; d: number } {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return { y: era * 400 + yoe + (m <= 2 ? 1 : 0), m, d };
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Days since 2000-01-01 to 'YYYY-MM-DD[ BC]'. */
function ymd(pgDays: number): { text: string; bc: boolean } {
  const { y, m, d } = civilFromDays(pgDays + PG_EPOCH_DAYS);
  const bc = y <= 0;
  return { text: `${pad(bc ? 1 - y : y, 4)}-${pad(m)}-${pad(d)}`, bc };
}

function formatDate(pgDays: number): string {
  if (pgDays === INT32_MIN) return '-infinity';
  if (pgDays === INT32_MAX) return 'infinity';
  const { text, bc } = ymd(pgDays);
  return bc ? text + ' BC' : text;
}

/** Microseconds as 'SS[.ffffff]' with trailing zeros dropped. */
function seconds(sec: number, micro: number): string {
  if (micro === 0) return pad(sec);
  return pad(sec) + '.' + pad(micro, 6).replace(/0+$/, '');
}

function formatTimeOfDay(micros: bigint): string {
  const t = Number(micros);
  const s = Math.floor(t / 1e6);
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${seconds(s % 60, t % 1e6)}`;
}

function formatTimestamp(micros: bigint, withTz: boolean): string {
  if (micros === INT64_MIN) return '-infinity';
  if (micros === INT64_MAX) return 'infinity';
  let days = micros / MICROS_PER_DAY;
  let rem = micros % MICROS_PER_DAY;
  if (rem < 0n) {
    rem += MICROS_PER_DAY;
    days -= 1n;
  }
  const { text, bc } = ymd(Number(days));
  let out = `${text} ${formatTimeOfDay(rem)}`;
  if (withTz) out += '+00';
  return bc ? out + ' BC' : out;
}

const fraction = (f: string | undefined): number => (f ? Number(f.padEnd(6, '0')) : 0);

function parseDateText(text: string): number | undefined {
  if (text === 'infinity') return INT32_MAX;
  if (text === '-infinity') return INT32_MIN;
  const m = /^(\d{4,})-(\d{2})-(\d{2})( BC)?$/.exec(text);
  if (!m) return undefined;
  const y = m[4] ? 1 - Number(m[1]) : Number(m[1]);
  return daysFromCivil(y, Number(m[2]), Number(m[3])) - PG_EPOCH_DAYS;
}

/** 'YYYY-MM-DD HH:MM:SS[.ffffff][+HH[:MM[:SS]]][ BC]' to microseconds since 2000-01-01 (UTC when an offset is given). */
function parseTimestampText(text: string, withTz: boolean): bigint | undefined {
  if (text === 'infinity') return INT64_MAX;
  if (text === '-infinity') return INT64_MIN;
  const m = /^(\d{4,})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?:([-+])(\d{2})(?::(\d{2}))?(?::(\d{2}))?)?( BC)?$/.exec(text);
  if (!m) return undefined;
  if (withTz !== (m[8] !== undefined)) return undefined;
  const y = m[12] ? 1 - Number(m[1]) : Number(m[1]);
  const days = BigInt(daysFromCivil(y, Number(m[2]), Number(m[3])) - PG_EPOCH_DAYS);
  const secs = (Number(m[4]) * 60 + Number(m[5])) * 60 + Number(m[6]);
  let micros = days * MICROS_PER_DAY + BigInt(secs) * 1_000_000n + BigInt(fraction(m[7]));
  if (m[8]) {
    const offset = (Number(m[9]) * 3600 + Number(m[10] ?? 0) * 60 + Number(m[11] ?? 0)) * (m[8] === '-' ? -1 : 1);
    micros -= BigInt(offset) * 1_000_000n;
  }
  return micros;
}

// ---- numeric ---------------------------------------------------------------------

const NUMERIC_POS = 0x0000;
const NUMERIC_NEG = 0x4000;
const NUMERIC_NAN = 0xc000;
const NUMERIC_PINF = 0xd000;
const NUMERIC_NINF = 0xf000;
/** NUMERIC_MAX_DISPLAY_SCALE: numeric_recv rejects a larger dscale. */
const NUMERIC_MAX_DSCALE = 0x3fff;

/** numeric_recv then numeric_out. */
function decodeNumeric(b: Buffer): string {
  if (b.length < 8) throw new BinaryFormatError('insufficient data left in message');
  const ndigits = b.readInt16BE(0);
  const weight = b.readInt16BE(2);
  const sign = b.readUInt16BE(4);
  const dscale = b.readInt16BE(6);
  if (ndigits < 0 || b.length !== 8 + 2 * ndigits) throw new BinaryFormatError('insufficient data left in message');
  if (sign === NUMERIC_NAN) return 'NaN';
  if (sign === NUMERIC_PINF) return 'Infinity';
  if (sign === NUMERIC_NINF) return '-Infinity';
  if (sign !== NUMERIC_POS && sign !== NUMERIC_NEG) throw new BinaryFormatError('invalid sign in external "numeric" value');
  if (dscale < 0 || dscale > NUMERIC_MAX_DSCALE) throw new BinaryFormatError('invalid scale in external "numeric" value');
  const digits: number[] = [];
  for (let i = 0; i < ndigits; i++) {
    const d = b.readInt16BE(8 + 2 * i);
    if (d < 0 || d >= 10000) throw new BinaryFormatError('invalid digit in external "numeric" value');
    digits.push(d);
  }
  const digit = (i: number): number => (i >= 0 && i < ndigits ? digits[i]! : 0);
  // get_str_from_var: the integer part group by group (the first without leading zeros), then dscale fraction digits.
  let int = '';
  if (weight < 0) int = '0';
  else for (let i = 0; i <= weight; i++) int += i === 0 ? String(digit(i)) : pad(digit(i), 4);
  let frac = '';
  for (let i = weight + 1; frac.length < dscale; i++) frac += pad(digit(i), 4);
  frac = frac.slice(0, dscale);
  const zero = digits.every((d) => d === 0);
  return (sign === NUMERIC_NEG && !zero ? '-' : '') + int + (dscale > 0 ? '.' + frac : '');
}

/** numeric_in then numeric_send: base-10000 digits with leading and trailing zero groups stripped (strip_var). */
function encodeNumeric(text: string): Buffer | undefined {
  const header = (ndigits: number, weight: number, sign: number, dscale: number): Buffer => {
    const out = Buffer.alloc(8 + 2 * ndigits);
    out.writeInt16BE(ndigits, 0);
    out.writeInt16BE(weight, 2);
    out.writeUInt16BE(sign, 4);
    out.writeInt16BE(dscale, 6);
    return out;
  };
  if (text === 'NaN') return header(0, 0, NUMERIC_NAN, 0);
  if (text === 'Infinity') return header(0, 0, NUMERIC_PINF, 0);
  if (text === '-Infinity') return header(0, 0, NUMERIC_NINF, 0);
  const m = /^([-+]?)(\d*)(?:\.(\d*))?(?:e([-+]?\d+))?$/i.exec(text.trim());
  if (!m || (m[2] === '' && !m[3])) return undefined;
  let intPart = m[2]!;
  let fracPart = m[3] ?? '';
  const exp = m[4] ? Number(m[4]) : 0;
  // Move the decimal point by the exponent.
  if (exp > 0) {
    const moved = fracPart.padEnd(exp, '0');
    intPart += moved.slice(0, exp);
    fracPart = moved.slice(exp);
  } else if (exp < 0) {
    const moved = intPart.padStart(-exp, '0');
    fracPart = moved.slice(moved.length + exp) + fracPart;
    intPart = moved.slice(0, moved.length + exp);
  }
  const dscale = fracPart.length;
  intPart = intPart.replace(/^0+/, '');
  const intGroups = Math.ceil(intPart.length / 4);
  const all = intPart.padStart(intGroups * 4, '0') + fracPart.padEnd(Math.ceil(fracPart.length / 4) * 4, '0');
  const groups: number[] = [];
  for (let i = 0; i < all.length; i += 4) groups.push(Number(all.slice(i, i + 4)));
  let weight = intGroups - 1;
  let start = 0;
  while (start < groups.length && groups[start] === 0) {
    start++;
    weight--;
  }
  let end = groups.length;
  while (end > start && groups[end - 1] === 0) end--;
  const kept = groups.slice(start, end);
  if (kept.length === 0) return header(0, 0, NUMERIC_POS, dscale);
  const out = header(kept.length, weight, m[1] === '-' ? NUMERIC_NEG : NUMERIC_POS, dscale);
  kept.forEach((d, i) => out.writeInt16BE(d, 8 + 2 * i));
  return out;
}
