/**
 * Shapiro-Wilk normality test, Royston's 1995 algorithm (AS R94) as scipy's `shapiro` uses: the
 * approximate coefficients from AS 111 normal scores and a normalising transform of log(1 − W).
 */
import { InputError } from '../errors.js';
import { normalSf } from './distributions.js';
import { degenerate, type TestResult } from './result.js';
import { dropMissing, isConstant } from './sample.js';

const C1 = [0, 0.221157, -0.147981, -2.07119, 4.434685, -2.706056];
const C2 = [0, 0.042981, -0.293762, -1.752461, 5.682633, -3.582633];
const C3 = [0.544, -0.39978, 0.025054, -6.714e-4];
const C4 = [1.3822, -0.77857, 0.062767, -0.0020322];
const C5 = [-1.5861, -0.31082, -0.083751, 0.0038915];
const C6 = [-0.4803, -0.082676, 0.0030302];
const G = [-2.273, 0.459];
/** Royston's floor for p when W is beyond the small-sample approximation. */
const SMALL_P = 1e-19;

function poly(c: readonly number[], x: number): number {
  let r = 0;
  for (let i = c.length - 1; i >= 0; i--) r = r * x + c[i];
  return r;
}

/**
 * AS 111 normal quantile (about 7 digits). The coefficients must use this approximation, not an exact
 * quantile, to reproduce the published algorithm.
 */
function ppnd7(p: number): number {
  const q = p - 0.5;
  if (Math.abs(q) <= 0.42) {
    const r = q * q;
    return (q * (((-25.44106049637 * r + 41.39119773534) * r - 18.61500062529) * r + 2.50662823884)) /
      ((((3.13082909833 * r - 21.06224101826) * r + 23.08336743743) * r - 8.4735109309) * r + 1);
  }
  let r = q > 0 ? 1 - p : p;
  r = Math.sqrt(-Math.log(r));
  const v = (((2.32121276858 * r + 4.85014127135) * r - 2.29796479134) * r - 2.78718931138) / ((1.63706781897 * r + 3.54388924762) * r + 1);
  return q < 0 ? -v : v;
}

/** Shapiro-Wilk coefficients a_1..a_{n/2} for the upper half of the order statistics. */
function coefficients(n: number): Float64Array {
  const half = n >> 1;
  const a = new Float64Array(half);
  if (n === 3) {
    a[0] = Math.SQRT1_2;
    return a;
  }
  const m = new Float64Array(half);
  let summ2 = 0;
  for (let i = 0; i < half; i++) {
    m[i] = ppnd7((i + 1 - 0.375) / (n + 0.25));
    summ2 += m[i] * m[i];
  }
  summ2 *= 2;
  const ssumm2 = Math.sqrt(summ2);
  const rsn = 1 / Math.sqrt(n);
  const a1 = poly(C1, rsn) - m[0] / ssumm2;
  let first: number;
  let fac: number;
  if (n > 5) {
    const a2 = -m[1] / ssumm2 + poly(C2, rsn);
    fac = Math.sqrt((summ2 - 2 * m[0] ** 2 - 2 * m[1] ** 2) / (1 - 2 * a1 ** 2 - 2 * a2 ** 2));
    a[1] = a2;
    first = 2;
  } else {
    fac = Math.sqrt((summ2 - 2 * m[0] ** 2) / (1 - 2 * a1 ** 2));
    first = 1;
  }
  a[0] = a1;
  for (let i = first; i < half; i++) a[i] = -m[i] / fac;
  return a;
}

/** Shapiro-Wilk W and its p-value. Valid for 3 ≤ n ≤ 5000 (a note is added above 5000, as scipy warns). */
export function shapiroWilk(x: ArrayLike<number>): TestResult {
  const { values, missing } = dropMissing(x);
  const n = values.length;
  if (n < 3) throw new InputError('TOO_FEW_VALUES', `Shapiro-Wilk needs at least 3 values, got ${n}`, 'test a larger sample');
  if (isConstant(values)) return degenerate('shapiro_wilk', n, missing, 'all values are equal: W is undefined');
  const sorted = Float64Array.from(values).sort();
  const a = coefficients(n);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += sorted[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (sorted[i] - mean) ** 2;
  let num = 0;
  let aa = 0;
  for (let i = 0; i < a.length; i++) {
    num += a[i] * (sorted[n - 1 - i] - sorted[i]);
    aa += 2 * a[i] * a[i];
  }
  const w = Math.min(1, (num * num) / (aa * ss));
  const notes = n > 5000 ? ['n > 5000: the p-value approximation may be inaccurate'] : undefined;
  let p: number;
  if (n === 3) {
    p = w < 0.75 ? 0 : 1 - (6 / Math.PI) * Math.acos(Math.sqrt(w));
    return { test: 'shapiro_wilk', statistic: Math.max(w, 0.75), pValue: p, n, missing };
  }
  let y = Math.log1p(-w);
  let mu: number;
  let sigma: number;
  if (n <= 11) {
    const gamma = poly(G, n);
    if (y >= gamma) return { test: 'shapiro_wilk', statistic: w, pValue: SMALL_P, n, missing, notes };
    y = -Math.log(gamma - y);
    mu = poly(C3, n);
    sigma = Math.exp(poly(C4, n));
  } else {
    const ln = Math.log(n);
    mu = poly(C5, ln);
    sigma = Math.exp(poly(C6, ln));
  }
  p = normalSf((y - mu) / sigma);
  return { test: 'shapiro_wilk', statistic: w, pValue: p, n, missing, notes };
}
