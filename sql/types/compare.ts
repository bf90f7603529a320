/*
 * Btree ordering of non-null datums of one type (the type's cmp support
 * function): text bytewise over UTF-8 (C collation), bpchar ignoring
 * trailing spaces, floats and numerics with NaN above everything,
 * intervals as 30-day months and 24-hour days.
 */
import type { Datum, Interval } from './datum.ts';
import { compareFloat } from './float.ts';
import { compareInterval } from './interval.ts';
import { compareJsonb, type Jsonb } from './jsonb.ts';
import type { Numeric } from './numeric.ts';
import { TypeOid, type SqlType } from './oids.ts';
import { compareBpchar, compareText } from './text.ts';

export function compareOid(oid: number, a: Datum, b: Datum): number {
  switch (oid) {
    case TypeOid.int4:
    case TypeOid.int2:
    case TypeOid.date:
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    case TypeOid.int8:
    case TypeOid.timestamp:
    case TypeOid.timestamptz:
    case TypeOid.time:
      return (a as bigint) < (b as bigint) ? -1 : (a as bigint) > (b as bigint) ? 1 : 0;
    case TypeOid.text:
    case TypeOid.varchar:
    case TypeOid.unknown:
    case TypeOid.uuid:
    case TypeOid.json:
      return compareText(a as string, b as string);
    case TypeOid.bpchar:
      return compareBpchar(a as string, b as string);
    case TypeOid.bool:
      return a === b ? 0 : a ? 1 : -1;
    case TypeOid.float4:
    case TypeOid.float8:
      return compareFloat(a as number, b as number);
    case TypeOid.numeric:
      return (a as Numeric).compare(b as Numeric);
    case TypeOid.interval:
      return compareInterval(a as Interval, b as Interval);
    case TypeOid.bytea:
      return Buffer.compare(a as Buffer, b as Buffer);
    case TypeOid.jsonb:
      return compareJsonb(a as Jsonb, b as Jsonb);
    default:
      throw new TypeError(`no ordering for type ${oid}`);
  }
}

/** compare() of the API: both values non-null and of `type`. */
export const compare = (type: SqlType, a: Datum, b: Datum): number => compareOid(type.oid, a, b);
