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
import { checkTimestampRange, toLocal, fromLocal } from './datetime.ts';
import { daysFromCivil, daysInMonth, USECS_PER_DAY, MIN_DATE_DAYS, END_DATE_DAYS } from './calendar.ts';
import { dateTrunc, dateTruncInterval, extractDate, extractInterval, toCharTimestamp } from './datetimeFunctions.ts';
import { floatPower } from './float.ts';
import { intOutOfRange, int32Op, int64Op, roundHalfEven } from './int.ts';
import { justifyDays, justifyHours, justifyInterval } from './interval.ts';
import { Jsonb, jsonbArrayLength, jsonbAsText, jsonbExtractPath, jsonbTypeof, JsonObject, type JsonValue } from './jsonb.ts';
import { Numeric } from './numeric.ts';
import { numericExp, numericLn, numericLog, numericPower } from './numericMath.ts';
import { formatType, typeByOid, typeDisplayName, TypeOid, type SqlType } from './oids.ts';
import { ANY, resolveOverload } from './resolve.ts';
import { charCount, charOffset, utf8Length } from './text.ts';
import { toJsonValue } from './toJsonb.ts';

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
def('cbrt', [O.float8], O.float8, ([v]) => Math.cbrt(int(v)));
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
