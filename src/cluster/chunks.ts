import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Matrix } from '../data/matrix.js';
import { assignKernel, assignSource, boundedAssignKernel, boundedAssignSource, nearestKernel, nearestSource, potentialKernel, potentialSource } from './kernels.js';

/**
 * Runs the k-means kernels over fixed row chunks, on this thread or on a pool of worker threads
 * sharing memory. Each chunk writes its own partial results and callers combine them in chunk
 * order, so results are bit-identical for any number of threads.
 */
export const CHUNK_ROWS = 8192;

/** Below this many rows x clusters x features per pass, threads cost more to start than they save. */
export const PARALLEL_MIN_WORK = 20_000_000;

/** Candidates per k-means++ round, as scikit-learn: 2 + floor(ln k). */
export function seedingTrials(k: number): number {
  return 2 + Math.floor(Math.log(k));
}

/** Default thread count: every core (up to 8) when a pass is large enough to repay starting workers, else 1. */
export function defaultThreads(x: Matrix, k: number): number {
  return x.rows * x.cols * k >= PARALLEL_MIN_WORK ? Math.min(availableParallelism(), 8) : 1;
}

export function createExecutor(x: Matrix, k: number, threads: number): ChunkExecutor {
  const chunks = Math.ceil(x.rows / CHUNK_ROWS);
  const t = Math.max(1, Math.min(threads, chunks));
  return t > 1 ? new PoolExecutor(x, k, chunks, t) : new ChunkExecutor(x, k, chunks, (n) => new ArrayBuffer(n));
}

/** Serial execution on the calling thread; also the shared-buffer layout the worker pool uses. */
export class ChunkExecutor {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
  /** Inputs: centres (k x d) and their squared norms; candidate points for k-means++ (trials x d). */
  readonly centers: Float64Array;
  readonly norms: Float64Array;
  readonly candidates: Float64Array;
  /** Outputs. */
  readonly labels: Int32Array;
  readonly closest: Float64Array;
  readonly partialSums: Float64Array;
  readonly partialCounts: Float64Array;
  /** Per chunk: inertia after `assign`, or `trials` potentials after `potentials`. */
  readonly chunkValues: Float64Array;
  /** Hamerly bounds per row, centre shifts and half-distances to the nearest other centre; params[0] = largest shift. */
  readonly upper: Float64Array;
  readonly lower: Float64Array;
  readonly shift: Float64Array;
  readonly half: Float64Array;
  readonly params: Float64Array;
  readonly threads: number = 1;

  constructor(
    x: Matrix,
    readonly k: number,
    readonly chunks: number,
    alloc: (bytes: number) => ArrayBufferLike,
    data?: Float64Array,
  ) {
    const d = x.cols;
    const f64 = (n: number): Float64Array => new Float64Array(alloc(n * 8));
    this.data = data ?? x.data;
    this.rows = x.rows;
    this.cols = d;
    this.centers = f64(k * d);
    this.norms = f64(k);
    this.candidates = f64(seedingTrials(k) * d);
    this.labels = new Int32Array(alloc(x.rows * 4));
    this.closest = f64(x.rows);
    this.partialSums = f64(chunks * k * d);
    this.partialCounts = f64(chunks * k);
    this.chunkValues = f64(chunks * seedingTrials(k));
    this.upper = f64(x.rows);
    this.lower = f64(x.rows);
    this.shift = f64(k);
    this.half = f64(k);
    this.params = f64(1);
  }

  /** Assign every row to its nearest centre: labels, per-chunk sums, counts and (when asked) inertia. */
  assign(inertia: boolean): void {
    this.run(0, 1, inertia ? 0 : 3, 0);
  }

  /** Assignment pruned by Hamerly bounds (labels, per-chunk sums and counts; no inertia). */
  assignBounded(): void {
    this.run(0, 1, 4, 0);
  }

  /** Per chunk, the k-means++ potential of each of `trials` candidates. */
  potentials(trials: number): void {
    this.run(0, 1, 1, trials);
  }

  /** Lower `closest` with the distance to the first candidate. */
  nearest(): void {
    this.run(0, 1, 2, 0);
  }

  close(): void {}

  /** Chunks first, first + stride, ... of operation `op` (0 assign with inertia, 1 potentials, 2 nearest, 3 assign, 4 bounded assign). */
  protected run(first: number, stride: number, op: number, trials: number): void {
    const { data, rows, cols: d, k } = this;
    const assign = assignKernel(d, op === 0);
    const potentials = potentialKernel(d);
    const nearest = nearestKernel(d);
    const bounded = boundedAssignKernel(d);
    for (let ch = first; ch < this.chunks; ch += stride) {
      const start = ch * CHUNK_ROWS;
      const end = Math.min(rows, start + CHUNK_ROWS);
      if (op === 0 || op === 3 || op === 4) {
        this.partialSums.fill(0, ch * k * d, (ch + 1) * k * d);
        this.partialCounts.fill(0, ch * k, (ch + 1) * k);
        if (op === 4) {
          bounded(data, start, end, this.centers, k, this.labels, this.partialSums, this.partialCounts, ch * k * d, ch * k, this.upper, this.lower, this.shift, this.half, this.params[0]);
        } else {
          this.chunkValues[ch] = assign(data, start, end, this.centers, this.norms, k, this.labels, this.partialSums, this.partialCounts, ch * k * d, ch * k);
        }
      } else if (op === 1) {
        potentials(data, start, end, this.candidates, trials, this.closest, this.chunkValues, ch * trials);
      } else {
        nearest(data, start, end, this.candidates, this.closest);
      }
    }
  }
}

/**
 * The calling thread takes chunk 0, T, 2T...; worker w takes chunk w, w + T, ... Commands go through a
 * shared control block with Atomics.wait/notify, so `fit` stays synchronous.
 */
class PoolExecutor extends ChunkExecutor {
  override readonly threads: number;
  private readonly control: Int32Array;
  private readonly workers: Worker[] = [];

  constructor(x: Matrix, k: number, chunks: number, threads: number) {
    const alloc = (n: number): SharedArrayBuffer => new SharedArrayBuffer(n);
    const shared = x.data.buffer instanceof SharedArrayBuffer ? x.data : new Float64Array(alloc(x.data.length * 8));
    if (shared !== x.data) shared.set(x.data);
    super(x, k, chunks, alloc, shared);
    this.threads = threads;
    // [0] command generation, [1] operation, [2] workers finished, [3] trials
    this.control = new Int32Array(new SharedArrayBuffer(16));
    const d = x.cols;
    const source = workerSource(assignSource(d), assignSource(d, false), boundedAssignSource(d), potentialSource(d), nearestSource(d));
    for (let w = 1; w < threads; w++) {
      const worker = new Worker(source, {
        eval: true,
        workerData: {
          w, threads, chunks, k, d, rows: x.rows, chunkRows: CHUNK_ROWS, control: this.control,
          data: this.data, centers: this.centers, norms: this.norms, candidates: this.candidates, labels: this.labels,
          closest: this.closest, partialSums: this.partialSums, partialCounts: this.partialCounts, chunkValues: this.chunkValues,
          upper: this.upper, lower: this.lower, shift: this.shift, half: this.half, params: this.params,
        },
      });
      worker.unref();
      this.workers.push(worker);
    }
  }

  override assign(inertia: boolean): void {
    this.command(inertia ? 0 : 3, 0);
  }

  override assignBounded(): void {
    this.command(4, 0);
  }

  override potentials(trials: number): void {
    this.command(1, trials);
  }

  override nearest(): void {
    this.command(2, 0);
  }

  override close(): void {
    Atomics.store(this.control, 1, -1);
    Atomics.add(this.control, 0, 1);
    Atomics.notify(this.control, 0);
    for (const w of this.workers) void w.terminate();
  }

  private command(op: number, trials: number): void {
    const c = this.control;
    Atomics.store(c, 1, op);
    Atomics.store(c, 3, trials);
    Atomics.store(c, 2, 0);
    Atomics.add(c, 0, 1);
    Atomics.notify(c, 0);
    this.run(0, this.threads, op, trials);
    const others = this.threads - 1;
    for (let done = Atomics.load(c, 2); done < others; done = Atomics.load(c, 2)) Atomics.wait(c, 2, done);
  }
}

function workerSource(assign: string, assignLabels: string, bounded: string, potentials: string, nearest: string): string {
  return `'use strict';
const { workerData: s } = require('node:worker_threads');
const assign = ${assign};
const assignLabels = ${assignLabels};
const bounded = ${bounded};
const potentials = ${potentials};
const nearest = ${nearest};
const c = s.control;
let generation = 0;
for (;;) {
  Atomics.wait(c, 0, generation);
  generation++;
  const op = Atomics.load(c, 1);
  if (op < 0) break;
  const trials = Atomics.load(c, 3);
  const kd = s.k * s.d;
  for (let ch = s.w; ch < s.chunks; ch += s.threads) {
    const start = ch * s.chunkRows;
    const end = Math.min(s.rows, start + s.chunkRows);
    if (op === 0 || op === 3 || op === 4) {
      s.partialSums.fill(0, ch * kd, (ch + 1) * kd);
      s.partialCounts.fill(0, ch * s.k, (ch + 1) * s.k);
      if (op === 4) bounded(s.data, start, end, s.centers, s.k, s.labels, s.partialSums, s.partialCounts, ch * kd, ch * s.k, s.upper, s.lower, s.shift, s.half, s.params[0]);
      else s.chunkValues[ch] = (op === 0 ? assign : assignLabels)(s.data, start, end, s.centers, s.norms, s.k, s.labels, s.partialSums, s.partialCounts, ch * kd, ch * s.k);
    } else if (op === 1) {
      potentials(s.data, start, end, s.candidates, trials, s.closest, s.chunkValues, ch * trials);
    } else {
      nearest(s.data, start, end, s.candidates, s.closest);
    }
  }
  Atomics.add(c, 2, 1);
  Atomics.notify(c, 2);
}
`;
}
