/*
 * interval (timestamp.c / datetime.c): text input (DecodeInterval and
 * DecodeISO8601Interval as in PostgreSQL 15), postgres-style output
 * (EncodeInterval, IntervalStyle = postgres), comparison (interval_cmp_value:
 * a month is 30 days, a day 24 hours), arithmetic and justify_*.
 */
import { SqlError } from '../errors.ts';
import { USECS_PER_DAY } from './calendar.ts';
import type { Interval } from './datum.ts';
import { formatSeconds } from './datetime.ts';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -9223372036854775808n;
const INT64_MAX = 9223372036854775807n;

export const intervalOutOfRange = (): SqlError => new SqlError('22008', 'interval out of range');

export const makeInterval = (months: number, days: number, micros: bigint): Interval => ({ months, days, micros });
export const ZERO_INTERVAL: Interval = Object.freeze({ months: 0, days: 0, micros: 0n });

function checkInt32(v: number): number {
  if (!(v >= INT32_MIN && v <= INT32_MAX)) throw intervalOutOfRange();
  return v;
}
function checkInt64(v: bigint): bigint {
  if (v < INT64_MIN || v > INT64_MAX) throw intervalOutOfRange();
  return v;
}

// ---------------------------------------------------------------------------
// Output

function pgIntPart(parts: string[], state: { zero: boolean; before: boolean }, value: number, unit: string): void {
  if (value === 0) return;
  parts.push(`${state.zero ? '' : ' '}${state.before && value > 0 ? '+' : ''}${value} ${unit}${value !== 1 ? 's' : ''}`);
  state.before = value < 0;
  state.zero = false;
}

/** EncodeInterval, IntervalStyle postgres: '1 year 2 mons 3 days 04:05:06.5', '-00:00:01'. */
export function formatInterval(iv: Interval): string {
  const year = Math.trunc(iv.months / 12);
  const mon = iv.months - year * 12;
  const parts: string[] = [];
  const state = { zero: true, before: false };
  pgIntPart(parts, state, year, 'year');
  pgIntPart(parts, state, mon, 'mon');
  pgIntPart(parts, state, iv.days, 'day');
  const t = iv.micros;
  if (state.zero || t !== 0n) {
    const neg = t < 0n;
    const a = neg ? -t : t;
    const hours = a / 3600000000n;
    const rem = Number(a - hours * 3600000000n);
    const min = Math.floor(rem / 60000000);
    const secMicros = rem - min * 60000000;
    const sec = Math.floor(secMicros / 1e6);
    const h = hours < 10n ? '0' + hours : String(hours);
    parts.push(`${state.zero ? '' : ' '}${neg ? '-' : state.before ? '+' : ''}${h}:${min < 10 ? '0' : ''}${min}:${formatSeconds(sec, secMicros % 1e6)}`);
  }
  return parts.join('');
}

/** interval2itm: fields that all carry the sign of their part (months, days, time). */
function intervalFields(iv: Interval): { year: number; mon: number; mday: number; hour: bigint; min: number; sec: number; fsec: number } {
  const year = Math.trunc(iv.months / 12);
  const t = iv.micros;
  const hour = t / 3600000000n;
  const rest = Number(t - hour * 3600000000n);
  return { year, mon: iv.months - year * 12, mday: iv.days, hour, min: Math.trunc(rest / 60000000), sec: Math.trunc(rest / 1e6) % 60, fsec: rest % 1e6 };
}

/** AppendSeconds on magnitudes: '5', '05' (fillZeros), '5.25'. */
function appendSeconds(sec: number, fsec: number, fillZeros: boolean): string {
  const s = formatSeconds(Math.abs(sec), Math.abs(fsec));
  return fillZeros || Math.abs(sec) >= 10 ? s : s.slice(1);
}

/** EncodeInterval in the given IntervalStyle (postgres, postgres_verbose, sql_standard, iso_8601). */
export function formatIntervalStyle(iv: Interval, style: string | undefined): string {
  switch ((style ?? 'postgres').toLowerCase()) {
    case 'iso_8601':
      return formatIso8601(iv);
    case 'sql_standard':
      return formatSqlStandard(iv);
    case 'postgres_verbose':
      return formatVerbose(iv);
    default:
      return formatInterval(iv);
  }
}

function formatIso8601(iv: Interval): string {
  const f = intervalFields(iv);
  if (f.year === 0 && f.mon === 0 && f.mday === 0 && f.hour === 0n && f.min === 0 && f.sec === 0 && f.fsec === 0) return 'PT0S';
  const part = (v: number | bigint, unit: string): string => (v === 0 || v === 0n ? '' : `${v}${unit}`);
  let out = 'P' + part(f.year, 'Y') + part(f.mon, 'M') + part(f.mday, 'D');
  if (f.hour !== 0n || f.min !== 0 || f.sec !== 0 || f.fsec !== 0) out += 'T';
  out += part(f.hour, 'H') + part(f.min, 'M');
  if (f.sec !== 0 || f.fsec !== 0) out += (f.sec < 0 || f.fsec < 0 ? '-' : '') + appendSeconds(f.sec, f.fsec, false) + 'S';
  return out;
}

function formatSqlStandard(iv: Interval): string {
  const f = intervalFields(iv);
  const hour = Number(f.hour);
  const vals = [f.year, f.mon, f.mday, hour, f.min, f.sec, f.fsec];
  const hasNegative = vals.some((v) => v < 0);
  const hasPositive = vals.some((v) => v > 0);
  const hasYearMonth = f.year !== 0 || f.mon !== 0;
  const hasDayTime = f.mday !== 0 || hour !== 0 || f.min !== 0 || f.sec !== 0 || f.fsec !== 0;
  const standard = !(hasNegative && hasPositive) && !(hasYearMonth && hasDayTime);
  if (!hasNegative && !hasPositive) return '0';
  const abs = Math.abs;
  if (!standard) {
    const ys = f.year < 0 || f.mon < 0 ? '-' : '+';
    const ds = f.mday < 0 ? '-' : '+';
    const ss = hour < 0 || f.min < 0 || f.sec < 0 || f.fsec < 0 ? '-' : '+';
    return `${ys}${abs(f.year)}-${abs(f.mon)} ${ds}${abs(f.mday)} ${ss}${abs(hour)}:${String(abs(f.min)).padStart(2, '0')}:${appendSeconds(f.sec, f.fsec, true)}`;
  }
  const sign = hasNegative ? '-' : '';
  const time = `${abs(hour)}:${String(abs(f.min)).padStart(2, '0')}:${appendSeconds(f.sec, f.fsec, true)}`;
  if (hasYearMonth) return `${sign}${abs(f.year)}-${abs(f.mon)}`;
  if (f.mday !== 0) return `${sign}${abs(f.mday)} ${time}`;
  return sign + time;
}

function formatVerbose(iv: Interval): string {
  const f = intervalFields(iv);
  let out = '@';
  let zero = true;
  let before = false;
  const part = (value: number, unit: string): void => {
    if (value === 0) return;
    let v = value;
    if (zero) {
      before = v < 0;
      v = Math.abs(v);
    } else if (before) v = -v;
    out += ` ${v} ${unit}${v === 1 ? '' : 's'}`;
    zero = false;
  };
  part(f.year, 'year');
  part(f.mon, 'mon');
  part(f.mday, 'day');
  part(Number(f.hour), 'hour');
  part(f.min, 'min');
  if (f.sec !== 0 || f.fsec !== 0) {
    out += ' ';
    if (f.sec < 0 || (f.sec === 0 && f.fsec < 0)) {
      if (zero) before = true;
      else if (!before) out += '-';
    } else if (before) out += '-';
    out += appendSeconds(f.sec, f.fsec, false) + ` sec${Math.abs(f.sec) !== 1 || f.fsec !== 0 ? 's' : ''}`;
    zero = false;
  }
  if (zero) out += ' 0';
  if (before) out += ' ago';
  return out;
}

// ---------------------------------------------------------------------------
// Input

interface Acc {
  years: number;
  months: number;
  days: number;
  micros: bigint;
}

/** AdjustFractMicroseconds: frac * scale, truncated, then rounded on the fractional microsecond. */
function fractMicros(acc: Acc, frac: number, scale: number): void {
  if (frac === 0) return;
  let f = frac * scale;
  let usec = Math.trunc(f);
  f -= usec;
  if (f > 0.5) usec++;
  else if (f < -0.5) usec--;
  acc.micros += BigInt(usec);
}

function fractDays(acc: Acc, frac: number, scale: number): void {
  if (frac === 0) return;
  const f = frac * scale;
  const extra = Math.trunc(f);
  acc.days += extra;
  fractMicros(acc, f - extra, 86400e6);
}

const fractYears = (acc: Acc, frac: number, scale: number): void => {
  acc.months += Math.round(frac * scale * 12) || 0;
};

type Unit = 'us' | 'ms' | 's' | 'min' | 'h' | 'd' | 'w' | 'mon' | 'y' | 'dec' | 'c' | 'mil';

const UNITS: Record<string, Unit> = {};
for (const [unit, names] of Object.entries({
  us: 'microsecond microseconds microsecon usec usecs us useconds usecond',
  ms: 'millisecond milliseconds millisecon msec msecs ms mseconds msecond',
  s: 'second seconds sec secs s',
  min: 'minute minutes min mins m',
  h: 'hour hours hr hrs h',
  d: 'day days d',
  w: 'week weeks w',
  mon: 'month months mon mons',
  y: 'year years yr yrs y',
  dec: 'decade decades dec decs',
  c: 'century centuries cent c',
  mil: 'millennium millennia millenniums mil mils',
})) {
  for (const n of names.split(' ')) UNITS[n] = unit as Unit;
}

function applyUnit(acc: Acc, unit: Unit, val: number, frac: number): void {
  switch (unit) {
    case 'us':
      acc.micros += BigInt(val);
      fractMicros(acc, frac, 1);
      return;
    case 'ms':
      acc.micros += BigInt(val) * 1000n;
      fractMicros(acc, frac, 1000);
      return;
    case 's':
      acc.micros += BigInt(val) * 1000000n;
      fractMicros(acc, frac, 1e6);
      return;
    case 'min':
      acc.micros += BigInt(val) * 60000000n;
      fractMicros(acc, frac, 60e6);
      return;
    case 'h':
      acc.micros += BigInt(val) * 3600000000n;
      fractMicros(acc, frac, 3600e6);
      return;
    case 'd':
      acc.days += val;
      fractMicros(acc, frac, 86400e6);
      return;
    case 'w':
      acc.days += val * 7;
      fractDays(acc, frac, 7);
      return;
    case 'mon':
      acc.months += val;
      fractDays(acc, frac, 30);
      return;
    case 'y':
      acc.years += val;
      fractYears(acc, frac, 1);
      return;
    case 'dec':
      acc.years += val * 10;
      fractYears(acc, frac, 10);
      return;
    case 'c':
      acc.years += val * 100;
      fractYears(acc, frac, 100);
      return;
    case 'mil':
      acc.years += val * 1000;
      fractYears(acc, frac, 1000);
      return;
  }
}

class BadInterval extends Error {}

/** A signed decimal: integer part and the fraction carrying the sign (ParseISO8601Number / strtoi64 + strtod). */
function splitNumber(text: string): { val: number; frac: number } {
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text)) throw new BadInterval();
  const neg = text[0] === '-';
  const body = text.replace(/^[+-]/, '');
  const dot = body.indexOf('.');
  const intPart = dot < 0 ? body : body.slice(0, dot);
  const val = intPart.length === 0 ? 0 : Number(intPart);
  if (!Number.isSafeInteger(val)) throw new BadInterval();
  const frac = dot < 0 ? 0 : Number('0' + body.slice(dot));
  return { val: neg ? -val : val, frac: neg ? -frac : frac };
}

/** 'hh:mm[:ss[.f]]' or 'mm:ss.f' into microseconds (DecodeTimeForInterval). */
function timeToMicros(text: string): bigint {
  const neg = text[0] === '-';
  const body = text.replace(/^[+-]/, '');
  const p = body.split(':');
  if (p.length < 2 || p.length > 3 || p.some((x) => x.length === 0)) throw new BadInterval();
  let h: number;
  let m: number;
  let secText: string;
  if (p.length === 2 && p[1]!.includes('.')) {
    h = 0;
    m = Number(p[0]);
    secText = p[1]!;
  } else {
    h = Number(p[0]);
    m = Number(p[1]);
    secText = p[2] ?? '0';
  }
  if (!/^\d+(\.\d*)?$/.test(secText) || !/^\d+$/.test(p[0]!) || (p.length === 3 && !/^\d+$/.test(p[1]!))) throw new BadInterval();
  const dot = secText.indexOf('.');
  const s = Number(dot < 0 ? secText : secText.slice(0, dot));
  const fsec = dot < 0 ? 0 : Math.round(Number('0' + secText.slice(dot)) * 1e6);
  if (m > 59 || s > 59) throw new BadInterval();
  const total = BigInt((h * 60 + m) * 60 + s) * 1000000n + BigInt(fsec);
  return neg ? -total : total;
}

function tokenizeInterval(s: string): string[] {
  const out: string[] = [];
  const re = /[+-]?[0-9.:]+(?:-[0-9]+)?|[a-zA-Z]+|@|\S/g;
  for (const m of s.matchAll(re)) out.push(m[0]);
  return out;
}

function parseIso8601(s: string): Acc {
  const acc: Acc = { years: 0, months: 0, days: 0, micros: 0n };
  let i = 1;
  let inTime = false;
  if (i >= s.length) throw new BadInterval();
  while (i < s.length) {
    if (s[i] === 'T' || s[i] === 't') {
      if (inTime) throw new BadInterval();
      inTime = true;
      i++;
      continue;
    }
    const m = /^[+-]?(\d+(\.\d*)?|\.\d+)/.exec(s.slice(i));
    if (m === null) throw new BadInterval();
    i += m[0].length;
    const { val, frac } = splitNumber(m[0]);
    const designator = (s[i++] ?? '').toUpperCase();
    if (!inTime) {
      if (designator === 'Y') applyUnit(acc, 'y', val, frac);
      else if (designator === 'M') applyUnit(acc, 'mon', val, frac);
      else if (designator === 'W') applyUnit(acc, 'w', val, frac);
      else if (designator === 'D') applyUnit(acc, 'd', val, frac);
      else throw new BadInterval();
    } else if (designator === 'H') applyUnit(acc, 'h', val, frac);
    else if (designator === 'M') applyUnit(acc, 'min', val, frac);
    else if (designator === 'S') applyUnit(acc, 's', val, frac);
    else throw new BadInterval();
  }
  return acc;
}

/** interval_in (IntervalStyle postgres, no field restriction). */
export function parseInterval(text: string): Interval {
  const trimmed = text.trim();
  let acc: Acc;
  try {
    if (trimmed.length > 1 && (trimmed[0] === 'P' || trimmed[0] === 'p') && !/\s/.test(trimmed)) acc = parseIso8601(trimmed);
    else acc = decodeInterval(trimmed);
  } catch (e) {
    if (e instanceof BadInterval) throw new SqlError('22007', `invalid input syntax for type interval: "${text}"`);
    throw e;
  }
  const months = acc.years * 12 + acc.months;
  if (!(months >= INT32_MIN && months <= INT32_MAX) || !(acc.days >= INT32_MIN && acc.days <= INT32_MAX) || acc.micros < INT64_MIN || acc.micros > INT64_MAX) {
    throw new SqlError('22015', `interval field value out of range: "${text}"`);
  }
  return { months, days: acc.days, micros: acc.micros };
}

function decodeInterval(s: string): Acc {
  const tokens = tokenizeInterval(s.toLowerCase());
  if (tokens.length === 0) throw new BadInterval();
  const acc: Acc = { years: 0, months: 0, days: 0, micros: 0n };
  let ago = false;
  if (tokens[0] === '@') tokens.shift();
  if (tokens[tokens.length - 1] === 'ago') {
    ago = true;
    tokens.pop();
  }
  if (tokens.length === 0) throw new BadInterval();
  // Backwards, as DecodeInterval does, so that a unit names the number before it.
  let pendingUnit: Unit | undefined;
  let seen = new Set<string>();
  const mark = (what: string): void => {
    if (seen.has(what)) throw new BadInterval();
    seen.add(what);
  };
  for (let k = tokens.length - 1; k >= 0; k--) {
    const t = tokens[k]!;
    if (/^[a-z]+$/.test(t)) {
      const unit = UNITS[t];
      if (unit === undefined || pendingUnit !== undefined) throw new BadInterval();
      pendingUnit = unit;
      continue;
    }
    if (t.includes(':')) {
      if (pendingUnit !== undefined) throw new BadInterval();
      mark('time');
      acc.micros += timeToMicros(t);
      // A number before a time is a day count (SQL standard '1 2:03:04').
      pendingUnit = 'd';
      if (k > 0 && /^[a-z]+$/.test(tokens[k - 1]!)) pendingUnit = undefined;
      continue;
    }
    if (/^[+-]?\d+-\d+$/.test(t)) {
      // SQL standard year-month: '1-2'.
      if (pendingUnit !== undefined && pendingUnit !== 'd') throw new BadInterval();
      pendingUnit = undefined;
      mark('ym');
      const neg = t[0] === '-';
      const [y, m] = t.replace(/^[+-]/, '').split('-').map(Number) as [number, number];
      if (m > 11) throw new BadInterval();
      acc.years += neg ? -y : y;
      acc.months += neg ? -m : m;
      continue;
    }
    const { val, frac } = splitNumber(t);
    const unit = pendingUnit ?? 's';
    mark(unit);
    applyUnit(acc, unit, val, frac);
    pendingUnit = undefined;
  }
  if (pendingUnit !== undefined && !(pendingUnit === 'd' && seen.has('time'))) throw new BadInterval();
  if (ago) {
    acc.years = -acc.years;
    acc.months = -acc.months;
    acc.days = -acc.days;
    acc.micros = -acc.micros;
  }
  return acc;
}

// ---------------------------------------------------------------------------
// Comparison and arithmetic

/** interval_cmp_value: months as 30 days, days as 24 hours. */
export const intervalSpan = (iv: Interval): bigint => BigInt(iv.months * 30 + iv.days) * USECS_PER_DAY + iv.micros;

export function compareInterval(a: Interval, b: Interval): number {
  const x = intervalSpan(a);
  const y = intervalSpan(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export const addInterval = (a: Interval, b: Interval): Interval => ({
  months: checkInt32(a.months + b.months),
  days: checkInt32(a.days + b.days),
  micros: checkInt64(a.micros + b.micros),
});

export const negateInterval = (a: Interval): Interval => ({
  months: checkInt32(-a.months) + 0,
  days: checkInt32(-a.days) + 0,
  micros: checkInt64(-a.micros),
});

export const subInterval = (a: Interval, b: Interval): Interval => addInterval(a, negateInterval(b));

const tsRound = (v: number): number => Math.round(v * 1e6) / 1e6;
const fitsInt32 = (v: number): boolean => !Number.isNaN(v) && v >= INT32_MIN && v < 2147483648;

/** rint() on a double: half to even. */
function rint(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** interval_mul and interval_div (factor already inverted for division by the caller when dividing). */
function scaleInterval(span: Interval, factor: number, divide: boolean): Interval {
  const apply = (x: number): number => (divide ? x / factor : x * factor);
  const monthD = apply(span.months);
  if (!fitsInt32(monthD)) throw intervalOutOfRange();
  const month = Math.trunc(monthD);
  const dayD = apply(span.days);
  if (!fitsInt32(dayD)) throw intervalOutOfRange();
  let day = Math.trunc(dayD);
  const monthRemainderDays = tsRound((monthD - month) * 30);
  let secRemainder = tsRound((dayD - day + monthRemainderDays - Math.trunc(monthRemainderDays)) * 86400);
  if (Math.abs(secRemainder) >= 86400) {
    day = checkInt32(day + Math.trunc(secRemainder / 86400));
    secRemainder -= Math.trunc(secRemainder / 86400) * 86400;
  }
  day = checkInt32(day + Math.trunc(monthRemainderDays));
  const timeD = rint(apply(Number(span.micros)) + secRemainder * 1e6);
  if (Number.isNaN(timeD) || timeD < -9223372036854775808 || timeD >= 9223372036854775808) throw intervalOutOfRange();
  return { months: month + 0, days: day + 0, micros: BigInt(timeD) };
}

export const mulInterval = (span: Interval, factor: number): Interval => scaleInterval(span, factor, false);

export function divInterval(span: Interval, factor: number): Interval {
  if (factor === 0) throw new SqlError('22012', 'division by zero');
  return scaleInterval(span, factor, true);
}

export function justifyHours(iv: Interval): Interval {
  let days = iv.days;
  let time = iv.micros;
  const whole = time / USECS_PER_DAY;
  time -= whole * USECS_PER_DAY;
  days = checkInt32(days + Number(whole));
  if (days > 0 && time < 0n) {
    time += USECS_PER_DAY;
    days--;
  } else if (days < 0 && time > 0n) {
    time -= USECS_PER_DAY;
    days++;
  }
  return { months: iv.months, days, micros: time };
}

export function justifyDays(iv: Interval): Interval {
  const whole = Math.trunc(iv.days / 30);
  let days = iv.days - whole * 30;
  let months = checkInt32(iv.months + whole);
  if (months > 0 && days < 0) {
    days += 30;
    months--;
  } else if (months < 0 && days > 0) {
    days -= 30;
    months++;
  }
  return { months, days: days + 0, micros: iv.micros };
}

/** justify_interval. */
export function justifyInterval(iv: Interval): Interval {
  let months = iv.months;
  let days = iv.days;
  let time = iv.micros;
  if ((days > 0 && time > 0n) || (days < 0 && time < 0n)) {
    const pre = Math.trunc(days / 30);
    days -= pre * 30;
    months = checkInt32(months + pre);
  }
  const wholeDay = time / USECS_PER_DAY;
  time -= wholeDay * USECS_PER_DAY;
  days += Number(wholeDay);
  const wholeMonth = Math.trunc(days / 30);
  days -= wholeMonth * 30;
  months = checkInt32(months + wholeMonth);
  if (months > 0 && (days < 0 || (days === 0 && time < 0n))) {
    days += 30;
    months--;
  } else if (months < 0 && (days > 0 || (days === 0 && time > 0n))) {
    days -= 30;
    months++;
  }
  if (days > 0 && time < 0n) {
    time += USECS_PER_DAY;
    days--;
  } else if (days < 0 && time > 0n) {
    time -= USECS_PER_DAY;
    days++;
  }
  return { months: months + 0, days: days + 0, micros: time };
}
