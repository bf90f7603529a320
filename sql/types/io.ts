/*
 * Type input and output functions (typinput / typoutput): the text form of
 * every datum, byte for byte as PostgreSQL prints it under the session's
 * DateStyle, IntervalStyle and bytea_output.
 */
import { SqlError } from '../errors.ts';
import { formatBytea, parseBytea } from './bytea.ts';
import type { Datum, Interval, TypeContext } from './datum.ts';
import { formatDate, formatTime, formatTimestamp, formatTimestamptz, parseDate, parseTime, parseTimestamp } from './datetime.ts';
import { formatFloat, parseFloat8 } from './float.ts';
import { parseInt32, parseInt64 } from './int.ts';
import { formatInterval, formatIntervalStyle, parseInterval } from './interval.ts';
import { formatDateStyled, formatTimestampStyled, parseDateStyle } from './dateStyle.ts';
import { Jsonb, parseJsonb, validateJson } from './jsonb.ts';
import { Numeric } from './numeric.ts';
import { charLength, TypeOid, type SqlType } from './oids.ts';
import { coerceBpchar, coerceVarchar, parseBool } from './text.ts';
import { parseUuid } from './uuid.ts';

export function parseNumeric(text: string, typmod = -1): Numeric {
  const n = Numeric.parse(text);
  if (n === undefined) throw new SqlError('22P02', `invalid input syntax for type numeric: "${text}"`);
  return typmod >= 0 ? n.applyTypmod(typmod) : n;
}

/** typinput with the column's typmod (varchar(n) rejects over-long values here; explicit casts truncate instead). */
export function input(type: SqlType, text: string, ctx: TypeContext): Datum {
  switch (type.oid) {
    case TypeOid.int4:
      return parseInt32(text, 4);
    case TypeOid.text:
    case TypeOid.unknown:
      return text;
    case TypeOid.varchar:
      return coerceVarchar(text, charLength(type), false);
    case TypeOid.bpchar:
      return coerceBpchar(text, charLength(type), false);
    case TypeOid.int8:
      return parseInt64(text);
    case TypeOid.int2:
      return parseInt32(text, 2);
    case TypeOid.bool:
      return parseBool(text);
    case TypeOid.float8:
      return parseFloat8(text, false);
    case TypeOid.float4:
      return parseFloat8(text, true);
    case TypeOid.numeric:
      return parseNumeric(text, type.typmod);
    case TypeOid.date:
      return parseDate(text, ctx);
    case TypeOid.time:
      return parseTime(text, ctx, type.typmod);
    case TypeOid.timestamp:
      return parseTimestamp(text, false, ctx, type.typmod);
    case TypeOid.timestamptz:
      return parseTimestamp(text, true, ctx, type.typmod);
    case TypeOid.interval:
      return parseInterval(text);
    case TypeOid.bytea:
      return parseBytea(text);
    case TypeOid.uuid:
      return parseUuid(text);
    case TypeOid.json:
      return validateJson(text);
    case TypeOid.jsonb:
      return parseJsonb(text);
    default:
      throw new SqlError('42704', `type with OID ${type.oid} does not exist`);
  }
}

const wrongDatum = (type: SqlType, value: Datum): Error => new TypeError(`datum ${String(value)} is not a ${type.name}`);

/** typoutput. */
/** DateStyle ISO (the default) prints through the fast ISO formatters. */
const isoDates = (ctx: TypeContext): boolean => ctx.dateStyle === undefined || parseDateStyle(ctx.dateStyle).style === 'ISO';

export function output(type: SqlType, value: Datum, ctx: TypeContext): string {
  switch (type.oid) {
    case TypeOid.int4:
    case TypeOid.int2:
    case TypeOid.int8:
      return String(value);
    case TypeOid.text:
    case TypeOid.varchar:
    case TypeOid.bpchar:
    case TypeOid.unknown:
    case TypeOid.uuid:
    case TypeOid.json:
      return value as string;
    case TypeOid.bool:
      return value ? 't' : 'f';
    case TypeOid.float8:
      return formatFloat(value as number, false, ctx.extraFloatDigits ?? 1);
    case TypeOid.float4:
      return formatFloat(value as number, true, ctx.extraFloatDigits ?? 1);
    case TypeOid.numeric:
      return (value as Numeric).toString();
    case TypeOid.date:
      return isoDates(ctx) ? formatDate(value as number) : formatDateStyled(value as number, parseDateStyle(ctx.dateStyle));
    case TypeOid.time:
      return formatTime(value as bigint);
    case TypeOid.timestamp:
      return isoDates(ctx) ? formatTimestamp(value as bigint) : formatTimestampStyled(value as bigint, undefined, parseDateStyle(ctx.dateStyle));
    case TypeOid.timestamptz:
      return isoDates(ctx) ? formatTimestamptz(value as bigint, ctx.timeZone) : formatTimestampStyled(value as bigint, ctx.timeZone, parseDateStyle(ctx.dateStyle));
    case TypeOid.interval:
      return ctx.intervalStyle === undefined ? formatInterval(value as Interval) : formatIntervalStyle(value as Interval, ctx.intervalStyle);
    case TypeOid.bytea:
      return formatBytea(value as Buffer, ctx.byteaOutput === 'escape' ? 'escape' : 'hex');
    case TypeOid.jsonb:
      return (value as Jsonb).toString();
    default:
      throw wrongDatum(type, value);
  }
}
