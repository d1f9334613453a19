/**
 * Gauss hypergeometric function 2F1(a, b; c; z) for real arguments and 0 <= z < 1, the region
 * the Pareto/NBD needs. Everything is returned as a logarithm so callers can combine it with
 * power terms like (alpha + T)^-(r + s + x) without overflow.
 */
import { lgamma } from './gamma.js';

const EPS = 1e-16;
/** Beyond this many terms a series is not worth summing; the 1 - z transformation takes over. */
const MAX_TERMS = 20_000;

/**
 * ln 2F1(a, b; c; z) for 0 <= z < 1 and c > 0, c not a non-positive integer.
 * Uses the Gauss series, after Euler's transformation when c - a - b < 0 (the terms then decay
 * instead of growing), and the 1 - z transformation near z = 1 where the series is too slow.
 * The value must be positive (always true when a, b, c > 0).
 */
export function logHyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(z >= 0 && z < 1)) return NaN;
  if (z === 0) return 0;
  const m = c - a - b;
  const termsNeeded = Math.log(EPS) / Math.log(z);
  if (termsNeeded > MAX_TERMS / 4) return logHyp2f1NearOne(a, b, c, z);
  if (m < 0) {
    // Euler: 2F1(a,b;c;z) = (1-z)^(c-a-b) 2F1(c-a, c-b; c; z).
    return m * Math.log1p(-z) + Math.log(seriesSum(c - a, c - b, c, z));
  }
  return Math.log(seriesSum(a, b, c, z));
}

export function hyp2f1(a: number, b: number, c: number, z: number): number {
  return Math.exp(logHyp2f1(a, b, c, z));
}

function seriesSum(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let j = 0; j < MAX_TERMS; j++) {
    term *= (((a + j) * (b + j)) / ((c + j) * (j + 1))) * z;
    sum += term;
    if (term === 0 || (Math.abs(term) < EPS * Math.abs(sum) && j > Math.abs(a * b / c))) return sum;
  }
  return sum;
}

/**
 * Abramowitz & Stegun 15.3.6: 2F1 as two series in 1 - z weighted by gamma ratios. The formula
 * breaks down when c - a - b is an integer (each term has a pole there, their sum does not);
 * within INTEGER_GAP of an integer the value is interpolated in c from four points outside the gap.
 */
function logHyp2f1NearOne(a: number, b: number, c: number, z: number): number {
  const m = c - a - b;
  const d = m - Math.round(m);
  if (Math.abs(d) >= INTEGER_GAP) return logNearOneDirect(a, b, c, z);
  // Cubic Lagrange interpolation through c' = c - d + kδ, k = ±1, ±2, evaluated at offset d:
  // the function is analytic in c, so the error is O(δ^4), far below the rounding in each point.
  const base = c - d;
  let v = 0;
  for (const k of NODES) {
    let w = 1;
    for (const j of NODES) if (j !== k) w *= (d - j * INTEGER_GAP) / ((k - j) * INTEGER_GAP);
    v += w * logNearOneDirect(a, b, base + k * INTEGER_GAP, z);
  }
  return v;
}

const INTEGER_GAP = 3e-4;
const NODES = [-2, -1, 1, 2];

function logNearOneDirect(a: number, b: number, c: number, z: number): number {
  const m = c - a - b;
  const w = 1 - z;
  const t1 = gammaRatioTerm(c, m, c - a, c - b) * seriesSum(a, b, 1 - m, w);
  const t2 = gammaRatioTerm(c, -m, a, b) * Math.exp(m * Math.log(w)) * seriesSum(c - a, c - b, 1 + m, w);
  return Math.log(t1 + t2);
}

/** Γ(p)Γ(q) / (Γ(u)Γ(v)) with signs, since q may be negative. */
function gammaRatioTerm(p: number, q: number, u: number, v: number): number {
  const sign = gammaSign(p) * gammaSign(q) * gammaSign(u) * gammaSign(v);
  return sign * Math.exp(lgamma(p) + lgamma(q) - lgamma(u) - lgamma(v));
}

function gammaSign(x: number): number {
  if (x > 0) return 1;
  return Math.floor(x) % 2 === 0 ? 1 : -1;
}

/**
 * The series S = 2F1(1, b; c; z) = Σ_j (b)_j / (c)_j z^j for 0 < b < c and 0 <= z < 1, with
 * the derivatives of ln S with respect to b, c and z written to `grad` (when given) as
 * [d/db, d/dc, d/dz]. Every term is positive, so the sum is exact to rounding; this is the only
 * 2F1 the Pareto/NBD likelihood needs once Euler's transformation is applied.
 * Returns ln S.
 */
export function logHyp2f1Unit(b: number, c: number, z: number, grad?: Float64Array): number {
  if (z === 0) {
    if (grad) grad.fill(0, 0, 3);
    return 0;
  }
  if (Math.log(EPS) / Math.log(z) > MAX_TERMS / 4) return logHyp2f1UnitNearOne(b, c, z, grad);
  // Terms grow in ratio towards z, so the tail after term j is below term_j * z / (1 - z).
  const tailFactor = z / (1 - z);
  let term = 1;
  let sum = 1;
  if (!grad) {
    for (let j = 0; j < MAX_TERMS; j++) {
      term *= ((b + j) / (c + j)) * z;
      sum += term;
      if (term * tailFactor < EPS * sum) break;
    }
    return Math.log(sum);
  }
  // term_j = Π_{i<j} (b+i)/(c+i) z; d term_j/db = term_j Σ_{i<j} 1/(b+i), and so on.
  let hb = 0;
  let hc = 0;
  let sb = 0;
  let sc = 0;
  let sz = 0;
  for (let j = 0; j < MAX_TERMS; j++) {
    const ib = 1 / (b + j);
    const ic = 1 / (c + j);
    hb += ib;
    hc += ic;
    term *= (b + j) * ic * z;
    sum += term;
    sb += term * hb;
    sc += term * hc;
    sz += term * (j + 1);
    if (term * tailFactor * (1 + hb + j) < EPS * sum) break;
  }
  grad[0] = sb / sum;
  grad[1] = -sc / sum;
  grad[2] = sz / (z * sum);
  return Math.log(sum);
}

/** Near z = 1 the series needs too many terms; use the 1 - z transformation and difference the gradient. */
function logHyp2f1UnitNearOne(b: number, c: number, z: number, grad?: Float64Array): number {
  const f = (bb: number, cc: number, zz: number): number => logHyp2f1NearOne(1, bb, cc, zz);
  const v = f(b, c, z);
  if (grad) {
    const hb = 1e-5 * Math.max(1, b);
    const hc = 1e-5 * Math.max(1, c);
    const hz = 1e-5 * (1 - z);
    grad[0] = (f(b + hb, c, z) - f(b - hb, c, z)) / (2 * hb);
    grad[1] = (f(b, c + hc, z) - f(b, c - hc, z)) / (2 * hc);
    grad[2] = (f(b, c, z + hz) - f(b, c, z - hz)) / (2 * hz);
  }
  return v;
}
