/*
 * The value layer against PostgreSQL 15. Every expected string below was
 * produced by a real PostgreSQL 15.20 server (`psql -At -c "select <expr>"`,
 * TimeZone as named, DateStyle ISO, MDY, C collation); the tests need no
 * server. `evaluate` mimics `select <expr>` for literal-only expressions:
 * quoted literals are unknown-typed, a signed number is one literal, `::` is an explicit cast, operators
 * and functions resolve through lookupOperator / lookupFunction with the
 * implicit coercions of their argument types, and errors print as psql does
 * ("ERROR:  message").
 */
import test from 'ava';
import {
  canonicalDateStyle,
  canCoerce,
  canCoerceImplicitly,
  castDatum,
  commonType,
  compare,
  deserializeDatum,
  encodeIndexKey,
  input,
  likeMatch,
  lookupFunction,
  lookupOperator,
  Numeric,
  output,
  resolveTypeName,
  serializeDatum,
  TIMESTAMP_INFINITY,
  TIMESTAMP_NEG_INFINITY,
  typeByOid,
  TypeOid,
  Types,
  type Datum,
  type SqlType,
  type TypeContext,
} from '../sql/types/index.ts';
import { SqlError } from '../sql/errors.ts';

interface Value {
  t: SqlType;
  v: Datum;
}

const TYPE_ALIASES: Record<string, string> = {
  int: 'int4',
  integer: 'int4',
  bigint: 'int8',
  smallint: 'int2',
  real: 'float4',
  boolean: 'bool',
  char: 'bpchar',
};

function typeOf(name: string): SqlType {
  const m = /^([a-z0-9_ ]+?)(?:\((\d+)(?:,(-?\d+))?\))?$/.exec(name.trim());
  if (m === null) throw new Error(`bad type ${name}`);
  const base = TYPE_ALIASES[m[1]!] ?? m[1]!;
  const mods = [m[2], m[3]].filter((x): x is string => x !== undefined).map(Number);
  return resolveTypeName([base], base === 'bpchar' && mods.length === 0 ? [1] : mods);
}

function literal(s: string, ctx: TypeContext): Value {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === "'") quoted = !quoted;
    if (!quoted && ch === ':' && s[i + 1] === ':') {
      parts.push(cur);
      cur = '';
      i++;
    } else cur += ch;
  }
  parts.push(cur);
  const head = parts[0]!.trim();
  let value: Value;
  if (head.startsWith("'")) value = { t: Types.unknown, v: head.slice(1, -1).replace(/''/g, "'") };
  else if (/^-?\d+$/.test(head)) {
    const n = BigInt(head);
    value = n >= -2147483648n && n <= 2147483647n ? { t: Types.int4, v: Number(n) } : { t: Types.int8, v: n };
  } else if (/^-?[\d.]+(e-?\d+)?$/.test(head)) value = { t: Types.numeric, v: input(Types.numeric, head, ctx) };
  else if (head === 'true' || head === 'false') value = { t: Types.bool, v: head === 'true' };
  else if (head === 'null') value = { t: Types.unknown, v: null };
  else throw new Error(`bad literal ${s}`);
  for (const c of parts.slice(1)) {
    const to = typeOf(c);
    value = { t: to, v: castDatum(value.v, value.t, to, ctx, true) };
  }
  return value;
}

function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let cur = '';
  for (const ch of s) {
    if (ch === "'") quoted = !quoted;
    if (!quoted && ch === '(') depth++;
    if (!quoted && ch === ')') depth--;
    if (!quoted && depth === 0 && ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function evalExpr(text: string, ctx: TypeContext): Value {
  const e = text.trim().replace(/^extract\((\w+) from /, "extract('$1', ");
  const call = /^([a-z_0-9]+)\((.*)\)(?:::([a-z0-9_ (),]+))?$/.exec(e);
  if (call !== null) {
    const args = call[2]!.trim() === '' ? [] : splitArgs(call[2]!).map((a) => evalExpr(a, ctx));
    const f = lookupFunction(
      call[1]!,
      args.map((a) => a.t),
    );
    const vals = args.map((a, i) => castDatum(a.v, a.t, f.argTypes[i]!, ctx, false));
    let out: Value = { t: f.result, v: f.strict && vals.some((v) => v === null) ? null : f.fn(vals, ctx) };
    if (call[3] !== undefined) {
      const to = typeOf(call[3]);
      out = { t: to, v: castDatum(out.v, out.t, to, ctx, true) };
    }
    return out;
  }
  // The last top-level ' op ' (left-associative).
  let quoted = false;
  let depth = 0;
  let at = -1;
  let len = 0;
  for (let i = 0; i < e.length; i++) {
    const ch = e[i]!;
    if (ch === "'") quoted = !quoted;
    if (quoted || i === 0) continue;
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth === 0 && ch === ' ') {
      const j = e.indexOf(' ', i + 1);
      if (j > i + 1 && /^[-+*/<>=~!@#%^&|?]+$/.test(e.slice(i + 1, j))) {
        at = i;
        len = j - i - 1;
      }
    }
  }
  if (at > 0) {
    const l = evalExpr(e.slice(0, at), ctx);
    const r = evalExpr(e.slice(at + len + 2), ctx);
    const op = lookupOperator(e.slice(at + 1, at + 1 + len), l.t, r.t);
    const a = castDatum(l.v, l.t, op.leftArg, ctx, false);
    const b = castDatum(r.v, r.t, op.rightArg, ctx, false);
    return { t: op.result, v: a === null || b === null ? null : op.fn(a, b, ctx) };
  }
  const prefix = /^([-@|/]+) /.exec(e);
  if (prefix !== null) {
    const r = evalExpr(e.slice(prefix[0].length), ctx);
    const op = lookupOperator(prefix[1]!, null, r.t);
    return { t: op.result, v: op.fn(null, castDatum(r.v, r.t, op.rightArg, ctx, false), ctx) };
  }
  return literal(e, ctx);
}

/** What psql -At prints for `select <expr>`. */
function evaluate(expr: string, timeZone = 'UTC'): string {
  const ctx: TypeContext = { timeZone, now: 1704110400000000n };
  try {
    const r = evalExpr(expr, ctx);
    return r.v === null ? '' : output(r.t.oid === TypeOid.unknown ? Types.text : r.t, r.v, ctx);
  } catch (e) {
    if (e instanceof SqlError) return `ERROR:  ${e.message}`;
    throw e;
  }
}

function checkAll(t: import('ava').ExecutionContext, cases: Array<[string, string]>, timeZone = 'UTC'): void {
  for (const [expr, expected] of cases) t.is(evaluate(expr, timeZone), expected, `select ${expr}  (TimeZone ${timeZone})`);
}

function sqlstate(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof SqlError) return `${e.sqlstate} ${e.message}`;
    throw e;
  }
  return 'no error';
}

const UTC: TypeContext = { timeZone: 'UTC' };

const MORE_FUNCTIONS: Array<[string, string]> = [
  ['|/ 16', '4'],
  ['||/ 27.0', '3.0000000000000004'],
  ['||/ -8', '-2'],
  ['|/ 2::float8', '1.4142135623730951'],
  ['|/ -4', 'ERROR:  cannot take square root of a negative number'],
  ['@ -5', '5'],
  ['@ -5.5', '5.5'],
  ['@ -2147483648', 'ERROR:  integer out of range'],
  ['cbrt(27)', '3.0000000000000004'],
  ['gcd(12, 18)', '6'],
  ['lcm(4, 6)', '12'],
  ['gcd(-2147483648, 0)', 'ERROR:  integer out of range'],
  ['gcd(-2147483648, 6)', '2'],
  ['lcm(2147483647, 2147483646)', 'ERROR:  integer out of range'],
  ['gcd(12::int8, 18)', '6'],
  ['lcm(9223372036854775807, 2)', 'ERROR:  bigint out of range'],
  ['gcd(12.5, 5)', '2.5'],
  ['lcm(1.5, 2.25)', '4.50'],
  ['gcd(0.0, 0.00)', '0.00'],
  ["gcd('Infinity'::numeric, 1)", 'NaN'],
  ['scale(1.2300)', '4'],
  ['trim_scale(1.2300)', '1.23'],
  ['min_scale(1.2300)', '2'],
  ['trim_scale(-12.50)', '-12.5'],
  ['factorial(5)', '120'],
  ['to_hex(-1)', 'ffffffff'],
  ['to_hex(2147483648)', '80000000'],
  ["translate('12345', '143', 'ax')", 'a2x5'],
  ["translate('héllo', 'é', 'e')", 'hello'],
  ["starts_with('alphabet', 'alph')", 't'],
  ["quote_ident('Col')", '"Col"'],
  ["quote_ident('select')", '"select"'],
  ["quote_ident('a\"b')", '"a""b"'],
  ["quote_ident('_x1')", '_x1'],
  ["quote_literal('it''s')", "'it''s'"],
  ["quote_literal('a\\b')", "E'a\\\\b'"],
  ['quote_literal(true)', "'true'"],
  ['quote_literal(1.50)', "'1.50'"],
  ['quote_nullable(null::int)', 'NULL'],
  ["format('%s-%s', 'a', 'b')", 'a-b'],
  ["format('%I %L', 'Foo', 'x')", '"Foo" \'x\''],
  ["format('%1$s %1$s', 'z')", 'z z'],
  ["format('[%5s|%-5s]', 'a', 'b')", '[    a|b    ]'],
  ["format('[%*s]', -6, 'ab')", '[ab    ]'],
  ["format('[%3$*1$s]', 5, 'unused', 'z')", '[    z]'],
  ["format('%s %L', null, null)", ' NULL'],
  ["format('%s', true)", 't'],
  ["format('%s %s', 'a')", 'ERROR:  too few arguments for format()'],
  ["format('%y', 1)", 'ERROR:  unrecognized format() type specifier "y"'],
  ["format('%0$s', 1)", 'ERROR:  format specifies argument 0, but arguments are numbered from 1'],
  ["format('%I', null)", 'ERROR:  null values cannot be formatted as an SQL identifier'],
  ["format('%', 1)", 'ERROR:  unterminated format() type specifier'],
  ["ascii('A')", '65'],
  ['chr(66)', 'B'],
  ["octet_length('ab'::char(5))", '5'],
  ["octet_length('é'::char(3))", '4'],
  ["length('ab'::char(5))", '2'],
  ["get_byte('\\x0102'::bytea, 1)", '2'],
  ["get_byte('\\x01'::bytea, 5)", 'ERROR:  index 5 out of valid range, 0..0'],
  ["set_byte('\\x0102'::bytea, 0, 255)", '\\xff02'],
  ["encode('hello'::bytea, 'base64')", 'aGVsbG8='],
  ["encode('\\x00015c41ff'::bytea, 'escape')", '\\000\u0001\\\\A\\377'],
  ["decode('68656c6c6f', 'hex')", '\\x68656c6c6f'],
  ["decode('zz', 'hex')", 'ERROR:  invalid hexadecimal digit: "z"'],
  ["decode('a', 'base64')", 'ERROR:  invalid base64 end sequence'],
  ["convert_from('\\x68656c6c6f', 'UTF8')", 'hello'],
  ["convert_from('\\xff', 'UTF8')", 'ERROR:  invalid byte sequence for encoding "UTF8": 0xff'],
  ["substring('\\x0102030405'::bytea, 2, 3)", '\\x020304'],
  ["substr('\\x0102'::bytea, -1, 3)", '\\x01'],
  ["sha256('abc'::bytea)", '\\xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ["to_date('17 May 2024', 'DD Mon YYYY')", '2024-05-17'],
  ["to_date('20240517', 'YYYYMMDD')", '2024-05-17'],
  ["to_date('05/17/24', 'MM/DD/YY')", '2024-05-17'],
  ["to_date('10', 'MM')", '0001-10-01 BC'],
  ["to_date('2024-02-30', 'YYYY-MM-DD')", 'ERROR:  date/time field value out of range: "2024-02-30"'],
  ["to_date('17 Foo 2024', 'DD Mon YYYY')", 'ERROR:  invalid value "Foo" for "Mon"'],
  ["to_date('2024', 'YYYYMMDD')", '2024-01-01'],
  ["to_timestamp('05:30 PM', 'HH:MI AM')", '0001-01-01 17:30:00+00 BC'],
  ["to_timestamp('13', 'HH')", 'ERROR:  hour "13" is invalid for the 12-hour clock'],
  ["to_timestamp('2024 1 2 3:4:5.25', 'YYYY MM DD HH24:MI:SS.MS')", '2024-01-02 03:04:05.25+00'],
  ['to_timestamp(1700000000.5)', '2023-11-14 22:13:20.5+00'],
  ["timezone('Asia/Tokyo', '2024-06-01 10:00+00'::timestamptz)", '2024-06-01 19:00:00'],
  ["timezone('UTC', '2024-06-01 10:00'::timestamp)", '2024-06-01 10:00:00+00'],
  ["timezone('PST', '2024-06-01 10:00'::timestamp)", '2024-06-01 18:00:00+00'],
  ["timezone('Nowhere/Land', '2024-06-01 10:00'::timestamp)", 'ERROR:  time zone "Nowhere/Land" not recognized'],
  ["timezone('1 day'::interval, '2024-06-01 10:00'::timestamp)", 'ERROR:  interval time zone "1 day" must not include months or days'],
  [`jsonb_pretty('{"a": [1, 2], "b": {}}')`, '{\n    "a": [\n        1,\n        2\n    ],\n    "b": {\n    }\n}'],
];

const NUMERIC: Array<[string, string]> = [
  ["'1.50'::numeric * 3", '4.50'],
  ['1.00 / 3', '0.33333333333333333333'],
  ['10 / 4::numeric', '2.5000000000000000'],
  ['1 / 3::numeric(10,5)', '0.33333333333333333333'],
  ['123456789.0 / 7', '17636684.142857142857'],
  ['0.000001 / 3', '0.000000333333333333333333'],
  ['2::numeric / 0.0003', '6666.6666666666666667'],
  ['7.5 % 2', '1.5'],
  ["'12345.6'::numeric(5,2)", 'ERROR:  numeric field overflow'],
  ["'Infinity'::numeric(5,2)", 'ERROR:  numeric field overflow'],
  ["'0.9'::numeric(2,2)", '0.90'],
  ["'x1'::numeric", 'ERROR:  invalid input syntax for type numeric: "x1"'],
  ["'inf'::numeric / 0", 'ERROR:  division by zero'],
  ["'nan'::numeric / 0", 'NaN'],
  ["1 / 'inf'::numeric", '0'],
  ["'NaN'::numeric::int", 'ERROR:  cannot convert NaN to integer'],
  ["'-inf'::numeric::int8", 'ERROR:  cannot convert infinity to bigint'],
  ['2.5::numeric::int', '3'],
  ['-2.5::numeric::int', '-3'],
  ['0.1::float8::numeric', '0.1'],
  ['1.23456789012345678::float8::numeric', '1.23456789012346'],
  ['1e20::float8::numeric', '100000000000000000000'],
  ['1.1::float4::numeric', '1.1'],
  ['sqrt(2::numeric)', '1.414213562373095'],
  ['sqrt(100::numeric)', '10.000000000000000'],
  ['sqrt(1.44)', '1.200000000000000'],
  ['sqrt(123456789.123)', '11111.11106609056'],
  ['2::numeric ^ 10', '1024.0000000000000000'],
  ['2.0 ^ 0.5', '1.4142135623730950'],
  ['1.5::numeric ^ 3', '3.3750000000000000'],
  ['exp(1::numeric)', '2.7182818284590452'],
  ['ln(10::numeric)', '2.3025850929940457'],
  ['log(1000::numeric)', '3.0000000000000000'],
  ['log(2, 8::numeric)', '3.0000000000000000'],
  ['round(1.5, 3)', '1.500'],
  ['round(1234.5, -2)', '1200'],
  ['round(-2.5)', '-3'],
  ['trunc(-2.5)', '-2'],
  ['ln(1.05)', '0.048790164169432003'],
  ['exp(10::numeric)', '22026.465794806717'],
  ['exp(-10::numeric)', '0.00004539992976248485'],
  ['2::numeric ^ -3', '0.1250000000000000'],
  ['0.5::numeric ^ 0.5', '0.7071067811865475'],
  ['10::numeric ^ 100', '10000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000.0000000000000000'],
  ['ln(123456789::numeric)', '18.631401766168018'],
  ['log(0.001)', '-3.0000000000000000'],
  ['exp(0.5::numeric)', '1.6487212707001281'],
  ['3::numeric ^ 2.5', '15.588457268119896'],
  ['1.1::numeric ^ 1.1', '1.1105342410545757'],
  ['100::numeric ^ -0.5', '0.10000000000000000'],
  ['sqrt(0.0001)', '0.01000000000000000'],
  ['sqrt(1e-10)', '0.000010000000000000000'],
  ['1e-10::numeric / 3', '0.0000000000333333333333333333'],
  ['99999999999999999999::numeric / 7', '14285714285714285714'],
  ["'1e5'::numeric", '100000'],
  ["'-0.00'::numeric", '0.00'],
  ["'.5'::numeric", '0.5'],
  ['abs(-1.50)', '1.50'],
  ['ceil(-1.5)', '-1'],
  ['floor(-1.5)', '-2'],
  ['sign(-3.3)', '-1'],
  ['mod(-7, 3)', '-1'],
  ['div(7.5, 2)', '3'],
  ['0.1 + 0.2', '0.3'],
  ['1.0 / 0', 'ERROR:  division by zero'],
];

const INT_FLOAT: Array<[string, string]> = [
  ['-7.5 % 2.25', '-0.75'],
  ['2.5::float8::int', '2'],
  ['3.5::float8::int', '4'],
  ['0.1::float8 + 0.2::float8', '0.30000000000000004'],
  ['1e300::float8 * 1e10::float8', 'ERROR:  value out of range: overflow'],
  ['1::float8 / 3', '0.3333333333333333'],
  ['1::float4 / 3::float4', '0.33333334'],
  ['100000000::float4', '1e+08'],
  ['3.4028235e38::float4', '3.4028235e+38'],
  ['16777217::float4::float8', '16777216'],
  ["'-0'::float8", '-0'],
  ['2 ^ 10', '1024'],
  ['2147483647 + 1', 'ERROR:  integer out of range'],
  ['-2147483648::int4 / -1', 'ERROR:  integer out of range'],
  ['7 / -2', '-3'],
  ['-7 % 3', '-1'],
  ['9223372036854775807 + 1', 'ERROR:  bigint out of range'],
  ['32767::int2 + 1::int2', 'ERROR:  smallint out of range'],
  ['1 / 0', 'ERROR:  division by zero'],
  ['1::float8 / 0', 'ERROR:  division by zero'],
  ['5 % 0', 'ERROR:  division by zero'],
  ["'abc'::int", 'ERROR:  invalid input syntax for type integer: "abc"'],
  ["' 12 '::int4", '12'],
  ["'99999999999'::int4", 'ERROR:  value "99999999999" is out of range for type integer'],
  ["'9223372036854775808'::int8", 'ERROR:  value "9223372036854775808" is out of range for type bigint'],
];

const CASTS: Array<[string, string]> = [
  ["'ab '::char(4)::varchar || '|'", 'ab|'],
  ['true::text', 'true'],
  ['true::varchar(2)', 'tr'],
  ['123::varchar(2)', '12'],
  ['1.5::float4::text', '1.5'],
  ["'1 day'::interval::time", '00:00:00'],
  ["'12:00'::time::interval", '12:00:00'],
  ["'2024-01-01 12:30'::timestamp::time", '12:30:00'],
  ['\'"1"\'::jsonb::int', 'ERROR:  cannot cast jsonb string to type integer'],
  ["'1.5'::jsonb::int", '2'],
  ["'true'::jsonb::bool", 't'],
  ["'null'::jsonb::int", 'ERROR:  cannot cast jsonb null to type integer'],
  ['1::bool', 't'],
  ['2::int4::bool', 't'],
  ['true::int', '1'],
  ['1.5::int2', '2'],
  ['40000::int2', 'ERROR:  smallint out of range'],
  ["'abc'::bytea::text", '\\x616263'],
  ["'\\x0102'::bytea", '\\x0102'],
  ["'a\\\\b\\101'::bytea", '\\x615c6241'],
  ["'\\xz'::bytea", 'ERROR:  invalid hexadecimal digit: "z"'],
  ["'\\x1'::bytea", 'ERROR:  invalid hexadecimal data: odd number of digits'],
  ["'{A0EEBC99-9C0B4EF8-BB6D-6BB9BD380A11}'::uuid", 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
  ["'a0eebc999c0b4ef8bb6d6bb9bd380a1'::uuid", 'ERROR:  invalid input syntax for type uuid: "a0eebc999c0b4ef8bb6d6bb9bd380a1"'],
  ["'tr'::bool", 't'],
  ["' YES '::bool", 't'],
  ["'o'::bool", 'ERROR:  invalid input syntax for type boolean: "o"'],
  ["'abcd'::varchar(3)", 'abc'],
];

const OPERATORS: Array<[string, string]> = [
  ["'a'::char(3) = 'a  '::text", 'f'],
  ["'a'::char(3) = 'a'::char(1)", 't'],
  ["'a' || 1", 'a1'],
  ["1 || 'a'", '1a'],
  ["'a' || true", 'atrue'],
  ["'x' || null", ''],
  ['1 || 2', 'ERROR:  operator does not exist: integer || integer'],
  ["'abc' ~~ 'a%'", 't'],
  ["'abc' ~~ 'a_'", 'f'],
  ["'ABC' ~~* 'a%c'", 't'],
  ["'a%c' ~~ 'a\\%c'", 't'],
  ["'abc' ~ '^a.c$'", 't'],
  ["'abc' !~ 'b'", 'f'],
  ['1 + true', 'ERROR:  operator does not exist: integer + boolean'],
  ['- true', 'ERROR:  operator does not exist: - boolean'],
  ["'2024-01-01' + 1", 'ERROR:  invalid input syntax for type integer: "2024-01-01"'],
  ["'2024-01-01'::date + 1", '2024-01-02'],
  ["'2024-01-01'::date - '2023-12-25'::date", '7'],
  ["'2024-01-31'::date + '1 month'::interval", '2024-02-29 00:00:00'],
  ["'2024-01-31'::timestamp + '1 month'::interval", '2024-02-29 00:00:00'],
  ["'2024-02-29'::timestamp - '1 year'::interval", '2023-02-28 00:00:00'],
  ["'2024-01-02'::timestamp - '2024-01-01 01:00'::timestamp", '23:00:00'],
  ["'2024-03-01'::timestamp - '2024-01-01'::timestamp", '60 days'],
  ["'2024-01-01 10:00'::timestamptz - '2023-12-31 12:00'::timestamptz", '22:00:00'],
  ["'1 day'::interval * 1.5", '1 day 12:00:00'],
  ["'1 mon'::interval / 7", '4 days 06:51:25.6896'],
  ["'1 year 1 mon'::interval * 0.3", '3 mons 27 days'],
  ["'1 day'::interval = '24 hours'::interval", 't'],
  ["'1 mon'::interval = '30 days'::interval", 't'],
  ["'1 mon'::interval > '29 days'::interval", 't'],
  ["- '1 day 02:00'::interval", '-1 days -02:00:00'],
  ["'01:00'::time + '2 hours'::interval", '03:00:00'],
  ["'23:00'::time + '2 hours'::interval", '01:00:00'],
  ["'10:00'::time - '08:30'::time", '01:30:00'],
  ["'2024-01-01'::date + '10:30'::time", '2024-01-01 10:30:00'],
  ["'2024-01-01'::date = '2024-01-01 00:00'::timestamp", 't'],
  ["'2024-01-01'::date < '2024-01-01 00:00:01'::timestamp", 't'],
  ["'infinity'::date - '2024-01-01'::date", 'ERROR:  cannot subtract infinite dates'],
  ["'infinity'::timestamp + '1 day'::interval", 'infinity'],
  ['1 = 1.0', 't'],
  ['1::int2 < 2::int8', 't'],
  ['1.5::float4 = 1.5::float8', 't'],
  ["'abc' < 'abd'", 't'],
  ["'a' < 'B'", 'f'],
  ["'é' > 'z'", 't'],
  ["'abc'::text = 'abc'::varchar", 't'],
  ['2 << 3', '16'],
  ['5 & 3', '1'],
  ["'1 day'::interval + '2024-01-01'::date", '2024-01-02 00:00:00'],
];

const JSONB: Array<[string, string]> = [
  ["'{\"a\":1}'::jsonb -> 'a'", '1'],
  ["'{\"a\":[1,2]}'::jsonb -> 'a' -> -1", '2'],
  ['\'{"a":"x"}\'::jsonb ->> \'a\'', 'x'],
  ["'[1,2,[3]]'::jsonb @> '[[3]]'", 't'],
  ["'[1,2]'::jsonb @> '1'", 't'],
  ['\'{"a":{"b":1,"c":2}}\'::jsonb @> \'{"a":{"b":1}}\'', 't'],
  ["'{\"a\":[1,2]}'::jsonb ? 'a'", 't'],
  ["'[\"a\"]'::jsonb ? 'a'", 't'],
  ['\'{"a":1}\'::jsonb || \'{"b":2}\'', '{"a": 1, "b": 2}'],
  ["'[1]'::jsonb || '2'", '[1, 2]'],
  ['\'{"a":1,"b":2}\'::jsonb - \'a\'', '{"b": 2}'],
  ['\'{"a":1}\'::jsonb = \'{"a":1.0}\'', 't'],
  ["'[1,2]'::jsonb < '[3]'", 'f'],
  ['\'{"b":1}\'::jsonb > \'{"a":1,"c":2}\'', 'f'],
  ["'null'::jsonb < '\"a\"'", 't'],
  ["'1'::jsonb < 'true'", 't'],
  ["'true'::jsonb < '[]'", 'f'],
  ["'[]'::jsonb < '{}'", 't'],
  ['\'{"b":1, "a": {"dd": [1, 2.50, "x", null, true]}, "aa": 3, "a": 2}\'::jsonb', '{"a": 2, "b": 1, "aa": 3}'],
  ['\'{"é":1, "z":2, "ab":3}\'::jsonb', '{"z": 2, "ab": 3, "é": 1}'],
  ["'1e2'::jsonb", '100'],
  ["'-0.0'::jsonb", '0.0'],
  ["' [ 1 , {} ] '::jsonb", '[1, {}]'],
  ['\'{"a":1\'::jsonb', 'ERROR:  invalid input syntax for type json'],
  ["'01'::jsonb", 'ERROR:  invalid input syntax for type json'],
  ["'[1,]'::jsonb", 'ERROR:  invalid input syntax for type json'],
  ['\'{"a" 1}\'::jsonb', 'ERROR:  invalid input syntax for type json'],
  ["'{1:2}'::jsonb", 'ERROR:  invalid input syntax for type json'],
];

const DATETIME_FUNCTIONS_BERLIN: Array<[string, string]> = [
  ["'2024-03-31 02:30'::timestamptz", '2024-03-31 03:30:00+02'],
  ["'2024-10-27 02:30'::timestamptz", '2024-10-27 02:30:00+01'],
  ["'1850-01-01'::timestamptz", '1850-01-01 00:00:00+00:53:28'],
  ["'2024-03-30 12:00'::timestamptz + '1 day'::interval", '2024-03-31 12:00:00+02'],
  ["'2024-03-30 12:00'::timestamptz + '24 hours'::interval", '2024-03-31 13:00:00+02'],
  ["'2024-03-31'::date::timestamptz", '2024-03-31 00:00:00+01'],
  ["'2024-07-01 12:00+00'::timestamptz::timestamp", '2024-07-01 14:00:00'],
  ["'2024-07-01 12:00+00'::timestamptz::date", '2024-07-01'],
  ["'2024-01-01 12:00'::timestamp::timestamptz", '2024-01-01 12:00:00+01'],
  ["date_trunc('day', '2024-03-31 12:00'::timestamptz)", '2024-03-31 00:00:00+01'],
  ["date_trunc('month', '2024-03-31 12:00'::timestamptz)", '2024-03-01 00:00:00+01'],
  ["date_trunc('week', '2024-01-03 12:34:56'::timestamp)", '2024-01-01 00:00:00'],
  ["date_trunc('quarter', '2024-05-03'::timestamp)", '2024-04-01 00:00:00'],
  ["date_trunc('millennium', '2024-05-03'::timestamp)", '2001-01-01 00:00:00'],
  ["date_trunc('century', '2000-05-03'::timestamp)", '1901-01-01 00:00:00'],
  ["date_trunc('decade', '2024-05-03'::timestamp)", '2020-01-01 00:00:00'],
  ["date_trunc('hour', '1 day 12:34:56'::interval)", '1 day 12:00:00'],
  ["date_trunc('year', '1 year 5 mons'::interval)", '1 year'],
  ["date_trunc('foo', '2024-01-01'::timestamp)", 'ERROR:  unit "foo" not recognized for type timestamp without time zone'],
  ["to_char('2024-03-31 12:00'::timestamptz, 'YYYY-MM-DD HH24:MI:SS OF')", '2024-03-31 12:00:00 +02'],
  [
    "to_char('2024-01-05 13:04:05.123456'::timestamp, 'Day DD Month YYYY HH12:MI:SS AM US MS FMDay FMMonth Dy Mon DDD D Q WW IW J')",
    'Friday    05 January   2024 01:04:05 PM 123456 123 Friday January Fri Jan 005 6 1 01 01 2460315',
  ],
  ["to_char('2024-01-05 13:04:05'::timestamp, 'FMDD/FMMM/YY \"at\" HH24')", '5/1/24 at 13'],
  ["age('2024-03-01'::timestamp, '2023-01-31'::timestamp)", '1 year 1 mon 1 day'],
  ["age('2023-01-31'::timestamp, '2024-03-01'::timestamp)", '-1 years -1 mons -1 days'],
  ["age('2024-03-31 01:00'::timestamptz, '2024-03-30 03:00'::timestamptz)", '22:00:00'],
  ["extract(epoch from '1 year 1 mon 1 day 1 sec'::interval)", '34236001.000000'],
  ["extract(second from '2024-01-01 12:00:05.5'::timestamp)", '5.500000'],
  ["extract(milliseconds from '2024-01-01 12:00:05.5'::timestamp)", '5500.000'],
  ["extract(julian from '2024-01-01 12:00'::timestamp)", '2460311.50000000000000000000'],
  ["extract(epoch from '2024-01-01 12:00'::timestamp)", '1704110400.000000'],
  ["extract(epoch from '2024-01-01'::date)", '1704067200'],
  ["extract(dow from '2024-01-01'::date)", '1'],
  ["date_part('epoch', '2024-01-01 12:00+02'::timestamptz)", '1704103200'],
  ["extract(timezone from '2024-07-01'::timestamptz)", '7200'],
  ["extract(hour from '2024-07-01 12:00+00'::timestamptz)", '14'],
  ["extract(week from '2024-12-30'::date)", '1'],
  ["extract(isoyear from '2024-12-30'::date)", '2025'],
  ["extract(century from '2000-01-01'::date)", '20'],
  ["extract(millennium from '2001-01-01'::date)", '3'],
  ["extract(decade from '1999-01-01'::date)", '199'],
  ["extract(quarter from '2024-05-01'::date)", '2'],
  ["extract(doy from '2024-12-31'::date)", '366'],
  ["extract(hour from '2024-01-01'::date)", 'ERROR:  unit "hour" not supported for type date'],
  ["extract(foo from '2024-01-01'::timestamp)", 'ERROR:  unit "foo" not recognized for type timestamp without time zone'],
  ["extract(year from '0001-06-01 BC'::date)", '-1'],
  ["date_part('month', '1 year 14 mons'::interval)", '2'],
  ['make_date(2024, 2, 30)', 'ERROR:  date field value out of range: 2024-02-30'],
  ['make_date(2024, 2, 29)', '2024-02-29'],
  ['make_timestamp(2024, 1, 2, 3, 4, 5.5)', '2024-01-02 03:04:05.5'],
];

const STRING_NUMBER_FUNCTIONS: Array<[string, string]> = [
  ["upper('abc')", 'ABC'],
  ["length('héllo')", '5'],
  ["octet_length('héllo')", '6'],
  ["substr('hello', 2, 3)", 'ell'],
  ["substr('hello', 0, 3)", 'he'],
  ["substr('hello', -1)", 'hello'],
  ["substring('hello', 2)", 'ello'],
  ["strpos('hello', 'll')", '3'],
  ["btrim('  x  ')", 'x'],
  ["ltrim('xxyx', 'x')", 'yx'],
  ["rtrim('x  ')", 'x'],
  ["replace('abcabc', 'b', 'X')", 'aXcaXc'],
  ["concat('a', 1, null, true)", 'a1t'],
  ["concat_ws('-', 'a', null, 2)", 'a-2'],
  ["left('hello', -2)", 'hel'],
  ["right('hello', 2)", 'lo'],
  ["repeat('ab', 3)", 'ababab'],
  ["reverse('abc')", 'cba'],
  ["split_part('a,b,c', ',', 2)", 'b'],
  ["split_part('a,b,c', ',', -1)", 'c'],
  ["lpad('hi', 5, 'xy')", 'xyxhi'],
  ["rpad('hello', 3)", 'hel'],
  ["initcap('hello wORLD foo-bar')", 'Hello World Foo-Bar'],
  ["md5('abc')", '900150983cd24fb0d6963f7d28e17f72'],
  ['abs(-5)', '5'],
  ['abs(-2147483648)', 'ERROR:  integer out of range'],
  ['round(2.5::float8)', '2'],
  ['round(3.5::float8)', '4'],
  ['round(-2.345, 2)', '-2.35'],
  ['trunc(2.789::float8)', '2'],
  ['ceil(2.1::float8)', '3'],
  ['floor(-2.1)', '-3'],
  ['mod(10, 3)', '1'],
  ['power(2, 10)', '1024'],
  ['power(2::numeric, 10)', '1024.0000000000000000'],
  ['sqrt(16)', '4'],
  ['exp(1)', '2.718281828459045'],
  ['ln(2.718281828459045)', '0.9999999999999999'],
  ['log(100)', '2'],
  ['log(2::numeric, 1024::numeric)', '10.0000000000000000'],
  ['sign(-2.5::float8)', '-1'],
  ['sqrt(-1)', 'ERROR:  cannot take square root of a negative number'],
  ['ln(0)', 'ERROR:  cannot take logarithm of zero'],
  ['foo(1)', 'ERROR:  function foo(integer) does not exist'],
  ['lower(1)', 'ERROR:  function lower(integer) does not exist'],
];

const JSON_AND_SYSTEM_FUNCTIONS: Array<[string, string]> = [
  ["jsonb_typeof('1')", 'number'],
  ["jsonb_typeof('null')", 'null'],
  ["jsonb_build_object('a', 1, 'b', 'x')", '{"a": 1, "b": "x"}'],
  ["jsonb_build_array(1, 'a', null)", '[1, "a", null]'],
  ['jsonb_extract_path_text(\'{"a":{"b":"c"}}\', \'a\', \'b\')', 'c'],
  ["jsonb_array_length('[1,2]')", '2'],
  ["jsonb_array_length('{}')", 'ERROR:  cannot get array length of a non-array'],
  ["to_jsonb('2024-01-01 12:00'::timestamptz)", '"2024-01-01T12:00:00+01:00"'],
  ["to_jsonb('2024-01-01 12:00:00.5'::timestamp)", '"2024-01-01T12:00:00.5"'],
  ['to_jsonb(1.50)', '1.50'],
  ["to_jsonb('x'::text)", '"x"'],
  ["to_jsonb('1 day'::interval)", '"1 day"'],
  ['to_jsonb(1e20::float8)', '100000000000000000000'],
  ["to_jsonb('nan'::float8)", '"NaN"'],
  ['to_jsonb(true)', 'true'],
  ["to_jsonb('2024-01-01'::date)", '"2024-01-01"'],
  ['pg_typeof(1)', 'integer'],
  ["pg_typeof('a'::varchar(3))", 'character varying'],
  ['pg_typeof(1.5)', 'numeric'],
  ['format_type(1043, 14)', 'character varying(10)'],
];

const DATETIME_IO_UTC: Array<[string, string]> = [
  ["'January 8, 1999'::date", '1999-01-08'],
  ["'1/8/1999'::date", '1999-01-08'],
  ["'1999-Jan-08'::date", '1999-01-08'],
  ["'08-Jan-1999'::date", '1999-01-08'],
  ["'Jan-08-1999'::date", '1999-01-08'],
  ["'19990108'::date", '1999-01-08'],
  ["'990108'::date", '1999-01-08'],
  ["'1/8/99'::date", '1999-01-08'],
  ["'1/8/69'::date", '2069-01-08'],
  ["'Jan 8 99'::date", '1999-01-08'],
  ["'Friday, January 8, 1999'::date", '1999-01-08'],
  ["'1.8.1999'::date", '1999-01-08'],
  ["'2024-01-01 12:00'::date", '2024-01-01'],
  ["'0099-01-08'::date", '0099-01-08'],
  ["'99-01-08'::date", 'ERROR:  date/time field value out of range: "99-01-08"'],
  ["'2024 01 01'::date", '2024-01-01'],
  ["'infinity'::date", 'infinity'],
  ["'-infinity'::date", '-infinity'],
  ["'epoch'::date", '1970-01-01'],
  ["'x'::date", 'ERROR:  invalid input syntax for type date: "x"'],
  ["'2020-13-01'::date", 'ERROR:  date/time field value out of range: "2020-13-01"'],
  ["'13/01/2020'::date", 'ERROR:  date/time field value out of range: "13/01/2020"'],
  ["'2020-02-30'::date", 'ERROR:  date/time field value out of range: "2020-02-30"'],
  ["'2020-02-29'::date", '2020-02-29'],
  ["'5874898-01-01'::date", 'ERROR:  date out of range: "5874898-01-01"'],
  ["'4714-11-24 BC'::date", '4714-11-24 BC'],
  ["'4714-11-23 BC'::date", 'ERROR:  date out of range: "4714-11-23 BC"'],
  ["'2024-01-01T12:00:00Z'::timestamptz", '2024-01-01 12:00:00+00'],
  ["'2024-01-01 12:00:00.1234567+05:30'::timestamptz", '2024-01-01 06:30:00.123457+00'],
  ["'2024-01-01 12:00 Europe/Berlin'::timestamptz", '2024-01-01 11:00:00+00'],
  ["'2024-07-01 12:00 PST'::timestamptz", '2024-07-01 20:00:00+00'],
  ["'2024-03-31 02:30'::timestamptz", '2024-03-31 02:30:00+00'],
  ["'2024-10-27 02:30'::timestamptz", '2024-10-27 02:30:00+00'],
  ["'1850-01-01'::timestamptz", '1850-01-01 00:00:00+00'],
  ["'2024-07-01'::timestamptz", '2024-07-01 00:00:00+00'],
  ["'-infinity'::timestamptz", '-infinity'],
  ["'2024-01-01 12:00:00 + 1'::timestamptz", '2024-01-01 11:00:00+00'],
  ["'2024-01-01 12:00:00+0130'::timestamptz", '2024-01-01 10:30:00+00'],
  ["'2024-01-01 12:00:00 -08:00:30'::timestamptz", '2024-01-01 20:00:30+00'],
  ["'2024-01-01 12:00 Foo/Bar'::timestamptz", 'ERROR:  time zone "foo/bar" not recognized'],
  ["'2024-01-01 1:2:3.5 pm'::timestamp", '2024-01-01 13:02:03.5'],
  ["'0001-01-01 BC'::timestamp", '0001-01-01 00:00:00 BC'],
  ["'10000-01-01'::timestamp", '10000-01-01 00:00:00'],
  ["'294277-01-01'::timestamp", 'ERROR:  timestamp out of range: "294277-01-01"'],
  ["'2020-01-01 24:00'::timestamp", '2020-01-02 00:00:00'],
  ["'2020-01-01 24:00:01'::timestamp", 'ERROR:  date/time field value out of range: "2020-01-01 24:00:01"'],
  ["'1999-01-08 04:05:06 xyz'::timestamp", 'ERROR:  invalid input syntax for type timestamp: "1999-01-08 04:05:06 xyz"'],
  ["'2024-01-01 12:00:00-08'::timestamp", '2024-01-01 12:00:00'],
  ["'epoch'::timestamp", '1970-01-01 00:00:00'],
  ["'2024-06-15 10:11:12.5'::timestamp(0)", '2024-06-15 10:11:13'],
  ["'2024-06-15 10:11:12.456'::timestamp(2)", '2024-06-15 10:11:12.46'],
  ["'12:34:56.789'::time", '12:34:56.789'],
  ["'1:2'::time", '01:02:00'],
  ["'12:00 pm'::time", '12:00:00'],
  ["'12:00 am'::time", '00:00:00'],
  ["'allballs'::time", '00:00:00'],
  ["'23:59:59.9999999'::time", '24:00:00'],
  ["'25:00'::time", 'ERROR:  date/time field value out of range: "25:00"'],
  ["'x'::time", 'ERROR:  invalid input syntax for type time: "x"'],
  ["'1 day'::interval", '1 day'],
  ["'1 year 2 mons'::interval", '1 year 2 mons'],
  ["'01:02:03'::interval", '01:02:03'],
  ["'-1 day'::interval", '-1 days'],
  ["'1.5 days'::interval", '1 day 12:00:00'],
  ["'1.5 months'::interval", '1 mon 15 days'],
  ["'1.5 years'::interval", '1 year 6 mons'],
  ["'@ 1 hour ago'::interval", '-01:00:00'],
  ["'-00:00:01'::interval", '-00:00:01'],
  ["'1 2:03:04'::interval", '1 day 02:03:04'],
  ["'1-2'::interval", '1 year 2 mons'],
  ["'P1Y2M3DT4H5M6.5S'::interval", '1 year 2 mons 3 days 04:05:06.5'],
  ["'PT36H'::interval", '36:00:00'],
  ["'P1W'::interval", '7 days'],
  ["'10'::interval", '00:00:10'],
  ["'1 day -02:00:00'::interval", '1 day -02:00:00'],
  ["'-1 day +02:00:00'::interval", '-1 days +02:00:00'],
  ["'2 weeks 3 hours'::interval", '14 days 03:00:00'],
  ["'0.1 seconds'::interval", '00:00:00.1'],
  ["'1 millennium 2 centuries 3 decades'::interval", '1230 years'],
  ["'x'::interval", 'ERROR:  invalid input syntax for type interval: "x"'],
  ["'1 day 1 day'::interval", 'ERROR:  invalid input syntax for type interval: "1 day 1 day"'],
  ["'-1 year -2 mons +3 days'::interval", '-1 years -2 mons +3 days'],
  ["'1000000:00:00'::interval", '1000000:00:00'],
  ["'-1.5 weeks'::interval", '-10 days -12:00:00'],
  ["'2:03.5'::interval", '00:02:03.5'],
];

const DATETIME_IO_EUROPE_BERLIN: Array<[string, string]> = [
  ["'2024-01-01T12:00:00Z'::timestamptz", '2024-01-01 13:00:00+01'],
  ["'2024-01-01 12:00:00.1234567+05:30'::timestamptz", '2024-01-01 07:30:00.123457+01'],
  ["'2024-01-01 12:00 Europe/Berlin'::timestamptz", '2024-01-01 12:00:00+01'],
  ["'2024-07-01 12:00 PST'::timestamptz", '2024-07-01 22:00:00+02'],
  ["'2024-03-31 02:30'::timestamptz", '2024-03-31 03:30:00+02'],
  ["'2024-10-27 02:30'::timestamptz", '2024-10-27 02:30:00+01'],
  ["'1850-01-01'::timestamptz", '1850-01-01 00:00:00+00:53:28'],
  ["'2024-07-01'::timestamptz", '2024-07-01 00:00:00+02'],
  ["'-infinity'::timestamptz", '-infinity'],
  ["'2024-01-01 12:00:00 + 1'::timestamptz", '2024-01-01 12:00:00+01'],
  ["'2024-01-01 12:00:00+0130'::timestamptz", '2024-01-01 11:30:00+01'],
  ["'2024-01-01 12:00:00 -08:00:30'::timestamptz", '2024-01-01 21:00:30+01'],
  ["'2024-01-01 12:00 Foo/Bar'::timestamptz", 'ERROR:  time zone "foo/bar" not recognized'],
];

const DATETIME_IO_ASIA_KOLKATA: Array<[string, string]> = [
  ["'2024-01-01T12:00:00Z'::timestamptz", '2024-01-01 17:30:00+05:30'],
  ["'2024-01-01 12:00:00.1234567+05:30'::timestamptz", '2024-01-01 12:00:00.123457+05:30'],
  ["'2024-01-01 12:00 Europe/Berlin'::timestamptz", '2024-01-01 16:30:00+05:30'],
  ["'2024-07-01 12:00 PST'::timestamptz", '2024-07-02 01:30:00+05:30'],
  ["'2024-03-31 02:30'::timestamptz", '2024-03-31 02:30:00+05:30'],
  ["'2024-10-27 02:30'::timestamptz", '2024-10-27 02:30:00+05:30'],
  ["'1850-01-01'::timestamptz", '1850-01-01 00:00:00+05:53:28'],
  ["'2024-07-01'::timestamptz", '2024-07-01 00:00:00+05:30'],
  ["'-infinity'::timestamptz", '-infinity'],
  ["'2024-01-01 12:00:00 + 1'::timestamptz", '2024-01-01 16:30:00+05:30'],
  ["'2024-01-01 12:00:00+0130'::timestamptz", '2024-01-01 16:00:00+05:30'],
  ["'2024-01-01 12:00:00 -08:00:30'::timestamptz", '2024-01-02 01:30:30+05:30'],
  ["'2024-01-01 12:00 Foo/Bar'::timestamptz", 'ERROR:  time zone "foo/bar" not recognized'],
];

const DATETIME_IO_AMERICA_NEW_YORK: Array<[string, string]> = [
  ["'2024-01-01T12:00:00Z'::timestamptz", '2024-01-01 07:00:00-05'],
  ["'2024-01-01 12:00:00.1234567+05:30'::timestamptz", '2024-01-01 01:30:00.123457-05'],
  ["'2024-01-01 12:00 Europe/Berlin'::timestamptz", '2024-01-01 06:00:00-05'],
  ["'2024-07-01 12:00 PST'::timestamptz", '2024-07-01 16:00:00-04'],
  ["'2024-03-31 02:30'::timestamptz", '2024-03-31 02:30:00-04'],
  ["'2024-10-27 02:30'::timestamptz", '2024-10-27 02:30:00-04'],
  ["'1850-01-01'::timestamptz", '1850-01-01 00:00:00-04:56:02'],
  ["'2024-07-01'::timestamptz", '2024-07-01 00:00:00-04'],
  ["'-infinity'::timestamptz", '-infinity'],
  ["'2024-01-01 12:00:00 + 1'::timestamptz", '2024-01-01 06:00:00-05'],
  ["'2024-01-01 12:00:00+0130'::timestamptz", '2024-01-01 05:30:00-05'],
  ["'2024-01-01 12:00:00 -08:00:30'::timestamptz", '2024-01-01 15:00:30-05'],
  ["'2024-01-01 12:00 Foo/Bar'::timestamptz", 'ERROR:  time zone "foo/bar" not recognized'],
];

test('numeric arithmetic keeps PostgreSQL display scales: division (select_div_scale), sqrt, exp, ln, log, power, rounding and typmods', (t) => {
  checkAll(t, NUMERIC);
});

test('integer and float arithmetic overflow, divide and print (shortest round-trip floats) as PostgreSQL does', (t) => {
  checkAll(t, INT_FLOAT);
});

test('casts among text, bool, bytea, uuid, interval, time, jsonb and the numeric types give PostgreSQL results and errors', (t) => {
  checkAll(t, CASTS);
});

test('operators resolve as PostgreSQL does: unknown literals, text concatenation with any type, LIKE, regex, date and interval arithmetic', (t) => {
  checkAll(t, OPERATORS);
});

test('jsonb input is de-duplicated and key-ordered, prints as PostgreSQL, compares and contains like jsonb_ops', (t) => {
  checkAll(t, JSONB);
});

test('date/time functions (date_trunc, extract, date_part, to_char, age, make_*) match PostgreSQL in a DST zone', (t) => {
  checkAll(t, DATETIME_FUNCTIONS_BERLIN, 'Europe/Berlin');
});

test('prefix |/ ||/ @, gcd/lcm, scale, format, quote_*, translate, bytea, to_date/to_timestamp and timezone() match PostgreSQL', (t) => {
  checkAll(t, MORE_FUNCTIONS);
});

test('intervals print in every IntervalStyle as PostgreSQL does', (t) => {
  const cases: Array<[string, string, string, string]> = [
    ['1 year 2 months 3 days 04:05:06', 'P1Y2M3DT4H5M6S', '+1-2 +3 +4:05:06', '@ 1 year 2 mons 3 days 4 hours 5 mins 6 secs'],
    ['-1 day +02:00', 'P-1DT2H', '+0-0 -1 +2:00:00', '@ 1 day -2 hours ago'],
    ['0', 'PT0S', '0', '@ 0'],
    ['-1.5 seconds', 'PT-1.5S', '-0:00:01.5', '@ 1.5 secs ago'],
    ['1 mon -3 hours 0.25 sec', 'P1MT-2H-59M-59.75S', '+0-1 +0 -2:59:59.75', '@ 1 mon -2 hours -59 mins -59.75 secs'],
    ['1 year 2 mons', 'P1Y2M', '1-2', '@ 1 year 2 mons'],
    ['-1 year -2 mons', 'P-1Y-2M', '-1-2', '@ 1 year 2 mons ago'],
    ['3 days 04:05:06.5', 'P3DT4H5M6.5S', '3 4:05:06.5', '@ 3 days 4 hours 5 mins 6.5 secs'],
    ['-04:05:06', 'PT-4H-5M-6S', '-4:05:06', '@ 4 hours 5 mins 6 secs ago'],
    ['1 sec', 'PT1S', '0:00:01', '@ 1 sec'],
  ];
  for (const [text, iso, sql, verbose] of cases) {
    const iv = input(Types.interval, text, UTC);
    t.is(output(Types.interval, iv, { ...UTC, intervalStyle: 'iso_8601' }), iso, text);
    t.is(output(Types.interval, iv, { ...UTC, intervalStyle: 'sql_standard' }), sql, text);
    t.is(output(Types.interval, iv, { ...UTC, intervalStyle: 'postgres_verbose' }), verbose, text);
  }
});

test('dates and timestamps print in the SQL, German and Postgres DateStyles, and DateStyle settings canonicalize as PostgreSQL does', (t) => {
  const show = (type: SqlType, text: string, dateStyle: string, timeZone = 'UTC'): string => output(type, input(type, text, { timeZone }), { timeZone, dateStyle });
  t.is(show(Types.date, '2024-02-29', 'SQL, DMY'), '29/02/2024');
  t.is(show(Types.timestamp, '2024-03-10 01:30:00', 'SQL, DMY'), '10/03/2024 01:30:00');
  t.is(show(Types.timestamptz, '2024-07-01 12:00:00.5+00', 'SQL, DMY'), '01/07/2024 12:00:00.5 UTC');
  t.is(show(Types.date, '0044-03-15 BC', 'SQL, DMY'), '15/03/0044 BC');
  t.is(show(Types.date, '2024-02-29', 'SQL, MDY'), '02/29/2024');
  t.is(show(Types.timestamptz, '2024-07-01 12:00:00.5+00', 'SQL, MDY'), '07/01/2024 12:00:00.5 UTC');
  t.is(show(Types.date, '2024-02-29', 'German, DMY'), '29.02.2024');
  t.is(show(Types.timestamptz, '2024-07-01 12:00:00+00', 'German, DMY'), '01.07.2024 12:00:00 UTC');
  t.is(show(Types.date, '2024-02-29', 'Postgres, MDY'), '02-29-2024');
  t.is(show(Types.timestamp, '2024-03-10 01:30:00', 'Postgres, MDY'), 'Sun Mar 10 01:30:00 2024');
  t.is(show(Types.timestamp, '0010-01-01 BC', 'Postgres, MDY'), 'Tue Jan 01 00:00:00 0010 BC');
  t.is(show(Types.timestamp, '2024-03-10 01:30:00', 'Postgres, DMY'), 'Sun 10 Mar 01:30:00 2024');
  t.is(show(Types.timestamptz, '2024-07-01 12:00:00+00', 'Postgres, DMY', 'Europe/Berlin'), 'Mon 01 Jul 14:00:00 2024 CEST');
  t.is(show(Types.timestamptz, '2024-07-01 12:00:00+00', 'SQL, DMY', 'America/Sao_Paulo'), '01/07/2024 09:00:00 -03');
  t.is(canonicalDateStyle('German', 'ISO, MDY'), 'German, DMY');
  t.is(canonicalDateStyle('ISO', 'German, DMY'), 'ISO, DMY');
  t.is(canonicalDateStyle('YMD, ISO'), 'ISO, YMD');
  t.is(canonicalDateStyle('YMD, postgres'), 'Postgres, YMD');
  t.is(
    sqlstate(() => canonicalDateStyle('Klingon')),
    '22023 invalid value for parameter "DateStyle": "Klingon"',
  );
  t.is(
    sqlstate(() => canonicalDateStyle('iso, sql')),
    '22023 invalid value for parameter "DateStyle": "iso, sql"',
  );
});

test('bytea prints in the escape format under bytea_output = escape', (t) => {
  t.is(output(Types.bytea, input(Types.bytea, '\\xdeadbeef5c0a41', UTC), { ...UTC, byteaOutput: 'escape' }), '\\336\\255\\276\\357\\\\\\012A');
});

test('string and math functions match PostgreSQL including their errors', (t) => {
  checkAll(t, STRING_NUMBER_FUNCTIONS, 'Europe/Berlin');
});

test('jsonb construction, to_jsonb of every type, pg_typeof and format_type match PostgreSQL', (t) => {
  checkAll(t, JSON_AND_SYSTEM_FUNCTIONS, 'Europe/Berlin');
});

test('date, time, timestamp, timestamptz and interval text input and output match PostgreSQL in UTC', (t) => {
  checkAll(t, DATETIME_IO_UTC);
});

test('timestamptz input and output follow the session zone: Europe/Berlin (DST gap and overlap, LMT offsets)', (t) => {
  checkAll(t, DATETIME_IO_EUROPE_BERLIN, 'Europe/Berlin');
});

test('timestamptz input and output follow the session zone: Asia/Kolkata (half-hour offset)', (t) => {
  checkAll(t, DATETIME_IO_ASIA_KOLKATA, 'Asia/Kolkata');
});

test('timestamptz input and output follow the session zone: America/New_York', (t) => {
  checkAll(t, DATETIME_IO_AMERICA_NEW_YORK, 'America/New_York');
});

test('errors carry PostgreSQL SQLSTATEs', (t) => {
  t.is(
    sqlstate(() => input(Types.int4, 'x', UTC)),
    '22P02 invalid input syntax for type integer: "x"',
  );
  t.is(
    sqlstate(() => input(Types.int4, '99999999999', UTC)),
    '22003 value "99999999999" is out of range for type integer',
  );
  t.is(
    sqlstate(() => input(Types.date, '2020-02-30', UTC)),
    '22008 date/time field value out of range: "2020-02-30"',
  );
  t.is(
    sqlstate(() => input(Types.timestamp, 'yesterday-ish', UTC)),
    '22007 invalid input syntax for type timestamp: "yesterday-ish"',
  );
  t.is(
    sqlstate(() => input(typeOf('varchar(3)'), 'abcd', UTC)),
    '22001 value too long for type character varying(3)',
  );
  t.is(
    sqlstate(() => input(typeOf('numeric(5,2)'), '12345.6', UTC)),
    '22003 numeric field overflow',
  );
  t.is(
    sqlstate(() => lookupOperator('+', Types.int4, Types.int4).fn(2147483647, 1, UTC)),
    '22003 integer out of range',
  );
  t.is(
    sqlstate(() => lookupOperator('/', Types.int4, Types.int4).fn(1, 0, UTC)),
    '22012 division by zero',
  );
  t.is(
    sqlstate(() => lookupOperator('+', Types.int4, Types.bool)),
    '42883 operator does not exist: integer + boolean',
  );
  t.is(
    sqlstate(() => lookupOperator('+', Types.unknown, Types.unknown)),
    '42725 operator is not unique: unknown + unknown',
  );
  t.is(
    sqlstate(() => lookupFunction('foo', [Types.int4])),
    '42883 function foo(integer) does not exist',
  );
  t.is(
    sqlstate(() => castDatum(1, Types.int4, Types.uuid, UTC, true)),
    '42846 cannot cast type integer to uuid',
  );
  t.is(
    sqlstate(() => castDatum(1, Types.int4, Types.bool, UTC, false)),
    '42846 cannot cast type integer to boolean',
  );
  t.is(
    sqlstate(() => resolveTypeName(['foo'], [])),
    '42704 type "foo" does not exist',
  );
  t.is(
    sqlstate(() => input(Types.jsonb, '[1,]', UTC)),
    '22P02 invalid input syntax for type json',
  );
  try {
    lookupOperator('+', Types.int4, Types.bool);
  } catch (e) {
    t.is((e as SqlError).fields.hint, 'No operator matches the given name and argument types. You might need to add explicit type casts.');
  }
  try {
    input(Types.date, '13/01/2020', UTC);
  } catch (e) {
    t.is((e as SqlError).fields.hint, 'Perhaps you need a different "datestyle" setting.');
  }
  try {
    input(typeOf('numeric(5,2)'), '12345.6', UTC);
  } catch (e) {
    t.is((e as SqlError).fields.detail, 'A field with precision 5, scale 2 must round to an absolute value less than 10^3.');
  }
});

test('type names resolve to format_type names and typmods', (t) => {
  t.is(resolveTypeName(['pg_catalog', 'int4'], []).name, 'integer');
  t.is(resolveTypeName(['pg_catalog', 'varchar'], [10]).name, 'character varying(10)');
  t.deepEqual(resolveTypeName(['varchar'], [10]).typmod, 14);
  t.is(resolveTypeName(['numeric'], [10, 2]).name, 'numeric(10,2)');
  t.is(resolveTypeName(['numeric'], [5, -2]).name, 'numeric(5,-2)');
  t.is(resolveTypeName(['bpchar'], [10]).name, 'character(10)');
  t.is(resolveTypeName(['timestamptz'], []).name, 'timestamp with time zone');
  t.is(resolveTypeName(['timestamp'], [3]).name, 'timestamp(3) without time zone');
  t.is(resolveTypeName(['float8'], []).name, 'double precision');
  t.is(typeByOid(TypeOid.bpchar).name, 'bpchar');
  t.is(
    sqlstate(() => resolveTypeName(['varchar'], [0])),
    '22023 length for type varchar must be at least 1',
  );
  t.is(
    sqlstate(() => resolveTypeName(['numeric'], [1001])),
    '22023 NUMERIC precision 1001 must be between 1 and 1000',
  );
});

test('implicit coercions and common types follow pg_cast and select_common_type', (t) => {
  t.true(canCoerceImplicitly(Types.int2, Types.int8));
  t.true(canCoerceImplicitly(Types.int8, Types.numeric));
  t.true(canCoerceImplicitly(Types.numeric, Types.float8));
  t.false(canCoerceImplicitly(Types.float8, Types.numeric));
  t.true(canCoerce(Types.float8, Types.numeric, 'assignment'));
  t.true(canCoerceImplicitly(Types.unknown, Types.jsonb));
  t.true(canCoerceImplicitly(Types.varchar, Types.text));
  t.true(canCoerceImplicitly(Types.date, Types.timestamptz));
  t.false(canCoerceImplicitly(Types.timestamptz, Types.date));
  t.true(canCoerce(Types.int4, Types.text, 'assignment'));
  t.false(canCoerce(Types.text, Types.int4, 'assignment'));
  t.true(canCoerce(Types.text, Types.int4, 'explicit'));
  t.is(commonType([Types.int4, Types.int8, Types.unknown], 'UNION').name, 'bigint');
  t.is(commonType([Types.int4, Types.numeric, Types.float8], 'CASE').name, 'double precision');
  t.is(commonType([Types.unknown, Types.unknown], 'CASE').name, 'text');
  t.is(commonType([Types.varchar, Types.text], 'COALESCE').name, 'character varying');
  t.is(commonType([Types.text, Types.varchar], 'COALESCE').name, 'text');
  t.is(commonType([typeOf('varchar(5)'), typeOf('varchar(5)')], 'UNION').name, 'character varying(5)');
  t.is(commonType([Types.date, Types.timestamptz], 'IN').name, 'timestamp with time zone');
  t.is(
    sqlstate(() => commonType([Types.int4, Types.text], 'CASE')),
    '42804 CASE types integer and text cannot be matched',
  );
  t.is(
    sqlstate(() => commonType([Types.uuid, Types.jsonb], 'UNION')),
    '42846 UNION could not convert type jsonb to uuid',
  );
});

test('varchar(n) and char(n) truncate on explicit casts, reject on assignment unless only spaces are cut, and char compares without trailing spaces', (t) => {
  const v3 = typeOf('varchar(3)');
  const c4 = typeOf('char(4)');
  t.is(castDatum('abcd', Types.text, v3, UTC, true), 'abc');
  t.is(
    sqlstate(() => castDatum('abcd', Types.text, v3, UTC, false)),
    '22001 value too long for type character varying(3)',
  );
  t.is(castDatum('abc   ', Types.text, v3, UTC, false), 'abc');
  t.is(castDatum('ab', Types.text, c4, UTC, false), 'ab  ');
  t.is(castDatum('ab  ', c4, Types.text, UTC, false), 'ab');
  t.is(compare(Types.bpchar, 'a  ', 'a'), 0);
  t.is(castDatum('héllo', Types.text, v3, UTC, true), 'hél');
});

test('compare orders text bytewise in UTF-8, NaN above all floats and numerics, intervals by 30-day months', (t) => {
  t.true(compare(Types.text, 'B', 'a') < 0);
  t.true(compare(Types.text, 'z', 'é') < 0);
  t.true(compare(Types.text, '\uffff', '😀') < 0);
  t.true(compare(Types.text, 'ab', 'abc') < 0);
  t.true(compare(Types.float8, NaN, Infinity) > 0);
  t.is(compare(Types.float8, NaN, NaN), 0);
  t.true(compare(Types.numeric, Numeric.NaN, Numeric.Infinity) > 0);
  t.is(compare(Types.numeric, input(Types.numeric, '1.50', UTC), input(Types.numeric, '1.5', UTC)), 0);
  t.is(compare(Types.interval, input(Types.interval, '1 mon', UTC), input(Types.interval, '30 days', UTC)), 0);
  t.true(compare(Types.timestamp, TIMESTAMP_NEG_INFINITY, input(Types.timestamp, '4714-11-24 00:00:00 BC', UTC)) < 0);
  t.true(compare(Types.timestamp, TIMESTAMP_INFINITY, input(Types.timestamp, '294276-12-31 23:59:59.999999', UTC)) > 0);
});

test('LIKE and ILIKE handle %, _, escapes and multi-byte characters', (t) => {
  t.true(likeMatch('hello', 'h%o', false));
  t.true(likeMatch('hello', 'h___o', false));
  t.false(likeMatch('hello', 'h__o', false));
  t.true(likeMatch('HeLLo', 'h%O', true));
  t.true(likeMatch('50%', '50\\%', false));
  t.false(likeMatch('500', '50\\%', false));
  t.true(likeMatch('a_b', 'a#_b', false, '#'));
  t.true(likeMatch('😀x', '_x', false));
  t.true(likeMatch('', '%', false));
  t.false(likeMatch('abc', '%d%', false));
  t.false(likeMatch('a', 'a\\', false));
  t.is(
    sqlstate(() => likeMatch('ab', 'a\\', false)),
    '22025 LIKE pattern must not end with escape character',
  );
});

const keyTypes: Array<[SqlType, string[]]> = [
  [Types.int4, ['-2147483648', '-5', '-1', '0', '1', '7', '2147483647']],
  [Types.int8, ['-9223372036854775808', '-1', '0', '9007199254740993', '9223372036854775807']],
  [Types.int2, ['-32768', '-1', '0', '32767']],
  [Types.float8, ['-Infinity', '-1e300', '-1', '-1e-300', '0', '1e-300', '0.5', '1', '1e300', 'Infinity', 'NaN']],
  [Types.numeric, ['-Infinity', '-1000', '-12.5', '-12.25', '-0.001', '0', '0.001', '0.0011', '1', '1.5', '12.25', '12.5', '100', '1e40', 'Infinity', 'NaN']],
  [Types.text, ['', 'A', 'B', 'a', 'ab', 'abc', 'b', 'z', 'é', '\uffff', '😀']],
  [Types.bpchar, ['', 'a', 'a b', 'ab', 'b']],
  [Types.bool, ['false', 'true']],
  [Types.date, ['-infinity', '4714-11-24 BC', '1969-12-31', '1970-01-01', '2024-02-29', '5874897-12-31', 'infinity']],
  [Types.timestamp, ['-infinity', '4714-11-24 BC', '1969-12-31 23:59:59.999999', '1970-01-01', '2024-01-01 12:00', '294276-12-31 23:59:59.999999', 'infinity']],
  [Types.timestamptz, ['-infinity', '1900-01-01 00:00+00', '2024-01-01 12:00+00', 'infinity']],
  [Types.uuid, ['00000000-0000-0000-0000-000000000000', '0000000f-0000-0000-0000-000000000000', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'ffffffff-ffff-ffff-ffff-ffffffffffff']],
  [Types.interval, ['-1 year', '-1 day', '00:00:00', '1 second', '29 days', '1 mon', '1 mon 1 second', '1 year']],
];

test('index keys sort bytewise exactly as compare() orders the values, with NULL last', (t) => {
  for (const [type, texts] of keyTypes) {
    const values = texts.map((s) => input(type, s, UTC));
    const keys = values.map((v) => encodeIndexKey([type], [v]));
    for (let i = 0; i < values.length; i++) {
      t.regex(keys[i]!, /^[0-9a-f]+$/);
      for (let j = 0; j < values.length; j++) {
        const expected = Math.sign(compare(type, values[i]!, values[j]!));
        const got = keys[i]! < keys[j]! ? -1 : keys[i]! > keys[j]! ? 1 : 0;
        t.is(got, expected, `${type.name}: ${texts[i]} vs ${texts[j]}`);
      }
      t.true(keys[i]! < encodeIndexKey([type], [null]), `${type.name}: ${texts[i]} sorts before NULL`);
    }
  }
  const one = input(Types.numeric, '1.0', UTC);
  t.is(encodeIndexKey([Types.numeric], [one]), encodeIndexKey([Types.numeric], [input(Types.numeric, '1.000', UTC)]));
  t.is(encodeIndexKey([Types.float8], [-0]), encodeIndexKey([Types.float8], [0]));
});

test('composite index keys compare column by column and a prefix encodes as a prefix', (t) => {
  const types = [Types.text, Types.int4];
  const rows: Datum[][] = [
    ['a', 2],
    ['a', 10],
    ['a', null],
    ['ab', 1],
    ['b', -1],
    [null, 0],
  ];
  const keys = rows.map((r) => encodeIndexKey(types, r));
  for (let i = 1; i < keys.length; i++) t.true(keys[i - 1]! < keys[i]!, `${JSON.stringify(rows[i - 1])} < ${JSON.stringify(rows[i])}`);
  const prefix = encodeIndexKey(types, ['a']);
  t.true(keys[0]!.startsWith(prefix) && keys[1]!.startsWith(prefix) && keys[2]!.startsWith(prefix));
  t.false(keys[3]!.startsWith(prefix));
});

test('serializeDatum is JSON-safe and deserializeDatum restores every type losslessly', (t) => {
  const samples: Array<[SqlType, string]> = [
    [Types.bool, 't'],
    [Types.int2, '-32768'],
    [Types.int4, '2147483647'],
    [Types.int8, '-9223372036854775808'],
    [Types.float4, '1.1'],
    [Types.float8, '-0'],
    [Types.float8, 'NaN'],
    [Types.float8, '-Infinity'],
    [Types.numeric, '12345678901234567890.000100'],
    [Types.numeric, 'NaN'],
    [Types.text, 'héllo "quoted"'],
    [typeOf('char(4)'), 'ab'],
    [Types.bytea, '\\x00ff10'],
    [Types.uuid, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
    [Types.date, 'infinity'],
    [Types.date, '2024-02-29'],
    [Types.time, '23:59:59.999999'],
    [Types.timestamp, '2024-01-01 12:00:00.5'],
    [Types.timestamptz, '-infinity'],
    [Types.interval, '-1 years 2 mons 3 days 04:05:06.7'],
    [Types.jsonb, '{"b": [1, 2.50, null], "a": {"x": "y"}}'],
    [Types.json, '{"b":1,  "a":2}'],
  ];
  for (const [type, text] of samples) {
    const v = input(type, text, UTC);
    const stored = JSON.parse(JSON.stringify(serializeDatum(type, v))) as unknown;
    const back = deserializeDatum(type, stored);
    t.is(output(type, back, UTC), output(type, v, UTC), `${type.name} ${text}`);
    t.is(compare(type === Types.json ? Types.text : type, back, v), 0);
  }
  t.is(serializeDatum(Types.int4, null), null);
  t.is(deserializeDatum(Types.int4, null), null);
});

test('input and output of the hot-path types round-trip without surprises', (t) => {
  for (const s of ['0', '-0', '+17', ' 42 ', '-2147483648', '2147483647']) t.is(output(Types.int4, input(Types.int4, s, UTC), UTC), String(Number(s.trim())));
  t.is(output(Types.int8, input(Types.int8, '9223372036854775807', UTC), UTC), '9223372036854775807');
  t.is(output(Types.float8, 0.1 + 0.2, UTC), '0.30000000000000004');
  t.is(output(Types.float8, 1e20, UTC), '1e+20');
  t.is(output(Types.float8, 123456789012345, UTC), '123456789012345');
  t.is(output(Types.float8, 1e15, UTC), '1e+15');
  t.is(output(Types.float8, 1 / 3, { timeZone: 'UTC', extraFloatDigits: 0 }), '0.333333333333333');
  t.is(output(Types.float8, 123456789.123, { timeZone: 'UTC', extraFloatDigits: 0 }), '123456789.123');
  t.is(output(Types.bool, input(Types.bool, 'on', UTC), UTC), 't');
  t.is(output(Types.bytea, input(Types.bytea, '\\x4A 4b', UTC), UTC), '\\x4a4b');
});

test('to_char prints tzdata abbreviations and offsets for American and European zones', (t) => {
  const cases: Array<[string, string, string]> = [
    ['Europe/Berlin', "to_char('2024-07-01 00:00+00'::timestamptz, 'TZ tz OF')", 'CEST cest +02'],
    ['Europe/Berlin', "to_char('2024-01-01 00:00+00'::timestamptz, 'TZ OF TZH:TZM')", 'CET +01 +01:00'],
    ['America/New_York', "to_char('2024-07-01 00:00+00'::timestamptz, 'TZ tz OF')", 'EDT edt -04'],
    ['Europe/London', "to_char('2024-01-01 00:00+00'::timestamptz, 'TZ OF TZH:TZM')", 'GMT +00 +00:00'],
    ['UTC', "to_char('2024-07-01 00:00+00'::timestamptz, 'TZ tz OF')", 'UTC utc +00'],
  ];
  for (const [zone, expr, expected] of cases) t.is(evaluate(expr, zone), expected, `${zone}: ${expr}`);
});
