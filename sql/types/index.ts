/*
 * The value layer of the SQL engine: types, datums, text I/O, comparison,
 * casts, operators and functions, matching PostgreSQL 15. Each concern
 * lives in its own file; this module is the engine's only entry point.
 */
export { TypeOid, Types, typeByOid, resolveTypeName, formatType, typeDisplayName, typeCategory, isPreferredType, charLength } from './oids.ts';
export type { SqlType, TypeCategory } from './oids.ts';
export type { Datum, Interval, TypeContext } from './datum.ts';
export { TIMESTAMP_INFINITY, TIMESTAMP_NEG_INFINITY, isInterval } from './datum.ts';
export { Numeric } from './numeric.ts';
export { Jsonb, JsonObject, parseJsonb, formatJson } from './jsonb.ts';
export type { JsonValue } from './jsonb.ts';
export { input, output, parseNumeric } from './io.ts';
export { compare } from './compare.ts';
export { castDatum, applyTypmod } from './cast.ts';
export { canCoerce, canCoerceImplicitly, castContext, commonType } from './coerce.ts';
export type { CoercionContext } from './coerce.ts';
export { lookupOperator } from './operators.ts';
export type { OperatorFn, ResolvedOperator } from './operators.ts';
export { lookupFunction } from './functions.ts';
export type { FunctionFn, ResolvedFunction } from './functions.ts';
export { likeMatch, regexMatch } from './like.ts';
export { encodeIndexKey } from './indexKey.ts';
export { serializeDatum, deserializeDatum } from './serialize.ts';
export type { Stored } from './serialize.ts';
export { canonicalDateStyle } from './dateStyle.ts';
export { makeInterval, compareInterval, formatInterval, formatIntervalStyle, parseInterval, justifyHours, justifyDays, justifyInterval } from './interval.ts';
export { fromLocal, toLocal } from './datetime.ts';
export { parseBool } from './text.ts';
