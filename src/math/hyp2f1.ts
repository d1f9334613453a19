/**
 * Gauss hypergeometric function 2F1(a, b; c; z) for real arguments and 0 <= z < 1, the region
 * the Pareto/NBD needs. Everything is returned as a logarithm so callers can combine it with
 * power terms like (alpha + T)^-(r + s + x) without overflow.
 */
import { digamma, digammaDiff, lgamma, lgammaRatio } from './gamma.js';

const EPS = 1e-16;
/** Beyond this many terms a series is not worth summing; the 1 - z transformation takes over. */
const MAX_TERMS = 20_000;
/**
 * logHyp2f1Unit's series gives way to A&S 15.3.6 past this many terms (1 - z below 0.05) when that formula is well
 * conditioned and c - b - 1 is at least CLEAR_OF_INTEGER from an integer (nearer, its two terms' poles cost digits).
 */
const NEAR_ONE_TERMS = 720;
const CLEAR_OF_INTEGER = 0.05;

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
  const lw = Math.log1p(-z);
  // Each term as sign · e^(log): with |m| in the hundreds the gamma ratios and w^m overflow.
  const s1 = seriesSum(a, b, 1 - m, 1 - z);
  const s2 = seriesSum(c - a, c - b, 1 + m, 1 - z);
  const sign1 = gammaSign(c) * gammaSign(m) * gammaSign(c - a) * gammaSign(c - b) * Math.sign(s1);
  const sign2 = gammaSign(c) * gammaSign(-m) * gammaSign(a) * gammaSign(b) * Math.sign(s2);
  const l1 = lgamma(c) + lgamma(m) - lgamma(c - a) - lgamma(c - b) + Math.log(Math.abs(s1));
  const l2 = lgamma(c) + lgamma(-m) - lgamma(a) - lgamma(b) + m * lw + Math.log(Math.abs(s2));
  const top = Math.max(l1, l2);
  return top + Math.log(sign1 * Math.exp(l1 - top) + sign2 * Math.exp(l2 - top));
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
 * A fourth element of `grad`, when there is one, receives d/db with c - b held fixed: d/db + d/dc
 * in exact arithmetic, but for large b those two nearly cancel (±0.344 around a sum of 5e-7 at
 * b = 1.3e6, c - b = 2.6) and their floating-point sum keeps only its first few digits, so each
 * method accumulates it directly.
 * `oneMinusZ` and `cMinusB` are 1 - z and c - b as the caller can form them exactly (both may be
 * tiny relative to 1 and to b).
 * Returns ln S.
 */
export function logHyp2f1Unit(b: number, c: number, z: number, grad?: Float64Array, oneMinusZ = 1 - z, cMinusB = c - b): number {
  // An overflowed parameter (a line search probing far out) or z = 1: no method converges, and
  // the series would sum MAX_TERMS NaN terms for every customer before saying so.
  if (!(oneMinusZ > 0 && oneMinusZ <= 1 && b > 0 && c < Infinity)) {
    if (grad) grad.fill(NaN, 0, 4);
    return NaN;
  }
  if (z === 0) {
    if (grad) grad.fill(0, 0, 4);
    return 0;
  }
  // From 1 - z as given: once β/(α+y) passes 2^53 z itself rounds to 1, and ln z = 0 would send
  // the series MAX_TERMS terms towards a sum that does not converge.
  const termsNeeded = Math.log(EPS) / Math.log1p(-oneMinusZ);
  // A&S 15.3.6 adds two terms of size e^((b+m)(1-z)) that cancel to the answer: with a large
  // b (heavy buyers in the Poisson limit) it loses every digit. The positive series loses none
  // but needs ~37/(1 - z) terms (millions per customer per evaluation), so past MAX_TERMS / 4
  // that case goes to an integral with a fixed number of positive terms.
  const illConditioned = (c - 1) * oneMinusZ > 1;
  if (termsNeeded > MAX_TERMS / 4) {
    if (illConditioned && c > 1) return logHyp2f1UnitIntegral(b, c, cMinusB, grad, oneMinusZ);
    return logHyp2f1UnitNearOne(b, c, cMinusB - 1, z, grad, oneMinusZ);
  }
  // Well conditioned and clear of the poles at integer m, A&S 15.3.6 is a few terms where the series is hundreds
  // to thousands: the Pareto/NBD's light buyers once β is a few hundred times α (Online Retail's fit walks there,
  // and those rows were 70% of its time). It agrees with the series to 1e-14 in value and 3e-10 in the gradient.
  const m = cMinusB - 1;
  if (termsNeeded > NEAR_ONE_TERMS && !illConditioned && Math.abs(m - Math.round(m)) >= CLEAR_OF_INTEGER) {
    return unitNearOneDirect(b, c, m, z, grad, oneMinusZ);
  }
  const limit = MAX_TERMS;
  // Terms grow in ratio towards z, so the tail after term j is below term_j * z / (1 - z).
  const tailFactor = z / oneMinusZ;
  let term = 1;
  let sum = 1;
  if (!grad) {
    for (let j = 0; j < limit; j++) {
      term *= ((b + j) / (c + j)) * z;
      sum += term;
      if (term * tailFactor < EPS * sum) break;
    }
    return Math.log(sum);
  }
  // term_j = Π_{i<j} (b+i)/(c+i) z; d term_j/dc = -term_j Σ_{i<j} 1/(c+i), and so on. With c - b
  // fixed each factor's log derivative is 1/(b+i) - 1/(c+i) = (c-b)/((b+i)(c+i)), summed as such;
  // d/db at fixed c is the sum of the two, both positive.
  let hc = 0;
  let he = 0;
  let sc = 0;
  let se = 0;
  let sz = 0;
  for (let j = 0; j < limit; j++) {
    // One division per term: 1/((b+j)(c+j)) gives both reciprocals.
    const bj = b + j;
    const cj = c + j;
    const inv = 1 / (bj * cj);
    const ic = bj * inv;
    hc += ic;
    he += cMinusB * inv;
    term *= bj * ic * z;
    sum += term;
    sc += term * hc;
    se += term * he;
    sz += term * (j + 1);
    if (term * tailFactor * (1 + he + hc + j) < EPS * sum) break;
  }
  grad[0] = (se + sc) / sum;
  grad[1] = -sc / sum;
  grad[2] = sz / (z * sum);
  if (grad.length > 3) grad[3] = se / sum;
  return Math.log(sum);
}

/**
 * Near z = 1 with a = 1, A&S 15.3.6 collapses (c - b = m + 1, m = c - 1 - b, w = 1 - z) to
 *   2F1(1, b; c; z) = (c-1)/m · 2F1(1, b; 1-m; w) + Γ(c)Γ(-m)/Γ(b) · w^m z^(1-c),
 * one short series in w plus a closed form, both with analytic derivatives. Near integer m the
 * two terms have cancelling poles; value and gradient are then interpolated in c as in
 * logHyp2f1NearOne. m comes from the caller's c - b: with b in the millions, c - 1 - b would
 * keep only the first few digits of m, and w^m, Γ(-m) and the series all amplify that error.
 */
function logHyp2f1UnitNearOne(b: number, c: number, m: number, z: number, grad: Float64Array | undefined, oneMinusZ: number): number {
  const d = m - Math.round(m);
  if (Math.abs(d) >= INTEGER_GAP) return unitNearOneDirect(b, c, m, z, grad, oneMinusZ);
  const g = grad ? new Float64Array(4) : undefined;
  if (grad) grad.fill(0, 0, 4);
  let v = 0;
  for (const k of NODES) {
    let w = 1;
    for (const j of NODES) if (j !== k) w *= (d - j * INTEGER_GAP) / ((k - j) * INTEGER_GAP);
    v += w * unitNearOneDirect(b, c - d + k * INTEGER_GAP, m - d + k * INTEGER_GAP, z, g, oneMinusZ);
    if (grad && g) for (let i = 0; i < Math.min(grad.length, 4); i++) grad[i] += w * g[i];
  }
  return v;
}

/**
 * ln|Γ(c)Γ(-m)/Γ(b)| and the digammas, in a small direct-mapped cache: within one likelihood
 * evaluation b = s + 1 (or r + x) and m = r + x - 1 (or s) repeat for every customer with the same x.
 * Keyed by (b, m), which the caller forms exactly: c = b + m + 1 rounds, so one c would stand for
 * several m when b is large.
 */
const CACHE_SIZE = 512;
const cacheB = new Float64Array(CACHE_SIZE).fill(NaN);
const cacheM = new Float64Array(CACHE_SIZE).fill(NaN);
const cacheVals = new Float64Array(CACHE_SIZE * 5);
const hashBits = new Float64Array(1);
const hashWords = new Int32Array(hashBits.buffer);

/** Index into the cache's value array (5 values: lnGamma, ψ(b), ψ(c), ψ(-m), ψ(c) - ψ(b)). */
function gammaTerms(b: number, c: number, m: number): number {
  hashBits[0] = m;
  let h = Math.imul(hashWords[0] ^ hashWords[1], 0x9e3779b1);
  hashBits[0] = b;
  h = Math.imul(h ^ hashWords[0] ^ hashWords[1], 0x85ebca6b);
  const slot = (h >>> 23) & (CACHE_SIZE - 1);
  if (cacheB[slot] !== b || cacheM[slot] !== m) {
    cacheB[slot] = b;
    cacheM[slot] = m;
    const o = slot * 5;
    // Γ(c)/Γ(b) as one ratio: the two lgammas are ~b ln b and their difference only ~(m+1) ln b.
    cacheVals[o] = lgammaRatio(b, m + 1) + lgamma(-m);
    cacheVals[o + 1] = digamma(b);
    cacheVals[o + 2] = digamma(c);
    cacheVals[o + 3] = digamma(-m);
    cacheVals[o + 4] = digammaDiff(b, m + 1);
  }
  return slot * 5;
}

/** ln of the bound on how much n more factors (b+i)w/(1-m+i) can multiply a term; bw = (b+m)w. */
function logGrowthCap(n: number, m: number, bw: number): number {
  if (n <= 0) return 0;
  return n * Math.log(Math.max(bw, 1e-300)) - Math.log(Math.abs(m - Math.round(m)) || 1) - lgamma(n) + bw + Math.log1p(bw);
}

function unitNearOneDirect(b: number, c: number, m: number, z: number, grad: Float64Array | undefined, w: number): number {
  // U = Σ_j u_j, u_j = Π_{i<j} (b+i)/(1-m+i) · w^j. 1 - m + i may cross zero for i near m - 1,
  // where one factor is as large as (b+m)w/|d|; a small term ends the sum only once even that
  // later growth, bounded by ((b+m)w)^n / (|d| (n-1)!) e^((b+m)w) over the n = m - j steps left,
  // cannot lift the terms back above rounding.
  const bw = (b + m) * w;
  let u = 1;
  let U = 1;
  let hb = 0;
  let hc = 0;
  let he = 0;
  let Ub = 0;
  let Uc = 0;
  let Ue = 0;
  let Uz = 0;
  for (let j = 0; j < MAX_TERMS; j++) {
    const den = 1 - m + j;
    const ib = 1 / (b + j);
    // With m fixed only the numerators move with b: he stays ~j/b where hb + hc would cancel to it.
    he += ib;
    hb += ib - 1 / den;
    hc += 1 / den;
    u *= ((b + j) / den) * w;
    U += u;
    Ub += u * hb;
    Uc += u * hc;
    Ue += u * he;
    Uz += u * (j + 1);
    if (Math.abs(u) < EPS * Math.abs(U) && (j > m + bw + 1 || Math.log(Math.abs(u)) + logGrowthCap(m - j, m, bw) < Math.log(EPS * Math.abs(U)))) break;
  }
  const k1 = (c - 1) / m;
  const t1 = k1 * U;
  const o = gammaTerms(b, c, m);
  // ln z from w: z = 1 - w carries an absolute rounding of 1e-16, which ln z ≈ -w turns into a
  // relative error of 1e-16 / w and the factor 1 - c (in the millions) magnifies.
  const lnZ = Math.log1p(-w);
  const lnT2 = cacheVals[o] + m * Math.log(w) + (1 - c) * lnZ;
  const t2 = gammaSign(-m) * Math.exp(lnT2);
  const S = t1 + t2;
  if (grad) {
    const dT1b = t1 / m + k1 * Ub;
    const dT1c = t1 * (1 / (c - 1) - 1 / m) + k1 * Uc;
    const dT1z = (-k1 * Uz) / w;
    const dT2b = t2 * (cacheVals[o + 3] - cacheVals[o + 1] - Math.log(w));
    const dT2c = t2 * (cacheVals[o + 2] - cacheVals[o + 3] + Math.log(w) - lnZ);
    const dT2z = t2 * (-m / w + (1 - c) / z);
    grad[0] = (dT1b + dT2b) / S;
    grad[1] = (dT1c + dT2c) / S;
    grad[2] = (dT1z + dT2z) / S;
    if (grad.length > 3) {
      // m = c - 1 - b fixed: (c-1)/m and Γ(c)/Γ(b) z^(1-c) move, Γ(-m) w^m do not.
      const dT1e = t1 / (c - 1) + k1 * Ue;
      const dT2e = t2 * (cacheVals[o + 4] - lnZ);
      grad[3] = (dT1e + dT2e) / S;
    }
  }
  return Math.log(S);
}

/**
 * Exp-sinh (double-exponential) nodes for ∫_0^∞ F(u) du ≈ Σ_k W_k F(U_k), u = exp(π/2 · sinh t),
 * step DE_STEP; F(u) smooth with F(0) finite and at least exponential-or-power decay beyond u ~ 1.
 */
const DE_STEP = 1 / 12;
const DE_T_MAX = 4.5;
const DE_U: number[] = [];
const DE_W: number[] = [];
for (let t = -DE_T_MAX; t <= DE_T_MAX + 1e-12; t += DE_STEP) {
  const u = Math.exp((Math.PI / 2) * Math.sinh(t));
  DE_U.push(u);
  DE_W.push(DE_STEP * (Math.PI / 2) * Math.cosh(t) * u);
}
const DE_NODES = DE_U.length;

/**
 * 2F1(1, b; c; z) = (c-1) ∫_0^∞ (1+v)^-(c-b) (1+wv)^-b dv, w = 1 - z (Euler's integral with
 * t = v/(1+v); c > 1). Every integrand value is positive, so unlike A&S 15.3.6 nothing cancels
 * when (c-1)w > 1 (the Poisson limit with dropout, b in the thousands and w ~ 1e-3), and unlike
 * the Gauss series the cost does not grow as 1/w: a fixed exp-sinh rule in u = κv, with κ the
 * integrand's initial decay rate, so the mass sits at u ~ 1. The gradient is the integral of
 * the integrand's derivatives at fixed v, on the same nodes. e = c - b is passed as the caller
 * formed it: with b ~ 1e15, (r+s+x+1) - (r+x) would keep only the first digit of s + 1.
 */
function logHyp2f1UnitIntegral(b: number, c: number, e: number, grad: Float64Array | undefined, w: number): number {
  const kappa = b * w + e;
  const invK = 1 / kappa;
  let s0 = 0;
  let sc = 0;
  let se = 0;
  let sz = 0;
  for (let k = 0; k < DE_NODES; k++) {
    const v = DE_U[k] * invK;
    const l1 = Math.log1p(v);
    const lw = Math.log1p(w * v);
    const f = DE_W[k] * Math.exp(-e * l1 - b * lw);
    s0 += f;
    if (grad) {
      sc += f * l1;
      se += f * lw;
      sz += (f * v) / (1 + w * v);
    }
    // Past the bulk (u > 1) the integrand only decays: stop once a term is below rounding.
    if (DE_U[k] > 1 && f < 1e-18 * s0) break;
  }
  if (grad) {
    // At fixed c the integrand moves by ln(1+v) - ln(1+wv) per unit of b; at fixed c - b only
    // (1+wv)^-b and the factor c - 1 move. On this path w < 1e-2, so sc ≫ se.
    grad[0] = (sc - se) / s0;
    grad[1] = 1 / (c - 1) - sc / s0;
    grad[2] = (b * sz) / s0;
    if (grad.length > 3) grad[3] = 1 / (c - 1) - se / s0;
  }
  return Math.log(c - 1) - Math.log(kappa) + Math.log(s0);
}
