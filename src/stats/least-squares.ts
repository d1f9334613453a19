/**
 * Residual sum of squares of a least-squares fit, by Gram-Schmidt with re-orthogonalisation on the
 * design columns. Columns that add nothing (empty cells, collinear dummies) are dropped, so the rank
 * is the number of estimable parameters, as a pseudo-inverse fit would give.
 */
export interface LeastSquaresFit {
  readonly rss: number;
  readonly rank: number;
}

/** v ← v − Σ b (b·v) over an orthonormal basis. */
function projectOut(v: Float64Array, basis: readonly Float64Array[]): void {
  const n = v.length;
  for (const b of basis) {
    let dot = 0;
    for (let i = 0; i < n; i++) dot += b[i] * v[i];
    for (let i = 0; i < n; i++) v[i] -= dot * b[i];
  }
}

export function leastSquaresRss(columns: readonly Float64Array[], y: Float64Array): LeastSquaresFit {
  const n = y.length;
  const basis: Float64Array[] = [];
  const r = Float64Array.from(y);
  for (const col of columns) {
    const q = Float64Array.from(col);
    let norm0 = 0;
    for (let i = 0; i < n; i++) norm0 += q[i] * q[i];
    if (norm0 === 0) continue;
    projectOut(q, basis);
    projectOut(q, basis);
    let norm = 0;
    for (let i = 0; i < n; i++) norm += q[i] * q[i];
    if (norm <= 1e-20 * norm0) continue;
    const inv = 1 / Math.sqrt(norm);
    for (let i = 0; i < n; i++) q[i] *= inv;
    basis.push(q);
  }
  // Project y out twice: a single pass leaves rounding residue of order eps·‖y‖ in the RSS.
  projectOut(r, basis);
  projectOut(r, basis);
  let rss = 0;
  for (let i = 0; i < n; i++) rss += r[i] * r[i];
  return { rss, rank: basis.length };
}
