/*
 * Built-in types: their OIDs (as in pg_type.dat), names (format_type), type
 * categories and preferred types (pg_type.typcategory / typispreferred), and
 * the resolution of a parser TypeName to a SqlType with a typmod.
 *
 * A typmod is stored as PostgreSQL stores atttypmod: varchar(n) and char(n)
 * are n + 4 (VARHDRSZ), numeric(p,s) is ((p << 16) | (s & 0x7ff)) + 4,
 * timestamp(p) / time(p) / interval(p) are p; -1 means none.
 */
import { SqlError } from '../errors.ts';

export const TypeOid = {
  bool: 16,
  bytea: 17,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  json: 114,
  float4: 700,
  float8: 701,
  unknown: 705,
  bpchar: 1042,
  varchar: 1043,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  numeric: 1700,
  uuid: 2950,
  jsonb: 3802,
} as const;

export type TypeOidValue = (typeof TypeOid)[keyof typeof TypeOid];

export interface SqlType {
  oid: number;
  /** PostgreSQL's format_type(oid, typmod), e.g. 'integer', 'character varying(10)', 'numeric(10,2)'. */
  name: string;
  /** atttypmod as PostgreSQL stores it; -1 for none. */
  typmod: number;
}

/** pg_type.typcategory. */
export type TypeCategory = 'B' | 'N' | 'S' | 'D' | 'T' | 'U' | 'X';

interface TypeInfo {
  typname: string;
  /** format_type_be: the name without typmod. */
  display: string;
  category: TypeCategory;
  preferred: boolean;
}

const info: Record<number, TypeInfo> = {
  [TypeOid.bool]: { typname: 'bool', display: 'boolean', category: 'B', preferred: true },
  [TypeOid.bytea]: { typname: 'bytea', display: 'bytea', category: 'U', preferred: false },
  [TypeOid.int8]: { typname: 'int8', display: 'bigint', category: 'N', preferred: false },
  [TypeOid.int2]: { typname: 'int2', display: 'smallint', category: 'N', preferred: false },
  [TypeOid.int4]: { typname: 'int4', display: 'integer', category: 'N', preferred: false },
  [TypeOid.text]: { typname: 'text', display: 'text', category: 'S', preferred: true },
  [TypeOid.json]: { typname: 'json', display: 'json', category: 'U', preferred: false },
  [TypeOid.float4]: { typname: 'float4', display: 'real', category: 'N', preferred: false },
  [TypeOid.float8]: { typname: 'float8', display: 'double precision', category: 'N', preferred: true },
  [TypeOid.unknown]: { typname: 'unknown', display: 'unknown', category: 'X', preferred: false },
  [TypeOid.bpchar]: { typname: 'bpchar', display: 'character', category: 'S', preferred: false },
  [TypeOid.varchar]: { typname: 'varchar', display: 'character varying', category: 'S', preferred: false },
  [TypeOid.date]: { typname: 'date', display: 'date', category: 'D', preferred: false },
  [TypeOid.time]: { typname: 'time', display: 'time without time zone', category: 'D', preferred: false },
  [TypeOid.timestamp]: { typname: 'timestamp', display: 'timestamp without time zone', category: 'D', preferred: false },
  [TypeOid.timestamptz]: { typname: 'timestamptz', display: 'timestamp with time zone', category: 'D', preferred: true },
  [TypeOid.interval]: { typname: 'interval', display: 'interval', category: 'T', preferred: true },
  [TypeOid.numeric]: { typname: 'numeric', display: 'numeric', category: 'N', preferred: false },
  [TypeOid.uuid]: { typname: 'uuid', display: 'uuid', category: 'U', preferred: false },
  [TypeOid.jsonb]: { typname: 'jsonb', display: 'jsonb', category: 'U', preferred: false },
};

const byTypname = new Map<string, number>(Object.entries(info).map(([oid, i]) => [i.typname, Number(oid)]));

function infoOf(oid: number): TypeInfo {
  const i = info[oid];
  if (i === undefined) throw new SqlError('42704', `type with OID ${oid} does not exist`);
  return i;
}

export const typeCategory = (oid: number): TypeCategory => infoOf(oid).category;
export const isPreferredType = (oid: number): boolean => infoOf(oid).preferred;
export const isKnownTypeOid = (oid: number): boolean => info[oid] !== undefined;

/** format_type_be: the type name without its typmod, as used in most error messages. */
export const typeDisplayName = (oid: number): string => infoOf(oid).display;

/** format_type(oid, typmod). */
export function formatType(oid: number, typmod: number): string {
  const i = infoOf(oid);
  if (typmod < 0) return oid === TypeOid.bpchar ? 'bpchar' : i.display;
  switch (oid) {
    case TypeOid.bpchar:
      return `character(${typmod - 4})`;
    case TypeOid.varchar:
      return `character varying(${typmod - 4})`;
    case TypeOid.numeric: {
      const t = typmod - 4;
      const scale = ((t & 0x7ff) ^ 1024) - 1024;
      return `numeric(${(t >> 16) & 0xffff},${scale})`;
    }
    case TypeOid.timestamp:
      return `timestamp(${typmod}) without time zone`;
    case TypeOid.timestamptz:
      return `timestamp(${typmod}) with time zone`;
    case TypeOid.time:
      return `time(${typmod}) without time zone`;
    case TypeOid.interval:
      return `interval(${typmod})`;
    default:
      return i.display;
  }
}

const typeCache = new Map<number, SqlType>();

export function typeByOid(oid: number, typmod = -1): SqlType {
  if (typmod < 0) {
    const cached = typeCache.get(oid);
    if (cached !== undefined) return cached;
    const t: SqlType = Object.freeze({ oid, name: formatType(oid, -1), typmod: -1 });
    typeCache.set(oid, t);
    return t;
  }
  return Object.freeze({ oid, name: formatType(oid, typmod), typmod });
}

/** Shorthands for the executor and the tests. */
export const Types = {
  bool: typeByOid(TypeOid.bool),
  bytea: typeByOid(TypeOid.bytea),
  int2: typeByOid(TypeOid.int2),
  int4: typeByOid(TypeOid.int4),
  int8: typeByOid(TypeOid.int8),
  text: typeByOid(TypeOid.text),
  json: typeByOid(TypeOid.json),
  float4: typeByOid(TypeOid.float4),
  float8: typeByOid(TypeOid.float8),
  unknown: typeByOid(TypeOid.unknown),
  bpchar: typeByOid(TypeOid.bpchar),
  varchar: typeByOid(TypeOid.varchar),
  date: typeByOid(TypeOid.date),
  time: typeByOid(TypeOid.time),
  timestamp: typeByOid(TypeOid.timestamp),
  timestamptz: typeByOid(TypeOid.timestamptz),
  interval: typeByOid(TypeOid.interval),
  numeric: typeByOid(TypeOid.numeric),
  uuid: typeByOid(TypeOid.uuid),
  jsonb: typeByOid(TypeOid.jsonb),
} as const;

const invalidParameter = (message: string): SqlError => new SqlError('22023', message);

/** The typmod in modifier syntax: typmodin of each type. */
function typmodIn(oid: number, typmods: number[]): number {
  if (typmods.length === 0) return -1;
  const name = infoOf(oid).typname;
  switch (oid) {
    case TypeOid.bpchar:
    case TypeOid.varchar: {
      if (typmods.length !== 1) throw new SqlError('42601', 'invalid type modifier');
      const n = typmods[0]!;
      if (n < 1) throw invalidParameter(`length for type ${name} must be at least 1`);
      if (n > 10485760) throw invalidParameter(`length for type ${name} cannot exceed 10485760`);
      return n + 4;
    }
    case TypeOid.numeric: {
      if (typmods.length > 2) throw new SqlError('42601', 'invalid NUMERIC type modifier');
      const p = typmods[0]!;
      const s = typmods.length === 2 ? typmods[1]! : 0;
      if (p < 1 || p > 1000) throw invalidParameter(`NUMERIC precision ${p} must be between 1 and 1000`);
      if (s < -1000 || s > 1000) throw invalidParameter(`NUMERIC scale ${s} must be between -1000 and 1000`);
      return ((p << 16) | (s & 0x7ff)) + 4;
    }
    case TypeOid.timestamp:
    case TypeOid.timestamptz:
    case TypeOid.time:
    case TypeOid.interval: {
      if (typmods.length !== 1) throw new SqlError('42601', 'invalid type modifier');
      const p = typmods[0]!;
      const label = oid === TypeOid.time ? 'TIME' : oid === TypeOid.interval ? 'INTERVAL' : oid === TypeOid.timestamptz ? 'TIMESTAMP' : 'TIMESTAMP';
      const tz = oid === TypeOid.timestamptz ? ' WITH TIME ZONE' : '';
      if (p < 0) throw invalidParameter(`${label}(${p})${tz} precision must not be negative`);
      return Math.min(p, 6);
    }
    default:
      throw new SqlError('42601', `type modifier is not allowed for type "${name}"`);
  }
}

/**
 * The parser's TypeName to a type: names are the (optionally pg_catalog-qualified)
 * pg_type names the grammar produces (`integer` arrives as ['pg_catalog','int4']).
 */
export function resolveTypeName(names: string[], typmods: number[]): SqlType {
  const last = names[names.length - 1] ?? '';
  const schemaOk = names.length === 1 || (names.length === 2 && names[0] === 'pg_catalog');
  const oid = schemaOk ? byTypname.get(last) : undefined;
  if (oid === undefined) {
    if (names.length > 2 || (names.length === 2 && names[0] !== 'pg_catalog' && names[0] !== 'public')) {
      if (names.length === 2) throw new SqlError('3F000', `schema "${names[0]}" does not exist`);
    }
    throw new SqlError('42704', `type "${names.join('.')}" does not exist`);
  }
  // The grammar writes CHAR without a length as char(1).
  return typeByOid(oid, typmodIn(oid, typmods));
}

/** varchar(n) / char(n): n, or -1. */
export const charLength = (t: SqlType): number => (t.typmod >= 4 ? t.typmod - 4 : -1);
