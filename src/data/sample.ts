import { Random } from '../random.js';

/**
 * `size` distinct indices of 0..n-1 drawn uniformly with a seed, in increasing order (a partial
 * Fisher-Yates shuffle): the sample a fit above its stated size runs on.
 */
export function seededSample(n: number, size: number, seed: number): Int32Array {
  const index = Int32Array.from({ length: n }, (_, i) => i);
  const rng = new Random(seed);
  const m = Math.min(size, n);
  for (let i = 0; i < m; i++) {
    const j = i + rng.int(n - i);
    const t = index[i];
    index[i] = index[j];
    index[j] = t;
  }
  return index.slice(0, m).sort();
}
