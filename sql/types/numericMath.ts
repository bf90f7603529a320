/*
 * numeric transcendental functions (numeric.c numeric_power, numeric_exp,
 * numeric_ln, numeric_log) with PostgreSQL 15's result-scale rules. The
 * values are computed in bigint fixed point with guard digits and rounded
 * half away from zero to the result scale.
 */
import { SqlError } from '../errors.ts';
import { divRound, divisionByZero, isqrt, nbaseWeight, Numeric, NUMERIC_MAX_DISPLAY_SCALE, NUMERIC_MIN_SIG_DIGITS, pow10 } from './numeric.ts';

const GUARD = 12;

const clampScale = (s: number): number => Math.min(NUMERIC_MAX_DISPLAY_SCALE, Math.max(0, s));

/** x (a positive Numeric) as a fixed-point bigint with `p` fractional digits. */
function toFixed(x: Numeric, p: number): bigint {
  return p >= x.scale ? x.digits * pow10(p - x.scale) : divRound(x.digits, pow10(x.scale - p));
}

const lnCache = new Map<number, bigint>();

/** ln(10) in fixed point with p digits. */
function ln10(p: number): bigint {
  let v = lnCache.get(p);
  if (v === undefined) {
    v = lnFixedReduced(10n * pow10(p), p);
    lnCache.set(p, v);
  }
  return v;
}

/** ln(m) for a fixed-point m (p digits) of moderate size: square roots down to ~1, then the atanh series. */
function lnFixedReduced(m: bigint, p: number): bigint {
  const one = pow10(p);
  let k = 0;
  const near = one / 100n;
  while ((m > one ? m - one : one - m) > near) {
    m = isqrt(m * one);
    k++;
  }
  // ln(m) = 2 * atanh(z), z = (m - 1) / (m + 1)
  const z = ((m - one) * one) / (m + one);
  const z2 = (z * z) / one;
  let term = z;
  let sum = 0n;
  for (let n = 1n; term !== 0n; n += 2n) {
    sum += term / n;
    term = (term * z2) / one;
  }
  return (2n * sum) << BigInt(k);
}

/** ln(x) for a positive Numeric, fixed point with p digits. */
function lnFixed(x: Numeric, p: number): bigint {
  const s = x.digits.toString();
  const exp10 = s.length - 1 - x.scale; // x = m * 10^exp10 with m in [1, 10)
  const m = toFixed(Numeric.of(x.digits, s.length - 1), p);
  return lnFixedReduced(m, p) + BigInt(exp10) * ln10(p);
}

/** exp(y) for a fixed-point y with p digits: halvings, Taylor series, squarings. */
function expFixed(y: bigint, p: number): bigint {
  const one = pow10(p);
  let k = 0;
  let r = y;
  const small = one / 1000n;
  while ((r < 0n ? -r : r) > small) {
    r /= 2n;
    k++;
  }
  let term = one;
  let sum = one;
  for (let n = 1n; term !== 0n; n++) {
    term = (term * r) / (one * n);
    sum += term;
  }
  for (let i = 0; i < k; i++) sum = (sum * sum) / one;
  return sum;
}

const fromFixed = (v: bigint, p: number, scale: number): Numeric => Numeric.of(divRound(v, pow10(p - scale)), scale);

/** estimate_ln_dweight. */
function estimateLnDweight(x: Numeric): number {
  if (x.sign() <= 0) return 0;
  if (x.compare(Numeric.of(9n, 1)) >= 0 && x.compare(Numeric.of(11n, 1)) <= 0) {
    const d = x.sub(Numeric.ONE);
    if (d.isZero()) return 0;
    const { weight, first } = nbaseWeight(d);
    return weight * 4 + Math.trunc(Math.log10(first));
  }
  const { weight, groups } = nbaseGroups(x);
  let digits = groups[0]!;
  let dweight = weight * 4;
  if (groups.length > 1) {
    digits = digits * 10000 + groups[1]!;
    dweight -= 4;
  }
  const lnVar = Math.log(digits) + dweight * 2.302585092994046;
  return Math.trunc(Math.log10(Math.abs(lnVar)));
}

/** The base-10000 digits of a nonzero value as numeric.c stores them (no leading or trailing zero groups). */
function nbaseGroups(x: Numeric): { weight: number; groups: number[] } {
  const s = (x.digits < 0n ? -x.digits : x.digits).toString();
  const e = s.length - 1 - x.scale;
  const weight = Math.floor(e / 4);
  const lead = e - 4 * weight + 1;
  let padded = '0'.repeat(4 - lead) + s;
  padded += '0'.repeat((4 - (padded.length % 4)) % 4);
  const groups: number[] = [];
  for (let i = 0; i < padded.length; i += 4) groups.push(Number(padded.slice(i, i + 4)));
  while (groups.length > 1 && groups[groups.length - 1] === 0) groups.pop();
  return { weight, groups };
}

export function numericLn(x: Numeric): Numeric {
  if (x.isNaN()) return x;
  if (x.sign() === 0) throw new SqlError('2201E', 'cannot take logarithm of zero');
  if (x.sign() < 0) throw new SqlError('2201E', 'cannot take logarithm of a negative number');
  if (x.isInfinite()) return x;
  const rscale = clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS - estimateLnDweight(x), x.scale));
  const p = rscale + GUARD;
  return fromFixed(lnFixed(x, p), p, rscale);
}

/** log(base, x). */
export function numericLog(base: Numeric, x: Numeric): Numeric {
  if (base.isNaN() || x.isNaN()) return Numeric.NaN;
  for (const v of [base, x]) {
    if (v.sign() === 0) throw new SqlError('2201E', 'cannot take logarithm of zero');
    if (v.sign() < 0) throw new SqlError('2201E', 'cannot take logarithm of a negative number');
  }
  if (base.isInfinite() || x.isInfinite()) {
    if (base.isInfinite() && x.isInfinite()) return Numeric.NaN;
    return x.isInfinite() ? Numeric.Infinity : Numeric.ZERO;
  }
  const resultDweight = estimateLnDweight(x) - estimateLnDweight(base);
  const rscale = clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS - resultDweight, base.scale, x.scale));
  const p = rscale + GUARD + 10;
  const lb = lnFixed(base, p);
  if (lb === 0n) throw divisionByZero();
  const lx = lnFixed(x, p);
  return Numeric.of(divRound(lx * pow10(rscale), lb), rscale);
}

export function numericExp(x: Numeric): Numeric {
  if (x.isNaN()) return x;
  if (x.isInfinite()) return x.sign() > 0 ? x : Numeric.ZERO;
  let val = x.toNumber() * 0.434294481903252;
  val = Math.max(-2000, Math.min(2000, val));
  const rscale = clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS - Math.trunc(val), x.scale));
  if (val > 1000 * 3 * 0.4343) throw new SqlError('22003', 'value overflows numeric format');
  const p = rscale + GUARD + Math.max(0, Math.ceil(val));
  return fromFixed(expFixed(toFixed(x, p), p), p, rscale);
}

/** numeric ^ numeric (numeric_power / power_var). */
export function numericPower(base: Numeric, exp: Numeric): Numeric {
  if (base.isNaN() || exp.isNaN()) {
    if (base.isNaN() && exp.isZero()) return Numeric.ONE;
    if (exp.isNaN() && base.compare(Numeric.ONE) === 0) return Numeric.ONE;
    return Numeric.NaN;
  }
  if (base.isZero() && exp.sign() < 0) throw new SqlError('2201F', 'zero raised to a negative power is undefined');
  const isInt = exp.isFinite() && exp.trunc(exp.scale).equals(exp.trunc(0));
  if (base.sign() < 0 && exp.isFinite() && !isInt) throw new SqlError('2201F', 'a negative number raised to a non-integer power yields a complex result');
  if (base.isInfinite() || exp.isInfinite()) return powerInfinite(base, exp);
  if (isInt) {
    const e = exp.trunc(0).digits;
    if (e >= -2147483648n && e <= 2147483647n) {
      const rscale = clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS, base.scale));
      return powerInt(base, Number(e), rscale);
    }
  }
  if (base.isZero()) return Numeric.of(0n, NUMERIC_MIN_SIG_DIGITS);
  const approx = Math.log(base.toNumber()) * exp.toNumber();
  if (Math.abs(approx) > 2000 * 3.01) {
    if (approx > 0) throw new SqlError('22003', 'value overflows numeric format');
    return Numeric.of(0n, NUMERIC_MAX_DISPLAY_SCALE);
  }
  const val = approx * 0.434294481903252;
  const rscale = clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS - Math.trunc(val), base.scale, exp.scale));
  const p = rscale + GUARD + Math.max(0, Math.ceil(val));
  const lnb = lnFixed(base, p);
  const y = (lnb * toFixedSigned(exp, p)) / pow10(p);
  return fromFixed(expFixed(y, p), p, rscale);
}

const toFixedSigned = (x: Numeric, p: number): bigint => (p >= x.scale ? x.digits * pow10(p - x.scale) : divRound(x.digits, pow10(x.scale - p)));

function powerInt(base: Numeric, e: number, rscale: number): Numeric {
  if (e === 0) return Numeric.of(pow10(rscale), rscale);
  if (base.isZero()) return Numeric.of(0n, rscale);
  const n = BigInt(Math.abs(e));
  const num = base.digits ** n; // value = num / 10^(scale * |e|)
  const den = pow10(base.scale * Math.abs(e));
  if (e > 0) return Numeric.of(divRound(num * pow10(rscale), den), rscale);
  if (num === 0n) throw divisionByZero();
  return Numeric.of(divRound(den * pow10(rscale), num), rscale);
}

function powerInfinite(base: Numeric, exp: Numeric): Numeric {
  // POSIX pow() rules, as numeric_power applies them to infinities.
  if (exp.isZero()) return Numeric.ONE;
  if (base.isInfinite() && base.sign() > 0) return exp.sign() > 0 ? Numeric.Infinity : Numeric.ZERO;
  if (base.isInfinite()) {
    if (exp.sign() < 0) return Numeric.ZERO;
    const odd = exp.isFinite() && exp.trunc(0).equals(exp) && exp.digits % 2n !== 0n;
    return odd ? Numeric.NegativeInfinity : Numeric.Infinity;
  }
  // Finite base, infinite exponent.
  const absCmp = base.abs().compare(Numeric.ONE);
  if (absCmp === 0) return Numeric.ONE;
  if (exp.sign() > 0) return absCmp > 0 ? Numeric.Infinity : Numeric.ZERO;
  if (base.isZero()) throw new SqlError('2201F', 'zero raised to a negative power is undefined');
  return absCmp > 0 ? Numeric.ZERO : Numeric.Infinity;
}
