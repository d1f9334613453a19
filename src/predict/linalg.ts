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
  /** Solution of min ‖A x − b‖; 0 for aliased columns. */
  x: Float64Array;
  /** (AᵀA)⁻¹ over the non-aliased columns, row-major k×k; NaN in aliased rows and columns. */
  inverseGram: Float64Array;
  /** Residual sum of squares. */
  rss: number;
  /** Columns that are linear combinations of earlier ones (dropped, as R's lm reports NA). */
  aliased: number[];
}

/** A column whose part orthogonal to the earlier columns is below this fraction of its norm is aliased. */
const ALIAS_TOLERANCE = 1e-9;

/**
 * Least squares by Householder QR on a copy of A (n×k, row-major, n ≥ k). Columns that are exact
 * linear combinations of earlier ones (a duplicated column, a one-hot level implied by other columns)
 * are detected as the reflections proceed and left out.
 */
export function leastSquares(a: Float64Array, n: number, k: number, b: ArrayLike<number>): LeastSquares {
  // Work column-major so each Householder reflection streams through contiguous memory.
  const q = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) q[j * n + i] = a[i * k + j];
  const y = Float64Array.from(b);
  const kept: number[] = [];
  const aliased: number[] = [];
  // Householder vectors live below the diagonal of their own column; row r is the next pivot row.
  for (let j = 0; j < k; j++) {
    const col = j * n;
    const r = kept.length;
    let full = 0;
    for (let i = 0; i < n; i++) full += a[i * k + j] * a[i * k + j];
    let norm = 0;
    for (let i = r; i < n; i++) norm += q[col + i] * q[col + i];
    norm = Math.sqrt(norm);
    if (r >= n || norm <= ALIAS_TOLERANCE * Math.sqrt(full)) {
      aliased.push(j);
      continue;
    }
    const alpha = q[col + r] > 0 ? -norm : norm;
    q[col + r] -= alpha;
    let vnorm2 = 0;
    for (let i = r; i < n; i++) vnorm2 += q[col + i] * q[col + i];
    for (let c = j + 1; c < k; c++) {
      const cc = c * n;
      let dot = 0;
      for (let i = r; i < n; i++) dot += q[col + i] * q[cc + i];
      const f = (2 * dot) / vnorm2;
      for (let i = r; i < n; i++) q[cc + i] -= f * q[col + i];
    }
    let dot = 0;
    for (let i = r; i < n; i++) dot += q[col + i] * y[i];
    const f = (2 * dot) / vnorm2;
    for (let i = r; i < n; i++) y[i] -= f * q[col + i];
    // The reflected column is (alpha, 0, ...): remember alpha as the diagonal of R.
    q[col + r] = alpha;
    kept.push(j);
  }
  const m = kept.length;
  // R (m×m) over the kept columns: row r holds the r-th pivot row of the transformed kept columns.
  const rm = new Float64Array(m * m);
  for (let r = 0; r < m; r++) for (let c = r; c < m; c++) rm[r * m + c] = q[kept[c] * n + r];
  const xs = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) {
    let s = y[i];
    for (let c = i + 1; c < m; c++) s -= rm[i * m + c] * xs[c];
    xs[i] = s / rm[i * m + i];
  }
  let rss = 0;
  for (let i = m; i < n; i++) rss += y[i] * y[i];
  // (AᵀA)⁻¹ = R⁻¹ R⁻ᵀ.
  const rinv = new Float64Array(m * m);
  for (let i = m - 1; i >= 0; i--) {
    rinv[i * m + i] = 1 / rm[i * m + i];
    for (let j = i + 1; j < m; j++) {
      let s = 0;
      for (let l = i + 1; l <= j; l++) s += rm[i * m + l] * rinv[l * m + j];
      rinv[i * m + j] = -s / rm[i * m + i];
    }
  }
  const x = new Float64Array(k);
  const inverseGram = new Float64Array(k * k).fill(NaN);
  for (let i = 0; i < m; i++) {
    x[kept[i]] = xs[i];
    for (let j = i; j < m; j++) {
      let s = 0;
      for (let l = j; l < m; l++) s += rinv[i * m + l] * rinv[j * m + l];
      inverseGram[kept[i] * k + kept[j]] = s;
      inverseGram[kept[j] * k + kept[i]] = s;
    }
  }
  return { x, inverseGram, rss, aliased };
}
