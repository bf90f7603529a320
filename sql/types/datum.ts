/*
 * The in-memory representation of SQL values (datums) shared by the parser,
 * planner and executor. The contract, fixed for the whole engine:
 *
 *   SQL NULL        -> null
 *   bool            -> boolean
 *   int2, int4      -> number (an integer)
 *   int8            -> bigint
 *   float4, float8  -> number
 *   numeric         -> Numeric
 *   text, varchar, bpchar, unknown, json, uuid -> string
 *   bytea           -> Buffer
 *   date            -> number: days since 1970-01-01, +-Infinity for 'infinity'
 *   timestamp(tz)   -> bigint: microseconds since 1970-01-01 00:00:00
 *                      (TIMESTAMP_INFINITY / TIMESTAMP_NEG_INFINITY as PostgreSQL's sentinels)
 *   time            -> bigint: microseconds since midnight
 *   interval        -> Interval
 *   jsonb           -> Jsonb
 */
import type { Numeric } from './numeric.ts';
import type { Jsonb } from './jsonb.ts';

/** PostgreSQL's three interval fields; they are never normalised into each other except by justify_*(). */
export interface Interval {
  readonly months: number;
  readonly days: number;
  readonly micros: bigint;
}

export type Datum = null | boolean | number | bigint | string | Buffer | Numeric | Interval | Jsonb;

/** Session settings a type function may depend on. */
export interface TypeContext {
  /** IANA zone name, e.g. 'UTC' or 'Europe/Berlin'. */
  timeZone: string;
  /** DateStyle, 'ISO, MDY' when absent: the output style (ISO, SQL, Postgres, German) and the MDY/DMY/YMD field order. */
  dateStyle?: string;
  /** IntervalStyle, 'postgres' when absent (also sql_standard, postgres_verbose, iso_8601). */
  intervalStyle?: string;
  /** bytea_output, 'hex' when absent. */
  byteaOutput?: string;
  /** extra_float_digits, 1 when absent (shortest round-trip output). */
  extraFloatDigits?: number;
  /** The transaction start instant (now()), microseconds since the Unix epoch. */
  now?: bigint;
  /** The statement start instant (statement_timestamp()). */
  statementNow?: bigint;
}

/**
 * PostgreSQL's DT_NOEND and DT_NOBEGIN (INT64_MAX / INT64_MIN microseconds
 * from 2000-01-01), moved to our 1970 epoch: timestamp 'infinity' and
 * '-infinity'. They lie outside the valid range, and subtracting
 * PG_EPOCH_USECS gives PostgreSQL's int64 exactly (used by index keys).
 */
export const TIMESTAMP_INFINITY = 9223372036854775807n + 946684800000000n;
export const TIMESTAMP_NEG_INFINITY = -9223372036854775808n + 946684800000000n;

export const isInterval = (v: unknown): v is Interval => typeof v === 'object' && v !== null && !Buffer.isBuffer(v) && typeof (v as { micros?: unknown }).micros === 'bigint';
