import type { ChunkExecutor } from './chunks.js';
import { chunkStrides } from './kernels.js';

/** One k-means run from given initial centres. */
export interface KMeansRun {
  centers: Float64Array;
  labels: Int32Array;
  inertia: number;
  iterations: number;
  /** True when the centres moved less than the tolerance (or labels stopped changing) before maxIterations. */
  converged: boolean;
}

/**
 * Lloyd's algorithm as scikit-learn runs it: assign, move centres to the means, stop when the
 * summed squared centre shift is at most `tolerance` (already scaled to the data) or labels repeat,
 * then relabel against the final centres so labels, centres and inertia agree.
 * Assignments skip rows that Hamerly's bounds prove cannot change cluster; the iterations are still
 * Lloyd's (every row goes to its nearest centre), only cheaper once centres settle.
 * The returned labels are a copy; the executor's buffers are reused by the next run.
 */
export function lloyd(exec: ChunkExecutor, init: Float64Array, maxIterations: number, tolerance: number): KMeansRun {
  const { rows: n, cols: d, k, data, chunks, labels } = exec;
  let centers = Float64Array.from(init);
  let next = new Float64Array(k * d);
  const counts = new Float64Array(k);
  const values = chunkStrides(k, d).values;
  let iterations = 0;
  let converged = false;
  exec.upper.fill(Infinity);
  exec.lower.fill(0);
  exec.shift.fill(0);
  exec.otherShift.fill(0);
  let fresh = true;

  for (let it = 0; it < maxIterations; it++) {
    exec.centers.set(centers);
    halfGaps(centers, k, d, exec.half);
    exec.assign(fresh ? 'fresh' : 'update');
    fresh = false;
    let changed = 0;
    for (let ch = 0; ch < chunks; ch++) changed += exec.chunkValues[ch * values];
    reduceChunks(exec.partialSums, exec.partialCounts, chunks, k, d, next, counts);
    if (counts.includes(0)) {
      changed += relocateEmpty(data, n, d, centers, labels, next, counts);
      // Relocated rows changed label outside the kernel: their upper bounds and the chunk sums are stale.
      exec.upper.fill(Infinity);
      fresh = true;
    }
    for (let c = 0; c < k; c++) {
      const w = counts[c];
      for (let j = 0; j < d; j++) next[c * d + j] /= w;
    }
    iterations = it + 1;
    let shift = 0;
    for (let c = 0; c < k; c++) {
      let sc = 0;
      for (let j = 0; j < d; j++) sc += (next[c * d + j] - centers[c * d + j]) ** 2;
      shift += sc;
      exec.shift[c] = Math.sqrt(sc);
    }
    otherMax(exec.shift, exec.otherShift);
    [centers, next] = [next, centers];
    if ((it > 0 && changed === 0) || shift <= tolerance) {
      converged = true;
      break;
    }
  }
  // Labels from the last pass belong to the previous centres: relabel against the final ones (the
  // bounds still hold, so this pass is cheap) and sum exact squared distances for the inertia.
  // The chunk sums it updates are not used again, so they may be stale after a relocation.
  exec.centers.set(centers);
  halfGaps(centers, k, d, exec.half);
  exec.assign('inertia');
  let inertia = 0;
  for (let ch = 0; ch < chunks; ch++) inertia += exec.chunkValues[ch * values];
  return { centers, labels: Int32Array.from(labels), inertia, iterations, converged };
}

/** out[c] = the largest of values other than values[c]. */
function otherMax(values: Float64Array, out: Float64Array): void {
  let first = -1;
  let second = 0;
  for (let c = 0; c < values.length; c++) {
    if (first < 0 || values[c] > values[first]) {
      if (first >= 0) second = values[first];
      first = c;
    } else if (values[c] > second) {
      second = values[c];
    }
  }
  for (let c = 0; c < values.length; c++) out[c] = c === first ? second : values[first];
}

/** Half the distance from each centre to its nearest other centre (Infinity when k = 1). */
function halfGaps(centers: Float64Array, k: number, d: number, out: Float64Array): void {
  out.fill(Infinity);
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (centers[a * d + j] - centers[b * d + j]) ** 2;
      const h = Math.sqrt(s) / 2;
      if (h < out[a]) out[a] = h;
      if (h < out[b]) out[b] = h;
    }
  }
}

function reduceChunks(partialSums: Float64Array, partialCounts: Float64Array, chunks: number, k: number, d: number, sums: Float64Array, counts: Float64Array): void {
  sums.fill(0);
  counts.fill(0);
  const kd = k * d;
  const stride = chunkStrides(k, d);
  for (let ch = 0; ch < chunks; ch++) {
    for (let q = 0; q < kd; q++) sums[q] += partialSums[ch * stride.sums + q];
    for (let c = 0; c < k; c++) counts[c] += partialCounts[ch * stride.counts + c];
  }
}

/**
 * An empty cluster takes the point farthest from its current centre (scikit-learn's rule), which is
 * moved out of its old cluster's sum so the means stay exact. Returns how many rows moved.
 */
export function relocateEmpty(data: Float64Array, n: number, d: number, centers: Float64Array, labels: Int32Array, sums: Float64Array, counts: Float64Array): number {
  const k = counts.length;
  const dist = new Float64Array(n);
  let moved = 0;
  for (let i = 0; i < n; i++) {
    const off = labels[i] * d;
    let s = 0;
    for (let j = 0; j < d; j++) s += (data[i * d + j] - centers[off + j]) ** 2;
    dist[i] = s;
  }
  for (let c = 0; c < k; c++) {
    if (counts[c] > 0) continue;
    let far = -1;
    for (let i = 0; i < n; i++) if (counts[labels[i]] > 1 && (far < 0 || dist[i] > dist[far])) far = i;
    if (far < 0) return moved; // fewer distinct points than clusters: nothing can move
    const old = labels[far];
    for (let j = 0; j < d; j++) {
      const v = data[far * d + j];
      sums[old * d + j] -= v;
      sums[c * d + j] = v;
    }
    counts[old] -= 1;
    counts[c] = 1;
    labels[far] = c;
    dist[far] = -1;
    moved++;
  }
  return moved;
}
