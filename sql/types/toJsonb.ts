/*
 * to_jsonb (datum_to_jsonb): a datum of any supported type as a jsonb
 * value. Numbers become jsonb numbers (float NaN/Infinity become strings),
 * dates and timestamps their ISO 8601 XSD form ('2024-01-01T12:00:00+00:00'),
 * json/jsonb are embedded, everything else is its text output as a string.
 */
import type { Datum, TypeContext } from './datum.ts';
import { formatDate, formatOffset, formatTimestamp, timestamptzOffset } from './datetime.ts';
import { TIMESTAMP_INFINITY, TIMESTAMP_NEG_INFINITY } from './datum.ts';
import { formatFloat } from './float.ts';
import { output } from './io.ts';
import { Jsonb, parseJsonb, type JsonValue } from './jsonb.ts';
import { Numeric } from './numeric.ts';
import { TypeOid, type SqlType } from './oids.ts';

/** EncodeDateTime with XSD: 'T' separator, offsets always with minutes. */
function xsdTimestamp(ts: bigint, offset: number | undefined): string {
  const base = formatTimestamp(ts + BigInt(offset ?? 0) * 1000000n);
  const bc = base.endsWith(' BC');
  let s = (bc ? base.slice(0, -3) : base).replace(' ', 'T');
  if (offset !== undefined) {
    const o = formatOffset(offset);
    s += o.length === 3 ? o + ':00' : o;
  }
  return bc ? s + ' BC' : s;
}

export function toJsonValue(v: Datum, type: SqlType, ctx: TypeContext): JsonValue {
  if (v === null) return null;
  switch (type.oid) {
    case TypeOid.bool:
      return v as boolean;
    case TypeOid.int2:
    case TypeOid.int4:
    case TypeOid.int8:
      return Numeric.fromInt(v as number | bigint);
    case TypeOid.numeric: {
      const n = v as Numeric;
      return n.isFinite() ? n : n.toString();
    }
    case TypeOid.float4:
    case TypeOid.float8: {
      const f = v as number;
      const text = formatFloat(f, type.oid === TypeOid.float4, ctx.extraFloatDigits ?? 1);
      return Number.isFinite(f) ? Numeric.parse(text)! : text;
    }
    case TypeOid.jsonb:
      return (v as Jsonb).root;
    case TypeOid.json:
      return parseJsonb(v as string).root;
    case TypeOid.date:
      return formatDate(v as number);
    case TypeOid.timestamp: {
      const ts = v as bigint;
      if (ts === TIMESTAMP_INFINITY || ts === TIMESTAMP_NEG_INFINITY) return formatTimestamp(ts);
      return xsdTimestamp(ts, undefined);
    }
    case TypeOid.timestamptz: {
      const ts = v as bigint;
      if (ts === TIMESTAMP_INFINITY || ts === TIMESTAMP_NEG_INFINITY) return formatTimestamp(ts);
      return xsdTimestamp(ts, timestamptzOffset(ts, ctx.timeZone));
    }
    case TypeOid.bpchar:
      return v as string;
    case TypeOid.text:
    case TypeOid.varchar:
    case TypeOid.unknown:
      return v as string;
    default:
      return output(type, v, ctx);
  }
}
