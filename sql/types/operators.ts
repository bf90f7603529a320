/*
 * Built-in operators (pg_operator for the supported types) and their
 * resolution (oper_select_candidate). Every operator is strict: the executor
 * returns NULL for a NULL operand without calling fn. A prefix operator is
 * called as fn(null, operand, ctx).
 */
import { SqlError } from '../errors.ts';
import { compareOid } from './compare.ts';
import type { Datum, Interval, TypeContext } from './datum.ts';
import {
  dateAddDays,
  dateDiff,
  timePlusInterval,
  timestampDiff,
  timestampMinusInterval,
  timestampPlusInterval,
  timestamptzMinusInterval,
  timestamptzPlusInterval,
} from './datetimeMath.ts';
import { checkTimestampRange, fromLocal } from './datetime.ts';
import { TIMESTAMP_INFINITY, TIMESTAMP_NEG_INFINITY } from './datum.ts';
import { USECS_PER_DAY } from './calendar.ts';
import { compareFloat, floatOp, floatPower, glibcCbrt } from './float.ts';
import { lookupFunction } from './functions.ts';
import { checkInt32, checkInt64, int32Op, int64Op } from './int.ts';
import { addInterval, divInterval, mulInterval, negateInterval, subInterval } from './interval.ts';
import { castDatum } from './cast.ts';
import { Jsonb, jsonbAsText, jsonbConcat, jsonbContains, jsonbDeleteKey, jsonbElement, jsonbExists, jsonbField, JsonObject } from './jsonb.ts';
import { likeMatch, regexMatch } from './like.ts';
import { Numeric } from './numeric.ts';
import { numericPower } from './numericMath.ts';
import { typeByOid, typeDisplayName, TypeOid, type SqlType } from './oids.ts';
import { ANY, resolveOverload } from './resolve.ts';

/** The abs() implementation for a type (the @ operator shares its overflow errors). */
function lookupAbs(oid: number): (args: Datum[], ctx: TypeContext) => Datum {
  return lookupFunction('abs', [typeByOid(oid)]).fn;
}

export type OperatorFn = (a: Datum, b: Datum, ctx: TypeContext) => Datum;

export interface ResolvedOperator {
  result: SqlType;
  fn: OperatorFn;
  leftArg: SqlType;
  rightArg: SqlType;
}

interface OperatorEntry {
  op: string;
  /** [left, right] for infix; [right] for prefix. */
  args: number[];
  result: number;
  fn: OperatorFn;
}

const O = TypeOid;
const table = new Map<string, OperatorEntry[]>();

function def(op: string, left: number | null, right: number, result: number, fn: OperatorFn): void {
  const key = (left === null ? 'prefix:' : '') + op;
  let list = table.get(key);
  if (list === undefined) {
    list = [];
    table.set(key, list);
  }
  list.push({ op, args: left === null ? [right] : [left, right], result, fn });
}

// ---------------------------------------------------------------------------
// Comparisons: for every ordered type, and across the integer, float and datetime families.

const COMPARISONS: Array<[string, (c: number) => boolean]> = [
  ['=', (c) => c === 0],
  ['<>', (c) => c !== 0],
  ['<', (c) => c < 0],
  ['<=', (c) => c <= 0],
  ['>', (c) => c > 0],
  ['>=', (c) => c >= 0],
];

function defComparisons(left: number, right: number, cmp: (a: Datum, b: Datum, ctx: TypeContext) => number): void {
  for (const [op, test] of COMPARISONS) def(op, left, right, O.bool, (a, b, ctx) => test(cmp(a, b, ctx)));
}

for (const t of [
  O.bool,
  O.text,
  O.bpchar,
  O.bytea,
  O.date,
  O.time,
  O.timestamp,
  O.timestamptz,
  O.interval,
  O.numeric,
  O.uuid,
  O.jsonb,
  O.float4,
  O.float8,
  O.int2,
  O.int4,
  O.int8,
]) {
  defComparisons(t, t, (a, b) => compareOid(t, a, b));
}

const asBig = (v: Datum): bigint => (typeof v === 'bigint' ? v : BigInt(v as number));
const INTS = [O.int2, O.int4, O.int8];
for (const l of INTS) {
  for (const r of INTS) {
    if (l === r) continue;
    defComparisons(l, r, (a, b) => {
      const x = asBig(a);
      const y = asBig(b);
      return x < y ? -1 : x > y ? 1 : 0;
    });
  }
}
defComparisons(O.float4, O.float8, (a, b) => compareFloat(a as number, b as number));
defComparisons(O.float8, O.float4, (a, b) => compareFloat(a as number, b as number));

/** A date or timestamp operand as a timestamptz-comparable instant or local value. */
function dateToTimestamp(d: number): bigint {
  if (d === Infinity) return TIMESTAMP_INFINITY;
  if (d === -Infinity) return TIMESTAMP_NEG_INFINITY;
  return BigInt(d) * USECS_PER_DAY;
}
const cmpBig = (x: bigint, y: bigint): number => (x < y ? -1 : x > y ? 1 : 0);
defComparisons(O.date, O.timestamp, (a, b) => cmpBig(dateToTimestamp(a as number), b as bigint));
defComparisons(O.timestamp, O.date, (a, b) => cmpBig(a as bigint, dateToTimestamp(b as number)));
defComparisons(O.date, O.timestamptz, (a, b, ctx) => cmpBig(fromLocal(dateToTimestamp(a as number), ctx.timeZone), b as bigint));
defComparisons(O.timestamptz, O.date, (a, b, ctx) => cmpBig(a as bigint, fromLocal(dateToTimestamp(b as number), ctx.timeZone)));
defComparisons(O.timestamp, O.timestamptz, (a, b, ctx) => cmpBig(fromLocal(a as bigint, ctx.timeZone), b as bigint));
defComparisons(O.timestamptz, O.timestamp, (a, b, ctx) => cmpBig(a as bigint, fromLocal(b as bigint, ctx.timeZone)));

// ---------------------------------------------------------------------------
// Arithmetic

const widthOf = (t: number): 2 | 4 | 8 => (t === O.int2 ? 2 : t === O.int4 ? 4 : 8);
for (const l of INTS) {
  for (const r of INTS) {
    const result = widthOf(l) >= widthOf(r) ? l : r;
    const w = widthOf(result);
    const ops = l === r ? ['+', '-', '*', '/', '%'] : ['+', '-', '*', '/'];
    for (const op of ops) {
      if (w === 8) def(op, l, r, result, (a, b) => int64Op(op, asBig(a), asBig(b)));
      else def(op, l, r, result, (a, b) => int32Op(op, a as number, b as number, w));
    }
  }
}
for (const t of INTS) {
  const w = widthOf(t);
  if (w === 8) {
    def('-', null, t, t, (_a, b) => checkInt64(-(b as bigint)));
    def('&', t, t, t, (a, b) => (a as bigint) & (b as bigint));
    def('|', t, t, t, (a, b) => (a as bigint) | (b as bigint));
    def('#', t, t, t, (a, b) => (a as bigint) ^ (b as bigint));
    def('~', null, t, t, (_a, b) => ~(b as bigint));
    def('<<', t, O.int4, t, (a, b) => BigInt.asIntN(64, (a as bigint) << BigInt((b as number) & 63)));
    def('>>', t, O.int4, t, (a, b) => (a as bigint) >> BigInt((b as number) & 63));
  } else {
    def('-', null, t, t, (_a, b) => checkInt32(-(b as number), w) + 0);
    def('&', t, t, t, (a, b) => (a as number) & (b as number));
    def('|', t, t, t, (a, b) => (a as number) | (b as number));
    def('#', t, t, t, (a, b) => (a as number) ^ (b as number));
    def('~', null, t, t, (_a, b) => (w === 2 ? (~(b as number) << 16) >> 16 : ~(b as number)));
    def('<<', t, O.int4, t, (a, b) => (w === 2 ? (((a as number) << ((b as number) & 31)) << 16) >> 16 : (a as number) << (b as number)));
    def('>>', t, O.int4, t, (a, b) => (a as number) >> (b as number));
  }
  def('+', null, t, t, (_a, b) => b);
}
// Prefix @ (absolute value) for every numeric type; PostgreSQL 14 removed ! and !!.
for (const t of [O.int2, O.int4, O.int8, O.float4, O.float8, O.numeric]) {
  const abs = lookupAbs(t);
  def('@', null, t, t, (_a, b, ctx) => abs([b], ctx));
}

for (const [l, r, single] of [
  [O.float4, O.float4, true],
  [O.float8, O.float8, false],
  [O.float4, O.float8, false],
  [O.float8, O.float4, false],
] as const) {
  const result = single ? O.float4 : O.float8;
  for (const op of ['+', '-', '*', '/']) def(op, l, r, result, (a, b) => floatOp(op, a as number, b as number, single));
}
def('^', O.float8, O.float8, O.float8, (a, b) => floatPower(a as number, b as number));
// |/ (dsqrt) and ||/ (dcbrt) exist for float8 only: other numbers reach them by implicit casts.
def('|/', null, O.float8, O.float8, (_a, b) => {
  if ((b as number) < 0) throw new SqlError('2201F', 'cannot take square root of a negative number');
  return Math.sqrt(b as number);
});
def('||/', null, O.float8, O.float8, (_a, b) => glibcCbrt(b as number));
for (const t of [O.float4, O.float8]) {
  def('-', null, t, t, (_a, b) => -(b as number));
  def('+', null, t, t, (_a, b) => b);
}

def('+', O.numeric, O.numeric, O.numeric, (a, b) => (a as Numeric).add(b as Numeric));
def('-', O.numeric, O.numeric, O.numeric, (a, b) => (a as Numeric).sub(b as Numeric));
def('*', O.numeric, O.numeric, O.numeric, (a, b) => (a as Numeric).mul(b as Numeric));
def('/', O.numeric, O.numeric, O.numeric, (a, b) => (a as Numeric).div(b as Numeric));
def('%', O.numeric, O.numeric, O.numeric, (a, b) => (a as Numeric).mod(b as Numeric));
def('^', O.numeric, O.numeric, O.numeric, (a, b) => numericPower(a as Numeric, b as Numeric));
def('-', null, O.numeric, O.numeric, (_a, b) => (b as Numeric).neg());
def('+', null, O.numeric, O.numeric, (_a, b) => b);

// Dates, times, timestamps and intervals.
def('+', O.date, O.int4, O.date, (a, b) => dateAddDays(a as number, b as number));
def('+', O.int4, O.date, O.date, (a, b) => dateAddDays(b as number, a as number));
def('-', O.date, O.int4, O.date, (a, b) => dateAddDays(a as number, -(b as number)));
def('-', O.date, O.date, O.int4, (a, b) => dateDiff(a as number, b as number));
def('+', O.date, O.interval, O.timestamp, (a, b) => timestampPlusInterval(checkTimestampRange(dateToTimestamp(a as number)), b as Interval));
def('+', O.interval, O.date, O.timestamp, (a, b) => timestampPlusInterval(checkTimestampRange(dateToTimestamp(b as number)), a as Interval));
def('-', O.date, O.interval, O.timestamp, (a, b) => timestampMinusInterval(checkTimestampRange(dateToTimestamp(a as number)), b as Interval));
def('+', O.date, O.time, O.timestamp, (a, b) => checkTimestampRange(dateToTimestamp(a as number) + (b as bigint)));
def('+', O.time, O.date, O.timestamp, (a, b) => checkTimestampRange(dateToTimestamp(b as number) + (a as bigint)));
def('+', O.timestamp, O.interval, O.timestamp, (a, b) => timestampPlusInterval(a as bigint, b as Interval));
def('+', O.interval, O.timestamp, O.timestamp, (a, b) => timestampPlusInterval(b as bigint, a as Interval));
def('-', O.timestamp, O.interval, O.timestamp, (a, b) => timestampMinusInterval(a as bigint, b as Interval));
def('-', O.timestamp, O.timestamp, O.interval, (a, b) => timestampDiff(a as bigint, b as bigint));
def('+', O.timestamptz, O.interval, O.timestamptz, (a, b, ctx) => timestamptzPlusInterval(a as bigint, b as Interval, ctx.timeZone));
def('+', O.interval, O.timestamptz, O.timestamptz, (a, b, ctx) => timestamptzPlusInterval(b as bigint, a as Interval, ctx.timeZone));
def('-', O.timestamptz, O.interval, O.timestamptz, (a, b, ctx) => timestamptzMinusInterval(a as bigint, b as Interval, ctx.timeZone));
def('-', O.timestamptz, O.timestamptz, O.interval, (a, b) => timestampDiff(a as bigint, b as bigint));
def('+', O.time, O.interval, O.time, (a, b) => timePlusInterval(a as bigint, b as Interval));
def('+', O.interval, O.time, O.time, (a, b) => timePlusInterval(b as bigint, a as Interval));
def('-', O.time, O.interval, O.time, (a, b) => timePlusInterval(a as bigint, negateInterval(b as Interval)));
def('-', O.time, O.time, O.interval, (a, b) => ({ months: 0, days: 0, micros: (a as bigint) - (b as bigint) }));
def('+', O.interval, O.interval, O.interval, (a, b) => addInterval(a as Interval, b as Interval));
def('-', O.interval, O.interval, O.interval, (a, b) => subInterval(a as Interval, b as Interval));
def('-', null, O.interval, O.interval, (_a, b) => negateInterval(b as Interval));
def('+', null, O.interval, O.interval, (_a, b) => b);
def('*', O.interval, O.float8, O.interval, (a, b) => mulInterval(a as Interval, b as number));
def('*', O.float8, O.interval, O.interval, (a, b) => mulInterval(b as Interval, a as number));
def('/', O.interval, O.float8, O.interval, (a, b) => divInterval(a as Interval, b as number));

// Strings.
def('||', O.text, O.text, O.text, (a, b) => (a as string) + (b as string));
def('||', O.bytea, O.bytea, O.bytea, (a, b) => Buffer.concat([a as Buffer, b as Buffer]));
for (const [op, ci, neg] of [
  ['~~', false, false],
  ['!~~', false, true],
  ['~~*', true, false],
  ['!~~*', true, true],
] as const) {
  def(op, O.text, O.text, O.bool, (a, b) => likeMatch(a as string, b as string, ci) !== neg);
}
for (const [op, ci, neg] of [
  ['~', false, false],
  ['!~', false, true],
  ['~*', true, false],
  ['!~*', true, true],
] as const) {
  def(op, O.text, O.text, O.bool, (a, b) => regexMatch(a as string, b as string, ci) !== neg);
}

// jsonb.
def('->', O.jsonb, O.text, O.jsonb, (a, b) => jsonbField(a as Jsonb, b as string));
def('->', O.jsonb, O.int4, O.jsonb, (a, b) => jsonbElement(a as Jsonb, b as number));
def('->>', O.jsonb, O.text, O.text, (a, b) => jsonbAsText(jsonbField(a as Jsonb, b as string)));
def('->>', O.jsonb, O.int4, O.text, (a, b) => jsonbAsText(jsonbElement(a as Jsonb, b as number)));
def('@>', O.jsonb, O.jsonb, O.bool, (a, b) => jsonbContains(a as Jsonb, b as Jsonb));
def('<@', O.jsonb, O.jsonb, O.bool, (a, b) => jsonbContains(b as Jsonb, a as Jsonb));
def('?', O.jsonb, O.text, O.bool, (a, b) => jsonbExists(a as Jsonb, b as string));
def('||', O.jsonb, O.jsonb, O.jsonb, (a, b) => jsonbConcat(a as Jsonb, b as Jsonb));
def('-', O.jsonb, O.text, O.jsonb, (a, b) => jsonbDeleteKey(a as Jsonb, b as string));
def('-', O.jsonb, O.int4, O.jsonb, (a, b) => {
  const root = (a as Jsonb).root;
  if (root instanceof JsonObject) throw new SqlError('22023', 'cannot delete from object using integer index');
  if (!Array.isArray(root)) throw new SqlError('22023', 'cannot delete from scalar');
  const i = (b as number) < 0 ? root.length + (b as number) : (b as number);
  return new Jsonb(root.filter((_e, k) => k !== i));
});

// text || anynonarray and anynonarray || text (textanycat / anytextcat): the other side's text output.
const anyCat: OperatorEntry[] = [];
anyCat.push({ op: '||', args: [O.text, ANY], result: O.text, fn: () => null });
anyCat.push({ op: '||', args: [ANY, O.text], result: O.text, fn: () => null });
table.get('||')!.push(...anyCat);

const NO_OPERATOR_HINT = 'No operator matches the given name and argument types. You might need to add explicit type casts.';

/** '!=' is '<>' (the grammar maps it too). */
const canonical = (op: string): string => (op === '!=' ? '<>' : op);

/**
 * Resolve `left op right` (left null for a prefix operator): exact match,
 * then PostgreSQL's implicit-coercion heuristics; unknown literals take the
 * other side's type. Errors: 42883 operator does not exist, 42725 not unique.
 */
export function lookupOperator(op: string, left: SqlType | null, right: SqlType): ResolvedOperator {
  const name = canonical(op);
  const candidates = table.get((left === null ? 'prefix:' : '') + name) ?? [];
  const inputs = left === null ? [right.oid] : [left.oid, right.oid];
  const r = resolveOverload(inputs, candidates);
  const describe = left === null ? `${op} ${typeDisplayName(right.oid)}` : `${typeDisplayName(left.oid)} ${op} ${typeDisplayName(right.oid)}`;
  if ('none' in r) throw new SqlError('42883', `operator does not exist: ${describe}`, { hint: NO_OPERATOR_HINT });
  if ('ambiguous' in r) {
    throw new SqlError('42725', `operator is not unique: ${describe}`, {
      hint: 'Could not choose a best candidate operator. You might need to add explicit type casts.',
    });
  }
  const e = r.found;
  const argType = (declared: number, input: SqlType): SqlType => (declared === ANY ? (input.oid === O.unknown ? typeByOid(O.text) : input) : typeByOid(declared));
  if (left === null) {
    const t = argType(e.args[0]!, right);
    return { result: typeByOid(e.result), fn: e.fn, leftArg: t, rightArg: t };
  }
  const leftArg = argType(e.args[0]!, left);
  const rightArg = argType(e.args[1]!, right);
  let fn = e.fn;
  // textanycat / anytextcat are SQL functions doing $1::text || $2 (so booleans read 'true').
  const text = typeByOid(O.text);
  if (e.args[0] === ANY) fn = (a, b, ctx) => (castDatum(a, leftArg, text, ctx, true) as string) + (b as string);
  else if (e.args[1] === ANY) fn = (a, b, ctx) => (a as string) + (castDatum(b, rightArg, text, ctx, true) as string);
  return { result: typeByOid(e.result), fn, leftArg, rightArg };
}

/** For tests and the planner: is there any operator of this name? */
export const hasOperator = (op: string): boolean => table.has(canonical(op)) || table.has('prefix:' + canonical(op));
