/**
 * Multiple-comparison adjustments, applied whenever several tests are read together: Holm (family-wise
 * error) and Benjamini-Hochberg (false discovery rate). Same results as statsmodels `multipletests`.
 */
export type Correction = 'holm' | 'bh';

/** Adjusted p-values in the input order; NaN inputs stay NaN and do not count as tests. */
export function adjustPValues(p: readonly number[], method: Correction): number[] {
  const idx = p.map((_, i) => i).filter((i) => !Number.isNaN(p[i]));
  const m = idx.length;
  const out = p.map(() => NaN);
  if (m === 0) return out;
  idx.sort((a, b) => p[a] - p[b]);
  if (method === 'holm') {
    let running = 0;
    idx.forEach((i, r) => {
      running = Math.max(running, Math.min(1, (m - r) * p[i]));
      out[i] = running;
    });
  } else {
    let running = 1;
    for (let r = m - 1; r >= 0; r--) {
      const i = idx[r];
      running = Math.min(running, (m / (r + 1)) * p[i]);
      out[i] = Math.min(1, running);
    }
  }
  return out;
}
