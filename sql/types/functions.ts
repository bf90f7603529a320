/*
 * Built-in non-aggregate functions (pg_proc for the supported types) and
 * their resolution (func_get_detail: exact match, then the same heuristics
 * as operators). Functions are strict unless marked; `volatile` marks those
 * whose result changes between calls (random, clock_timestamp, ...).
 */
import { createHash, randomUUID } from 'node:crypto';
import { SqlError } from '../errors.ts';
import { castDatum } from './cast.ts';
import type { Datum, Interval, TypeContext } from './datum.ts';
import { age } from './datetimeMath.ts';
import { ABBREVIATIONS, checkTimestampRange, fromLocal, isFiniteTimestamp, toLocal } from './datetime.ts';
import { isValidZone, zoneNotRecognized } from './timezone.ts';
import { daysFromCivil, daysInMonth, USECS_PER_DAY, MIN_DATE_DAYS, END_DATE_DAYS } from './calendar.ts';
import { dateTrunc, dateTruncInterval, extractDate, extractInterval, toCharTimestamp } from './datetimeFunctions.ts';
import { floatPower, glibcCbrt } from './float.ts';
import { formatText, quoteIdent, quoteLiteral } from './format.ts';
import { output } from './io.ts';
import { intOutOfRange, int32Op, int64Op, roundHalfEven } from './int.ts';
import { formatInterval, justifyDays, justifyHours, justifyInterval } from './interval.ts';
import { parseEscapeBytea } from './bytea.ts';
import { formatJsonPretty, Jsonb, jsonbArrayLength, jsonbAsText, jsonbExtractPath, jsonbTypeof, JsonObject, type JsonValue } from './jsonb.ts';
import { Numeric } from './numeric.ts';
import { numericExp, numericLn, numericLog, numericPower } from './numericMath.ts';
import { formatType, typeByOid, typeDisplayName, TypeOid, type SqlType } from './oids.ts';
import { ANY, resolveOverload } from './resolve.ts';
import { bpcharTrim, charCount, charOffset, utf8Length } from './text.ts';
import { toJsonValue } from './toJsonb.ts';
import { toLocalTimestamp } from './toTimestamp.ts';
import { TIMESTAMP_INFINITY, TIMESTAMP_NEG_INFINITY } from './datum.ts';

export type FunctionFn = (args: Datum[], ctx: TypeContext) => Datum;

export interface ResolvedFunction {
  result: SqlType;
  fn: FunctionFn;
  strict: boolean;
  volatile?: boolean;
  argTypes: SqlType[];
}

interface FunctionEntry {
  args: number[];
  /** Extra trailing arguments of this type (VARIADIC "any" / text[]), any count including zero. */
  variadic?: number;
  result: number;
  fn: (args: Datum[], ctx: TypeContext, types: SqlType[]) => Datum;
  strict: boolean;
  volatile: boolean;
}

const O = TypeOid;
const table = new Map<string, FunctionEntry[]>();

function def(name: string, args: number[], result: number, fn: FunctionEntry['fn'], opts: { strict?: boolean; volatile?: boolean; variadic?: number } = {}): void {
  let list = table.get(name);
  if (list === undefined) {
    list = [];
    table.set(name, list);
  }
  const e: FunctionEntry = { args, result, fn, strict: opts.strict ?? true, volatile: opts.volatile ?? false };
  if (opts.variadic !== undefined) e.variadic = opts.variadic;
  list.push(e);
}

const str = (v: Datum): string => v as string;
const int = (v: Datum): number => v as number;
const num = (v: Datum): Numeric => v as Numeric;

// ---------------------------------------------------------------------------
// Strings

def('lower', [O.text], O.text, ([s]) => str(s).toLowerCase());
def('upper', [O.text], O.text, ([s]) => str(s).toUpperCase());
for (const name of ['length', 'char_length', 'character_length']) {
  def(name, [O.text], O.int4, ([s]) => charCount(str(s)));
  def(name, [O.bpchar], O.int4, ([s]) => charCount(str(s).replace(/ +$/, '')));
}
def('length', [O.bytea], O.int4, ([b]) => (b as Buffer).length);
def('octet_length', [O.text], O.int4, ([s]) => utf8Length(str(s)));
// bpcharoctetlen: char(n) counts its padding (length() does not).
def('octet_length', [O.bpchar], O.int4, ([s]) => utf8Length(str(s)));
def('octet_length', [O.bytea], O.int4, ([b]) => (b as Buffer).length);
def('bit_length', [O.text], O.int4, ([s]) => utf8Length(str(s)) * 8);

/** substr(s, start [, count]) on characters, with SQL's start-before-1 rules. */
function substr(s: string, start: number, count?: number): string {
  if (count !== undefined && count < 0) throw new SqlError('22011', 'negative substring length not allowed');
  let from = start;
  let to = count === undefined ? Infinity : start + count;
  if (from < 1) from = 1;
  if (to <= from) return '';
  const a = charOffset(s, from - 1);
  return to === Infinity ? s.slice(a) : s.slice(a, charOffset(s, to - 1));
}
for (const name of ['substr', 'substring']) {
  def(name, [O.text, O.int4], O.text, ([s, a]) => substr(str(s), int(a)));
  def(name, [O.text, O.int4, O.int4], O.text, ([s, a, c]) => substr(str(s), int(a), int(c)));
}
const strpos = (s: string, sub: string): number => {
  const i = s.indexOf(sub);
  return i < 0 ? 0 : charCount(s.slice(0, i)) + 1;
};
def('strpos', [O.text, O.text], O.int4, ([s, sub]) => strpos(str(s), str(sub)));
def('position', [O.text, O.text], O.int4, ([s, sub]) => strpos(str(s), str(sub)));

function trimChars(s: string, chars: string, left: boolean, right: boolean): string {
  const set = new Set(Array.from(chars));
  const cps = Array.from(s);
  let a = 0;
  let b = cps.length;
  if (left) while (a < b && set.has(cps[a]!)) a++;
  if (right) while (b > a && set.has(cps[b - 1]!)) b--;
  return cps.slice(a, b).join('');
}
for (const [name, l, r] of [
  ['btrim', true, true],
  ['ltrim', true, false],
  ['rtrim', false, true],
] as const) {
  def(name, [O.text], O.text, ([s]) => trimChars(str(s), ' ', l, r));
  def(name, [O.text, O.text], O.text, ([s, c]) => trimChars(str(s), str(c), l, r));
}
def('replace', [O.text, O.text, O.text], O.text, ([s, from, to]) => (str(from) === '' ? str(s) : str(s).split(str(from)).join(str(to))));

/** A value's text for concat(): its cast to text (booleans print as true/false... as their output, like concat does). */
const concatText = (v: Datum, t: SqlType, ctx: TypeContext): string => (t.oid === O.bool ? (v ? 't' : 'f') : (castDatum(v, t, typeByOid(O.text), ctx, true) as string));
def('concat', [], O.text, (args, ctx, types) => args.map((v, i) => (v === null ? '' : concatText(v, types[i]!, ctx))).join(''), { strict: false, variadic: ANY });
def(
  'concat_ws',
  [O.text],
  O.text,
  (args, ctx, types) => {
    if (args[0] === null) return null;
    const parts: string[] = [];
    for (let i = 1; i < args.length; i++) if (args[i] !== null) parts.push(concatText(args[i]!, types[i]!, ctx));
    return parts.join(str(args[0]));
  },
  { strict: false, variadic: ANY },
);
def('left', [O.text, O.int4], O.text, ([s, n]) => {
  const cps = Array.from(str(s));
  const k = int(n);
  return (k >= 0 ? cps.slice(0, k) : cps.slice(0, Math.max(0, cps.length + k))).join('');
});
def('right', [O.text, O.int4], O.text, ([s, n]) => {
  const cps = Array.from(str(s));
  const k = int(n);
  return (k >= 0 ? cps.slice(Math.max(0, cps.length - k)) : cps.slice(Math.min(cps.length, -k))).join('');
});
def('repeat', [O.text, O.int4], O.text, ([s, n]) => (int(n) <= 0 ? '' : str(s).repeat(int(n))));
def('reverse', [O.text], O.text, ([s]) => Array.from(str(s)).reverse().join(''));
def('split_part', [O.text, O.text, O.int4], O.text, ([s, d, n]) => {
  const k = int(n);
  if (k === 0) throw new SqlError('22023', 'field position must not be zero');
  const parts = str(d) === '' ? [str(s)] : str(s).split(str(d));
  const i = k > 0 ? k - 1 : parts.length + k;
  return parts[i] ?? '';
});
function pad(s: string, len: number, fill: string, left: boolean): string {
  const cps = Array.from(s);
  if (len <= cps.length) return cps.slice(0, Math.max(0, len)).join('');
  const f = Array.from(fill);
  if (f.length === 0) return s;
  const need = len - cps.length;
  let p = '';
  for (let i = 0; i < need; i++) p += f[i % f.length];
  return left ? p + s : s + p;
}
def('lpad', [O.text, O.int4], O.text, ([s, n]) => pad(str(s), int(n), ' ', true));
def('lpad', [O.text, O.int4, O.text], O.text, ([s, n, f]) => pad(str(s), int(n), str(f), true));
def('rpad', [O.text, O.int4], O.text, ([s, n]) => pad(str(s), int(n), ' ', false));
def('rpad', [O.text, O.int4, O.text], O.text, ([s, n, f]) => pad(str(s), int(n), str(f), false));
def('initcap', [O.text], O.text, ([s]) => {
  let out = '';
  let prevAlnum = false;
  for (const ch of str(s)) {
    const alnum = /[\p{L}\p{N}]/u.test(ch);
    out += alnum ? (prevAlnum ? ch.toLowerCase() : ch.toUpperCase()) : ch;
    prevAlnum = alnum;
  }
  return out;
});
def('md5', [O.text], O.text, ([s]) => createHash('md5').update(str(s), 'utf8').digest('hex'));
def('md5', [O.bytea], O.text, ([b]) =>
  createHash('md5')
    .update(b as Buffer)
    .digest('hex'),
);
def('translate', [O.text, O.text, O.text], O.text, ([s, from, to]) => {
  const f = Array.from(str(from));
  const t = Array.from(str(to));
  let out = '';
  for (const ch of str(s)) {
    const i = f.indexOf(ch);
    if (i < 0) out += ch;
    else if (i < t.length) out += t[i];
  }
  return out;
});
def('starts_with', [O.text, O.text], O.bool, ([s, prefix]) => str(s).startsWith(str(prefix)));
def('quote_ident', [O.text], O.text, ([s]) => quoteIdent(str(s)));
def('quote_literal', [O.text], O.text, ([s]) => quoteLiteral(str(s)));
/** quote_literal(anyelement) and quote_nullable(anyelement) are SQL functions over $1::text (booleans read 'true'). */
const asText = (v: Datum, t: SqlType, ctx: TypeContext): string => castDatum(v, t, typeByOid(O.text), ctx, true) as string;
def('quote_literal', [ANY], O.text, ([v], ctx, types) => quoteLiteral(asText(v!, types[0]!, ctx)));
def('quote_nullable', [O.text], O.text, ([s]) => (s === null ? 'NULL' : quoteLiteral(str(s))), { strict: false });
def('quote_nullable', [ANY], O.text, ([v], ctx, types) => (v === null ? 'NULL' : quoteLiteral(asText(v!, types[0]!, ctx))), { strict: false });
/** format(): arguments print with their type's output function (booleans as t/f). */
const formatFn = (args: Datum[], ctx: TypeContext, types: SqlType[]): Datum => {
  if (args[0] === null) return null;
  const rest = args.slice(1).map((v, i) => {
    const t = types[i + 1]!;
    if (v === null) return { text: null };
    const text = output(t, v, ctx);
    return t.oid === O.int4 || t.oid === O.int2 ? { text, int: v as number } : { text };
  });
  return formatText(str(args[0]), rest);
};
def('format', [O.text], O.text, formatFn, { strict: false, variadic: ANY });
def('to_hex', [O.int4], O.text, ([n]) => (int(n) >>> 0).toString(16));
def('to_hex', [O.int8], O.text, ([n]) => BigInt.asUintN(64, n as bigint).toString(16));
def('ascii', [O.text], O.int4, ([s]) => (str(s).length === 0 ? 0 : str(s).codePointAt(0)!));
def('chr', [O.int4], O.text, ([n]) => {
  const c = int(n);
  if (c === 0) throw new SqlError('54000', 'null character not permitted');
  if (c < 0 || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) throw new SqlError('54000', 'requested character too large for encoding: ' + c);
  return String.fromCodePoint(c);
});

// ---------------------------------------------------------------------------
// Numbers

def('abs', [O.int2], O.int2, ([v]) => {
  if (int(v) === -32768) throw intOutOfRange(2);
  return Math.abs(int(v));
});
def('abs', [O.int4], O.int4, ([v]) => {
  if (int(v) === -2147483648) throw intOutOfRange(4);
  return Math.abs(int(v));
});
def('abs', [O.int8], O.int8, ([v]) => {
  const b = v as bigint;
  if (b === -9223372036854775808n) throw intOutOfRange(8);
  return b < 0n ? -b : b;
});
def('abs', [O.float4], O.float4, ([v]) => Math.abs(int(v)));
def('abs', [O.float8], O.float8, ([v]) => Math.abs(int(v)));
def('abs', [O.numeric], O.numeric, ([v]) => num(v).abs());

def('round', [O.float8], O.float8, ([v]) => roundHalfEven(int(v)));
def('round', [O.numeric], O.numeric, ([v]) => num(v).round(0));
def('round', [O.numeric, O.int4], O.numeric, ([v, s]) => num(v).round(int(s)));
def('trunc', [O.float8], O.float8, ([v]) => Math.trunc(int(v)));
def('trunc', [O.numeric], O.numeric, ([v]) => num(v).trunc(0));
def('trunc', [O.numeric, O.int4], O.numeric, ([v, s]) => num(v).trunc(int(s)));
for (const name of ['ceil', 'ceiling']) {
  def(name, [O.float8], O.float8, ([v]) => Math.ceil(int(v)) + 0);
  def(name, [O.numeric], O.numeric, ([v]) => num(v).ceil());
}
def('floor', [O.float8], O.float8, ([v]) => Math.floor(int(v)));
def('floor', [O.numeric], O.numeric, ([v]) => num(v).floor());
def('sign', [O.float8], O.float8, ([v]) => (int(v) > 0 ? 1 : int(v) < 0 ? -1 : 0));
def('sign', [O.numeric], O.numeric, ([v]) => (num(v).isNaN() ? v : Numeric.fromInt(num(v).sign())));
def('mod', [O.int2, O.int2], O.int2, ([a, b]) => int32Op('%', int(a), int(b), 2));
def('mod', [O.int4, O.int4], O.int4, ([a, b]) => int32Op('%', int(a), int(b), 4));
def('mod', [O.int8, O.int8], O.int8, ([a, b]) => int64Op('%', a as bigint, b as bigint));
def('mod', [O.numeric, O.numeric], O.numeric, ([a, b]) => num(a).mod(num(b)));
def('div', [O.numeric, O.numeric], O.numeric, ([a, b]) => num(a).divTrunc(num(b)));
for (const name of ['power', 'pow']) {
  def(name, [O.float8, O.float8], O.float8, ([a, b]) => floatPower(int(a), int(b)));
  def(name, [O.numeric, O.numeric], O.numeric, ([a, b]) => numericPower(num(a), num(b)));
}
def('sqrt', [O.float8], O.float8, ([v]) => {
  if (int(v) < 0) throw new SqlError('2201F', 'cannot take square root of a negative number');
  return Math.sqrt(int(v));
});
def('sqrt', [O.numeric], O.numeric, ([v]) => num(v).sqrt());
def('cbrt', [O.float8], O.float8, ([v]) => glibcCbrt(int(v)));
def('gcd', [O.int4, O.int4], O.int4, ([a, b]) => int32Gcd(int(a), int(b)));
def('gcd', [O.int8, O.int8], O.int8, ([a, b]) => int64Gcd(a as bigint, b as bigint));
def('gcd', [O.numeric, O.numeric], O.numeric, ([a, b]) => numericGcd(num(a), num(b)));
def('lcm', [O.int4, O.int4], O.int4, ([a, b]) => {
  const x = int(a);
  const y = int(b);
  if (x === 0 || y === 0) return 0;
  const r = Math.abs((x / int32Gcd(x, y)) * y);
  if (r > 2147483647) throw intOutOfRange(4);
  return r;
});
def('lcm', [O.int8, O.int8], O.int8, ([a, b]) => {
  const x = a as bigint;
  const y = b as bigint;
  if (x === 0n || y === 0n) return 0n;
  const r = (x / int64Gcd(x, y)) * y;
  const abs = r < 0n ? -r : r;
  if (abs > 9223372036854775807n) throw intOutOfRange(8);
  return abs;
});
def('lcm', [O.numeric, O.numeric], O.numeric, ([a, b]) => {
  const x = num(a);
  const y = num(b);
  // Infinities give NaN, like NaN itself.
  if (!x.isFinite() || !y.isFinite()) return Numeric.NaN;
  const scale = Math.max(x.scale, y.scale);
  if (x.isZero() || y.isZero()) return Numeric.of(0n, scale);
  return x.divTrunc(numericGcd(x, y)).mul(y).abs().round(scale);
});
def('scale', [O.numeric], O.int4, ([v]) => (num(v).isFinite() ? num(v).scale : null));
def('min_scale', [O.numeric], O.int4, ([v]) => (num(v).isFinite() ? trimScale(num(v)).scale : null));
def('trim_scale', [O.numeric], O.numeric, ([v]) => (num(v).isFinite() ? trimScale(num(v)) : v));
def('factorial', [O.int8], O.numeric, ([v]) => {
  const n = v as bigint;
  if (n < 0n) throw new SqlError('22003', 'factorial of a negative number is undefined');
  if (n > 32177n) throw new SqlError('22003', 'value overflows numeric format');
  let r = 1n;
  for (let i = 2n; i <= n; i++) r *= i;
  return Numeric.fromInt(r);
});
def('degrees', [O.float8], O.float8, ([v]) => int(v) * (180 / Math.PI));
def('radians', [O.float8], O.float8, ([v]) => int(v) * (Math.PI / 180));
def('exp', [O.float8], O.float8, ([v]) => {
  const r = Math.exp(int(v));
  if (!Number.isFinite(r) && Number.isFinite(int(v))) throw new SqlError('22003', 'value out of range: overflow');
  if (r === 0 && Number.isFinite(int(v))) throw new SqlError('22003', 'value out of range: underflow');
  return r;
});
def('exp', [O.numeric], O.numeric, ([v]) => numericExp(num(v)));
const checkLogArg = (x: number): void => {
  if (x === 0) throw new SqlError('2201E', 'cannot take logarithm of zero');
  if (x < 0) throw new SqlError('2201E', 'cannot take logarithm of a negative number');
};
def('ln', [O.float8], O.float8, ([v]) => {
  checkLogArg(int(v));
  return Math.log(int(v));
});
def('ln', [O.numeric], O.numeric, ([v]) => numericLn(num(v)));
def('log', [O.float8], O.float8, ([v]) => {
  checkLogArg(int(v));
  return Math.log10(int(v));
});
def('log10', [O.float8], O.float8, ([v]) => {
  checkLogArg(int(v));
  return Math.log10(int(v));
});
def('log', [O.numeric], O.numeric, ([v]) => numericLog(Numeric.fromInt(10), num(v)));
def('log', [O.numeric, O.numeric], O.numeric, ([b, v]) => numericLog(num(b), num(v)));
def('pi', [], O.float8, () => Math.PI);
def('random', [], O.float8, () => Math.random(), { volatile: true });
def('gen_random_uuid', [], O.uuid, () => randomUUID(), { volatile: true });

/** int4gcd: Euclid on the magnitudes; gcd(INT_MIN, 0) and gcd(INT_MIN, INT_MIN) overflow. */
function int32Gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  if (x === -2147483648) throw intOutOfRange(4);
  return Math.abs(x);
}
function int64Gcd(a: bigint, b: bigint): bigint {
  let x = a;
  let y = b;
  while (y !== 0n) [x, y] = [y, x % y];
  if (x === -9223372036854775808n) throw intOutOfRange(8);
  return x < 0n ? -x : x;
}
/** numeric gcd: the result has the larger of the two display scales. */
function numericGcd(a: Numeric, b: Numeric): Numeric {
  if (!a.isFinite() || !b.isFinite()) return Numeric.NaN;
  const scale = Math.max(a.scale, b.scale);
  let x = a.abs().round(scale);
  let y = b.abs().round(scale);
  while (!y.isZero()) [x, y] = [y, x.mod(y).round(scale)];
  return x;
}
/** trim_scale: the smallest scale that keeps the value. */
function trimScale(v: Numeric): Numeric {
  let scale = v.scale;
  while (scale > 0 && v.round(scale - 1).equals(v)) scale--;
  return v.round(scale);
}

// ---------------------------------------------------------------------------
// Binary strings

const bytes = (v: Datum): Buffer => v as Buffer;
def('get_byte', [O.bytea, O.int4], O.int4, ([b, n]) => bytes(b)[checkByteIndex(bytes(b), int(n))]!);
def('set_byte', [O.bytea, O.int4, O.int4], O.bytea, ([b, n, v]) => {
  const out = Buffer.from(bytes(b));
  out[checkByteIndex(out, int(n))] = int(v) & 0xff;
  return out;
});
def('get_bit', [O.bytea, O.int8], O.int4, ([b, n]) => {
  const i = Number(n as bigint);
  if (i < 0 || i >= bytes(b).length * 8) throw new SqlError('2202E', `index ${i} out of valid range, 0..${bytes(b).length * 8 - 1}`);
  return (bytes(b)[i >> 3]! >> (i & 7)) & 1;
});
function checkByteIndex(b: Buffer, n: number): number {
  if (n < 0 || n >= b.length) throw new SqlError('2202E', `index ${n} out of valid range, 0..${b.length - 1}`);
  return n;
}
for (const name of ['substr', 'substring']) {
  def(name, [O.bytea, O.int4], O.bytea, ([b, a]) => byteaSubstr(bytes(b), int(a)));
  def(name, [O.bytea, O.int4, O.int4], O.bytea, ([b, a, c]) => byteaSubstr(bytes(b), int(a), int(c)));
}
function byteaSubstr(b: Buffer, start: number, count?: number): Buffer {
  if (count !== undefined && count < 0) throw new SqlError('22011', 'negative substring length not allowed');
  const from = Math.max(start, 1);
  const to = count === undefined ? b.length + 1 : start + count;
  return to <= from ? Buffer.alloc(0) : Buffer.from(b.subarray(from - 1, to - 1));
}
def('position', [O.bytea, O.bytea], O.int4, ([b, sub]) => bytes(b).indexOf(bytes(sub)) + 1);
def('encode', [O.bytea, O.text], O.text, ([b, f]) => encodeBytea(bytes(b), str(f)));
def('decode', [O.text, O.text], O.bytea, ([s, f]) => decodeBytea(str(s), str(f)));
def('convert_from', [O.bytea, O.text], O.text, ([b, enc]) => {
  checkEncoding(str(enc));
  const text = bytes(b).toString('utf8');
  if (Buffer.byteLength(text, 'utf8') !== bytes(b).length || text.includes('\ufffd')) {
    throw new SqlError('22021', `invalid byte sequence for encoding "UTF8": ${byteSequence(bytes(b))}`);
  }
  return text;
});
def('convert_to', [O.text, O.text], O.bytea, ([s, enc]) => {
  checkEncoding(str(enc));
  return Buffer.from(str(s), 'utf8');
});
for (const alg of ['sha224', 'sha256', 'sha384', 'sha512']) def(alg, [O.bytea], O.bytea, ([b]) => createHash(alg).update(bytes(b)).digest());

function checkEncoding(name: string): void {
  const n = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (n !== 'utf8' && n !== 'unicode') throw new SqlError('22023', `invalid source encoding name "${name}"`);
}
function byteSequence(b: Buffer): string {
  const s = b.toString('utf8');
  const bad = s.indexOf('\ufffd');
  const at = Buffer.byteLength(s.slice(0, Math.max(0, bad)), 'utf8');
  return Array.from(b.subarray(at, at + 1))
    .map((x) => '0x' + x.toString(16).padStart(2, '0'))
    .join(' ');
}
function encodeBytea(b: Buffer, format: string): string {
  switch (format.toLowerCase()) {
    case 'hex':
      return b.toString('hex');
    case 'base64':
      // PostgreSQL breaks base64 output into lines of 76 characters.
      return b.toString('base64').replace(/(.{76})(?=.)/g, '$1\n');
    case 'escape':
      return encodeEscape(b);
    default:
      throw new SqlError('22023', `unrecognized encoding: "${format}"`);
  }
}
/** esc_enc: only NUL and high-bit bytes become \\ooo, and backslash doubles (byteaout escapes more). */
function encodeEscape(b: Buffer): string {
  let out = '';
  for (const c of b) {
    if (c === 92) out += '\\\\';
    else if (c === 0 || c >= 0x80) out += '\\' + c.toString(8).padStart(3, '0');
    else out += String.fromCharCode(c);
  }
  return out;
}
function decodeBytea(s: string, format: string): Buffer {
  switch (format.toLowerCase()) {
    case 'hex': {
      const t = s.replace(/[ \t\n\r]/g, '');
      const bad = /[^0-9a-fA-F]/.exec(t);
      if (bad) throw new SqlError('22023', `invalid hexadecimal digit: "${bad[0]}"`);
      if (t.length % 2 !== 0) throw new SqlError('22023', 'invalid hexadecimal data: odd number of digits');
      return Buffer.from(t, 'hex');
    }
    case 'base64': {
      const t = s.replace(/[ \t\n\r]/g, '');
      const bad = /[^A-Za-z0-9+/=]/.exec(t);
      if (bad) throw new SqlError('22023', `invalid symbol "${bad[0]}" found while decoding base64 sequence`);
      if (t.length % 4 !== 0) throw new SqlError('22023', 'invalid base64 end sequence', { hint: 'Input data is missing padding, is truncated, or is otherwise corrupted.' });
      return Buffer.from(t, 'base64');
    }
    case 'escape':
      return parseEscapeBytea(s);
    default:
      throw new SqlError('22023', `unrecognized encoding: "${format}"`);
  }
}

// ---------------------------------------------------------------------------
// Date and time

const nowOf = (ctx: TypeContext): bigint => ctx.now ?? BigInt(Date.now()) * 1000n;
const wallClock = (): bigint => BigInt(Date.now()) * 1000n;
for (const name of ['now', 'current_timestamp', 'transaction_timestamp']) def(name, [], O.timestamptz, (_a, ctx) => nowOf(ctx));
def('statement_timestamp', [], O.timestamptz, (_a, ctx) => ctx.statementNow ?? nowOf(ctx));
def('clock_timestamp', [], O.timestamptz, () => wallClock(), { volatile: true });
def('timeofday', [], O.text, (_a, ctx) => castDatum(wallClock(), typeByOid(O.timestamptz), typeByOid(O.text), ctx, true), { volatile: true });

for (const [src, oid] of [
  ['timestamp', O.timestamp],
  ['timestamptz', O.timestamptz],
] as const) {
  def('date_part', [O.text, oid], O.float8, ([f, v], ctx) => extractDate(str(f), v as bigint, src, ctx.timeZone).toNumber());
  def('extract', [O.text, oid], O.numeric, ([f, v], ctx) => extractDate(str(f), v as bigint, src, ctx.timeZone));
  def('date_trunc', [O.text, oid], oid, ([f, v], ctx) => dateTrunc(str(f), v as bigint, src === 'timestamptz', ctx.timeZone));
  def('to_char', [oid, O.text], O.text, ([v, f], ctx) => toCharTimestamp(v as bigint, str(f), src === 'timestamptz', ctx.timeZone));
}
def('date_part', [O.text, O.date], O.float8, ([f, v], ctx) => extractDate(str(f), int(v), 'date', ctx.timeZone).toNumber());
def('extract', [O.text, O.date], O.numeric, ([f, v], ctx) => extractDate(str(f), int(v), 'date', ctx.timeZone));
def('date_part', [O.text, O.interval], O.float8, ([f, v]) => extractInterval(str(f), v as Interval).toNumber());
def('extract', [O.text, O.interval], O.numeric, ([f, v]) => extractInterval(str(f), v as Interval));
def('date_trunc', [O.text, O.interval], O.interval, ([f, v]) => dateTruncInterval(str(f), v as Interval));
def('date_trunc', [O.text, O.timestamptz, O.text], O.timestamptz, ([f, v, z]) => dateTrunc(str(f), v as bigint, true, str(z)));
def('age', [O.timestamp, O.timestamp], O.interval, ([a, b]) => age(a as bigint, b as bigint));
def('age', [O.timestamptz, O.timestamptz], O.interval, ([a, b], ctx) => age(toLocal(a as bigint, ctx.timeZone), toLocal(b as bigint, ctx.timeZone)));
def('age', [O.timestamp], O.interval, ([a], ctx) => age(localMidnight(ctx), a as bigint));
def('age', [O.timestamptz], O.interval, ([a], ctx) => age(localMidnight(ctx), toLocal(a as bigint, ctx.timeZone)));
def('justify_hours', [O.interval], O.interval, ([v]) => justifyHours(v as Interval));
def('justify_days', [O.interval], O.interval, ([v]) => justifyDays(v as Interval));
def('justify_interval', [O.interval], O.interval, ([v]) => justifyInterval(v as Interval));

/*
 * timezone(zone, ...) and AT TIME ZONE (timestamp_zone, timestamptz_zone):
 * a fixed-offset abbreviation first, then an IANA zone name; an interval
 * zone is an offset east of Greenwich without months or days.
 */
function zoneOf(name: string): { fixed: number } | { zone: string } {
  const abbrev = ABBREVIATIONS[name.toLowerCase()];
  if (abbrev !== undefined) return { fixed: abbrev };
  if (isValidZone(name)) return { zone: name };
  throw zoneNotRecognized(name);
}
function intervalZone(iv: Interval): number {
  if (iv.months !== 0 || iv.days !== 0) {
    throw new SqlError('22023', `interval time zone "${formatInterval(iv)}" must not include months or days`);
  }
  return Number(iv.micros / 1000000n);
}
const localToInstant = (ts: bigint, z: { fixed: number } | { zone: string }): bigint =>
  !isFiniteTimestamp(ts) ? ts : checkTimestampRange('fixed' in z ? ts - BigInt(z.fixed) * 1000000n : fromLocal(ts, z.zone));
const instantToLocal = (ts: bigint, z: { fixed: number } | { zone: string }): bigint =>
  !isFiniteTimestamp(ts) ? ts : checkTimestampRange('fixed' in z ? ts + BigInt(z.fixed) * 1000000n : toLocal(ts, z.zone));
def('timezone', [O.text, O.timestamp], O.timestamptz, ([z, ts]) => localToInstant(ts as bigint, zoneOf(str(z))));
def('timezone', [O.text, O.timestamptz], O.timestamp, ([z, ts]) => instantToLocal(ts as bigint, zoneOf(str(z))));
def('timezone', [O.interval, O.timestamp], O.timestamptz, ([z, ts]) => localToInstant(ts as bigint, { fixed: intervalZone(z as Interval) }));
def('timezone', [O.interval, O.timestamptz], O.timestamp, ([z, ts]) => instantToLocal(ts as bigint, { fixed: intervalZone(z as Interval) }));

def('to_date', [O.text, O.text], O.date, ([t, f]) => toLocalTimestamp(str(t), str(f), 'date').days);
def('to_timestamp', [O.text, O.text], O.timestamptz, ([t, f], ctx) => checkTimestampRange(fromLocal(toLocalTimestamp(str(t), str(f), 'timestamp').micros, ctx.timeZone)));
def('to_timestamp', [O.float8], O.timestamptz, ([v]) => {
  const secs = int(v);
  if (Number.isNaN(secs)) throw new SqlError('22008', 'timestamp cannot be NaN');
  if (secs === Infinity) return TIMESTAMP_INFINITY;
  if (secs === -Infinity) return TIMESTAMP_NEG_INFINITY;
  const micros = Math.round(secs * 1e6);
  if (!Number.isFinite(micros) || Math.abs(secs) > 1e13) throw new SqlError('22008', `timestamp out of range: "${output(typeByOid(O.float8), secs, { timeZone: 'UTC' })}"`);
  return checkTimestampRange(BigInt(micros));
});

function localMidnight(ctx: TypeContext): bigint {
  const local = toLocal(nowOf(ctx), ctx.timeZone);
  return local - (((local % USECS_PER_DAY) + USECS_PER_DAY) % USECS_PER_DAY);
}

function makeDateDays(y: number, m: number, d: number): number {
  const bad = (): SqlError => new SqlError('22008', `date field value out of range: ${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
  if (y === 0) throw bad();
  const astro = y < 0 ? y + 1 : y;
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(astro, m)) throw bad();
  const days = daysFromCivil(astro, m, d);
  if (days < MIN_DATE_DAYS || days >= END_DATE_DAYS) throw new SqlError('22008', `date out of range: ${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
  return days;
}
def('make_date', [O.int4, O.int4, O.int4], O.date, ([y, m, d]) => makeDateDays(int(y), int(m), int(d)));
function makeTimestampLocal(y: number, m: number, d: number, h: number, mi: number, s: number): bigint {
  const days = makeDateDays(y, m, d);
  if (h < 0 || h > 24 || mi < 0 || mi > 59 || s < 0 || s > 60 || (h === 24 && (mi !== 0 || s !== 0))) {
    throw new SqlError('22008', `time field value out of range: ${h}:${String(mi).padStart(2, '0')}:${String(s).padStart(2, '0')}`);
  }
  const micros = BigInt(Math.round(((h * 60 + mi) * 60 + s) * 1e6));
  return checkTimestampRange(BigInt(days) * USECS_PER_DAY + micros);
}
def('make_timestamp', [O.int4, O.int4, O.int4, O.int4, O.int4, O.float8], O.timestamp, ([y, m, d, h, mi, s]) =>
  makeTimestampLocal(int(y), int(m), int(d), int(h), int(mi), int(s)),
);
def('make_timestamptz', [O.int4, O.int4, O.int4, O.int4, O.int4, O.float8], O.timestamptz, ([y, m, d, h, mi, s], ctx) =>
  fromLocal(makeTimestampLocal(int(y), int(m), int(d), int(h), int(mi), int(s)), ctx.timeZone),
);
def('make_interval', [O.int4, O.int4, O.int4, O.int4, O.int4, O.int4, O.float8], O.interval, ([y, mo, w, d, h, mi, s]) => ({
  months: int(y) * 12 + int(mo),
  days: int(w) * 7 + int(d),
  micros: BigInt(int(h)) * 3600000000n + BigInt(int(mi)) * 60000000n + BigInt(Math.round(int(s) * 1e6)),
}));

// ---------------------------------------------------------------------------
// jsonb

def('jsonb_typeof', [O.jsonb], O.text, ([j]) => jsonbTypeof(j as Jsonb));
def('jsonb_array_length', [O.jsonb], O.int4, ([j]) => jsonbArrayLength(j as Jsonb));
def('jsonb_extract_path', [O.jsonb], O.jsonb, ([j, ...path]) => (path.some((p) => p === null) ? null : jsonbExtractPath(j as Jsonb, path as string[])), { variadic: O.text });
def('jsonb_extract_path_text', [O.jsonb], O.text, ([j, ...path]) => (path.some((p) => p === null) ? null : jsonbAsText(jsonbExtractPath(j as Jsonb, path as string[]))), {
  variadic: O.text,
});
def('jsonb_pretty', [O.jsonb], O.text, ([j]) => formatJsonPretty((j as Jsonb).root));
def('to_jsonb', [ANY], O.jsonb, ([v], ctx, types) => new Jsonb(toJsonValue(v!, types[0]!, ctx)));
def('jsonb_build_array', [], O.jsonb, (args, ctx, types) => new Jsonb(args.map((v, i) => (v === null ? null : toJsonValue(v, types[i]!, ctx)))), { strict: false, variadic: ANY });
def(
  'jsonb_build_object',
  [],
  O.jsonb,
  (args, ctx, types) => {
    if (args.length % 2 !== 0) {
      throw new SqlError('22023', 'argument list must have even number of elements', {
        hint: 'The arguments of jsonb_build_object() must consist of alternating keys and values.',
      });
    }
    const entries: Array<[string, JsonValue]> = [];
    for (let i = 0; i < args.length; i += 2) {
      const k = args[i]!;
      if (k === null) throw new SqlError('22023', `argument ${i + 1}: key must not be null`);
      const key = types[i]!.oid === O.text || types[i]!.oid === O.unknown ? (k as string) : (castDatum(k, types[i]!, typeByOid(O.text), ctx, true) as string);
      const v = args[i + 1]!;
      entries.push([key, v === null ? null : toJsonValue(v, types[i + 1]!, ctx)]);
    }
    return new Jsonb(JsonObject.from(entries));
  },
  { strict: false, variadic: ANY },
);

// ---------------------------------------------------------------------------
// System information

def('pg_typeof', [ANY], O.text, (_a, _ctx, types) => formatTypeName(types[0]!), { strict: false });
def(
  'format_type',
  [O.int4, O.int4],
  O.text,
  ([oid, typmod]) => {
    if (oid === null) return null;
    try {
      return formatType(int(oid), typmod === null ? -1 : int(typmod));
    } catch {
      // Unknown OIDs print as ??? in format_type.
      return '???';
    }
  },
  { strict: false },
);

/** pg_typeof returns regtype; its text form is format_type_be. */
const formatTypeName = (t: SqlType): string => typeDisplayName(t.oid);

// ---------------------------------------------------------------------------
// Resolution

const NO_FUNCTION_HINT = 'No function matches the given name and argument types. You might need to add explicit type casts.';

/** Expand a variadic entry to the arity of the call. */
function signatureFor(e: FunctionEntry, n: number): number[] | undefined {
  if (e.variadic === undefined) return e.args.length === n ? e.args : undefined;
  if (n < e.args.length) return undefined;
  return [...e.args, ...new Array<number>(n - e.args.length).fill(e.variadic)];
}

export function lookupFunction(name: string, args: SqlType[]): ResolvedFunction {
  const lname = name.toLowerCase();
  const entries = table.get(lname) ?? [];
  const sigs = entries.flatMap((e) => {
    const s = signatureFor(e, args.length);
    return s === undefined ? [] : [{ args: s, entry: e }];
  });
  const r = resolveOverload(
    args.map((a) => a.oid),
    sigs,
  );
  const describe = `${lname}(${args.map((a) => typeDisplayName(a.oid)).join(', ')})`;
  if ('none' in r) throw new SqlError('42883', `function ${describe} does not exist`, { hint: NO_FUNCTION_HINT });
  if ('ambiguous' in r) {
    throw new SqlError('42725', `function ${describe} is not unique`, { hint: 'Could not choose a best candidate function. You might need to add explicit type casts.' });
  }
  const { entry, args: sig } = r.found;
  const argTypes = sig.map((oid, i) => (oid === ANY ? (args[i]!.oid === O.unknown ? typeByOid(O.text) : args[i]!) : typeByOid(oid)));
  const fn: FunctionFn = (vals, ctx) => entry.fn(vals, ctx, argTypes);
  const out: ResolvedFunction = { result: typeByOid(entry.result), fn, strict: entry.strict, argTypes };
  if (entry.volatile) out.volatile = true;
  return out;
}

/** Used by tests: a function name is known. */
export const hasFunction = (name: string): boolean => table.has(name.toLowerCase());
