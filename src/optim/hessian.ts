/**
 * Numerical Hessian and symmetric inversion, used for standard errors of maximum-likelihood fits
 * (the inverse Hessian of the negative log-likelihood at the optimum is the asymptotic covariance).
 */

/** Central-difference Hessian of f at x, row-major k×k. Steps scale with |x_i| so log-params and raw params both work. */
export function numericalHessian(f: (x: Float64Array) => number, x: Float64Array): Float64Array {
  const k = x.length;
  const h = new Float64Array(k * k);
  const step = new Float64Array(k);
  // ε^(1/4) balances truncation (h²) against rounding (ε/h²) for second differences.
  const base = Math.pow(2.220446049250313e-16, 0.25);
  for (let i = 0; i < k; i++) step[i] = base * Math.max(1, Math.abs(x[i]));
  const p = Float64Array.from(x);
  const f0 = f(p);
  for (let i = 0; i < k; i++) {
    const hi = step[i];
    p[i] = x[i] + hi;
    const fp = f(p);
    p[i] = x[i] - hi;
    const fm = f(p);
    p[i] = x[i];
    h[i * k + i] = (fp - 2 * f0 + fm) / (hi * hi);
    for (let j = 0; j < i; j++) {
      const hj = step[j];
      p[i] = x[i] + hi;
      p[j] = x[j] + hj;
      const fpp = f(p);
      p[j] = x[j] - hj;
      const fpm = f(p);
      p[i] = x[i] - hi;
      const fmm = f(p);
      p[j] = x[j] + hj;
      const fmp = f(p);
      p[i] = x[i];
      p[j] = x[j];
      const v = (fpp - fpm - fmp + fmm) / (4 * hi * hj);
      h[i * k + j] = v;
      h[j * k + i] = v;
    }
  }
  return h;
}

/**
 * Hessian from an analytic gradient: central differences (2k gradient calls), or forward
 * differences (k calls) when the gradient at x is passed as `gradAtX`, for objectives so costly
 * that halving the calls matters more than the last digits of a standard error.
 */
export function hessianFromGradient(
  grad: (x: Float64Array, out: Float64Array) => void,
  x: Float64Array,
  gradAtX?: Float64Array,
): Float64Array {
  const k = x.length;
  const h = new Float64Array(k * k);
  const gp = new Float64Array(k);
  const gm = new Float64Array(k);
  const p = Float64Array.from(x);
  // Step sizes balance truncation against rounding: ε^(1/3) for central, ε^(1/2) for forward.
  const base = gradAtX ? Math.sqrt(2.220446049250313e-16) : Math.cbrt(2.220446049250313e-16);
  for (let i = 0; i < k; i++) {
    const hi = base * Math.max(1, Math.abs(x[i]));
    p[i] = x[i] + hi;
    grad(p, gp);
    if (gradAtX) {
      gm.set(gradAtX);
      p[i] = x[i];
      for (let j = 0; j < k; j++) h[i * k + j] = (gp[j] - gm[j]) / hi;
      continue;
    }
    p[i] = x[i] - hi;
    grad(p, gm);
    p[i] = x[i];
    for (let j = 0; j < k; j++) h[i * k + j] = (gp[j] - gm[j]) / (2 * hi);
  }
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < i; j++) {
      const v = 0.5 * (h[i * k + j] + h[j * k + i]);
      h[i * k + j] = v;
      h[j * k + i] = v;
    }
  }
  return h;
}

/**
 * Inverse of a symmetric k×k matrix (row-major) by Gauss-Jordan with partial pivoting.
 * Returns null when the matrix is singular to working precision, so callers can report
 * "standard errors unavailable" instead of printing garbage.
 */
export function invertSymmetric(h: Float64Array, k: number): Float64Array | null {
  const a = Float64Array.from(h);
  const inv = new Float64Array(k * k);
  for (let i = 0; i < k; i++) inv[i * k + i] = 1;
  let scale = 0;
  for (let i = 0; i < k * k; i++) scale = Math.max(scale, Math.abs(a[i]));
  if (!(scale > 0) || !Number.isFinite(scale)) return null;
  for (let c = 0; c < k; c++) {
    let piv = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(a[r * k + c]) > Math.abs(a[piv * k + c])) piv = r;
    const pv = a[piv * k + c];
    if (Math.abs(pv) <= 1e-13 * scale) return null;
    if (piv !== c) {
      for (let j = 0; j < k; j++) {
        let t = a[c * k + j];
        a[c * k + j] = a[piv * k + j];
        a[piv * k + j] = t;
        t = inv[c * k + j];
        inv[c * k + j] = inv[piv * k + j];
        inv[piv * k + j] = t;
      }
    }
    const ip = 1 / pv;
    for (let j = 0; j < k; j++) {
      a[c * k + j] *= ip;
      inv[c * k + j] *= ip;
    }
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const fct = a[r * k + c];
      if (fct === 0) continue;
      for (let j = 0; j < k; j++) {
        a[r * k + j] -= fct * a[c * k + j];
        inv[r * k + j] -= fct * inv[c * k + j];
      }
    }
  }
  // Symmetrise to remove rounding asymmetry.
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < i; j++) {
      const v = 0.5 * (inv[i * k + j] + inv[j * k + i]);
      inv[i * k + j] = v;
      inv[j * k + i] = v;
    }
  }
  return inv;
}
