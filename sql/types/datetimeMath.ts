/*
 * Date/time arithmetic (date.c, timestamp.c): date +/- integer, date - date,
 * timestamp(tz) +/- interval (months, then days, then time; timestamptz
 * does the calendar steps in the session time zone), timestamp - timestamp
 * (justified hours), time +/- interval, and age().
 */
import { SqlError } from '../errors.ts';
import { civilFromDays, daysFromCivil, daysInMonth, END_DATE_DAYS, MIN_DATE_DAYS, splitTimestamp, timestampToFields, USECS_PER_DAY } from './calendar.ts';
import type { Interval } from './datum.ts';
import { checkTimestampRange, fromLocal, isFiniteTimestamp, toLocal } from './datetime.ts';
import { justifyHours, negateInterval } from './interval.ts';

const dateOutOfRange = (): SqlError => new SqlError('22008', 'date out of range');

export function dateAddDays(d: number, n: number): number {
  if (!Number.isFinite(d)) return d;
  const r = d + n;
  if (r < MIN_DATE_DAYS || r >= END_DATE_DAYS) throw dateOutOfRange();
  return r;
}

export function dateDiff(a: number, b: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw new SqlError('22008', 'cannot subtract infinite dates');
  return a - b;
}

/** Add months and days to a local timestamp with end-of-month clamping. */
function addCalendar(local: bigint, months: number, days: number): bigint {
  let ts = local;
  if (months !== 0) {
    const { days: d, timeOfDay } = splitTimestamp(ts);
    const c = civilFromDays(d);
    const total = c.year * 12 + (c.month - 1) + months;
    const year = Math.floor(total / 12);
    const month = total - year * 12 + 1;
    const day = Math.min(c.day, daysInMonth(year, month));
    ts = BigInt(daysFromCivil(year, month, day)) * USECS_PER_DAY + BigInt(timeOfDay);
    checkTimestampRange(ts);
  }
  if (days !== 0) {
    ts += BigInt(days) * USECS_PER_DAY;
    checkTimestampRange(ts);
  }
  return ts;
}

/** timestamp_pl_interval. */
export function timestampPlusInterval(ts: bigint, iv: Interval): bigint {
  if (!isFiniteTimestamp(ts)) return ts;
  return checkTimestampRange(addCalendar(ts, iv.months, iv.days) + iv.micros);
}

/** timestamptz_pl_interval: months and days in local time of `zone`, then the exact time. */
export function timestamptzPlusInterval(ts: bigint, iv: Interval, zone: string): bigint {
  if (!isFiniteTimestamp(ts)) return ts;
  let r = ts;
  if (iv.months !== 0 || iv.days !== 0) r = fromLocal(addCalendar(toLocal(ts, zone), iv.months, iv.days), zone);
  return checkTimestampRange(r + iv.micros);
}

export const timestampMinusInterval = (ts: bigint, iv: Interval): bigint => timestampPlusInterval(ts, negateInterval(iv));
export const timestamptzMinusInterval = (ts: bigint, iv: Interval, zone: string): bigint => timestamptzPlusInterval(ts, negateInterval(iv), zone);

/** timestamp_mi: the difference as hours, justified into days. */
export function timestampDiff(a: bigint, b: bigint): Interval {
  if (!isFiniteTimestamp(a) || !isFiniteTimestamp(b)) throw new SqlError('22008', 'cannot subtract infinite timestamps');
  const d = a - b;
  if (d < -9223372036854775808n || d > 9223372036854775807n) throw new SqlError('22008', 'interval out of range');
  return justifyHours({ months: 0, days: 0, micros: d });
}

/** time_pl_interval: wraps around midnight. */
export function timePlusInterval(t: bigint, iv: Interval): bigint {
  let r = (t + iv.micros) % USECS_PER_DAY;
  if (r < 0n) r += USECS_PER_DAY;
  return r;
}

/**
 * timestamp_age / timestamptz_age: field-wise difference with borrows,
 * as PostgreSQL computes it (day borrows use the month of the earlier value).
 */
export function age(a: bigint, b: bigint): Interval {
  if (!isFiniteTimestamp(a) || !isFiniteTimestamp(b)) throw new SqlError('22008', 'cannot subtract infinite timestamps');
  const f1 = timestampToFields(a);
  const f2 = timestampToFields(b);
  let fsec = f1.micro - f2.micro;
  let sec = f1.second - f2.second;
  let min = f1.minute - f2.minute;
  let hour = f1.hour - f2.hour;
  let mday = f1.day - f2.day;
  let mon = f1.month - f2.month;
  let year = f1.year - f2.year;
  // Flip sign if necessary so the borrows below work on a positive difference.
  const neg = a < b;
  if (neg) {
    fsec = -fsec;
    sec = -sec;
    min = -min;
    hour = -hour;
    mday = -mday;
    mon = -mon;
    year = -year;
  }
  while (fsec < 0) {
    fsec += 1000000;
    sec--;
  }
  while (sec < 0) {
    sec += 60;
    min--;
  }
  while (min < 0) {
    min += 60;
    hour--;
  }
  while (hour < 0) {
    hour += 24;
    mday--;
  }
  while (mday < 0) {
    if (neg) mday += daysInMonth(f1.year, f1.month);
    else mday += daysInMonth(f2.year, f2.month);
    mon--;
  }
  while (mon < 0) {
    mon += 12;
    year--;
  }
  if (neg) {
    fsec = -fsec;
    sec = -sec;
    min = -min;
    hour = -hour;
    mday = -mday;
    mon = -mon;
    year = -year;
  }
  const micros = BigInt(((hour * 60 + min) * 60 + sec) * 1e6 + fsec);
  return { months: year * 12 + mon + 0, days: mday + 0, micros };
}
