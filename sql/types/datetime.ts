/*
 * date, time, timestamp and timestamptz text I/O (datetime.c ParseDateTime /
 * DecodeDateTime / EncodeDateTime, DateStyle ISO output). Input covers the
 * forms PostgreSQL documents in "Date/Time Input": ISO 8601 with 'T' or
 * space, MDY/DMY/YMD numeric dates, month names, YYYYMMDD, BC/AD, AM/PM,
 * numeric offsets, common abbreviations, IANA zone names, and the special
 * values epoch, infinity, -infinity, now, today, tomorrow, yesterday,
 * allballs. Julian-day and day-of-year forms are not accepted.
 */
import { SqlError } from '../errors.ts';
import {
  civilFromDays,
  daysFromCivil,
  daysInMonth,
  END_DATE_DAYS,
  END_TIMESTAMP,
  MIN_DATE_DAYS,
  MIN_TIMESTAMP,
  splitTimestamp,
  timestampToFields,
  USECS_PER_DAY,
} from './calendar.ts';
import { TIMESTAMP_INFINITY, TIMESTAMP_NEG_INFINITY, type TypeContext } from './datum.ts';
import { isValidZone, localToUtc, zoneNotRecognized, zoneOffset } from './timezone.ts';

export type DateKind = 'date' | 'time' | 'timestamp' | 'timestamptz';

const kindName: Record<DateKind, string> = {
  date: 'date',
  time: 'time',
  timestamp: 'timestamp',
  timestamptz: 'timestamp with time zone',
};

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_NAMES = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/** A subset of PostgreSQL's Default timezone_abbreviations set: fixed offsets in seconds. */
export const ABBREVIATIONS: Readonly<Record<string, number>> = {
  utc: 0,
  ut: 0,
  gmt: 0,
  z: 0,
  zulu: 0,
  wet: 0,
  west: 3600,
  bst: 3600,
  cet: 3600,
  cest: 7200,
  met: 3600,
  mest: 7200,
  eet: 7200,
  eest: 10800,
  msk: 10800,
  ist: 7200,
  sast: 7200,
  jst: 32400,
  kst: 32400,
  hkt: 28800,
  awst: 28800,
  acst: 34200,
  acdt: 37800,
  aest: 36000,
  aedt: 39600,
  nzst: 43200,
  nzdt: 46800,
  est: -18000,
  edt: -14400,
  cst: -21600,
  cdt: -18000,
  mst: -25200,
  mdt: -21600,
  pst: -28800,
  pdt: -25200,
  akst: -32400,
  akdt: -28800,
  hst: -36000,
  ast: -14400,
  adt: -10800,
  nst: -12600,
  ndt: -9000,
};

function monthFromWord(w: string): number {
  let i = MONTHS.indexOf(w);
  if (i >= 0) return i + 1;
  i = MONTH_NAMES.indexOf(w);
  if (i >= 0) return i + 1;
  if (w === 'sept') return 9;
  return 0;
}

const isDayWord = (w: string): boolean => DAYS.includes(w) || DAY_NAMES.includes(w) || w === 'tues' || w === 'wednes' || w === 'thur' || w === 'thurs';

// ---------------------------------------------------------------------------
// Output

const pad2 = (n: number): string => (n < 10 ? '0' + n : String(n));
function pad4(n: number): string {
  if (n >= 1000) return String(n);
  if (n >= 100) return '0' + n;
  if (n >= 10) return '00' + n;
  return '000' + n;
}

/** EncodeDateOnly (ISO): 'YYYY-MM-DD' with ' BC' for years <= 0. */
export function formatDate(days: number): string {
  if (days === Infinity) return 'infinity';
  if (days === -Infinity) return '-infinity';
  const c = civilFromDays(days);
  const bc = c.year <= 0;
  return `${pad4(bc ? 1 - c.year : c.year)}-${pad2(c.month)}-${pad2(c.day)}${bc ? ' BC' : ''}`;
}

/** Seconds with the fraction's trailing zeros removed (AppendSeconds). */
export function formatSeconds(sec: number, micro: number): string {
  if (micro === 0) return pad2(sec);
  let frac = String(micro).padStart(6, '0');
  let end = 6;
  while (frac.charCodeAt(end - 1) === 48) end--;
  frac = frac.slice(0, end);
  return pad2(sec) + '.' + frac;
}

/** time of day in microseconds: 'HH:MM:SS[.ffffff]'. */
export function formatTime(micros: bigint | number): string {
  const t = Number(micros);
  const secs = Math.floor(t / 1e6);
  return `${pad2(Math.floor(secs / 3600))}:${pad2(Math.floor(secs / 60) % 60)}:${formatSeconds(secs % 60, t % 1e6)}`;
}

/** EncodeTimezone: +HH, +HH:MM or +HH:MM:SS. */
export function formatOffset(offsetSeconds: number): string {
  const sign = offsetSeconds < 0 ? '-' : '+';
  let s = Math.abs(offsetSeconds);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  let out = sign + pad2(h);
  if (m !== 0 || s !== 0) out += ':' + pad2(m);
  if (s !== 0) out += ':' + pad2(s);
  return out;
}

function formatLocal(ts: bigint, offset: number | undefined): string {
  const f = timestampToFields(ts);
  const bc = f.year <= 0;
  let out = `${pad4(bc ? 1 - f.year : f.year)}-${pad2(f.month)}-${pad2(f.day)} ${pad2(f.hour)}:${pad2(f.minute)}:${formatSeconds(f.second, f.micro)}`;
  if (offset !== undefined) out += formatOffset(offset);
  return bc ? out + ' BC' : out;
}

export function formatTimestamp(ts: bigint): string {
  if (ts === TIMESTAMP_INFINITY) return 'infinity';
  if (ts === TIMESTAMP_NEG_INFINITY) return '-infinity';
  return formatLocal(ts, undefined);
}

export function formatTimestamptz(ts: bigint, zone: string): string {
  if (ts === TIMESTAMP_INFINITY) return 'infinity';
  if (ts === TIMESTAMP_NEG_INFINITY) return '-infinity';
  const offset = timestamptzOffset(ts, zone);
  return formatLocal(ts + BigInt(offset) * 1000000n, offset);
}

/** The zone's offset (seconds east) at a timestamptz instant. */
export function timestamptzOffset(ts: bigint, zone: string): number {
  const secs = ts / 1000000n - (ts < 0n && ts % 1000000n !== 0n ? 1n : 0n);
  return zoneOffset(zone, Number(secs));
}

/** timestamptz -> the local wall-clock timestamp in a zone. */
export const toLocal = (ts: bigint, zone: string): bigint => (isFiniteTimestamp(ts) ? ts + BigInt(timestamptzOffset(ts, zone)) * 1000000n : ts);

/** A local wall-clock timestamp in a zone -> timestamptz (DST gaps and overlaps as PostgreSQL resolves them). */
export function fromLocal(local: bigint, zone: string): bigint {
  if (!isFiniteTimestamp(local)) return local;
  const { days, timeOfDay } = splitTimestamp(local);
  const micro = timeOfDay % 1e6;
  const localSeconds = days * 86400 + Math.floor(timeOfDay / 1e6);
  return BigInt(localToUtc(zone, localSeconds)) * 1000000n + BigInt(micro);
}

export const isFiniteTimestamp = (ts: bigint): boolean => ts !== TIMESTAMP_INFINITY && ts !== TIMESTAMP_NEG_INFINITY;

export function checkTimestampRange(ts: bigint): bigint {
  if (isFiniteTimestamp(ts) && (ts < MIN_TIMESTAMP || ts >= END_TIMESTAMP)) throw new SqlError('22008', 'timestamp out of range');
  return ts;
}

export function checkDateRange(days: number): number {
  if (Number.isFinite(days) && (days < MIN_DATE_DAYS || days >= END_DATE_DAYS)) throw new SqlError('22008', 'date out of range');
  return days;
}

/** AdjustTimestampForTypmod / AdjustTimeForTypmod: round to p fractional digits, half away from zero. */
export function roundMicros(ts: bigint, precision: number): bigint {
  if (precision < 0 || precision >= 6 || !isFiniteTimestamp(ts)) return ts;
  const scale = 10n ** BigInt(6 - precision);
  const half = scale / 2n;
  return ts >= 0n ? ((ts + half) / scale) * scale : -(((-ts + half) / scale) * scale);
}

// ---------------------------------------------------------------------------
// Input

type Token =
  | { kind: 'number'; text: string }
  | { kind: 'date'; parts: string[]; delim: string }
  | { kind: 'time'; text: string }
  | { kind: 'word'; text: string }
  | { kind: 'tz'; text: string };

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isAlpha = (c: number): boolean => (c | 0x20) >= 97 && (c | 0x20) <= 122;
const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

/** ParseDateTime: split the text into typed fields; undefined on a character no field can start with. */
function tokenize(s: string): Token[] | undefined {
  const tokens: Token[] = [];
  let i = 0;
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (isSpace(c) || c === 44 /* , */) {
      i++;
      continue;
    }
    const start = i;
    if (isDigit(c)) {
      while (i < n && isDigit(s.charCodeAt(i))) i++;
      const next = s.charCodeAt(i);
      if (next === 58 /* : */) {
        while (i < n && (isDigit(s.charCodeAt(i)) || s.charCodeAt(i) === 58 || s.charCodeAt(i) === 46)) i++;
        tokens.push({ kind: 'time', text: s.slice(start, i) });
      } else if (next === 45 || next === 47 || next === 46) {
        const delim = s[i]!;
        while (i < n && (isDigit(s.charCodeAt(i)) || isAlpha(s.charCodeAt(i)) || s[i] === delim)) {
          // A 'T' glued to a date (ISO 8601) ends the date field.
          if ((s.charCodeAt(i) | 0x20) === 116 && isDigit(s.charCodeAt(i - 1)) && isDigit(s.charCodeAt(i + 1))) break;
          i++;
        }
        const text = s.slice(start, i);
        const parts = text.split(delim);
        if (delim === '.' && parts.length === 2 && /^\d+$/.test(parts[1]!)) tokens.push({ kind: 'number', text });
        else tokens.push({ kind: 'date', parts, delim });
      } else {
        tokens.push({ kind: 'number', text: s.slice(start, i) });
      }
    } else if (isAlpha(c)) {
      while (i < n && isAlpha(s.charCodeAt(i))) i++;
      const sep = s[i];
      if ((sep === '-' || sep === '/' || sep === '.') && isDigit(s.charCodeAt(i + 1)) && monthFromWord(s.slice(start, i).toLowerCase()) > 0) {
        // A date led by a month name: Jan-08-1999.
        while (i < n && (isDigit(s.charCodeAt(i)) || isAlpha(s.charCodeAt(i)) || s[i] === sep)) i++;
        tokens.push({ kind: 'date', parts: s.slice(start, i).split(sep), delim: sep });
        continue;
      }
      if (i < n && (s[i] === '/' || s[i] === '_')) {
        while (i < n && (isAlpha(s.charCodeAt(i)) || isDigit(s.charCodeAt(i)) || '/_+-'.includes(s[i]!))) i++;
      }
      const word = s.slice(start, i).toLowerCase();
      if (word === 't' && isDigit(s.charCodeAt(i))) continue; // ISO 8601 date/time separator
      if (word === 'z' || word === 'zulu') {
        tokens.push({ kind: 'tz', text: '+0' });
        continue;
      }
      tokens.push({ kind: 'word', text: word });
    } else if (c === 43 || c === 45) {
      i++;
      while (i < n && isSpace(s.charCodeAt(i))) i++;
      if (isDigit(s.charCodeAt(i))) {
        const digitsStart = i;
        while (i < n && (isDigit(s.charCodeAt(i)) || s.charCodeAt(i) === 58)) i++;
        tokens.push({ kind: 'tz', text: s[start] + s.slice(digitsStart, i) });
      } else if (isAlpha(s.charCodeAt(i))) {
        const wordStart = i;
        while (i < n && isAlpha(s.charCodeAt(i))) i++;
        tokens.push({ kind: 'word', text: s[start] + s.slice(wordStart, i).toLowerCase() });
      } else return undefined;
    } else if (c === 46 /* . */ && isDigit(s.charCodeAt(i + 1))) {
      i++;
      while (i < n && isDigit(s.charCodeAt(i))) i++;
      tokens.push({ kind: 'number', text: s.slice(start, i) });
    } else return undefined;
  }
  return tokens;
}

interface Parsed {
  special?: 'epoch' | 'infinity' | '-infinity' | 'now' | 'today' | 'tomorrow' | 'yesterday';
  year?: number;
  yearDigits?: number;
  month?: number;
  day?: number;
  hour?: number;
  minute?: number;
  second?: number;
  micro?: number;
  bc?: boolean;
  ampm?: 'am' | 'pm';
  /** Explicit zone: a fixed offset (seconds east) or a zone name. */
  tzOffset?: number;
  tzName?: string;
}

class DateError extends Error {
  constructor(
    readonly code: 'syntax' | 'overflow' | 'mdOverflow' | 'tzOverflow' | 'badZone',
    readonly zone = '',
  ) {
    super(code);
  }
}

/** DecodeTimezone: '+5', '+05', '+0530', '+05:30', '-08:00:30'. */
function parseOffset(text: string): number {
  const sign = text[0] === '-' ? -1 : 1;
  const body = text.slice(1);
  let h: number;
  let m = 0;
  let s = 0;
  if (body.includes(':')) {
    const p = body.split(':');
    if (p.length > 3 || p.some((x) => x.length === 0)) throw new DateError('syntax');
    h = Number(p[0]);
    m = Number(p[1]);
    s = p.length === 3 ? Number(p[2]) : 0;
  } else if (body.length > 4) {
    h = Number(body.slice(0, body.length - 4));
    m = Number(body.slice(-4, -2));
    s = Number(body.slice(-2));
  } else if (body.length > 2) {
    h = Number(body.slice(0, body.length - 2));
    m = Number(body.slice(-2));
  } else h = Number(body);
  if (h > 15 || m >= 60 || s >= 60) throw new DateError('tzOverflow');
  return sign * (h * 3600 + m * 60 + s);
}

/** Fractional seconds text ('.123456789') to microseconds, rounded (rint). */
function fractionToMicros(frac: string): number {
  if (frac.length === 0) return 0;
  return Math.round(Number('0.' + frac) * 1e6);
}

function parseTimeField(text: string, p: Parsed): void {
  if (p.hour !== undefined) throw new DateError('syntax');
  const parts = text.split(':');
  if (parts.length > 3 || parts.some((x) => x.length === 0)) throw new DateError('syntax');
  p.hour = Number(parts[0]);
  p.minute = Number(parts[1]);
  if (parts.length === 3) {
    const [sec, frac = '', extra] = parts[2]!.split('.');
    if (extra !== undefined || sec!.length === 0) throw new DateError('syntax');
    p.second = Number(sec);
    p.micro = fractionToMicros(frac);
  } else {
    if (parts[1]!.includes('.')) throw new DateError('syntax');
    p.second = 0;
    p.micro = 0;
  }
}

interface DatePart {
  num?: number;
  digits?: number;
  month?: number;
}

function decode(text: string, kind: DateKind, dateOrder: 'MDY' | 'DMY' | 'YMD'): Parsed {
  const tokens = tokenize(text);
  if (tokens === undefined || tokens.length === 0) throw new DateError('syntax');
  const p: Parsed = {};
  const dateParts: DatePart[] = [];
  let haveDateToken = false;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    switch (t.kind) {
      case 'time':
        parseTimeField(t.text, p);
        break;
      case 'date': {
        if (haveDateToken) throw new DateError('syntax');
        haveDateToken = true;
        if (t.parts.length !== 3 || t.parts.some((x) => x.length === 0)) throw new DateError('syntax');
        for (const part of t.parts) {
          if (/^\d+$/.test(part)) dateParts.push({ num: Number(part), digits: part.length });
          else {
            const m = monthFromWord(part.toLowerCase());
            if (m === 0) throw new DateError('syntax');
            dateParts.push({ month: m });
          }
        }
        break;
      }
      case 'number': {
        const s = t.text;
        if (s.includes('.')) {
          // Seconds with a fraction after an hh:mm time is not a form we accept; a bare fraction is an error.
          throw new DateError('syntax');
        }
        if (p.hour !== undefined && dateParts.length === 0 && !haveDateToken && s.length === 8 && kind !== 'time') {
          throw new DateError('syntax');
        }
        if (
          !haveDateToken &&
          dateParts.length === 0 &&
          (s.length === 8 || s.length === 6) &&
          !(tokens[k + 1]?.kind === 'word' && monthFromWord((tokens[k + 1] as { text: string }).text) > 0)
        ) {
          // YYYYMMDD or YYMMDD.
          haveDateToken = true;
          const yl = s.length - 4;
          dateParts.push({ num: Number(s.slice(0, yl)), digits: yl }, { num: Number(s.slice(yl, yl + 2)), digits: 2 }, { num: Number(s.slice(yl + 2)), digits: 2 });
          (dateParts as DatePart[] & { ymd?: boolean }).ymd = true;
        } else if (haveDateToken && p.hour === undefined && s.length >= 4 && s.length % 2 === 0 && s.length <= 6 && k > 0 && tokens[k - 1]!.kind !== 'number') {
          // hhmm or hhmmss after a date.
          p.hour = Number(s.slice(0, 2));
          p.minute = Number(s.slice(2, 4));
          p.second = s.length === 6 ? Number(s.slice(4)) : 0;
          p.micro = 0;
        } else dateParts.push({ num: Number(s), digits: s.length });
        break;
      }
      case 'tz':
        if (p.tzOffset !== undefined || p.tzName !== undefined) throw new DateError('syntax');
        p.tzOffset = parseOffset(t.text);
        break;
      case 'word': {
        const w = t.text;
        const m = monthFromWord(w);
        if (m > 0) {
          dateParts.push({ month: m });
          break;
        }
        if (isDayWord(w)) break;
        switch (w) {
          case 'bc':
            p.bc = true;
            continue;
          case 'ad':
            continue;
          case 'am':
          case 'a.m':
            p.ampm = 'am';
            continue;
          case 'pm':
            p.ampm = 'pm';
            continue;
          case 'epoch':
          case 'infinity':
          case '-infinity':
          case '+infinity':
          case 'now':
          case 'today':
          case 'tomorrow':
          case 'yesterday':
            if (p.special !== undefined) throw new DateError('syntax');
            p.special = w === '+infinity' ? 'infinity' : w;
            if (w === 'epoch' || w.endsWith('infinity') || w === 'now') {
              if (tokens.length !== 1 && !(w === 'now' || w === 'epoch')) throw new DateError('syntax');
            }
            continue;
          case 'allballs':
            p.hour = 0;
            p.minute = 0;
            p.second = 0;
            p.micro = 0;
            p.tzOffset ??= 0;
            continue;
        }
        const abbrev = ABBREVIATIONS[w];
        if (abbrev !== undefined) {
          if (p.tzOffset !== undefined || p.tzName !== undefined) throw new DateError('syntax');
          p.tzOffset = abbrev;
          break;
        }
        if (w.includes('/')) {
          if (!isValidZone(t.text)) throw new DateError('badZone', t.text);
          p.tzName = t.text;
          break;
        }
        throw new DateError('syntax');
      }
    }
  }
  resolveDate(dateParts, p, dateOrder, (dateParts as DatePart[] & { ymd?: boolean }).ymd === true);
  return p;
}

function resolveDate(parts: DatePart[], p: Parsed, order: 'MDY' | 'DMY' | 'YMD', forcedYmd: boolean): void {
  if (parts.length === 0) return;
  const months = parts.filter((x) => x.month !== undefined);
  const nums = parts.filter((x) => x.num !== undefined);
  if (months.length > 1 || parts.length > 3) throw new DateError('syntax');
  let y: DatePart | undefined;
  let m: number | undefined;
  let d: DatePart | undefined;
  if (months.length === 1) {
    m = months[0]!.month;
    if (nums.length !== 2) throw new DateError('syntax');
    const [a, b] = nums as [DatePart, DatePart];
    if (a.digits! > 2 || (order === 'YMD' && b.digits! <= 2 && parts[0]!.num !== undefined)) {
      y = a;
      d = b;
    } else {
      d = a;
      y = b;
    }
  } else {
    if (nums.length !== 3) throw new DateError('syntax');
    const [a, b, c] = nums as [DatePart, DatePart, DatePart];
    if (forcedYmd || a.digits! > 2 || order === 'YMD') {
      y = a;
      m = b.num;
      d = c;
    } else if (order === 'DMY') {
      d = a;
      m = b.num;
      y = c;
    } else {
      m = a.num;
      d = b;
      y = c;
    }
  }
  let year = y.num!;
  if (y.digits! <= 2 && !p.bc) year += year < 70 ? 2000 : 1900;
  p.year = year;
  p.yearDigits = y.digits!;
  p.month = m!;
  p.day = d.num!;
}

export function dateOrderOf(ctx: TypeContext): 'MDY' | 'DMY' | 'YMD' {
  const s = (ctx.dateStyle ?? '').toUpperCase();
  if (s.includes('DMY') || s.includes('EURO')) return 'DMY';
  if (s.includes('YMD')) return 'YMD';
  return 'MDY';
}

function validate(p: Parsed): void {
  if (p.month !== undefined) {
    if (p.year === 0 && !p.bc) throw new DateError('overflow');
    if (p.month < 1 || p.month > 12 || p.day! < 1 || p.day! > 31) throw new DateError('mdOverflow');
    const astro = p.bc ? 1 - p.year! : p.year!;
    if (p.day! > daysInMonth(astro, p.month)) throw new DateError('overflow');
  } else if (p.bc) throw new DateError('syntax');
  if (p.hour !== undefined) {
    if (p.ampm !== undefined) {
      if (p.hour < 0 || p.hour > 12) throw new DateError('overflow');
      if (p.ampm === 'am' && p.hour === 12) p.hour = 0;
      else if (p.ampm === 'pm' && p.hour !== 12) p.hour += 12;
    }
    if (p.minute! < 0 || p.minute! > 59 || p.second! < 0 || p.second! > 60 || p.hour < 0 || p.hour > 24) throw new DateError('overflow');
    if (p.hour === 24 && (p.minute !== 0 || p.second !== 0 || p.micro !== 0)) throw new DateError('overflow');
  } else if (p.ampm !== undefined) throw new DateError('syntax');
}

function toSqlError(e: unknown, text: string, kind: DateKind): unknown {
  if (!(e instanceof DateError)) return e;
  switch (e.code) {
    case 'syntax':
      return new SqlError('22007', `invalid input syntax for type ${kindName[kind]}: "${text}"`);
    case 'overflow':
      return new SqlError('22008', `date/time field value out of range: "${text}"`);
    case 'mdOverflow':
      return new SqlError('22008', `date/time field value out of range: "${text}"`, { hint: 'Perhaps you need a different "datestyle" setting.' });
    case 'tzOverflow':
      return new SqlError('22009', `time zone displacement out of range: "${text}"`);
    case 'badZone':
      return zoneNotRecognized(e.zone);
  }
}

function nowOf(ctx: TypeContext): bigint {
  return ctx.now ?? BigInt(Date.now()) * 1000n;
}

/** Midnight (local, as a local timestamp) of today in the session zone, shifted by `deltaDays`. */
function localMidnight(ctx: TypeContext, deltaDays: number): bigint {
  const local = toLocal(nowOf(ctx), ctx.timeZone);
  const { days } = splitTimestamp(local);
  return BigInt(days + deltaDays) * USECS_PER_DAY;
}

/** The local (wall-clock) timestamp and any explicit zone the text names. */
function decodeTimestamp(text: string, kind: DateKind, ctx: TypeContext): { local: bigint; offset?: number; zone?: string; special?: bigint; nowInstant?: bigint } {
  const p = decode(text, kind, dateOrderOf(ctx));
  switch (p.special) {
    case 'infinity':
      return { local: 0n, special: TIMESTAMP_INFINITY };
    case '-infinity':
      return { local: 0n, special: TIMESTAMP_NEG_INFINITY };
    case 'now':
      if (p.month !== undefined || p.hour !== undefined) throw new DateError('syntax');
      return { local: 0n, nowInstant: nowOf(ctx) };
    case 'epoch':
      if (p.month !== undefined || p.hour !== undefined) throw new DateError('syntax');
      return { local: 0n, offset: 0 };
    case 'today':
    case 'tomorrow':
    case 'yesterday': {
      if (p.month !== undefined) throw new DateError('syntax');
      validate(p);
      const base = localMidnight(ctx, p.special === 'today' ? 0 : p.special === 'tomorrow' ? 1 : -1);
      const tod = p.hour === undefined ? 0n : BigInt(((p.hour * 60 + p.minute!) * 60 + p.second!) * 1e6 + p.micro!);
      const out: { local: bigint; offset?: number; zone?: string } = { local: base + tod };
      if (p.tzOffset !== undefined) out.offset = p.tzOffset;
      if (p.tzName !== undefined) out.zone = p.tzName;
      return out;
    }
  }
  if (p.month === undefined) throw new DateError('syntax');
  validate(p);
  const year = p.bc ? 1 - p.year! : p.year!;
  const days = daysFromCivil(year, p.month, p.day!);
  const tod = p.hour === undefined ? 0 : ((p.hour * 60 + p.minute!) * 60 + p.second!) * 1e6 + p.micro!;
  const out: { local: bigint; offset?: number; zone?: string } = { local: BigInt(days) * USECS_PER_DAY + BigInt(tod) };
  if (p.tzOffset !== undefined) out.offset = p.tzOffset;
  if (p.tzName !== undefined) out.zone = p.tzName;
  return out;
}

/** timestamp_in / timestamptz_in (typmod precision applied when >= 0). */
export function parseTimestamp(text: string, withTz: boolean, ctx: TypeContext, precision = -1): bigint {
  const kind: DateKind = withTz ? 'timestamptz' : 'timestamp';
  let d: ReturnType<typeof decodeTimestamp>;
  try {
    d = decodeTimestamp(text, kind, ctx);
  } catch (e) {
    throw toSqlError(e, text, kind);
  }
  if (d.special !== undefined) return d.special;
  let ts: bigint;
  if (d.nowInstant !== undefined) ts = withTz ? d.nowInstant : toLocal(d.nowInstant, ctx.timeZone);
  else if (!withTz) ts = d.local;
  else if (d.offset !== undefined) ts = d.local - BigInt(d.offset) * 1000000n;
  else ts = fromLocal(d.local, d.zone ?? ctx.timeZone);
  ts = roundMicros(ts, precision);
  if (ts < MIN_TIMESTAMP || ts >= END_TIMESTAMP) throw new SqlError('22008', `timestamp out of range: "${text}"`);
  return ts;
}

/** date_in. */
export function parseDate(text: string, ctx: TypeContext): number {
  let d: ReturnType<typeof decodeTimestamp>;
  try {
    d = decodeTimestamp(text, 'date', ctx);
  } catch (e) {
    throw toSqlError(e, text, 'date');
  }
  if (d.special !== undefined) return d.special === TIMESTAMP_INFINITY ? Infinity : -Infinity;
  const local = d.nowInstant !== undefined ? toLocal(d.nowInstant, ctx.timeZone) : d.local;
  const days = splitTimestamp(local).days;
  if (days < MIN_DATE_DAYS || days >= END_DATE_DAYS) throw new SqlError('22008', `date out of range: "${text}"`);
  return days;
}

/** time_in: microseconds since midnight (24:00:00 allowed). */
export function parseTime(text: string, ctx: TypeContext, precision = -1): bigint {
  let p: Parsed;
  try {
    p = decode(text, 'time', dateOrderOf(ctx));
    if (p.special === 'now') {
      const local = toLocal(nowOf(ctx), ctx.timeZone);
      return roundMicros(BigInt(splitTimestamp(local).timeOfDay), precision);
    }
    if (p.special !== undefined || p.hour === undefined) throw new DateError('syntax');
    validate(p);
  } catch (e) {
    throw toSqlError(e, text, 'time');
  }
  let t = BigInt(((p.hour! * 60 + p.minute!) * 60 + p.second!) * 1e6 + p.micro!);
  t = roundMicros(t, precision);
  if (t > USECS_PER_DAY) throw new SqlError('22008', `date/time field value out of range: "${text}"`);
  return t;
}
