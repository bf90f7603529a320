/*
 * float4 and float8 (float.c): input with strtod's syntax and PostgreSQL's
 * range errors, output as the shortest round-trip digits (PostgreSQL 12+,
 * extra_float_digits > 0) or %.{15|6 + extra_float_digits}g, and arithmetic
 * with the overflow/underflow checks of float.h.
 */
import { SqlError } from '../errors.ts';
import { divisionByZero } from './numeric.ts';

const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

const typeName = (single: boolean): string => (single ? 'real' : 'double precision');

/** float8in / float4in. */
export function parseFloat8(text: string, single = false): number {
  let i = 0;
  let end = text.length;
  while (i < end && isSpace(text.charCodeAt(i))) i++;
  while (end > i && isSpace(text.charCodeAt(end - 1))) end--;
  const body = text.slice(i, end);
  const bad = (): SqlError => new SqlError('22P02', `invalid input syntax for type ${typeName(single)}: "${text}"`);
  if (body.length === 0) throw bad();
  const lower = body.toLowerCase();
  switch (lower) {
    case 'nan':
    case '+nan':
    case '-nan':
      return NaN;
    case 'infinity':
    case '+infinity':
    case 'inf':
    case '+inf':
      return Infinity;
    case '-infinity':
    case '-inf':
      return -Infinity;
  }
  let k = 0;
  const c0 = body.charCodeAt(0);
  if (c0 === 43 || c0 === 45) k++;
  if (lower.startsWith('0x', k)) {
    const hex = body.slice(k + 2);
    if (!/^[0-9a-fA-F]+$/.test(hex)) throw bad();
    const v = parseInt(hex, 16);
    return c0 === 45 ? -v : v;
  }
  let digits = 0;
  let nonzero = false;
  for (; k < body.length; k++) {
    const c = body.charCodeAt(k);
    if (c >= 48 && c <= 57) {
      digits++;
      if (c !== 48) nonzero = true;
    } else break;
  }
  if (k < body.length && body.charCodeAt(k) === 46) {
    for (k++; k < body.length; k++) {
      const c = body.charCodeAt(k);
      if (c >= 48 && c <= 57) {
        digits++;
        if (c !== 48) nonzero = true;
      } else break;
    }
  }
  if (digits === 0) throw bad();
  if (k < body.length && (body.charCodeAt(k) | 0x20) === 101) {
    let j = k + 1;
    const s = body.charCodeAt(j);
    if (s === 43 || s === 45) j++;
    const expStart = j;
    while (j < body.length && body.charCodeAt(j) >= 48 && body.charCodeAt(j) <= 57) j++;
    if (j > expStart) k = j;
  }
  if (k !== body.length) throw bad();
  let v = Number(body);
  if (single) v = Math.fround(v);
  if (!Number.isFinite(v) || (v === 0 && nonzero)) throw new SqlError('22003', `"${body}" is out of range for type ${typeName(single)}`);
  return v;
}

/** The shortest decimal digits that read back as `v` (a float4 when single), with the decimal exponent of the first digit. */
function shortest(v: number, single: boolean): { digits: string; exp: number } {
  let e: string;
  if (!single) e = v.toExponential();
  else {
    e = v.toExponential(8);
    for (let p = 0; p < 9; p++) {
      const cand = v.toExponential(p);
      if (Math.fround(Number(cand)) === v) {
        e = cand;
        break;
      }
    }
  }
  const ePos = e.indexOf('e');
  let mant = e.slice(0, ePos);
  if (mant.charCodeAt(0) === 45) mant = mant.slice(1);
  const digits = mant.length > 1 ? mant[0] + mant.slice(2) : mant;
  return { digits: digits.replace(/0+$/, '') || '0', exp: Number(e.slice(ePos + 1)) };
}

/** Lay out digits d1d2d3... x 10^exp as %e or fixed, like Ryu's output in float8out. */
function layout(neg: boolean, digits: string, exp: number, sciAbove: number): string {
  let out: string;
  if (exp < -4 || exp >= sciAbove) {
    const mant = digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits;
    const ae = Math.abs(exp);
    out = `${mant}e${exp < 0 ? '-' : '+'}${ae < 10 ? '0' : ''}${ae}`;
  } else if (exp < 0) out = '0.' + '0'.repeat(-exp - 1) + digits;
  else if (digits.length <= exp + 1) out = digits + '0'.repeat(exp + 1 - digits.length);
  else out = digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1);
  return neg ? '-' + out : out;
}

/** float8out / float4out. */
export function formatFloat(v: number, single: boolean, extraFloatDigits = 1): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const neg = v < 0;
  const base = single ? 6 : 15;
  if (extraFloatDigits > 0) {
    // Fast path for integral doubles that print in fixed notation.
    if (!single && Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
    const { digits, exp } = shortest(Math.abs(v), single);
    return layout(neg, digits, exp, base);
  }
  const precision = Math.max(1, base + extraFloatDigits);
  const e = Math.abs(v).toExponential(precision - 1);
  const ePos = e.indexOf('e');
  const mant = e.slice(0, ePos);
  const digits = (mant.length > 1 ? mant[0] + mant.slice(2) : mant).replace(/0+$/, '') || '0';
  return layout(neg, digits, Number(e.slice(ePos + 1)), precision);
}

const overflow = (): SqlError => new SqlError('22003', 'value out of range: overflow');
const underflow = (): SqlError => new SqlError('22003', 'value out of range: underflow');

/** float8/float4 + - * / with float.h's checks; `single` rounds to float4 first. */
export function floatOp(op: string, a: number, b: number, single: boolean): number {
  let r: number;
  switch (op) {
    case '+':
      r = a + b;
      break;
    case '-':
      r = a - b;
      break;
    case '*':
      r = a * b;
      break;
    case '/':
      if (b === 0 && !Number.isNaN(a)) throw divisionByZero();
      r = a / b;
      break;
    case '%':
      throw new Error('no float modulo');
    case '^':
      return single ? Math.fround(floatPower(a, b)) : floatPower(a, b);
    default:
      throw new Error(`no float operator ${op}`);
  }
  if (single) r = Math.fround(r);
  if (!Number.isFinite(r) && !Number.isNaN(r) && Number.isFinite(a) && Number.isFinite(b)) throw overflow();
  if (r === 0 && (op === '*' ? a !== 0 && b !== 0 : op === '/' ? a !== 0 && Number.isFinite(b) : false)) throw underflow();
  return r;
}

/** dpow. */
export function floatPower(a: number, b: number): number {
  if (Number.isNaN(a)) return b === 0 ? 1 : NaN;
  if (Number.isNaN(b)) return a === 1 ? 1 : NaN;
  if (a === 0 && b < 0) throw new SqlError('2201F', 'zero raised to a negative power is undefined');
  if (a < 0 && Number.isFinite(b) && !Number.isInteger(b)) throw new SqlError('2201F', 'a negative number raised to a non-integer power yields a complex result');
  if (a === 1 || b === 0) return 1;
  if (a === -1 && !Number.isFinite(b)) return 1;
  const r = Math.pow(a, b);
  if (!Number.isFinite(r) && Number.isFinite(a) && Number.isFinite(b)) throw overflow();
  if (r === 0 && a !== 0 && Number.isFinite(a) && Number.isFinite(b)) throw underflow();
  return r;
}

/** float8 -> float4 (dtof): overflow and underflow are errors. */
export function toFloat4(v: number): number {
  const r = Math.fround(v);
  if (!Number.isFinite(r) && Number.isFinite(v)) throw overflow();
  if (r === 0 && v !== 0) throw underflow();
  return r;
}

/** float8 comparison: NaN equals NaN and sorts above everything (float8_cmp_internal). */
export function compareFloat(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  const an = Number.isNaN(a);
  const bn = Number.isNaN(b);
  return an ? (bn ? 0 : 1) : -1;
}

/** C frexp: [m, e] with |m| in [0.5, 1) and x = m * 2^e (x finite and nonzero). */
function frexp(x: number): [number, number] {
  let e = 0;
  let m = Math.abs(x);
  if (m < 2 ** -1022) {
    m *= 2 ** 64;
    e -= 64;
  }
  const exp = Math.floor(Math.log2(m));
  m /= 2 ** exp;
  e += exp;
  // log2 can be off by one near powers of two.
  while (m >= 1) {
    m /= 2;
    e++;
  }
  while (m < 0.5) {
    m *= 2;
    e--;
  }
  return [x < 0 ? -m : m, e];
}

/** C ldexp: y * 2^n, scaled in steps so that no intermediate overflows or underflows early. */
function ldexp(y: number, n: number): number {
  let r = y;
  let k = n;
  while (k > 1000) {
    r *= 2 ** 1000;
    k -= 1000;
  }
  while (k < -1000) {
    r *= 2 ** -1000;
    k += 1000;
  }
  return r * 2 ** k;
}

const CBRT2 = 1.2599210498948731648;
const SQR_CBRT2 = 1.5874010519681994748;
const CBRT_FACTOR = [1.0 / SQR_CBRT2, 1.0 / CBRT2, 1.0, CBRT2, SQR_CBRT2];

/**
 * cbrt() as glibc's sysdeps/ieee754/dbl-64/s_cbrt.c computes it, which
 * PostgreSQL's dcbrt (cbrt() and ||/) calls: not correctly rounded, so
 * cbrt(27) is 3.0000000000000004 there, and Math.cbrt would print 3.
 */
export function glibcCbrt(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x + x;
  const [m, xe] = frexp(Math.abs(x));
  const xm = m;
  // The coefficients exactly as glibc spells them.
  const u =
    0.35489576504391986 +
    (1.50819193781584896 + (-2.11499494167371287 + (2.4469312256353443 + (-1.83469277483613086 + (0.784932344976639262 - 0.145263899385486377 * xm) * xm) * xm) * xm) * xm) * xm;
  const t2 = u * u * u;
  const ym = ((u * (t2 + 2.0 * xm)) / (2.0 * t2 + xm)) * CBRT_FACTOR[2 + (xe % 3)]!;
  const r = ldexp(ym, Math.trunc(xe / 3));
  return x < 0 ? -r : r;
}
