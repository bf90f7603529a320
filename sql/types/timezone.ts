/*
 * Time zone offsets from the IANA database through Intl (the same rules
 * PostgreSQL reads from tzdata), and PostgreSQL's resolution of local times
 * that fall into a DST gap or overlap (DetermineTimeZoneOffsetInternal):
 * the later of the two instants, i.e. the offset in force before a
 * spring-forward jump and after a fall-back one.
 */
import { SqlError } from '../errors.ts';

const formatters = new Map<string, Intl.DateTimeFormat | null>();
/** Per zone: offset (seconds east) per hour bucket, where the whole hour has one offset. */
const hourCache = new Map<string, Map<number, number>>();

const UTC_NAMES = new Set([
  'utc',
  'etc/utc',
  'gmt',
  'etc/gmt',
  'z',
  'zulu',
  'uct',
  'etc/uct',
  'universal',
  'etc/universal',
  'etc/zulu',
  'greenwich',
  'etc/greenwich',
  'gmt0',
  'etc/gmt0',
  'ut',
]);

export const isUtcZone = (zone: string): boolean => UTC_NAMES.has(zone.toLowerCase());

function formatterFor(zone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(zone);
  if (f !== undefined) return f;
  try {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    // RangeError: Intl does not know the zone; callers report it as PostgreSQL does.
    f = null;
  }
  formatters.set(zone, f);
  return f;
}

export const isValidZone = (zone: string): boolean => isUtcZone(zone) || formatterFor(zone) !== null;

export function zoneNotRecognized(zone: string): SqlError {
  return new SqlError('22023', `time zone "${zone}" not recognized`);
}

/** Intl's Date range. */
const MAX_MS = 8.64e15;

function exactOffset(f: Intl.DateTimeFormat, utcSeconds: number): number {
  const ms = Math.max(-MAX_MS, Math.min(MAX_MS - 86400000, utcSeconds * 1000));
  const clampedSeconds = Math.floor(ms / 1000);
  let year = 0;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let bc = false;
  for (const p of f.formatToParts(clampedSeconds * 1000)) {
    switch (p.type) {
      case 'year':
        year = Number(p.value);
        break;
      case 'month':
        month = Number(p.value);
        break;
      case 'day':
        day = Number(p.value);
        break;
      case 'hour':
        hour = Number(p.value);
        break;
      case 'minute':
        minute = Number(p.value);
        break;
      case 'second':
        second = Number(p.value);
        break;
      case 'era':
        bc = p.value.startsWith('B');
        break;
    }
  }
  if (bc) year = 1 - year;
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  return Math.round(d.getTime() / 1000) - clampedSeconds;
}

/** Seconds east of Greenwich in force at a UTC instant (seconds since 1970). */
export function zoneOffset(zone: string, utcSeconds: number): number {
  if (isUtcZone(zone)) return 0;
  const f = formatterFor(zone);
  if (f === null) throw zoneNotRecognized(zone);
  let cache = hourCache.get(zone);
  if (cache === undefined) {
    cache = new Map();
    hourCache.set(zone, cache);
  }
  const bucket = Math.floor(utcSeconds / 3600);
  const hit = cache.get(bucket);
  if (hit !== undefined) return hit;
  const start = exactOffset(f, bucket * 3600);
  const end = exactOffset(f, bucket * 3600 + 3599);
  if (start === end) {
    if (cache.size > 50000) cache.clear();
    cache.set(bucket, start);
    return start;
  }
  return exactOffset(f, utcSeconds);
}

/** The UTC instant (seconds) of a local wall-clock time (seconds since 1970 as if UTC) in a zone. */
export function localToUtc(zone: string, localSeconds: number): number {
  if (isUtcZone(zone)) return localSeconds;
  const before = zoneOffset(zone, localSeconds - 86400);
  const after = zoneOffset(zone, localSeconds + 86400);
  if (before === after) return localSeconds - before;
  const beforeTime = localSeconds - before;
  const afterTime = localSeconds - after;
  const beforeValid = zoneOffset(zone, beforeTime) === before;
  const afterValid = zoneOffset(zone, afterTime) === after;
  if (beforeValid && !afterValid) return beforeTime;
  if (afterValid && !beforeValid) return afterTime;
  // In a gap (neither) or an overlap (both): the later instant.
  return Math.max(beforeTime, afterTime);
}

const abbrevFormatters = new Map<string, Intl.DateTimeFormat>();

function shortName(zone: string, locale: string, utcSeconds: number): string {
  const key = locale + ' ' + zone;
  let f = abbrevFormatters.get(key);
  if (f === undefined) {
    f = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'short' });
    abbrevFormatters.set(key, f);
  }
  return f.formatToParts(utcSeconds * 1000).find((p) => p.type === 'timeZoneName')?.value ?? '';
}

/**
 * The zone's abbreviation at an instant (to_char TZ): ICU has tzdata's
 * letters for American zones in en-US and for European ones in en-GB;
 * elsewhere it only has 'GMT+9', so undefined is returned and the caller
 * prints the offset.
 */
export function zoneAbbreviation(zone: string, utcSeconds: number): string | undefined {
  if (isUtcZone(zone)) return 'UTC';
  for (const locale of ['en-US', 'en-GB']) {
    const name = shortName(zone, locale, utcSeconds);
    if (/^[A-Z]+$/.test(name)) return name;
  }
  return undefined;
}
