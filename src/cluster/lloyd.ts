import type { Matrix } from '../data/matrix.js';
import { assignKernel } from './kernels.js';

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
 * Rows are processed in fixed chunks whose partial sums are combined in chunk order, so results are
 * bit-identical whether one thread or several process the chunks.
 */
export const CHUNK_ROWS = 8192;

/** Runs the assignment kernel over every chunk, writing each chunk's partial sums, counts and inertia. */
export type ChunkRunner = (centers: Float64Array, centerNorms: Float64Array, partialSums: Float64Array, partialCounts: Float64Array, chunkInertia: Float64Array) => void;

export function serialRunner(x: Matrix, k: number, labels: Int32Array): ChunkRunner {
  const { rows: n, cols: d, data } = x;
  const assign = assignKernel(d);
  return (centers, centerNorms, partialSums, partialCounts, chunkInertia) => {
    partialSums.fill(0);
    partialCounts.fill(0);
    for (let ch = 0, start = 0; start < n; ch++, start += CHUNK_ROWS) {
      const end = Math.min(n, start + CHUNK_ROWS);
      chunkInertia[ch] = assign(data, start, end, centers, centerNorms, k, labels, partialSums, partialCounts, ch * k * d, ch * k);
    }
  };
}

/**
 * Lloyd's algorithm as scikit-learn runs it: assign, move centres to the means, stop when the
 * summed squared centre shift is at most `tolerance` (already scaled to the data) or labels repeat,
 * then relabel against the final centres so labels, centres and inertia agree.
 */
export function lloyd(x: Matrix, init: Float64Array, k: number, maxIterations: number, tolerance: number, runner?: ChunkRunner, labels?: Int32Array): KMeansRun {
  const { rows: n, cols: d, data } = x;
  const chunks = Math.ceil(n / CHUNK_ROWS);
  const out = labels ?? new Int32Array(n);
  const run = runner ?? serialRunner(x, k, out);
  let centers = Float64Array.from(init);
  let next = new Float64Array(k * d);
  const norms = new Float64Array(k);
  const partialSums = new Float64Array(chunks * k * d);
  const partialCounts = new Float64Array(chunks * k);
  const chunkInertia = new Float64Array(chunks);
  const counts = new Float64Array(k);
  let previous = new Int32Array(n);
  let iterations = 0;
  let converged = false;
  let strict = false;

  for (let it = 0; it < maxIterations; it++) {
    centerNorms(centers, k, d, norms);
    run(centers, norms, partialSums, partialCounts, chunkInertia);
    reduceChunks(partialSums, partialCounts, chunks, k, d, next, counts);
    if (counts.includes(0)) relocateEmpty(data, n, d, centers, out, next, counts);
    for (let c = 0; c < k; c++) {
      const w = counts[c];
      for (let j = 0; j < d; j++) next[c * d + j] /= w;
    }
    iterations = it + 1;
    let shift = 0;
    for (let q = 0; q < k * d; q++) shift += (next[q] - centers[q]) ** 2;
    [centers, next] = [next, centers];
    if (it > 0 && equalLabels(out, previous)) {
      converged = strict = true;
      break;
    }
    if (shift <= tolerance) {
      converged = true;
      break;
    }
    previous.set(out);
  }
  previous = new Int32Array(0);

  // Labels from the last pass belong to the previous centres unless they stopped changing.
  centerNorms(centers, k, d, norms);
  run(centers, norms, partialSums, partialCounts, chunkInertia);
  let inertia = 0;
  for (let ch = 0; ch < chunks; ch++) inertia += chunkInertia[ch];
  void strict;
  return { centers, labels: out, inertia, iterations, converged };
}

export function centerNorms(centers: Float64Array, k: number, d: number, out: Float64Array): void {
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += centers[c * d + j] ** 2;
    out[c] = s;
  }
}

function reduceChunks(partialSums: Float64Array, partialCounts: Float64Array, chunks: number, k: number, d: number, sums: Float64Array, counts: Float64Array): void {
  sums.fill(0);
  counts.fill(0);
  const kd = k * d;
  for (let ch = 0; ch < chunks; ch++) {
    for (let q = 0; q < kd; q++) sums[q] += partialSums[ch * kd + q];
    for (let c = 0; c < k; c++) counts[c] += partialCounts[ch * k + c];
  }
}

/**
 * An empty cluster takes the point farthest from its current centre (scikit-learn's rule), which is
 * moved out of its old cluster's sum so the means stay exact.
 */
export function relocateEmpty(data: Float64Array, n: number, d: number, centers: Float64Array, labels: Int32Array, sums: Float64Array, counts: Float64Array): void {
  const k = counts.length;
  const dist = new Float64Array(n);
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
    if (far < 0) return; // fewer distinct points than clusters: nothing can move
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
  }
}

function equalLabels(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
