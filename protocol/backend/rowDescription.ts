/*
 * RowDescription (B)
 *   Byte1('T')   Identifies the message as a row description.
 *   Int32        Length of message contents in bytes, including self.
 *   Int16        Specifies the number of fields in a row (can be zero).
 *   Then, for each field:
 *     String     The field name.
 *     Int32      If the field can be identified as a column of a specific
 *                table, the object ID of the table; otherwise zero.
 *     Int16      If the field can be identified as a column of a specific
 *                table, the attribute number of the column; otherwise zero.
 *     Int32      The object ID of the field's data type.
 *     Int16      The data type size (see pg_type.typlen). Negative values
 *                denote variable-width types.
 *     Int32      The type modifier (see pg_attribute.atttypmod).
 *     Int16      The format code being used for the field: 0 text, 1 binary.
 *
 * @see https://www.postgresql.org/docs/15/protocol-message-formats.html
 */
import { BackendCode } from '../codes.ts';
import { Writer } from '../writer.ts';

export interface FieldDescription {
  name: string;
  typeOid: number;
  /** atttypmod; -1 for none. */
  typmod: number;
  /** The column's table (pg_class OID), 0 when the field is not a plain column. */
  tableOid?: number;
  /** The column's attnum, 0 when the field is not a plain column. */
  columnAttnum?: number;
}

/** pg_type.typlen of the built-in types (pg_type.dat); -1 (varlena) for types not listed. */
const TYPLEN: Record<number, number> = {
  16: 1, // bool
  17: -1, // bytea
  18: 1, // char
  19: 64, // name
  20: 8, // int8
  21: 2, // int2
  23: 4, // int4
  24: 4, // regproc
  25: -1, // text
  26: 4, // oid
  27: 6, // tid
  28: 4, // xid
  29: 4, // cid
  114: -1, // json
  142: -1, // xml
  600: 16, // point
  700: 4, // float4
  701: 8, // float8
  705: -2, // unknown (a C string)
  790: 8, // money
  1042: -1, // bpchar
  1043: -1, // varchar
  1082: 4, // date
  1083: 8, // time
  1114: 8, // timestamp
  1184: 8, // timestamptz
  1186: 16, // interval
  1266: 12, // timetz
  1560: -1, // bit
  1562: -1, // varbit
  1700: -1, // numeric
  2205: 4, // regclass
  2206: 4, // regtype
  2249: -1, // record
  2275: -2, // cstring
  2278: 4, // void
  2950: 16, // uuid
  3220: 8, // pg_lsn
  3802: -1, // jsonb
};

export const typlenOf = (typeOid: number): number => TYPLEN[typeOid] ?? -1;

const w = new Writer(256);

/** `formats[i]` is field i's format code (0 text, 1 binary); missing entries are text. */
export function createRowDescription(fields: readonly FieldDescription[], formats: readonly number[] = []): Buffer {
  w.int16(fields.length);
  fields.forEach((f, i) => {
    w.cstring(f.name)
      .int32(f.tableOid ?? 0)
      .int16(f.columnAttnum ?? 0)
      .int32(f.typeOid)
      .int16(typlenOf(f.typeOid))
      .int32(f.typmod)
      .int16(formats[i] ?? 0);
  });
  return w.message(BackendCode.RowDescription);
}
