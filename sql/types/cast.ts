/*
 * castDatum: PostgreSQL's cast functions among the built-in types, and the
 * typmod coercions (varchar(n), char(n), numeric(p,s), timestamp(p)).
 * Explicit casts to varchar(n) / char(n) truncate; implicit and assignment
 * ones raise 22001 unless only spaces are cut.
 */
import { SqlError } from '../errors.ts';
import { splitTimestamp, USECS_PER_DAY } from './calendar.ts';
import { castContext } from './coerce.ts';
import type { Datum, Interval, TypeContext } from './datum.ts';
import { checkDateRange, checkTimestampRange, fromLocal, isFiniteTimestamp, roundMicros, toLocal } from './datetime.ts';
import { TIMESTAMP_INFINITY, TIMESTAMP_NEG_INFINITY } from './datum.ts';
import { toFloat4 } from './float.ts';
import { checkInt32, checkInt64, floatToInt, intOutOfRange, type IntWidth } from './int.ts';
import { input, output } from './io.ts';
import { Jsonb, parseJsonb, formatJson } from './jsonb.ts';
import { Numeric } from './numeric.ts';
import { charLength, typeCategory, typeDisplayName, TypeOid, type SqlType } from './oids.ts';
import { bpcharTrim, coerceBpchar, coerceVarchar } from './text.ts';

const O = TypeOid;

export const cannotCast = (from: SqlType, to: SqlType): SqlError => new SqlError('42846', `cannot cast type ${typeDisplayName(from.oid)} to ${typeDisplayName(to.oid)}`);

const widthOf = (oid: number): IntWidth | undefined => (oid === O.int2 ? 2 : oid === O.int4 ? 4 : oid === O.int8 ? 8 : undefined);

/** numeric_int2/4/8: round half away from zero; NaN and infinity cannot convert. */
export function numericToInt(n: Numeric, width: IntWidth): number | bigint {
  const name = width === 2 ? 'smallint' : width === 4 ? 'integer' : 'bigint';
  if (n.isNaN()) throw new SqlError('0A000', `cannot convert NaN to ${name}`);
  if (n.isInfinite()) throw new SqlError('0A000', `cannot convert infinity to ${name}`);
  const v = n.toBigIntRounded();
  if (width === 8) return checkInt64(v);
  const lim = width === 4 ? 2147483648n : 32768n;
  if (v < -lim || v >= lim) throw intOutOfRange(width);
  return Number(v);
}

function toIntWidth(value: Datum, fromOid: number, width: IntWidth): number | bigint {
  switch (fromOid) {
    case O.int2:
    case O.int4: {
      const v = value as number;
      return width === 8 ? BigInt(v) : checkInt32(v, width);
    }
    case O.int8: {
      const v = value as bigint;
      if (width === 8) return v;
      const lim = width === 4 ? 2147483648n : 32768n;
      if (v < -lim || v >= lim) throw intOutOfRange(width);
      return Number(v);
    }
    case O.float4:
    case O.float8:
      return floatToInt(value as number, width);
    case O.numeric:
      return numericToInt(value as Numeric, width);
    case O.bool:
      return value ? 1 : 0;
    default:
      throw new TypeError('not a numeric source');
  }
}

function toFloat(value: Datum, fromOid: number): number {
  switch (fromOid) {
    case O.int2:
    case O.int4:
    case O.float4:
    case O.float8:
      return value as number;
    case O.int8:
      return Number(value as bigint);
    case O.numeric:
      return (value as Numeric).toNumber();
    default:
      throw new TypeError('not a numeric source');
  }
}

function toNumeric(value: Datum, fromOid: number): Numeric {
  switch (fromOid) {
    case O.int2:
    case O.int4:
    case O.int8:
      return Numeric.fromInt(value as number | bigint);
    case O.float4:
      return Numeric.fromFloat(value as number, 6);
    case O.float8:
      return Numeric.fromFloat(value as number, 15);
    case O.numeric:
      return value as Numeric;
    default:
      throw new TypeError('not a numeric source');
  }
}

/** Apply the target typmod to a value already of the target type. */
export function applyTypmod(value: Datum, type: SqlType, explicit: boolean): Datum {
  if (type.typmod < 0 || value === null) return value;
  switch (type.oid) {
    case O.varchar:
      return coerceVarchar(value as string, charLength(type), explicit);
    case O.bpchar:
      return coerceBpchar(value as string, charLength(type), explicit);
    case O.numeric:
      return (value as Numeric).applyTypmod(type.typmod);
    case O.timestamp:
    case O.timestamptz:
    case O.time:
      return roundMicros(value as bigint, type.typmod);
    default:
      return value;
  }
}

/** jsonb -> numeric types: only a jsonb number converts (PostgreSQL 15 cannotCastJsonbValue). */
function jsonbScalar(value: Jsonb, target: string, wantBool: boolean): Numeric | boolean {
  const r = value.root;
  if (wantBool ? typeof r === 'boolean' : r instanceof Numeric) return r as Numeric | boolean;
  const kind =
    r === null ? 'null' : typeof r === 'string' ? 'string' : typeof r === 'boolean' ? 'boolean' : r instanceof Numeric ? 'numeric' : Array.isArray(r) ? 'array' : 'object';
  throw new SqlError('22023', `cannot cast jsonb ${kind} to type ${target}`);
}

function castValue(value: Datum, from: SqlType, to: SqlType, ctx: TypeContext, explicit: boolean): Datum {
  const f = from.oid;
  const t = to.oid;
  if (f === t) return value;
  if (f === O.unknown) return input({ oid: t, name: to.name, typmod: -1 }, value as string, ctx);
  const targetWidth = widthOf(t);
  const fromCategory = typeCategory(f);
  if (fromCategory === 'N' || f === O.bool) {
    if (targetWidth !== undefined) return toIntWidth(value, f, targetWidth);
    if (t === O.float8 && f !== O.bool) return toFloat(value, f);
    if (t === O.float4 && f !== O.bool) {
      const v = toFloat(value, f);
      return f === O.float8 ? toFloat4(v) : Math.fround(v);
    }
    if (t === O.numeric && f !== O.bool) return toNumeric(value, f);
    if (t === O.bool && f === O.int4) return value !== 0;
  }
  if (typeCategory(t) === 'S') {
    if (f === O.bpchar) return bpcharTrim(value as string);
    if (fromCategory === 'S') return value;
    if (f === O.bool) return value ? 'true' : 'false';
    return output(from, value, ctx);
  }
  if (fromCategory === 'S') return input({ oid: t, name: to.name, typmod: -1 }, f === O.bpchar ? bpcharTrim(value as string) : (value as string), ctx);
  switch (f) {
    case O.date: {
      const d = value as number;
      if (t === O.timestamp || t === O.timestamptz) {
        if (d === Infinity) return TIMESTAMP_INFINITY;
        if (d === -Infinity) return TIMESTAMP_NEG_INFINITY;
        const local = BigInt(d) * USECS_PER_DAY;
        if (t === O.timestamp) return checkTimestampRange(local);
        return checkTimestampRange(fromLocal(checkTimestampRange(local), ctx.timeZone));
      }
      break;
    }
    case O.timestamp:
    case O.timestamptz: {
      const ts = value as bigint;
      if (t === O.timestamptz) return isFiniteTimestamp(ts) ? checkTimestampRange(fromLocal(ts, ctx.timeZone)) : ts;
      const local = f === O.timestamptz ? toLocal(ts, ctx.timeZone) : ts;
      if (t === O.timestamp) return checkTimestampRange(local);
      if (t === O.date) {
        if (ts === TIMESTAMP_INFINITY) return Infinity;
        if (ts === TIMESTAMP_NEG_INFINITY) return -Infinity;
        return checkDateRange(splitTimestamp(local).days);
      }
      if (t === O.time) {
        if (!isFiniteTimestamp(ts)) throw new SqlError('22008', 'timestamp out of range');
        return BigInt(splitTimestamp(local).timeOfDay);
      }
      break;
    }
    case O.time:
      if (t === O.interval) return { months: 0, days: 0, micros: value as bigint } satisfies Interval;
      break;
    case O.interval:
      if (t === O.time) {
        const m = (value as Interval).micros % USECS_PER_DAY;
        return m < 0n ? m + USECS_PER_DAY : m;
      }
      break;
    case O.json:
      if (t === O.jsonb) return parseJsonb(value as string);
      break;
    case O.jsonb:
      if (t === O.json) return formatJson((value as Jsonb).root);
      if (t === O.bool) return jsonbScalar(value as Jsonb, 'boolean', true);
      if (typeCategory(t) === 'N') {
        const n = jsonbScalar(value as Jsonb, typeDisplayName(t), false) as Numeric;
        return castValue(n, { oid: O.numeric, name: 'numeric', typmod: -1 }, to, ctx, explicit);
      }
      break;
  }
  throw cannotCast(from, to);
}

/**
 * Cast a non-null datum (null passes through) from one type to another:
 * `explicit` is true for CAST / :: and false for implicit and assignment
 * coercions (which decides varchar(n) truncation vs 22001).
 */
export function castDatum(value: Datum, from: SqlType, to: SqlType, ctx: TypeContext, explicit: boolean): Datum {
  if (value === null) return null;
  const context = castContext(from.oid, to.oid);
  if (context === undefined || (context === 'explicit' && !explicit)) throw cannotCast(from, to);
  const v = castValue(value, from, to, ctx, explicit);
  return applyTypmod(v, to, explicit);
}
