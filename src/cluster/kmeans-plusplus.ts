import type { Random } from '../random.js';
import { CHUNK_ROWS, type ChunkExecutor } from './chunks.js';
import { chunkStrides, seedingTrials } from './kernels.js';

/**
 * Greedy k-means++ seeding (Arthur & Vassilvitskii 2007, as scikit-learn's `_kmeans_plusplus`):
 * each new centre is the best of 2 + floor(ln k) candidates drawn with probability proportional to
 * the squared distance to the nearest centre so far, "best" meaning the lowest resulting potential.
 * All candidates of a round are scored in one pass over the data. Returns the k x d centres,
 * row-major. Assumes k <= rows.
 */
export function kmeansPlusPlus(exec: ChunkExecutor, rng: Random): Float64Array {
  const { rows: n, cols: d, k, data, chunks, distances, candidates, chunkValues } = exec;
  const centers = new Float64Array(k * d);
  const trials = seedingTrials(k);
  const stride = chunkStrides(k, d).values;
  const pots = new Float64Array(trials);
  // Cumulative potential at the end of each chunk: sampling finds the chunk, then scans only its rows
  // (a serial cumulative sum over every row cost as much as the distance passes themselves).
  const cumulative = new Float64Array(chunks);

  const first = rng.int(n);
  centers.set(data.subarray(first * d, first * d + d), 0);
  // Slot `cur` of `distances` holds each row's squared distance to its nearest centre so far, and
  // column `column` of chunkValues its per-chunk sums.
  let cur = 0;
  let column = 0;
  distances.fill(Infinity, 0, n);
  candidates.set(centers.subarray(0, d));
  exec.nearest(cur);

  for (let c = 1; c < k; c++) {
    let acc = 0;
    for (let ch = 0; ch < chunks; ch++) cumulative[ch] = acc += chunkValues[ch * stride + column];
    const closest = distances.subarray(cur * n, cur * n + n);
    for (let t = 0; t < trials; t++) {
      const idx = sample(closest, cumulative, rng.uniform() * acc);
      candidates.set(data.subarray(idx * d, idx * d + d), t * d);
    }
    exec.potentials(cur);
    pots.fill(0);
    for (let ch = 0; ch < chunks; ch++) for (let t = 0; t < trials; t++) pots[t] += chunkValues[ch * stride + t];
    let best = 0;
    for (let t = 1; t < trials; t++) if (pots[t] < pots[best]) best = t;
    centers.set(candidates.subarray(best * d, best * d + d), c * d);
    cur = (cur + 1 + best) % (trials + 1);
    column = best;
  }
  return centers;
}

/**
 * First row whose cumulative weight reaches v (numpy searchsorted, side='left'), given the cumulative
 * weight at the end of each CHUNK_ROWS chunk. Rounding between the chunk totals and the row scan can
 * leave v unreached inside the chosen chunk; its last row is taken then.
 */
function sample(weights: Float64Array, cumulative: Float64Array, v: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  const start = lo * CHUNK_ROWS;
  const end = Math.min(weights.length, start + CHUNK_ROWS);
  let acc = lo > 0 ? cumulative[lo - 1] : 0;
  for (let i = start; i < end; i++) {
    acc += weights[i];
    if (acc >= v) return i;
  }
  return end - 1;
}
