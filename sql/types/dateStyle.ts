/*
 * DateStyle (PostgreSQL 15 variable.c check_datestyle and datetime.c
 * EncodeDateOnly / EncodeDateTime): the setting's canonical form, and date
 * and timestamp output in the SQL, Postgres and German styles. ISO output
 * stays in datetime.ts, on the hot path.
 */
import { SqlError } from '../errors.ts';
import { civilFromDays, dayOfWeek, splitTimestamp, timestampToFields } from './calendar.ts';
import { formatSeconds, timestamptzOffset } from './datetime.ts';
import { zoneAbbreviationPg } from './datetimeFunctions.ts';
import { TIMESTAMP_INFINITY, TIMESTAMP_NEG_INFINITY } from './datum.ts';

export type DateOutputStyle = 'ISO' | 'SQL' | 'Postgres' | 'German';
export type DateOrder = 'MDY' | 'DMY' | 'YMD';

export interface DateStyle {
  style: DateOutputStyle;
  order: DateOrder;
}

const DEFAULT: DateStyle = { style: 'ISO', order: 'MDY' };

/**
 * check_datestyle: comma-separated keywords, each setting the style or the
 * order, applied over `current`; German implies DMY unless an order is
 * given. Returns undefined and the reason when the value is invalid.
 */
function interpret(value: string, current: DateStyle): DateStyle | { detail: string } {
  let { style, order } = current;
  let haveStyle = false;
  let haveOrder = false;
  let conflict = false;
  const setStyle = (s: DateOutputStyle): void => {
    if (haveStyle && style !== s) conflict = true;
    style = s;
    haveStyle = true;
  };
  const setOrder = (o: DateOrder): void => {
    if (haveOrder && order !== o) conflict = true;
    order = o;
    haveOrder = true;
  };
  for (const raw of value.split(',')) {
    const tok = raw.trim().replace(/^"(.*)"$/, '$1');
    switch (tok.toLowerCase()) {
      case 'iso':
        setStyle('ISO');
        break;
      case 'sql':
        setStyle('SQL');
        break;
      case 'postgres':
        setStyle('Postgres');
        break;
      case 'german':
        setStyle('German');
        if (!haveOrder) order = 'DMY';
        break;
      case 'ymd':
        setOrder('YMD');
        break;
      case 'dmy':
      case 'euro':
      case 'european':
        setOrder('DMY');
        break;
      case 'mdy':
      case 'us':
      case 'noneuro':
      case 'noneuropean':
        setOrder('MDY');
        break;
      case 'default':
        if (!haveStyle) style = DEFAULT.style;
        if (!haveOrder) order = DEFAULT.order;
        break;
      default:
        return { detail: `Unrecognized key word: "${tok.toLowerCase()}".` };
    }
  }
  if (conflict) return { detail: 'Conflicting "datestyle" specifications.' };
  return { style, order };
}

/** The setting as PostgreSQL stores and SHOWs it ('German, DMY'); throws 22023 for an invalid value. */
export function canonicalDateStyle(value: string, current = 'ISO, MDY'): string {
  const base = parseDateStyle(current);
  const r = interpret(value, base);
  if ('detail' in r) throw new SqlError('22023', `invalid value for parameter "DateStyle": "${value}"`, { detail: r.detail });
  return `${r.style}, ${r.order}`;
}

const parsed = new Map<string, DateStyle>();

/** A DateStyle setting (canonical or as written) as style and order; unknown words leave the defaults. */
export function parseDateStyle(value: string | undefined): DateStyle {
  if (value === undefined) return DEFAULT;
  let ds = parsed.get(value);
  if (ds === undefined) {
    const r = interpret(value, DEFAULT);
    ds = 'detail' in r ? DEFAULT : r;
    parsed.set(value, ds);
  }
  return ds;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Year for display: 1 BC is year 0 internally. */
const displayYear = (year: number): string => String(year > 0 ? year : 1 - year).padStart(4, '0');

/** EncodeDateOnly in a non-ISO style. */
export function formatDateStyled(days: number, ds: DateStyle): string {
  if (days === Infinity) return 'infinity';
  if (days === -Infinity) return '-infinity';
  const c = civilFromDays(days);
  const y = displayYear(c.year);
  const d = pad2(c.day);
  const m = pad2(c.month);
  let out: string;
  switch (ds.style) {
    case 'SQL':
      out = (ds.order === 'DMY' ? `${d}/${m}` : `${m}/${d}`) + '/' + y;
      break;
    case 'German':
      out = `${d}.${m}.${y}`;
      break;
    case 'Postgres':
      out = (ds.order === 'DMY' ? `${d}-${m}` : `${m}-${d}`) + '-' + y;
      break;
    default:
      out = `${y}-${m}-${d}`;
  }
  return c.year <= 0 ? out + ' BC' : out;
}

/**
 * EncodeDateTime in a non-ISO style, for a timestamp (zone undefined) or a
 * timestamptz shown in `zone`, which prints the zone's abbreviation.
 */
export function formatTimestampStyled(ts: bigint, zone: string | undefined, ds: DateStyle): string {
  if (ts === TIMESTAMP_INFINITY) return 'infinity';
  if (ts === TIMESTAMP_NEG_INFINITY) return '-infinity';
  let local = ts;
  let tz = '';
  if (zone !== undefined) {
    const offset = timestamptzOffset(ts, zone);
    local = ts + BigInt(offset) * 1000000n;
    tz = ' ' + zoneAbbreviationPg(ts, zone, offset);
  }
  const f = timestampToFields(local);
  const y = displayYear(f.year);
  const d = pad2(f.day);
  const m = pad2(f.month);
  const time = `${pad2(f.hour)}:${pad2(f.minute)}:${formatSeconds(f.second, f.micro)}`;
  let out: string;
  switch (ds.style) {
    case 'SQL':
      out = (ds.order === 'DMY' ? `${d}/${m}` : `${m}/${d}`) + `/${y} ${time}${tz}`;
      break;
    case 'German':
      out = `${d}.${m}.${y} ${time}${tz}`;
      break;
    default: {
      const dow = DAYS[dayOfWeek(splitTimestamp(local).days)]!;
      const dayMonth = ds.order === 'DMY' ? `${d} ${MONTHS[f.month - 1]}` : `${MONTHS[f.month - 1]} ${d}`;
      out = `${dow} ${dayMonth} ${time} ${y}${tz}`;
    }
  }
  return f.year <= 0 ? out + ' BC' : out;
}
