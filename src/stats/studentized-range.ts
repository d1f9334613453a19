/**
 * The studentized range distribution (Tukey's HSD), by direct numerical integration.
 *
 * The survival function is integrated as a tail, P(Q > q) = ∫ f_s(s) (1 − W(q s)) ds, with 1 − W written
 * as a difference of powers that is expanded algebraically, so small p-values keep their relative
 * accuracy instead of being 1 minus something close to 1 (R's ptukey loses them).
 */
import { lgamma } from '../math/gamma.js';
import { normalLogSf } from './distributions.js';

const GL_N = 20;
const INNER_PANELS = 3;
const OUTER_PANELS = 6;
const [GL_X, GL_W] = gaussLegendre(GL_N);

/** Nodes and weights of the n-point Gauss-Legendre rule on [-1, 1] (Newton on P_n). */
function gaussLegendre(n: number): [Float64Array, Float64Array] {
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      let p0 = 1;
      let p1 = z;
      for (let j = 2; j <= n; j++) {
        const p2 = ((2 * j - 1) * z * p1 - (j - 1) * p0) / j;
        p0 = p1;
        p1 = p2;
      }
      dp = (n * (z * p1 - p0)) / (z * z - 1);
      const dz = p1 / dp;
      z -= dz;
      if (Math.abs(dz) < 1e-16) break;
    }
    x[i] = z;
    w[i] = 2 / ((1 - z * z) * dp * dp);
  }
  return [x, w];
}

/**
 * ∫ exp(logf) over [lo, hi] for a unimodal integrand: locate the peak, keep the range where the
 * integrand is within e^-50 of it, and integrate that with composite Gauss-Legendre.
 */
function integratePeaked(logf: (u: number) => number, lo: number, hi: number, panels: number): number {
  const phi = (Math.sqrt(5) - 1) / 2;
  let a = lo;
  let b = hi;
  let c = b - phi * (b - a);
  let d = a + phi * (b - a);
  let fc = logf(c);
  let fd = logf(d);
  // The peak only anchors the range search, so a coarse location is enough.
  while (b - a > 1e-3 * (1 + Math.abs(a))) {
    if (fc > fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - phi * (b - a);
      fc = logf(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + phi * (b - a);
      fd = logf(d);
    }
  }
  const peak = (a + b) / 2;
  const top = logf(peak);
  if (top === -Infinity || Number.isNaN(top)) return 0;
  const edge = (dir: number): number => {
    let step = 1e-3 * (1 + Math.abs(peak));
    let u = peak;
    for (;;) {
      const next = peak + dir * step;
      if (next <= lo) return lo;
      if (next >= hi) return hi;
      if (!(logf(next) > top - 50)) return next;
      u = next;
      step *= 2;
      if (step > hi - lo) return u;
    }
  };
  const left = edge(-1);
  const right = edge(1);
  const width = (right - left) / panels;
  let sum = 0;
  for (let p = 0; p < panels; p++) {
    const mid = left + (p + 0.5) * width;
    for (let i = 0; i < GL_N; i++) {
      sum += GL_W[i] * Math.exp(logf(mid + 0.5 * width * GL_X[i]) - top);
    }
  }
  return Math.exp(Math.log(sum * 0.5 * width) + top);
}

/** log(1 − W(w; k)), the tail of the range of k standard normals. */
function rangeLogTail(w: number, k: number): number {
  if (w <= 0) return 0;
  const m = k - 1;
  const logK = Math.log(k);
  const logPhiConst = -0.5 * Math.log(2 * Math.PI);
  // 1 − W(w) = k ∫ φ(z) [a^m − b^m] dz with a = P(Z > z), b = P(z < Z < z + w), a − b = P(Z > z + w).
  const integrand = (z: number): number => {
    const logA = normalLogSf(z);
    const logC = normalLogSf(z + w);
    const r = Math.max(0, -Math.expm1(logC - logA)); // b / a
    let s = 0;
    let rp = 1;
    for (let j = 0; j < m; j++) {
      s += rp;
      rp *= r;
    }
    return logK + logPhiConst - 0.5 * z * z + logC + (m - 1) * logA + Math.log(s);
  };
  return Math.log(integratePeaked(integrand, -40, 40, INNER_PANELS));
}

/** P(Q > q) for the studentized range of k means with df degrees of freedom. */
export function studentizedRangeSf(q: number, k: number, df: number): number {
  if (Number.isNaN(q) || !(k >= 2) || !(df > 0)) return NaN;
  if (q <= 0) return 1;
  if (q === Infinity) return 0;
  if (df === Infinity || df > 1e7) return Math.exp(rangeLogTail(q, k));
  const half = df / 2;
  const logConst = Math.log(2) + half * Math.log(half) - lgamma(half);
  // Integrate over u = ln s, where s ~ sqrt(χ²_df / df).
  const integrand = (u: number): number => {
    const s = Math.exp(u);
    return logConst + df * u - half * s * s + rangeLogTail(q * s, k);
  };
  return Math.min(1, integratePeaked(integrand, -20, 5, OUTER_PANELS));
}

export function studentizedRangeCdf(q: number, k: number, df: number): number {
  return 1 - studentizedRangeSf(q, k, df);
}
