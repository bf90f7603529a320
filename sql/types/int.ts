/*
 * int2, int4 (JS number) and int8 (bigint): input (pg_strtoint16/32/64),
 * output, and arithmetic with PostgreSQL's overflow errors (int.c, int8.c).
 */
import { SqlError } from '../errors.ts';
import { divisionByZero } from './numeric.ts';

export const INT2_MIN = -32768;
export const INT2_MAX = 32767;
export const INT4_MIN = -2147483648;
export const INT4_MAX = 2147483647;
export const INT8_MIN = -9223372036854775808n;
export const INT8_MAX = 9223372036854775807n;

export type IntWidth = 2 | 4 | 8;
const typeNames = { 2: 'smallint', 4: 'integer', 8: 'bigint' } as const;

export const intOutOfRange = (width: IntWidth): SqlError => new SqlError('22003', `${typeNames[width]} out of range`);

const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

const badSyntax = (width: IntWidth, text: string): SqlError => new SqlError('22P02', `invalid input syntax for type ${typeNames[width]}: "${text}"`);
const outOfRangeInput = (width: IntWidth, text: string): SqlError => new SqlError('22003', `value "${text}" is out of range for type ${typeNames[width]}`);

/** pg_strtoint16 / pg_strtoint32: a loop, no regex, no allocation on the happy path. */
export function parseInt32(text: string, width: 2 | 4 = 4): number {
  const len = text.length;
  let i = 0;
  while (i < len && isSpace(text.charCodeAt(i))) i++;
  let neg = false;
  if (i < len) {
    const c = text.charCodeAt(i);
    if (c === 45) {
      neg = true;
      i++;
    } else if (c === 43) i++;
  }
  const start = i;
  let acc = 0;
  const limit = width === 4 ? 2147483648 : 32768;
  let overflow = false;
  while (i < len) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    acc = acc * 10 + d;
    if (acc > limit) overflow = true;
    i++;
  }
  if (i === start) throw badSyntax(width, text);
  while (i < len && isSpace(text.charCodeAt(i))) i++;
  if (i !== len) throw badSyntax(width, text);
  if (overflow || (!neg && acc === limit)) throw outOfRangeInput(width, text);
  return neg ? (acc === 0 ? 0 : -acc) : acc;
}

/** pg_strtoint64. */
export function parseInt64(text: string): bigint {
  const len = text.length;
  let i = 0;
  while (i < len && isSpace(text.charCodeAt(i))) i++;
  let neg = false;
  if (i < len) {
    const c = text.charCodeAt(i);
    if (c === 45) {
      neg = true;
      i++;
    } else if (c === 43) i++;
  }
  const start = i;
  while (i < len) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    i++;
  }
  const end = i;
  if (end === start) throw badSyntax(8, text);
  while (i < len && isSpace(text.charCodeAt(i))) i++;
  if (i !== len) throw badSyntax(8, text);
  let v: bigint;
  if (end - start <= 15) {
    // Exact in a double: avoid BigInt parsing of a substring.
    let acc = 0;
    for (let k = start; k < end; k++) acc = acc * 10 + (text.charCodeAt(k) - 48);
    v = BigInt(acc);
  } else v = BigInt(text.slice(start, end));
  if (neg) v = -v;
  if (v < INT8_MIN || v > INT8_MAX) throw outOfRangeInput(8, text);
  return v;
}

export function checkInt32(v: number, width: 2 | 4): number {
  if (width === 4 ? v < INT4_MIN || v > INT4_MAX : v < INT2_MIN || v > INT2_MAX) throw intOutOfRange(width);
  return v;
}

export function checkInt64(v: bigint): bigint {
  if (v < INT8_MIN || v > INT8_MAX) throw intOutOfRange(8);
  return v;
}

/** int2/int4 arithmetic: results are exact in a double before the range check. */
export function int32Op(op: string, a: number, b: number, width: 2 | 4): number {
  switch (op) {
    case '+':
      return checkInt32(a + b, width);
    case '-':
      return checkInt32(a - b, width);
    case '*': {
      const r = a * b;
      // |r| < 2^62 stays exact enough to compare against the 32-bit bounds.
      return checkInt32(r, width);
    }
    case '/':
      if (b === 0) throw divisionByZero();
      return checkInt32(Math.trunc(a / b), width) | 0;
    case '%':
      if (b === 0) throw divisionByZero();
      if (b === -1) return 0;
      return (a % b) | 0;
    default:
      throw new Error(`no integer operator ${op}`);
  }
}

export function int64Op(op: string, a: bigint, b: bigint): bigint {
  switch (op) {
    case '+':
      return checkInt64(a + b);
    case '-':
      return checkInt64(a - b);
    case '*':
      return checkInt64(a * b);
    case '/':
      if (b === 0n) throw divisionByZero();
      return checkInt64(a / b);
    case '%':
      if (b === 0n) throw divisionByZero();
      return a % b;
    default:
      throw new Error(`no bigint operator ${op}`);
  }
}

/** float -> int: rint() (half to even) then the range check, as dtoi4 / dtoi8 do. */
export function floatToInt(v: number, width: IntWidth): number | bigint {
  if (Number.isNaN(v) || !Number.isFinite(v)) throw intOutOfRange(width);
  const r = roundHalfEven(v);
  if (width === 8) {
    if (r < -9223372036854775808 || r >= 9223372036854775808) throw intOutOfRange(8);
    return BigInt(r);
  }
  return checkInt32(r, width) + 0;
}

export function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const diff = v - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}
