/**
 * The small dense solvers the regression models need: Cholesky for the (positive definite) Newton
 * systems of penalised logistic regression, Householder QR for ordinary least squares, where forming
 * XᵀX would square the condition number of raw-unit features and cost the digits statsmodels keeps.
 */

/** Solve A x = b for symmetric positive definite A (n×n, row-major, only read); null when not positive definite. */
export function choleskySolve(a: Float64Array, n: number, b: Float64Array): Float64Array | null {
  const l = cholesky(a, n);
  if (!l) return null;
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    let s = x[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * x[k];
    x[i] = s / l[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
  return x;
}

/** Lower-triangular L with A = L Lᵀ, or null when A is not (numerically) positive definite. */
export function cholesky(a: Float64Array, n: number): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      if (i === j) {
        if (!(s > 0)) return null;
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / l[j * n + j];
      }
    }
  }
  return l;
}

export interface LeastSquares {
  /** Solution of min ‖A x − b‖. */
  x: Float64Array;
  /** (AᵀA)⁻¹, row-major k×k: the unscaled covariance of x. */
  inverseGram: Float64Array;
  /** Residual sum of squares. */
  rss: number;
}

/**
 * Least squares by Householder QR on a copy of A (n×k, row-major, n ≥ k); null when A is rank deficient
 * (a constant or duplicated column), which the caller reports as an input problem.
 */
export function leastSquares(a: Float64Array, n: number, k: number, b: ArrayLike<number>): LeastSquares | null {
  // Work column-major so each Householder reflection streams through contiguous memory.
  const q = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) q[j * n + i] = a[i * k + j];
  const y = Float64Array.from(b);
  const r = new Float64Array(k * k);
  let scaleMax = 0;
  for (let j = 0; j < k; j++) {
    const col = j * n;
    let norm = 0;
    for (let i = j; i < n; i++) norm += q[col + i] * q[col + i];
    norm = Math.sqrt(norm);
    scaleMax = Math.max(scaleMax, norm);
    if (norm === 0 || norm <= 1e-12 * scaleMax) return null;
    const alpha = q[col + j] > 0 ? -norm : norm;
    // v = x − alpha e1, stored in place of the column below the diagonal.
    q[col + j] -= alpha;
    let vnorm2 = 0;
    for (let i = j; i < n; i++) vnorm2 += q[col + i] * q[col + i];
    for (let c = j + 1; c < k; c++) {
      const cc = c * n;
      let dot = 0;
      for (let i = j; i < n; i++) dot += q[col + i] * q[cc + i];
      const f = (2 * dot) / vnorm2;
      for (let i = j; i < n; i++) q[cc + i] -= f * q[col + i];
    }
    let dot = 0;
    for (let i = j; i < n; i++) dot += q[col + i] * y[i];
    const f = (2 * dot) / vnorm2;
    for (let i = j; i < n; i++) y[i] -= f * q[col + i];
    r[j * k + j] = alpha;
    for (let c = j + 1; c < k; c++) r[j * k + c] = q[c * n + j];
  }
  const x = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    let s = y[i];
    for (let c = i + 1; c < k; c++) s -= r[i * k + c] * x[c];
    x[i] = s / r[i * k + i];
  }
  let rss = 0;
  for (let i = k; i < n; i++) rss += y[i] * y[i];
  // (AᵀA)⁻¹ = R⁻¹ R⁻ᵀ.
  const rinv = new Float64Array(k * k);
  for (let i = k - 1; i >= 0; i--) {
    rinv[i * k + i] = 1 / r[i * k + i];
    for (let j = i + 1; j < k; j++) {
      let s = 0;
      for (let m = i + 1; m <= j; m++) s += r[i * k + m] * rinv[m * k + j];
      rinv[i * k + j] = -s / r[i * k + i];
    }
  }
  const inverseGram = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      let s = 0;
      for (let m = j; m < k; m++) s += rinv[i * k + m] * rinv[j * k + m];
      inverseGram[i * k + j] = s;
      inverseGram[j * k + i] = s;
    }
  }
  return { x, inverseGram, rss };
}
