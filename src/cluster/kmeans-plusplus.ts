import type { Matrix } from '../data/matrix.js';
import type { Random } from '../random.js';

/**
 * Greedy k-means++ seeding (Arthur & Vassilvitskii 2007, as scikit-learn's `_kmeans_plusplus`):
 * each new centre is the best of 2 + floor(ln k) candidates drawn with probability proportional to
 * the squared distance to the nearest centre so far, "best" meaning the lowest resulting potential.
 * Returns the k x d centres, row-major. Assumes k <= rows.
 */
export function kmeansPlusPlus(x: Matrix, k: number, rng: Random): Float64Array {
  const { rows: n, cols: d, data } = x;
  const centers = new Float64Array(k * d);
  const trials = 2 + Math.floor(Math.log(k));
  const closest = new Float64Array(n);
  const candidateDist = new Float64Array(n);
  const bestDist = new Float64Array(n);
  const cumulative = new Float64Array(n);

  const first = rng.int(n);
  centers.set(data.subarray(first * d, first * d + d), 0);
  distancesTo(data, n, d, first * d, closest);

  for (let c = 1; c < k; c++) {
    let acc = 0;
    for (let i = 0; i < n; i++) cumulative[i] = acc += closest[i];
    let bestPotential = Infinity;
    let bestIndex = -1;
    for (let t = 0; t < trials; t++) {
      const candidate = Math.min(searchSorted(cumulative, rng.uniform() * acc), n - 1);
      let pot = 0;
      const off = candidate * d;
      for (let i = 0; i < n; i++) {
        let s = 0;
        const row = i * d;
        for (let j = 0; j < d; j++) {
          const diff = data[row + j] - data[off + j];
          s += diff * diff;
        }
        const v = s < closest[i] ? s : closest[i];
        candidateDist[i] = v;
        pot += v;
      }
      if (pot < bestPotential) {
        bestPotential = pot;
        bestIndex = candidate;
        bestDist.set(candidateDist);
      }
    }
    centers.set(data.subarray(bestIndex * d, bestIndex * d + d), c * d);
    closest.set(bestDist);
  }
  return centers;
}

function distancesTo(data: Float64Array, n: number, d: number, off: number, out: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = 0;
    const row = i * d;
    for (let j = 0; j < d; j++) {
      const diff = data[row + j] - data[off + j];
      s += diff * diff;
    }
    out[i] = s;
  }
}

/** First index whose cumulative value exceeds v (numpy searchsorted, side='left', on strictly positive steps). */
function searchSorted(cumulative: Float64Array, v: number): number {
  let lo = 0;
  let hi = cumulative.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
