/*
 * extract / date_part, date_trunc and to_char for dates, timestamps and
 * intervals (timestamp.c timestamp_part_common, timestamp_trunc,
 * formatting.c DCH patterns for date/time).
 */
import { SqlError } from '../errors.ts';
import { civilFromDays, dayOfWeek, daysFromCivil, splitTimestamp, timestampToFields, USECS_PER_DAY, type TimestampFields } from './calendar.ts';
import type { Interval } from './datum.ts';
import { TIMESTAMP_INFINITY } from './datum.ts';
import { fromLocal, isFiniteTimestamp, timestamptzOffset, toLocal } from './datetime.ts';
import { Numeric } from './numeric.ts';
import { zoneAbbreviation } from './timezone.ts';

export type DateSource = 'date' | 'timestamp' | 'timestamptz';
const sourceName: Record<DateSource, string> = { date: 'date', timestamp: 'timestamp without time zone', timestamptz: 'timestamp with time zone' };

const FIELD_ALIASES: Record<string, string> = {
  microsecond: 'microseconds',
  microseconds: 'microseconds',
  usec: 'microseconds',
  usecs: 'microseconds',
  us: 'microseconds',
  millisecond: 'milliseconds',
  milliseconds: 'milliseconds',
  msec: 'milliseconds',
  msecs: 'milliseconds',
  ms: 'milliseconds',
  second: 'second',
  seconds: 'second',
  sec: 'second',
  secs: 'second',
  s: 'second',
  minute: 'minute',
  minutes: 'minute',
  min: 'minute',
  mins: 'minute',
  m: 'minute',
  hour: 'hour',
  hours: 'hour',
  hr: 'hour',
  hrs: 'hour',
  h: 'hour',
  day: 'day',
  days: 'day',
  d: 'day',
  week: 'week',
  weeks: 'week',
  w: 'week',
  month: 'month',
  months: 'month',
  mon: 'month',
  mons: 'month',
  quarter: 'quarter',
  qtr: 'quarter',
  year: 'year',
  years: 'year',
  y: 'year',
  yr: 'year',
  yrs: 'year',
  decade: 'decade',
  decades: 'decade',
  dec: 'decade',
  century: 'century',
  centuries: 'century',
  c: 'century',
  cent: 'century',
  millennium: 'millennium',
  millennia: 'millennium',
  mil: 'millennium',
  mils: 'millennium',
  epoch: 'epoch',
  dow: 'dow',
  isodow: 'isodow',
  doy: 'doy',
  isoyear: 'isoyear',
  julian: 'julian',
  j: 'julian',
  timezone: 'timezone',
  timezone_h: 'timezone_hour',
  timezone_hour: 'timezone_hour',
  timezone_m: 'timezone_minute',
  timezone_minute: 'timezone_minute',
};

function canonicalField(field: string, typeName: string): string {
  const f = FIELD_ALIASES[field.toLowerCase()];
  if (f === undefined) throw new SqlError('22023', `unit "${field.toLowerCase()}" not recognized for type ${typeName}`);
  return f;
}

const notSupported = (field: string, typeName: string): SqlError => new SqlError('0A000', `unit "${field.toLowerCase()}" not supported for type ${typeName}`);

/** ISO 8601 week number and ISO year of a day. */
function isoWeek(days: number): { week: number; year: number } {
  const isoDow = ((dayOfWeek(days) + 6) % 7) + 1; // 1 = Monday
  const thursday = days - isoDow + 4;
  const y = civilFromDays(thursday).year;
  const jan1 = daysFromCivil(y, 1, 1);
  return { week: Math.floor((thursday - jan1) / 7) + 1, year: y };
}

const micro6 = (v: bigint): Numeric => Numeric.of(v, 6);

/** extract(field from date|timestamp|timestamptz) as numeric (PostgreSQL 14+). */
export function extractDate(field: string, value: number | bigint, source: DateSource, zone: string): Numeric {
  const typeName = sourceName[source];
  const f = canonicalField(field, typeName);
  let local: bigint;
  let infinite = 0;
  if (source === 'date') {
    const d = value as number;
    if (!Number.isFinite(d)) infinite = d > 0 ? 1 : -1;
    if (['microseconds', 'milliseconds', 'second', 'minute', 'hour', 'timezone', 'timezone_hour', 'timezone_minute'].includes(f)) throw notSupported(field, typeName);
    local = Number.isFinite(d) ? BigInt(d) * USECS_PER_DAY : 0n;
  } else {
    const ts = value as bigint;
    if (!isFiniteTimestamp(ts)) infinite = ts === TIMESTAMP_INFINITY ? 1 : -1;
    local = infinite !== 0 ? 0n : source === 'timestamptz' ? toLocal(ts, zone) : ts;
  }
  if (infinite !== 0) {
    // Monotonic fields of an infinite value are +-Infinity; the others are NULL-like: PostgreSQL returns NULL.
    if (['epoch', 'julian', 'year', 'isoyear', 'decade', 'century', 'millennium'].includes(f)) return infinite > 0 ? Numeric.Infinity : Numeric.NegativeInfinity;
    throw new SqlError('22023', `unit "${field.toLowerCase()}" not supported for infinite values`);
  }
  if (source === 'timestamp' && (f === 'timezone' || f === 'timezone_hour' || f === 'timezone_minute')) throw notSupported(field, typeName);
  const tm = timestampToFields(local);
  const { days, timeOfDay } = splitTimestamp(local);
  const secMicros = BigInt(tm.second * 1e6 + tm.micro);
  switch (f) {
    case 'microseconds':
      return Numeric.of(secMicros);
    case 'milliseconds':
      return Numeric.of(secMicros, 3);
    case 'second':
      return micro6(secMicros);
    case 'minute':
      return Numeric.fromInt(tm.minute);
    case 'hour':
      return Numeric.fromInt(tm.hour);
    case 'day':
      return Numeric.fromInt(tm.day);
    case 'month':
      return Numeric.fromInt(tm.month);
    case 'quarter':
      return Numeric.fromInt(Math.floor((tm.month - 1) / 3) + 1);
    case 'week':
      return Numeric.fromInt(isoWeek(days).week);
    case 'year':
      return Numeric.fromInt(tm.year > 0 ? tm.year : tm.year - 1);
    case 'decade':
      return Numeric.fromInt(tm.year >= 0 ? Math.floor(tm.year / 10) : -Math.floor((8 - (tm.year - 1)) / 10));
    case 'century':
      return Numeric.fromInt(tm.year > 0 ? Math.floor((tm.year + 99) / 100) : -Math.floor((99 - (tm.year - 1)) / 100));
    case 'millennium':
      return Numeric.fromInt(tm.year > 0 ? Math.floor((tm.year + 999) / 1000) : -Math.floor((999 - (tm.year - 1)) / 1000));
    case 'dow':
      return Numeric.fromInt(dayOfWeek(days));
    case 'isodow':
      return Numeric.fromInt(((dayOfWeek(days) + 6) % 7) + 1);
    case 'doy':
      return Numeric.fromInt(days - daysFromCivil(tm.year, 1, 1) + 1);
    case 'isoyear': {
      const y = isoWeek(days).year;
      return Numeric.fromInt(y > 0 ? y : y - 1);
    }
    case 'julian': {
      const jd = Numeric.fromInt(days + 2440588);
      if (source === 'date') return jd;
      return jd.add(Numeric.fromInt(timeOfDay).div(Numeric.fromInt(86400000000)));
    }
    case 'epoch': {
      if (source === 'date') return Numeric.fromInt(days * 86400);
      const instant = source === 'timestamptz' ? (value as bigint) : local;
      return micro6(instant);
    }
    case 'timezone':
    case 'timezone_hour':
    case 'timezone_minute': {
      const off = timestamptzOffset(value as bigint, zone);
      if (f === 'timezone') return Numeric.fromInt(off);
      if (f === 'timezone_hour') return Numeric.fromInt(Math.trunc(off / 3600));
      return Numeric.fromInt(Math.trunc((off % 3600) / 60));
    }
  }
  throw notSupported(field, typeName);
}

/** extract(field from interval). */
export function extractInterval(field: string, iv: Interval): Numeric {
  const f = canonicalField(field, 'interval');
  const year = Math.trunc(iv.months / 12);
  const time = iv.micros;
  const secMicros = time % 60000000n;
  switch (f) {
    case 'microseconds':
      return Numeric.of(secMicros);
    case 'milliseconds':
      return Numeric.of(secMicros, 3);
    case 'second':
      return micro6(secMicros);
    case 'minute':
      return Numeric.of((time / 60000000n) % 60n);
    case 'hour':
      return Numeric.of(time / 3600000000n);
    case 'day':
      return Numeric.fromInt(iv.days);
    case 'month':
      return Numeric.fromInt(iv.months % 12);
    case 'quarter':
      return Numeric.fromInt(Math.trunc((iv.months % 12) / 3) + 1);
    case 'year':
      return Numeric.fromInt(year);
    case 'decade':
      return Numeric.fromInt(Math.trunc(year / 10));
    case 'century':
      return Numeric.fromInt(Math.trunc(year / 100));
    case 'millennium':
      return Numeric.fromInt(Math.trunc(year / 1000));
    case 'epoch': {
      const secsFromDayMonth = 31557600n * BigInt(year) + 2592000n * BigInt(iv.months % 12) + 86400n * BigInt(iv.days);
      return micro6(secsFromDayMonth * 1000000n + time);
    }
  }
  throw notSupported(field, 'interval');
}

// ---------------------------------------------------------------------------
// date_trunc

function truncFields(f: string, tm: TimestampFields, typeName: string): TimestampFields {
  const t = { ...tm };
  switch (f) {
    case 'millennium':
      t.year = t.year > 0 ? Math.floor((t.year + 999) / 1000) * 1000 - 999 : -(Math.floor((999 - (t.year - 1)) / 1000) * 1000 - 1);
      t.month = 1;
      t.day = 1;
      break;
    case 'century':
      t.year = t.year > 0 ? Math.floor((t.year + 99) / 100) * 100 - 99 : -(Math.floor((99 - (t.year - 1)) / 100) * 100 - 1);
      t.month = 1;
      t.day = 1;
      break;
    case 'decade':
      t.year = t.year > 0 ? Math.floor(t.year / 10) * 10 : -Math.floor((8 - (t.year - 1)) / 10) * 10;
      t.month = 1;
      t.day = 1;
      break;
    case 'year':
      t.month = 1;
      t.day = 1;
      break;
    case 'quarter':
      t.month = 3 * Math.floor((t.month - 1) / 3) + 1;
      t.day = 1;
      break;
    case 'month':
      t.day = 1;
      break;
    case 'day':
    case 'week':
      break;
    case 'hour':
      t.minute = 0;
      t.second = 0;
      t.micro = 0;
      return t;
    case 'minute':
      t.second = 0;
      t.micro = 0;
      return t;
    case 'second':
      t.micro = 0;
      return t;
    case 'milliseconds':
      t.micro = Math.floor(t.micro / 1000) * 1000;
      return t;
    case 'microseconds':
      return t;
    default:
      throw notSupported(f, typeName);
  }
  t.hour = 0;
  t.minute = 0;
  t.second = 0;
  t.micro = 0;
  return t;
}

function fieldsToLocal(t: TimestampFields): bigint {
  return BigInt(daysFromCivil(t.year, t.month, t.day)) * USECS_PER_DAY + BigInt(((t.hour * 60 + t.minute) * 60 + t.second) * 1e6 + t.micro);
}

/** date_trunc(field, timestamp) / date_trunc(field, timestamptz) (truncated in the session zone). */
export function dateTrunc(field: string, ts: bigint, withTz: boolean, zone: string): bigint {
  const typeName = withTz ? sourceName.timestamptz : sourceName.timestamp;
  const f = canonicalField(field, typeName);
  if (!isFiniteTimestamp(ts)) return ts;
  const local = withTz ? toLocal(ts, zone) : ts;
  let out: bigint;
  if (f === 'week') {
    const { days } = splitTimestamp(local);
    const monday = days - ((dayOfWeek(days) + 6) % 7);
    out = BigInt(monday) * USECS_PER_DAY;
  } else out = fieldsToLocal(truncFields(f, timestampToFields(local), typeName));
  return withTz ? fromLocal(out, zone) : out;
}

/** date_trunc(field, interval). */
export function dateTruncInterval(field: string, iv: Interval): Interval {
  const f = canonicalField(field, 'interval');
  let months = iv.months;
  let days = iv.days;
  let time = iv.micros;
  const year = Math.trunc(months / 12);
  switch (f) {
    case 'millennium':
      return { months: Math.trunc(year / 1000) * 12000, days: 0, micros: 0n };
    case 'century':
      return { months: Math.trunc(year / 100) * 1200, days: 0, micros: 0n };
    case 'decade':
      return { months: Math.trunc(year / 10) * 120, days: 0, micros: 0n };
    case 'year':
      return { months: year * 12, days: 0, micros: 0n };
    case 'quarter':
      return { months: year * 12 + 3 * Math.trunc((months % 12) / 3), days: 0, micros: 0n };
    case 'month':
      return { months, days: 0, micros: 0n };
    case 'day':
      return { months, days, micros: 0n };
    case 'hour':
      time -= time % 3600000000n;
      break;
    case 'minute':
      time -= time % 60000000n;
      break;
    case 'second':
      time -= time % 1000000n;
      break;
    case 'milliseconds':
      time -= time % 1000n;
      break;
    case 'microseconds':
      break;
    case 'week':
      throw new SqlError('0A000', 'unit "week" not supported for type interval', { detail: 'Months usually have fractional weeks.' });
    default:
      throw notSupported(field, 'interval');
  }
  months += 0;
  days += 0;
  return { months, days, micros: time };
}

// ---------------------------------------------------------------------------
// to_char for timestamps

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Patterns, longest first so that prefixes do not shadow them. */
const PATTERNS = [
  'HH24',
  'HH12',
  'HH',
  'MI',
  'SS',
  'MS',
  'US',
  'SSSSS',
  'SSSS',
  'A.M.',
  'a.m.',
  'P.M.',
  'p.m.',
  'AM',
  'am',
  'PM',
  'pm',
  'Y,YYY',
  'YYYY',
  'YYY',
  'YY',
  'Y',
  'IYYY',
  'IYY',
  'IY',
  'I',
  'MONTH',
  'Month',
  'month',
  'MON',
  'Mon',
  'mon',
  'MM',
  'DAY',
  'Day',
  'day',
  'DY',
  'Dy',
  'dy',
  'DDD',
  'DD',
  'D',
  'ID',
  'IDDD',
  'WW',
  'W',
  'IW',
  'CC',
  'J',
  'Q',
  'TZH',
  'TZM',
  'TZ',
  'tz',
  'OF',
].sort((a, b) => b.length - a.length);

/** to_char(timestamp|timestamptz, text): the DCH patterns of the manual's table 9.27, FM and TH not included except FM. */
export function toCharTimestamp(ts: bigint, format: string, withTz: boolean, zone: string): string | null {
  if (!isFiniteTimestamp(ts)) return null;
  const local = withTz ? toLocal(ts, zone) : ts;
  const tm = timestampToFields(local);
  const { days } = splitTimestamp(local);
  const dow = dayOfWeek(days);
  const doy = days - daysFromCivil(tm.year, 1, 1) + 1;
  const offset = withTz ? timestamptzOffset(ts, zone) : 0;
  const displayYear = tm.year > 0 ? tm.year : 1 - tm.year;
  let out = '';
  let i = 0;
  while (i < format.length) {
    if (format[i] === '"') {
      i++;
      while (i < format.length && format[i] !== '"') {
        if (format[i] === '\\' && i + 1 < format.length) i++;
        out += format[i++];
      }
      i++;
      continue;
    }
    let fm = false;
    if (format.startsWith('FM', i) || format.startsWith('fm', i)) {
      fm = true;
      i += 2;
    }
    const pat = PATTERNS.find((p) => format.startsWith(p, i));
    if (pat === undefined) {
      out += format[i++];
      continue;
    }
    i += pat.length;
    const num = (v: number, width: number): string => {
      const s = String(Math.abs(v));
      return (v < 0 ? '-' : '') + (fm ? s : s.padStart(width, '0'));
    };
    const word = (s: string, width: number): string => (fm ? s : s.padEnd(width, ' '));
    const hour12 = tm.hour % 12 === 0 ? 12 : tm.hour % 12;
    const pm = tm.hour >= 12;
    switch (pat) {
      case 'HH24':
        out += num(tm.hour, 2);
        break;
      case 'HH12':
      case 'HH':
        out += num(hour12, 2);
        break;
      case 'MI':
        out += num(tm.minute, 2);
        break;
      case 'SS':
        out += num(tm.second, 2);
        break;
      case 'MS':
        out += num(Math.floor(tm.micro / 1000), 3);
        break;
      case 'US':
        out += num(tm.micro, 6);
        break;
      case 'SSSS':
      case 'SSSSS':
        out += String(tm.hour * 3600 + tm.minute * 60 + tm.second);
        break;
      case 'AM':
      case 'PM':
        out += pm ? 'PM' : 'AM';
        break;
      case 'am':
      case 'pm':
        out += pm ? 'pm' : 'am';
        break;
      case 'A.M.':
      case 'P.M.':
        out += pm ? 'P.M.' : 'A.M.';
        break;
      case 'a.m.':
      case 'p.m.':
        out += pm ? 'p.m.' : 'a.m.';
        break;
      case 'Y,YYY':
        out += `${Math.floor(displayYear / 1000)},${String(displayYear % 1000).padStart(3, '0')}`;
        break;
      case 'YYYY':
      case 'IYYY': {
        const y = pat === 'IYYY' ? isoWeek(days).year : displayYear;
        out += num(y, 4);
        break;
      }
      case 'YYY':
      case 'IYY':
        out += num((pat === 'IYY' ? isoWeek(days).year : displayYear) % 1000, 3);
        break;
      case 'YY':
      case 'IY':
        out += num((pat === 'IY' ? isoWeek(days).year : displayYear) % 100, 2);
        break;
      case 'Y':
      case 'I':
        out += num((pat === 'I' ? isoWeek(days).year : displayYear) % 10, 1);
        break;
      case 'MONTH':
        out += word(MONTH_NAMES[tm.month - 1]!.toUpperCase(), 9);
        break;
      case 'Month':
        out += word(MONTH_NAMES[tm.month - 1]!, 9);
        break;
      case 'month':
        out += word(MONTH_NAMES[tm.month - 1]!.toLowerCase(), 9);
        break;
      case 'MON':
        out += MONTH_NAMES[tm.month - 1]!.slice(0, 3).toUpperCase();
        break;
      case 'Mon':
        out += MONTH_NAMES[tm.month - 1]!.slice(0, 3);
        break;
      case 'mon':
        out += MONTH_NAMES[tm.month - 1]!.slice(0, 3).toLowerCase();
        break;
      case 'MM':
        out += num(tm.month, 2);
        break;
      case 'DAY':
        out += word(DAY_NAMES[dow]!.toUpperCase(), 9);
        break;
      case 'Day':
        out += word(DAY_NAMES[dow]!, 9);
        break;
      case 'day':
        out += word(DAY_NAMES[dow]!.toLowerCase(), 9);
        break;
      case 'DY':
        out += DAY_NAMES[dow]!.slice(0, 3).toUpperCase();
        break;
      case 'Dy':
        out += DAY_NAMES[dow]!.slice(0, 3);
        break;
      case 'dy':
        out += DAY_NAMES[dow]!.slice(0, 3).toLowerCase();
        break;
      case 'DDD':
        out += num(doy, 3);
        break;
      case 'IDDD': {
        const w = isoWeek(days);
        out += num((w.week - 1) * 7 + ((dow + 6) % 7) + 1, 3);
        break;
      }
      case 'DD':
        out += num(tm.day, 2);
        break;
      case 'D':
        out += String(dow + 1);
        break;
      case 'ID':
        out += String(((dow + 6) % 7) + 1);
        break;
      case 'WW':
        out += num(Math.floor((doy - 1) / 7) + 1, 2);
        break;
      case 'W':
        out += String(Math.floor((tm.day - 1) / 7) + 1);
        break;
      case 'IW':
        out += num(isoWeek(days).week, 2);
        break;
      case 'CC': {
        const cc = tm.year > 0 ? Math.floor((tm.year + 99) / 100) : -Math.floor((99 - (tm.year - 1)) / 100);
        out += num(cc, 2);
        break;
      }
      case 'J':
        out += String(days + 2440588);
        break;
      case 'Q':
        out += String(Math.floor((tm.month - 1) / 3) + 1);
        break;
      case 'TZ':
      case 'tz': {
        if (!withTz) break;
        const abbr = zoneAbbreviationPg(ts, zone, offset);
        out += pat === 'TZ' ? abbr.toUpperCase() : abbr.toLowerCase();
        break;
      }
      case 'TZH':
        out += (offset < 0 ? '-' : '+') + String(Math.floor(Math.abs(offset) / 3600)).padStart(2, '0');
        break;
      case 'TZM':
        out += String(Math.floor((Math.abs(offset) % 3600) / 60)).padStart(2, '0');
        break;
      case 'OF': {
        const a = Math.abs(offset);
        const h = Math.floor(a / 3600);
        const m = Math.floor((a % 3600) / 60);
        out += (offset < 0 ? '-' : '+') + String(h).padStart(2, '0') + (m !== 0 ? ':' + String(m).padStart(2, '0') : '');
        break;
      }
    }
  }
  return out;
}

/** tzdata abbreviations where ICU has them, else PostgreSQL's numeric form (+05, +0530). */
export function zoneAbbreviationPg(ts: bigint, zone: string, offset: number): string {
  const name = zoneAbbreviation(zone, Number(ts / 1000000n));
  if (name !== undefined) return name;
  const a = Math.abs(offset);
  const h = Math.floor(a / 3600);
  const m = Math.floor((a % 3600) / 60);
  return (offset < 0 ? '-' : '+') + String(h).padStart(2, '0') + (m !== 0 ? String(m).padStart(2, '0') : '');
}
