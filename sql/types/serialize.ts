/*
 * Storage form of a datum inside a heap tuple (rows are JSON.stringify'd):
 * compact and lossless. JSON numbers only where the value is a finite
 * number that JSON keeps exactly; everything else is a string or array.
 *
 *   bool -> true/false          int2/int4 -> number        int8, timestamp(tz), time -> decimal string
 *   float4/float8 -> number, or 'NaN' / 'Infinity' / '-Infinity' (and '-0')
 *   numeric -> its text          date -> number, or 'infinity' / '-infinity'
 *   text types, uuid, json -> string    bytea -> hex string    interval -> [months, days, "micros"]
 *   jsonb -> its text
 */
import type { Datum, Interval } from './datum.ts';
import { Jsonb, parseJsonb } from './jsonb.ts';
import { Numeric } from './numeric.ts';
import { TypeOid, type SqlType } from './oids.ts';

export type Stored = null | boolean | number | string | [number, number, string];

export function serializeDatum(type: SqlType, v: Datum): Stored {
  if (v === null) return null;
  switch (type.oid) {
    case TypeOid.bool:
    case TypeOid.int2:
    case TypeOid.int4:
      return v as boolean | number;
    case TypeOid.int8:
    case TypeOid.timestamp:
    case TypeOid.timestamptz:
    case TypeOid.time:
      return (v as bigint).toString();
    case TypeOid.float4:
    case TypeOid.float8: {
      const f = v as number;
      if (Number.isFinite(f)) return Object.is(f, -0) ? '-0' : f;
      return String(f);
    }
    case TypeOid.numeric:
      return (v as Numeric).toString();
    case TypeOid.date: {
      const d = v as number;
      return Number.isFinite(d) ? d : d > 0 ? 'infinity' : '-infinity';
    }
    case TypeOid.bytea:
      return (v as Buffer).toString('hex');
    case TypeOid.interval: {
      const iv = v as Interval;
      return [iv.months, iv.days, iv.micros.toString()];
    }
    case TypeOid.jsonb:
      return (v as Jsonb).toString();
    default:
      return v as string;
  }
}

export function deserializeDatum(type: SqlType, x: unknown): Datum {
  if (x === null || x === undefined) return null;
  switch (type.oid) {
    case TypeOid.bool:
    case TypeOid.int2:
    case TypeOid.int4:
      return x as boolean | number;
    case TypeOid.int8:
    case TypeOid.timestamp:
    case TypeOid.timestamptz:
    case TypeOid.time:
      return BigInt(x as string);
    case TypeOid.float4:
    case TypeOid.float8:
      return typeof x === 'number' ? x : Number(x);
    case TypeOid.numeric:
      return Numeric.parse(x as string)!;
    case TypeOid.date:
      return typeof x === 'number' ? x : x === 'infinity' ? Infinity : -Infinity;
    case TypeOid.bytea:
      return Buffer.from(x as string, 'hex');
    case TypeOid.interval: {
      const [months, days, micros] = x as [number, number, string];
      return { months, days, micros: BigInt(micros) };
    }
    case TypeOid.jsonb:
      return parseJsonb(x as string);
    default:
      return x as string;
  }
}
