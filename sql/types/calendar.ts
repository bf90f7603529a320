/*
 * Proleptic Gregorian calendar arithmetic (datetime.c date2j/j2date) on days
 * since 1970-01-01, with astronomical years (1 BC is year 0), and the
 * decomposition of microsecond timestamps into fields.
 */
export const USECS_PER_SEC = 1000000n;
export const USECS_PER_MINUTE = 60000000n;
export const USECS_PER_HOUR = 3600000000n;
export const USECS_PER_DAY = 86400000000n;

/** PostgreSQL's epoch (2000-01-01) in Unix days and microseconds. */
export const PG_EPOCH_DAYS = 10957;
export const PG_EPOCH_USECS = 946684800000000n;

/** Valid ranges (datetime.h): 4714-11-24 BC .. 5874897-12-31 for dates, .. 294276-12-31 for timestamps. */
export const MIN_DATE_DAYS = -2440588; // Julian day 0
export const END_DATE_DAYS = 2147483494 - 2440588; // first invalid day (JD)
export const MIN_TIMESTAMP = -210866803200000000n; // 4714-11-24 00:00:00 BC
export const END_TIMESTAMP = 9224318016000000000n; // 294277-01-01 00:00:00

export const isLeapYear = (y: number): boolean => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);

const monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
export const daysInMonth = (y: number, m: number): number => (m === 2 && isLeapYear(y) ? 29 : monthDays[m - 1]!);

/** Days since 1970-01-01 of an astronomical-year civil date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

export function civilFromDays(z: number): CivilDate {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** 0 = Sunday. */
export const dayOfWeek = (days: number): number => (((days + 4) % 7) + 7) % 7;

export interface TimestampFields extends CivilDate {
  hour: number;
  minute: number;
  second: number;
  /** Microseconds within the second. */
  micro: number;
}

/** Split microseconds since 1970 into days and microseconds of the day (floor semantics). */
export function splitTimestamp(ts: bigint): { days: number; timeOfDay: number } {
  let days = ts / USECS_PER_DAY;
  let tod = ts - days * USECS_PER_DAY;
  if (tod < 0n) {
    days -= 1n;
    tod += USECS_PER_DAY;
  }
  return { days: Number(days), timeOfDay: Number(tod) };
}

export function timestampToFields(ts: bigint): TimestampFields {
  const { days, timeOfDay } = splitTimestamp(ts);
  const c = civilFromDays(days);
  const secs = Math.floor(timeOfDay / 1e6);
  return {
    year: c.year,
    month: c.month,
    day: c.day,
    hour: Math.floor(secs / 3600),
    minute: Math.floor(secs / 60) % 60,
    second: secs % 60,
    micro: timeOfDay % 1e6,
  };
}

export function fieldsToTimestamp(f: TimestampFields): bigint {
  const days = daysFromCivil(f.year, f.month, f.day);
  const tod = ((f.hour * 60 + f.minute) * 60 + f.second) * 1e6 + f.micro;
  return BigInt(days) * USECS_PER_DAY + BigInt(tod);
}
