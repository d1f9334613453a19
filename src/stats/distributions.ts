/**
 * Distribution functions for hypothesis tests: normal, Student t, F and chi-square CDFs, survival
 * functions and quantiles, built on the regularised incomplete gamma and beta functions.
 *
 * Tails are computed directly (never as 1 - cdf) and in log space until the last step, so a p-value
 * such as 1e-305 stays representable instead of rounding to 0.
 */
import { lgamma, lbeta } from '../math/gamma.js';

const EPS = 1e-16;
const TINY = 1e-300;
const MAX_ITER = 100_000;

/** Both tails of a distribution, as logs, so callers can pick the accurate one. */
interface LogTails {
  /** log of the lower tail (the CDF). */
  readonly lower: number;
  /** log of the upper tail (the survival function). */
  readonly upper: number;
}

function tails(logSmall: number, smallIsLower: boolean): LogTails {
  const other = Math.log1p(-Math.exp(logSmall));
  return smallIsLower ? { lower: logSmall, upper: other } : { lower: other, upper: logSmall };
}

/** log P(a, x) and log Q(a, x), the regularised lower and upper incomplete gamma functions. */
export function gammaIncLog(a: number, x: number): LogTails {
  if (!(a > 0) || Number.isNaN(x)) return { lower: NaN, upper: NaN };
  if (x <= 0) return { lower: -Infinity, upper: 0 };
  if (x === Infinity) return { lower: 0, upper: -Infinity };
  const logFront = a * Math.log(x) - x - lgamma(a);
  if (x < a + 1) {
    // Series for P: converges fast when x is below the mode.
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < MAX_ITER; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPS) break;
    }
    return tails(logFront + Math.log(sum), true);
  }
  // Continued fraction for Q (modified Lentz).
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return tails(logFront + Math.log(h), false);
}

/** Continued fraction for I_x(a, b) (Lentz), valid when x < (a + 1) / (a + b + 2). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < MAX_ITER; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return h;
}

/**
 * log I_x(a, b) and log (1 - I_x(a, b)). `y` must be 1 - x computed by the caller without
 * cancellation (e.g. t²/(ν + t²) rather than 1 - ν/(ν + t²)).
 */
export function betaIncLog(x: number, y: number, a: number, b: number): LogTails {
  if (!(a > 0 && b > 0) || Number.isNaN(x)) return { lower: NaN, upper: NaN };
  if (x <= 0) return { lower: -Infinity, upper: 0 };
  if (y <= 0) return { lower: 0, upper: -Infinity };
  const logFront = a * Math.log(x) + b * Math.log(y) - lbeta(a, b);
  if (x < (a + 1) / (a + b + 2)) {
    return tails(logFront + Math.log(betaContinuedFraction(x, a, b) / a), true);
  }
  return tails(logFront + Math.log(betaContinuedFraction(y, b, a) / b), false);
}

// ---------------------------------------------------------------- normal

export function normalLogSf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  if (z === 0) return Math.log(0.5);
  const g = gammaIncLog(0.5, (z * z) / 2);
  // erfc(z/√2) = Q(1/2, z²/2) for z > 0; the lower tail carries the other half.
  return z > 0 ? Math.log(0.5) + g.upper : Math.log1p(-0.5 * Math.exp(g.upper));
}

export function normalSf(z: number): number {
  return Math.exp(normalLogSf(z));
}

export function normalCdf(z: number): number {
  return Math.exp(normalLogSf(-z));
}

export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

const ACKLAM_A = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
const ACKLAM_B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const ACKLAM_C = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const ACKLAM_D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];

/** Φ⁻¹(p): Acklam's rational approximation (1e-9) polished by Halley steps on the exact CDF. */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p > 0.5) return -normalQuantile(1 - p);
  let x: number;
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    const [c0, c1, c2, c3, c4, c5] = ACKLAM_C;
    const [d0, d1, d2, d3] = ACKLAM_D;
    x = (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    const [a0, a1, a2, a3, a4, a5] = ACKLAM_A;
    const [b0, b1, b2, b3, b4] = ACKLAM_B;
    x = ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) / (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1);
  }
  for (let i = 0; i < 2; i++) {
    // Relative error of the lower tail, so deep tails converge as well as the centre.
    const cdf = normalCdf(x);
    const e = cdf - p;
    const u = (e * Math.sqrt(2 * Math.PI)) * Math.exp((x * x) / 2);
    x -= u / (1 + (x * u) / 2);
  }
  return x;
}

// ---------------------------------------------------------------- Student t

/** log P(T > t) for ν degrees of freedom. */
export function tLogSf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (df === Infinity) return normalLogSf(t);
  const t2 = t * t;
  const b = betaIncLog(df / (df + t2), t2 / (df + t2), df / 2, 0.5);
  // I_x(ν/2, 1/2) is the two-sided tail P(|T| > |t|).
  return t > 0 ? Math.log(0.5) + b.lower : Math.log1p(-0.5 * Math.exp(b.lower));
}

export function tSf(t: number, df: number): number {
  return Math.exp(tLogSf(t, df));
}

export function tCdf(t: number, df: number): number {
  return Math.exp(tLogSf(-t, df));
}

export function tPdf(t: number, df: number): number {
  return Math.exp(lgamma((df + 1) / 2) - lgamma(df / 2) - 0.5 * Math.log(df * Math.PI) - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/** Two-sided p-value P(|T| > |t|). */
export function tTwoSided(t: number, df: number): number {
  return Math.min(1, 2 * tSf(Math.abs(t), df));
}

/** The p-quantile of the t distribution (Newton from the normal quantile, safeguarded by bisection). */
export function tQuantile(p: number, df: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1 || !(df > 0)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (p > 0.5) return -tQuantile(1 - p, df);
  // Lower half: find t < 0 with tCdf(t) = p.
  let lo = -1;
  while (tCdf(lo, df) > p) lo *= 2;
  let hi = 0;
  let x = Math.max(lo, Math.min(normalQuantile(p), -1e-8));
  for (let i = 0; i < 200; i++) {
    const f = tCdf(x, df) - p;
    if (f > 0) hi = x;
    else lo = x;
    let next = x - f / tPdf(x, df);
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - x) <= 1e-15 * Math.abs(x)) return next;
    x = next;
  }
  return x;
}

// ---------------------------------------------------------------- F and chi-square

export function fLogSf(f: number, df1: number, df2: number): number {
  if (Number.isNaN(f) || !(df1 > 0 && df2 > 0)) return NaN;
  if (f <= 0) return 0;
  if (f === Infinity) return -Infinity;
  const denom = df2 + df1 * f;
  return betaIncLog(df2 / denom, (df1 * f) / denom, df2 / 2, df1 / 2).lower;
}

export function fSf(f: number, df1: number, df2: number): number {
  return Math.exp(fLogSf(f, df1, df2));
}

export function fCdf(f: number, df1: number, df2: number): number {
  if (Number.isNaN(f) || !(df1 > 0 && df2 > 0)) return NaN;
  if (f <= 0) return 0;
  const denom = df2 + df1 * f;
  return Math.exp(betaIncLog(df2 / denom, (df1 * f) / denom, df2 / 2, df1 / 2).upper);
}

export function chi2LogSf(x: number, df: number): number {
  if (Number.isNaN(x) || !(df > 0)) return NaN;
  return gammaIncLog(df / 2, x / 2).upper;
}

export function chi2Sf(x: number, df: number): number {
  return Math.exp(chi2LogSf(x, df));
}

export function chi2Cdf(x: number, df: number): number {
  if (Number.isNaN(x) || !(df > 0)) return NaN;
  return Math.exp(gammaIncLog(df / 2, x / 2).lower);
}
