/*
 * Which casts exist and in which context (pg_cast plus the automatic I/O
 * conversion casts of find_coercion_pathway), and select_common_type for
 * UNION / CASE / COALESCE / IN / VALUES.
 */
import { SqlError } from '../errors.ts';
import { isPreferredType, typeByOid, typeCategory, typeDisplayName, TypeOid, type SqlType } from './oids.ts';

/** 'i' implicit, 'a' assignment, 'e' explicit (pg_cast.castcontext). */
export type CoercionContext = 'implicit' | 'assignment' | 'explicit';
type CastContext = 'i' | 'a' | 'e';

const O = TypeOid;

/** pg_cast rows among the built-in types (PostgreSQL 15). */
const castTable = new Map<number, CastContext>();
const key = (from: number, to: number): number => from * 65536 + to;
function cast(context: CastContext, from: number, ...to: number[]): void {
  for (const t of to) castTable.set(key(from, t), context);
}
cast('i', O.int2, O.int4, O.int8, O.float4, O.float8, O.numeric);
cast('i', O.int4, O.int8, O.float4, O.float8, O.numeric);
cast('i', O.int8, O.float4, O.float8, O.numeric);
cast('i', O.float4, O.float8);
cast('i', O.numeric, O.float4, O.float8);
cast('i', O.text, O.bpchar, O.varchar);
cast('i', O.varchar, O.text, O.bpchar);
cast('i', O.bpchar, O.text, O.varchar);
cast('i', O.date, O.timestamp, O.timestamptz);
cast('i', O.timestamp, O.timestamptz);
cast('i', O.time, O.interval);
cast('a', O.int8, O.int4, O.int2);
cast('a', O.int4, O.int2);
cast('a', O.float8, O.int2, O.int4, O.int8, O.float4, O.numeric);
cast('a', O.float4, O.int2, O.int4, O.int8, O.numeric);
cast('a', O.numeric, O.int2, O.int4, O.int8);
cast('a', O.timestamptz, O.date, O.time, O.timestamp);
cast('a', O.timestamp, O.date, O.time);
cast('a', O.interval, O.time);
cast('a', O.json, O.jsonb);
cast('a', O.jsonb, O.json);
cast('a', O.bool, O.bpchar, O.varchar, O.text);
cast('e', O.bool, O.int4);
cast('e', O.int4, O.bool);
cast('e', O.jsonb, O.int2, O.int4, O.int8, O.float4, O.float8, O.numeric, O.bool);

const rankOf: Record<CoercionContext, number> = { implicit: 0, assignment: 1, explicit: 2 };

/** The context a cast needs, or undefined when there is none. */
export function castContext(from: number, to: number): CoercionContext | undefined {
  if (from === to || from === O.unknown) return 'implicit';
  const c = castTable.get(key(from, to));
  if (c !== undefined) return c === 'i' ? 'implicit' : c === 'a' ? 'assignment' : 'explicit';
  // Automatic I/O conversion: to a string type by assignment, from one explicitly.
  if (typeCategory(to) === 'S') return 'assignment';
  if (typeCategory(from) === 'S') return 'explicit';
  return undefined;
}

/** can_coerce_type for one argument. */
export function canCoerce(from: SqlType, to: SqlType, context: CoercionContext): boolean {
  const c = castContext(from.oid, to.oid);
  if (c === undefined) return false;
  return rankOf[c] <= rankOf[context];
}

export const canCoerceImplicitly = (from: SqlType, to: SqlType): boolean => canCoerce(from, to, 'implicit');

/**
 * select_common_type (with select_common_typmod): `context` names the construct
 * in errors ('CASE', 'UNION', 'COALESCE', 'IN', 'VALUES', 'ARRAY'), e.g.
 * 42804 "CASE types integer and text cannot be matched".
 */
export function commonType(types: SqlType[], context: string): SqlType {
  if (types.length === 0) throw new TypeError('commonType of no types');
  let p = types[0]!;
  if (types.every((t) => t.oid === p.oid) && p.oid !== O.unknown) return typeByOid(p.oid, commonTypmod(types, p.oid));
  for (const n of types.slice(1)) {
    if (n.oid === O.unknown || n.oid === p.oid) continue;
    if (p.oid === O.unknown) {
      p = n;
      continue;
    }
    if (typeCategory(n.oid) !== typeCategory(p.oid)) {
      throw new SqlError('42804', `${context} types ${typeDisplayName(p.oid)} and ${typeDisplayName(n.oid)} cannot be matched`);
    }
    if (!isPreferredType(p.oid) && canCoerceImplicitly(p, n) && !canCoerceImplicitly(n, p)) p = n;
  }
  const result = p.oid === O.unknown ? O.text : p.oid;
  const target = typeByOid(result);
  for (const t of types) {
    if (!canCoerceImplicitly(t, target)) {
      throw new SqlError('42846', `${context} could not convert type ${typeDisplayName(t.oid)} to ${typeDisplayName(result)}`);
    }
  }
  return typeByOid(result, commonTypmod(types, result));
}

function commonTypmod(types: SqlType[], oid: number): number {
  const first = types[0]!;
  for (const t of types) if (t.oid !== oid || t.typmod !== first.typmod) return -1;
  return first.typmod;
}
