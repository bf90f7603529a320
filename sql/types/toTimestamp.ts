/*
 * to_date(text, text) and to_timestamp(text, text): formatting.c's
 * template parsing (DCH_from_char / do_to_timestamp in PostgreSQL 15),
 * outside FX mode, for the common patterns: YYYY YYY YY Y, MM, Mon/Month,
 * DD, DDD, Dy/Day (read and ignored), HH HH12 HH24, MI, SS, MS, US, AM/PM,
 * A.M./P.M., AD/BC, and "quoted text". A separator in the template matches
 * one separator (or nothing) in the input; letters copy through one input
 * character each.
 */
import { SqlError } from '../errors.ts';
import { daysFromCivil, daysInMonth, END_DATE_DAYS, MIN_DATE_DAYS, USECS_PER_DAY } from './calendar.ts';

/** Template keywords, longest first so that a prefix never hides a longer one (HH24 before HH). */
const KEYWORDS: readonly string[] = (
  'A.M. a.m. P.M. p.m. HH24 HH12 YYYY MONTH Month month A.D. a.d. B.C. b.c. DAY Day day DDD MON Mon mon YYY ' +
  'AM am PM pm AD ad BC bc DY Dy dy HH MI SS MS US DD MM YY FM TH th Y'
).split(' ');

type Node = { kind: 'action'; key: string; fm: boolean } | { kind: 'separator' } | { kind: 'char' };

const DIGIT_KEYS: ReadonlySet<string> = new Set(['HH24', 'HH12', 'YYYY', 'DDD', 'YYY', 'HH', 'MI', 'SS', 'MS', 'US', 'DD', 'MM', 'YY', 'Y']);
const MONTHS_FULL = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DAYS_FULL = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

const isSeparator = (c: string): boolean => !/[A-Za-z0-9]/.test(c) && c.charCodeAt(0) < 128;

function parseTemplate(fmt: string): Node[] {
  const nodes: Node[] = [];
  let fm = false;
  for (let i = 0; i < fmt.length;) {
    if (fmt[i] === '"') {
      // Quoted text: each character consumes one input character.
      i++;
      while (i < fmt.length && fmt[i] !== '"') {
        if (fmt[i] === '\\' && i + 1 < fmt.length) i++;
        nodes.push({ kind: 'char' });
        i++;
      }
      i++;
      continue;
    }
    const key = KEYWORDS.find((k) => fmt.startsWith(k, i));
    if (key === 'FM') {
      fm = true;
      i += 2;
      continue;
    }
    if (key === 'TH' || key === 'th') {
      i += 2;
      continue;
    }
    if (key !== undefined) {
      nodes.push({ kind: 'action', key, fm });
      fm = false;
      i += key.length;
      continue;
    }
    nodes.push(isSeparator(fmt[i]!) || /\s/.test(fmt[i]!) ? { kind: 'separator' } : { kind: 'char' });
    i++;
  }
  return nodes;
}

interface Fields {
  year?: number;
  yearDigits?: number;
  bc?: boolean;
  month?: number;
  day?: number;
  doy?: number;
  hour?: number;
  clock12?: boolean;
  pm?: boolean;
  minute?: number;
  second?: number;
  micro?: number;
}

const formatError = (message: string, detail?: string, hint?: string): SqlError =>
  new SqlError('22007', message, { ...(detail === undefined ? {} : { detail }), ...(hint === undefined ? {} : { hint }) });

const NOT_FIXED_HINT = 'If your source string is not fixed-width, try using the "FM" modifier.';

/** Reads and checks a template against the input; returns the fields given. */
function fromChar(input: string, fmt: string): Fields {
  const nodes = parseTemplate(fmt);
  const f: Fields = {};
  let s = 0;
  const set = (name: keyof Fields, key: string, v: number | boolean): void => {
    const old = f[name];
    if (old !== undefined && old !== v)
      throw formatError(`conflicting values for "${key}" field in formatting string`, 'This value contradicts a previous setting for the same field type.');
    (f as Record<string, number | boolean>)[name] = v;
  };
  for (let n = 0; n < nodes.length && s < input.length; n++) {
    const node = nodes[n]!;
    if (node.kind === 'action' || n === 0) while (s < input.length && /\s/.test(input[s]!)) s++;
    if (node.kind === 'separator') {
      if (s < input.length && (/\s/.test(input[s]!) || isSeparator(input[s]!))) s++;
      continue;
    }
    if (node.kind === 'char') {
      s += input.codePointAt(s)! > 0xffff ? 2 : 1;
      continue;
    }
    const key = node.key;
    const next = nodes[n + 1];
    const slurp = node.fm || next === undefined || next.kind !== 'action' || !DIGIT_KEYS.has(next.key);
    const int = (len: number): [number, number] => {
      const rest = input.slice(s);
      let m: RegExpExecArray | null;
      let used: number;
      if (slurp) {
        m = /^\s*[+-]?\d+/.exec(rest);
        used = m === null ? 0 : m[0].length;
      } else {
        if (rest.length < len)
          throw formatError(`source string too short for "${key}" formatting field`, `Field requires ${len} characters, but only ${rest.length} remain.`, NOT_FIXED_HINT);
        m = /^\s*[+-]?\d+/.exec(rest.slice(0, len));
        used = m === null ? 0 : m[0].length;
        if (used > 0 && used < len)
          throw formatError(`invalid value "${rest.slice(0, len)}" for "${key}"`, `Field requires ${len} characters, but only ${used} could be parsed.`, NOT_FIXED_HINT);
      }
      if (m === null) throw formatError(`invalid value "${rest.slice(0, len)}" for "${key}"`, 'Value must be an integer.');
      const v = Number(m[0]);
      if (v < -2147483648 || v > 2147483647) throw formatError(`value for "${key}" in source string is out of range`, 'Value must be in the range -2147483648 to 2147483647.');
      s += used;
      return [v, m[0].trim().replace(/^[+-]/, '').length];
    };
    const word = (list: readonly string[], abbrev: boolean, maxLen: number): number => {
      const rest = input.slice(s).toLowerCase();
      for (let i = 0; i < list.length; i++) {
        const w = abbrev ? list[i]!.slice(0, 3) : list[i]!;
        if (rest.startsWith(w)) {
          s += w.length;
          return i;
        }
      }
      throw formatError(`invalid value "${input.slice(s, s + maxLen)}" for "${key}"`, 'The given value did not match any of the allowed values for this field.');
    };
    switch (key) {
      case 'YYYY':
      case 'YYY':
      case 'YY':
      case 'Y': {
        const [v, digits] = int(key.length);
        set('year', key, v);
        f.yearDigits = key === 'YYYY' ? 4 : digits;
        break;
      }
      case 'MM':
        set('month', key, int(2)[0]);
        break;
      case 'MONTH':
      case 'Month':
      case 'month':
        set('month', key, word(MONTHS_FULL, false, 9) + 1);
        break;
      case 'MON':
      case 'Mon':
      case 'mon':
        set('month', key, word(MONTHS_FULL, true, 3) + 1);
        break;
      case 'DAY':
      case 'Day':
      case 'day':
        word(DAYS_FULL, false, 9);
        break;
      case 'DY':
      case 'Dy':
      case 'dy':
        word(DAYS_FULL, true, 3);
        break;
      case 'DD':
        set('day', key, int(2)[0]);
        break;
      case 'DDD':
        set('doy', key, int(3)[0]);
        break;
      case 'HH':
      case 'HH12':
        set('hour', key, int(2)[0]);
        f.clock12 = true;
        break;
      case 'HH24':
        set('hour', key, int(2)[0]);
        break;
      case 'MI':
        set('minute', key, int(2)[0]);
        break;
      case 'SS':
        set('second', key, int(2)[0]);
        break;
      case 'MS':
      case 'US': {
        const len = key === 'MS' ? 3 : 6;
        const [v, digits] = int(len);
        const scaled = v * 10 ** (len - Math.min(digits, len));
        set('micro', key, key === 'MS' ? scaled * 1000 : scaled);
        break;
      }
      default: {
        const lower = key.toLowerCase().replace(/\./g, '');
        if (lower === 'am' || lower === 'pm') {
          const dotted = key.includes('.');
          const i = word(dotted ? ['a.m.', 'p.m.'] : ['am', 'pm'], false, key.length);
          set('pm', key, i === 1);
          f.clock12 = true;
        } else {
          const dotted = key.includes('.');
          const i = word(dotted ? ['a.d.', 'b.c.'] : ['ad', 'bc'], false, key.length);
          set('bc', key, i === 1);
        }
      }
    }
  }
  return f;
}

/** adjust_partial_year_to_2020, which YYY, YY and Y apply to a year of fewer than four digits. */
function fullYear(year: number, digits: number): number {
  if (digits >= 4) return year;
  if (year < 70) return year + 2000;
  if (year < 100) return year + 1900;
  if (year < 520) return year + 2000;
  if (year < 1000) return year + 1000;
  return year;
}

/** do_to_timestamp: the date and local timestamp the template gives; missing fields default as in PostgreSQL (year 1 BC, January 1st, midnight). */
export function toLocalTimestamp(input: string, fmt: string, typeName: 'date' | 'timestamp'): { days: number; micros: bigint } {
  const f = fromChar(input, fmt);
  const overflow = (): SqlError => new SqlError('22008', `date/time field value out of range: "${input}"`);
  let year = 0;
  if (f.year !== undefined) {
    const y = fullYear(f.year, f.yearDigits ?? 4);
    year = f.bc ? (y > 0 ? -y + 1 : y) : y;
  }
  let month = f.month ?? 1;
  let day = f.day ?? 1;
  if (f.doy !== undefined && f.month === undefined && f.day === undefined) {
    const days = daysFromCivil(year, 1, 1) + f.doy - 1;
    const d = new Date(days * 86400000);
    month = d.getUTCMonth() + 1;
    day = d.getUTCDate();
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) throw overflow();
  let hour = f.hour ?? 0;
  if (f.clock12) {
    if (f.hour !== undefined && (hour < 1 || hour > 12)) {
      throw new SqlError('22007', `hour "${hour}" is invalid for the 12-hour clock`, { hint: 'Use the 24-hour clock, or give an hour between 1 and 12.' });
    }
    if (f.pm && hour < 12) hour += 12;
    else if (!f.pm && hour === 12) hour = 0;
  }
  const minute = f.minute ?? 0;
  const second = f.second ?? 0;
  if (hour < 0 || hour >= 24 || minute < 0 || minute >= 60 || second < 0 || second >= 60) throw overflow();
  const days = daysFromCivil(year, month, day);
  if (days < MIN_DATE_DAYS || days >= END_DATE_DAYS) throw new SqlError('22008', `${typeName === 'date' ? 'date' : 'timestamp'} out of range: "${input}"`);
  const micros = BigInt(days) * USECS_PER_DAY + BigInt(((hour * 60 + minute) * 60 + second) * 1e6 + (f.micro ?? 0));
  return { days, micros };
}
