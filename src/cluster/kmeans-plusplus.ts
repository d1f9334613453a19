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
  const { rows: n, cols: d, k, data, chunks, closest, candidates, chunkValues } = exec;
  const centers = new Float64Array(k * d);
  const trials = seedingTrials(k);
  const stride = chunkStrides(k, d).values;
  const pots = new Float64Array(trials);
  // Cumulative potential at the end of each chunk: sampling finds the chunk, then scans only its rows
  // (a serial cumulative sum over every row cost as much as the distance passes themselves).
  const cumulative = new Float64Array(chunks);

  const first = rng.int(n);
  centers.set(data.subarray(first * d, first * d + d), 0);
  closest.fill(Infinity);
  candidates.set(centers.subarray(0, d));
  exec.nearest();

  for (let c = 1; c < k; c++) {
    let acc = 0;
    for (let ch = 0; ch < chunks; ch++) cumulative[ch] = acc += chunkValues[ch * stride];
    for (let t = 0; t < trials; t++) {
      const idx = sample(closest, cumulative, rng.uniform() * acc);
      candidates.set(data.subarray(idx * d, idx * d + d), t * d);
    }
    exec.potentials(trials);
    pots.fill(0);
    for (let ch = 0; ch < chunks; ch++) for (let t = 0; t < trials; t++) pots[t] += chunkValues[ch * stride + t];
    let best = 0;
    for (let t = 1; t < trials; t++) if (pots[t] < pots[best]) best = t;
    centers.set(candidates.subarray(best * d, best * d + d), c * d);
    if (c === k - 1) break; // the distances to the last centre are never used
    // nearest() reads the point from the first candidate slot.
    candidates.copyWithin(0, best * d, best * d + d);
    exec.nearest();
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
