/*
 * numeric: exact decimal arithmetic with PostgreSQL's display-scale rules
 * (numeric.c). A finite value is `digits * 10^-scale` where `digits` is a
 * signed bigint and `scale` is the display scale (dscale, >= 0); the value is
 * never normalised, so 1.50 keeps its two fractional digits as in PostgreSQL.
 * NaN, Infinity and -Infinity are the PostgreSQL 14+ special values.
 */
import { SqlError } from '../errors.ts';

const enum Kind {
  Finite = 0,
  NaN = 1,
  PosInf = 2,
  NegInf = 3,
}

/** NUMERIC_MIN_SIG_DIGITS, NUMERIC_MAX_DISPLAY_SCALE, NUMERIC_MAX_RESULT_SCALE. */
const MIN_SIG_DIGITS = 16;
const MAX_DISPLAY_SCALE = 1000;
const MAX_RESULT_SCALE = 2000;

const pow10Cache: bigint[] = [];
export function pow10(n: number): bigint {
  if (n < 64) {
    let v = pow10Cache[n];
    if (v === undefined) {
      v = 10n ** BigInt(n);
      pow10Cache[n] = v;
    }
    return v;
  }
  return 10n ** BigInt(n);
}

const abs = (v: bigint): bigint => (v < 0n ? -v : v);

/** a / b rounded half away from zero (b != 0). */
export function divRound(a: bigint, b: bigint): bigint {
  const q = a / b;
  const r = a - q * b;
  if (r === 0n) return q;
  if (2n * abs(r) >= abs(b)) return a < 0n !== b < 0n ? q - 1n : q + 1n;
  return q;
}

export const divisionByZero = (): SqlError => new SqlError('22012', 'division by zero');

export class Numeric {
  private constructor(
    private readonly kind: Kind,
    /** The unscaled value (0n for the special values). */
    readonly digits: bigint,
    /** Display scale: the number of digits after the decimal point. */
    readonly scale: number,
  ) {}

  static readonly NaN = new Numeric(Kind.NaN, 0n, 0);
  static readonly Infinity = new Numeric(Kind.PosInf, 0n, 0);
  static readonly NegativeInfinity = new Numeric(Kind.NegInf, 0n, 0);
  static readonly ZERO = new Numeric(Kind.Finite, 0n, 0);
  static readonly ONE = new Numeric(Kind.Finite, 1n, 0);

  static of(digits: bigint, scale = 0): Numeric {
    return new Numeric(Kind.Finite, digits, scale);
  }

  static fromInt(v: number | bigint): Numeric {
    return new Numeric(Kind.Finite, BigInt(v), 0);
  }

  /** float8_numeric: the value printed with %.15g (FLT_DIG 6 for float4), then read back. */
  static fromFloat(v: number, significantDigits = 15): Numeric {
    if (Number.isNaN(v)) return Numeric.NaN;
    if (v === Infinity) return Numeric.Infinity;
    if (v === -Infinity) return Numeric.NegativeInfinity;
    // %g drops trailing zeros of the fraction: 0.1 -> '0.1', not '0.100000000000000'.
    let text = v.toPrecision(significantDigits);
    const e = text.indexOf('e');
    let mant = e < 0 ? text : text.slice(0, e);
    if (mant.includes('.')) mant = mant.replace(/0+$/, '').replace(/\.$/, '');
    text = e < 0 ? mant : mant + text.slice(e);
    return Numeric.parse(text)!;
  }

  /** numeric_in's syntax; undefined when the text is not a number. */
  static parse(text: string): Numeric | undefined {
    let i = 0;
    let end = text.length;
    while (i < end && isSpace(text.charCodeAt(i))) i++;
    while (end > i && isSpace(text.charCodeAt(end - 1))) end--;
    if (i === end) return undefined;
    let neg = false;
    const c0 = text.charCodeAt(i);
    if (c0 === 43 /* + */ || c0 === 45 /* - */) {
      neg = c0 === 45;
      i++;
    }
    const c = text.charCodeAt(i);
    if (c === 78 || c === 110 || c === 73 || c === 105) {
      const word = text.slice(i, end).toLowerCase();
      if (word === 'nan' && text.charCodeAt(i - 1) !== 43 && text.charCodeAt(i - 1) !== 45) return Numeric.NaN;
      if (word === 'infinity' || word === 'inf') return neg ? Numeric.NegativeInfinity : Numeric.Infinity;
      return undefined;
    }
    let intStart = i;
    while (i < end && isDigit(text.charCodeAt(i))) i++;
    let mantissa = text.slice(intStart, i);
    let scale = 0;
    let sawDigits = mantissa.length > 0;
    if (i < end && text.charCodeAt(i) === 46 /* . */) {
      i++;
      intStart = i;
      while (i < end && isDigit(text.charCodeAt(i))) i++;
      const frac = text.slice(intStart, i);
      scale = frac.length;
      mantissa += frac;
      sawDigits ||= frac.length > 0;
    }
    if (!sawDigits) return undefined;
    let exponent = 0;
    if (i < end && (text.charCodeAt(i) | 0x20) === 101 /* e */) {
      i++;
      let eneg = false;
      const ec = text.charCodeAt(i);
      if (ec === 43 || ec === 45) {
        eneg = ec === 45;
        i++;
      }
      const expStart = i;
      while (i < end && isDigit(text.charCodeAt(i))) i++;
      if (i === expStart || i - expStart > 9) return undefined;
      exponent = Number(text.slice(expStart, i));
      if (exponent > 1000) return undefined;
      if (eneg) exponent = -exponent;
    }
    if (i !== end) return undefined;
    let digits = BigInt(mantissa);
    if (neg) digits = -digits;
    if (exponent === 0) return new Numeric(Kind.Finite, digits, scale);
    const newScale = scale - exponent;
    if (newScale >= 0) return new Numeric(Kind.Finite, digits, newScale);
    return new Numeric(Kind.Finite, digits * pow10(-newScale), 0);
  }

  isNaN(): boolean {
    return this.kind === Kind.NaN;
  }
  isInfinite(): boolean {
    return this.kind === Kind.PosInf || this.kind === Kind.NegInf;
  }
  isFinite(): boolean {
    return this.kind === Kind.Finite;
  }
  /** -1, 0, 1 (NaN gives 0). */
  sign(): number {
    if (this.kind === Kind.PosInf) return 1;
    if (this.kind === Kind.NegInf) return -1;
    return this.digits > 0n ? 1 : this.digits < 0n ? -1 : 0;
  }
  isZero(): boolean {
    return this.kind === Kind.Finite && this.digits === 0n;
  }

  /** numeric_out. */
  toString(): string {
    switch (this.kind) {
      case Kind.NaN:
        return 'NaN';
      case Kind.PosInf:
        return 'Infinity';
      case Kind.NegInf:
        return '-Infinity';
    }
    if (this.scale === 0) return this.digits.toString();
    const neg = this.digits < 0n;
    let s = (neg ? -this.digits : this.digits).toString();
    if (s.length <= this.scale) s = '0'.repeat(this.scale - s.length + 1) + s;
    const cut = s.length - this.scale;
    return (neg ? '-' : '') + s.slice(0, cut) + '.' + s.slice(cut);
  }

  /** numeric_out_sci / the %e-less form used by to_char: plain number with trailing zeros removed. */
  toNumber(): number {
    switch (this.kind) {
      case Kind.NaN:
        return NaN;
      case Kind.PosInf:
        return Infinity;
      case Kind.NegInf:
        return -Infinity;
    }
    return Number(this.toString());
  }

  /** Same value, digits rescaled to `scale` (which must not drop nonzero digits unless rounding is wanted). */
  private rescaled(scale: number): bigint {
    if (scale >= this.scale) return this.digits * pow10(scale - this.scale);
    return divRound(this.digits, pow10(this.scale - scale));
  }

  /** cmp_numerics: NaN is above everything and equal to itself. */
  compare(other: Numeric): number {
    if (this.kind !== Kind.Finite || other.kind !== Kind.Finite) {
      const rank = (n: Numeric): number => (n.kind === Kind.NaN ? 3 : n.kind === Kind.PosInf ? 2 : n.kind === Kind.NegInf ? -2 : 0);
      const a = rank(this);
      const b = rank(other);
      return a === b ? 0 : a < b ? -1 : 1;
    }
    if (this.scale === other.scale) return this.digits === other.digits ? 0 : this.digits < other.digits ? -1 : 1;
    const s = Math.max(this.scale, other.scale);
    const a = this.digits * pow10(s - this.scale);
    const b = other.digits * pow10(s - other.scale);
    return a === b ? 0 : a < b ? -1 : 1;
  }

  equals(other: Numeric): boolean {
    return this.compare(other) === 0;
  }

  neg(): Numeric {
    switch (this.kind) {
      case Kind.NaN:
        return this;
      case Kind.PosInf:
        return Numeric.NegativeInfinity;
      case Kind.NegInf:
        return Numeric.Infinity;
    }
    return new Numeric(Kind.Finite, -this.digits, this.scale);
  }

  abs(): Numeric {
    if (this.kind === Kind.NegInf) return Numeric.Infinity;
    return this.digits < 0n ? new Numeric(Kind.Finite, -this.digits, this.scale) : this;
  }

  add(other: Numeric): Numeric {
    if (this.kind !== Kind.Finite || other.kind !== Kind.Finite) {
      if (this.kind === Kind.NaN || other.kind === Kind.NaN) return Numeric.NaN;
      if (this.kind === Kind.Finite) return other;
      if (other.kind === Kind.Finite) return this;
      return this.kind === other.kind ? this : Numeric.NaN;
    }
    const s = Math.max(this.scale, other.scale);
    return new Numeric(Kind.Finite, this.rescaled(s) + other.rescaled(s), s);
  }

  sub(other: Numeric): Numeric {
    return this.add(other.neg());
  }

  mul(other: Numeric): Numeric {
    if (this.kind !== Kind.Finite || other.kind !== Kind.Finite) {
      if (this.kind === Kind.NaN || other.kind === Kind.NaN) return Numeric.NaN;
      const s = this.sign() * other.sign();
      return s === 0 ? Numeric.NaN : s > 0 ? Numeric.Infinity : Numeric.NegativeInfinity;
    }
    const s = this.scale + other.scale;
    if (s <= MAX_DISPLAY_SCALE) return new Numeric(Kind.Finite, this.digits * other.digits, s);
    return new Numeric(Kind.Finite, divRound(this.digits * other.digits, pow10(s - MAX_DISPLAY_SCALE)), MAX_DISPLAY_SCALE);
  }

  /** numeric_div with select_div_scale's result scale. */
  div(other: Numeric): Numeric {
    if (this.kind !== Kind.Finite || other.kind !== Kind.Finite) {
      if (this.kind === Kind.NaN || other.kind === Kind.NaN) return Numeric.NaN;
      if (this.kind !== Kind.Finite) {
        if (other.kind !== Kind.Finite) return Numeric.NaN;
        if (other.digits === 0n) throw divisionByZero();
        return this.sign() * other.sign() > 0 ? Numeric.Infinity : Numeric.NegativeInfinity;
      }
      return Numeric.ZERO;
    }
    if (other.digits === 0n) throw divisionByZero();
    return this.divToScale(other, selectDivScale(this, other));
  }

  /** The quotient rounded (half away from zero) to `scale` digits. */
  divToScale(other: Numeric, scale: number): Numeric {
    if (other.digits === 0n) throw divisionByZero();
    // this/other = (a / 10^sa) / (b / 10^sb); scaled by 10^scale.
    const shift = scale + other.scale - this.scale;
    let num = this.digits;
    let den = other.digits;
    if (shift >= 0) num *= pow10(shift);
    else den *= pow10(-shift);
    return new Numeric(Kind.Finite, divRound(num, den), scale);
  }

  /** Integer quotient truncated toward zero (div()). */
  divTrunc(other: Numeric): Numeric {
    if (this.kind === Kind.NaN || other.kind === Kind.NaN) return Numeric.NaN;
    if (other.isZero()) throw divisionByZero();
    if (this.kind !== Kind.Finite) return other.kind !== Kind.Finite ? Numeric.NaN : this.sign() * other.sign() > 0 ? Numeric.Infinity : Numeric.NegativeInfinity;
    if (other.kind !== Kind.Finite) return Numeric.ZERO;
    const s = Math.max(this.scale, other.scale);
    return new Numeric(Kind.Finite, this.rescaled(s) / other.rescaled(s), 0);
  }

  /** numeric_mod: x - trunc(x / y) * y; the scale is the larger input scale. */
  mod(other: Numeric): Numeric {
    if (this.kind === Kind.NaN || other.kind === Kind.NaN) return Numeric.NaN;
    if (this.kind !== Kind.Finite) {
      if (other.isZero()) throw divisionByZero();
      return Numeric.NaN;
    }
    if (other.kind !== Kind.Finite) return this;
    if (other.digits === 0n) throw divisionByZero();
    const s = Math.max(this.scale, other.scale);
    return new Numeric(Kind.Finite, this.rescaled(s) % other.rescaled(s), s);
  }

  /** round(x, s): half away from zero; a negative s rounds left of the point with display scale 0. */
  round(scale = 0): Numeric {
    if (this.kind !== Kind.Finite) return this;
    scale = Math.max(-MAX_RESULT_SCALE, Math.min(MAX_RESULT_SCALE, scale));
    if (scale >= this.scale) return new Numeric(Kind.Finite, this.digits * pow10(scale - this.scale), scale);
    const unit = pow10(this.scale - scale);
    const q = divRound(this.digits, unit);
    return scale >= 0 ? new Numeric(Kind.Finite, q, scale) : new Numeric(Kind.Finite, q * pow10(-scale), 0);
  }

  /** trunc(x, s): toward zero. */
  trunc(scale = 0): Numeric {
    if (this.kind !== Kind.Finite) return this;
    scale = Math.max(-MAX_RESULT_SCALE, Math.min(MAX_RESULT_SCALE, scale));
    if (scale >= this.scale) return new Numeric(Kind.Finite, this.digits * pow10(scale - this.scale), scale);
    const q = this.digits / pow10(this.scale - scale);
    return scale >= 0 ? new Numeric(Kind.Finite, q, scale) : new Numeric(Kind.Finite, q * pow10(-scale), 0);
  }

  ceil(): Numeric {
    if (this.kind !== Kind.Finite) return this;
    const unit = pow10(this.scale);
    let q = this.digits / unit;
    if (this.digits > 0n && q * unit !== this.digits) q += 1n;
    return new Numeric(Kind.Finite, q, 0);
  }

  floor(): Numeric {
    if (this.kind !== Kind.Finite) return this;
    const unit = pow10(this.scale);
    let q = this.digits / unit;
    if (this.digits < 0n && q * unit !== this.digits) q -= 1n;
    return new Numeric(Kind.Finite, q, 0);
  }

  /** Round half away from zero to an integer (numeric_int4 and friends); special values are the caller's problem. */
  toBigIntRounded(): bigint {
    return this.scale === 0 ? this.digits : divRound(this.digits, pow10(this.scale));
  }

  /** sqrt with numeric_sqrt's result scale. */
  sqrt(): Numeric {
    if (this.kind === Kind.NaN || this.kind === Kind.PosInf) return this;
    if (this.sign() < 0) throw new SqlError('2201F', 'cannot take square root of a negative number');
    const weight = this.isZero() ? 0 : nbaseWeight(this).weight;
    const sweight = Math.trunc(((weight + 1) * 4) / 2) - 1;
    let rscale = MIN_SIG_DIGITS - sweight;
    rscale = Math.min(MAX_DISPLAY_SCALE, Math.max(rscale, this.scale, 0));
    // isqrt(x * 10^(2*(rscale+1))) then round the last digit.
    const x = this.rescaled(2 * (rscale + 1));
    const r = isqrt(x);
    return new Numeric(Kind.Finite, divRound(r, 10n), rscale);
  }

  /**
   * apply_typmod: round to the typmod's scale and check the precision
   * (22003 numeric field overflow).
   */
  applyTypmod(typmod: number): Numeric {
    if (typmod < 4) return this;
    const t = typmod - 4;
    const precision = (t >> 16) & 0xffff;
    const scale = ((t & 0x7ff) ^ 1024) - 1024;
    if (this.kind !== Kind.Finite) {
      if (this.kind === Kind.NaN) return this;
      throw new SqlError('22003', 'numeric field overflow', {
        detail: `A field with precision ${precision}, scale ${scale} cannot hold an infinite value.`,
      });
    }
    const r = this.round(scale);
    const maxDigits = precision - scale;
    if (r.digits !== 0n) {
      // Integer digits of the rounded value: its magnitude must be below 10^maxDigits.
      const limit = maxDigits + r.scale >= 0 ? pow10(maxDigits + r.scale) : 0n;
      if (abs(r.digits) >= limit) {
        throw new SqlError('22003', 'numeric field overflow', {
          detail: `A field with precision ${precision}, scale ${scale} must round to an absolute value less than ${maxDigits === 0 ? '1' : `10^${maxDigits}`}.`,
        });
      }
    }
    return r;
  }
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

/** Integer square root (floor): Newton's iteration from above, which decreases monotonically to the root. */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  const bits = n.toString(16).length * 4;
  let x = 1n << BigInt((bits >> 1) + 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/**
 * The weight (exponent in base 10000) and value of the first nonzero base-10000
 * digit of a nonzero finite numeric, as numeric.c's NumericVar has them.
 */
export function nbaseWeight(n: Numeric): { weight: number; first: number } {
  const s = (n.digits < 0n ? -n.digits : n.digits).toString();
  const e = s.length - 1 - n.scale; // decimal exponent of the leading digit
  const weight = Math.floor(e / 4);
  const count = e - 4 * weight + 1; // digits in the leading group (1..4)
  const head = s.length >= count ? s.slice(0, count) : s + '0'.repeat(count - s.length);
  return { weight, first: Number(head) };
}

/** select_div_scale. */
function selectDivScale(a: Numeric, b: Numeric): number {
  let w1 = 0;
  let f1 = 0;
  if (!a.isZero()) ({ weight: w1, first: f1 } = nbaseWeight(a));
  const { weight: w2, first: f2 } = nbaseWeight(b);
  let qweight = w1 - w2;
  if (f1 <= f2) qweight--;
  let rscale = MIN_SIG_DIGITS - qweight * 4;
  rscale = Math.max(rscale, a.scale, b.scale, 0);
  return Math.min(rscale, MAX_DISPLAY_SCALE);
}

export const NUMERIC_MIN_SIG_DIGITS = MIN_SIG_DIGITS;
export const NUMERIC_MAX_DISPLAY_SCALE = MAX_DISPLAY_SCALE;
