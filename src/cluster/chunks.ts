import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Matrix } from '../data/matrix.js';
import { chunkRunnerFactory, chunkRunnerSource, chunkStrides, seedingTrials, smallRunnerFactory, type ChunkRunner } from './kernels.js';
import { ASSIGN_SCRATCH_BYTES, WasmArena, type WasmKernels } from './wasm-kernels.js';

/**
 * Runs the k-means kernels over fixed row chunks, on this thread or on a pool of worker threads
 * sharing memory. Each chunk writes its own partial results and callers combine them in chunk
 * order, so results are bit-identical for any number of threads.
 */
export const CHUNK_ROWS = 8192;

/**
 * Up to this many rows x features, a serial fit uses the one runner compiled per feature count instead of
 * one unrolled per k: its passes take microseconds, and compiling nine specialised runners (k = 2..10) cost
 * more than all their passes (4,334 x 11, k = 2..10 with 10 restarts, first search in a process: 950 -> 465 ms CPU).
 */
export const SMALL_INPUT_CELLS = 1 << 20;

/** Below this many rows x clusters x features per pass, threads cost more to start than they save. */
export const PARALLEL_MIN_WORK = 20_000_000;

/** Operations of the chunk runner (see chunkRunnerSource). */
const ASSIGN_FRESH = 0;
const ASSIGN = 1;
const ASSIGN_INERTIA = 2;
const POTENTIALS = 3;
const NEAREST = 4;
const STOP = -1;

/** A chunk takes milliseconds; a worker silent this long has died. */
const WORKER_TIMEOUT_MS = 120_000;

/**
 * A closed pool stays parked this long for the next fit of the same shape (as back-to-back restarts,
 * benchmarks and repeated fits do): starting threads, compiling their kernels and faulting in fresh
 * shared memory cost about 70 ms per fit on 1M x 8, k = 8 (and fresh 64 MB buffers sometimes took
 * 130-190 ms alone). Meanwhile it holds its idle threads and buffers (about 125 MB there).
 */
const IDLE_POOL_MS = 1000;
let idlePool: { pool: PoolExecutor; timer: ReturnType<typeof setTimeout> } | null = null;

function stopIdlePool(): void {
  if (!idlePool) return;
  clearTimeout(idlePool.timer);
  idlePool.pool.stop();
  idlePool = null;
}

/** Default thread count: every core (up to 8) when a pass is large enough to repay starting workers, else 1. */
export function defaultThreads(x: Matrix, k: number): number {
  return x.rows * x.cols * k >= PARALLEL_MIN_WORK ? Math.min(availableParallelism(), 8) : 1;
}

export function createExecutor(x: Matrix, k: number, threads: number): ChunkExecutor {
  const chunks = Math.ceil(x.rows / CHUNK_ROWS);
  const t = Math.max(1, Math.min(threads, chunks));
  if (t === 1) return (x.rows * x.cols <= SMALL_INPUT_CELLS ? WasmExecutor.create(x, k, chunks) : null) ?? new ChunkExecutor(x, k, chunks, 1, plainArrays);
  const parked = idlePool;
  if (parked?.pool.fits(x, k, t)) {
    clearTimeout(parked.timer);
    idlePool = null;
    parked.pool.data.set(x.data);
    return parked.pool;
  }
  stopIdlePool();
  return new PoolExecutor(x, k, chunks, t);
}

/** Where an executor's buffers live: ordinary arrays, memory shared with worker threads, or a WebAssembly memory. */
export interface ArrayAlloc {
  f64(length: number): Float64Array;
  i32(length: number): Int32Array;
}

const plainArrays: ArrayAlloc = { f64: (n) => new Float64Array(n), i32: (n) => new Int32Array(n) };
const sharedArrays: ArrayAlloc = { f64: (n) => new Float64Array(new SharedArrayBuffer(n * 8)), i32: (n) => new Int32Array(new SharedArrayBuffer(n * 4)) };

/** Serial execution on the calling thread; also the shared-buffer layout the worker pool uses. */
export class ChunkExecutor {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
  /** Inputs: centres (k x d); candidate points for k-means++ (trials x d). */
  readonly centers: Float64Array;
  readonly candidates: Float64Array;
  /** Outputs. */
  readonly labels: Int32Array;
  /** k-means++ distance slots: seedingTrials(k) + 1 arrays of `rows`, end to end (see potentialSource). */
  readonly distances: Float64Array;
  readonly partialSums: Float64Array;
  readonly partialCounts: Float64Array;
  /**
   * Per chunk (at the strides of chunkStrides): inertia after an assignment with inertia, `trials`
   * potentials after `potentials`, the sum of the updated slot after `nearest`.
   */
  readonly chunkValues: Float64Array;
  /**
   * Hamerly bounds per row; per centre its last shift, the largest shift of any other centre (what
   * lower bounds lose) and half the distance to the nearest other centre.
   */
  readonly upper: Float64Array;
  readonly lower: Float64Array;
  readonly shift: Float64Array;
  readonly half: Float64Array;
  readonly otherShift: Float64Array;
  protected readonly runner: ChunkRunner;

  constructor(
    x: Matrix,
    readonly k: number,
    readonly chunks: number,
    readonly threads: number,
    alloc: ArrayAlloc,
    data?: Float64Array,
    runner?: (exec: ChunkExecutor) => ChunkRunner,
  ) {
    const d = x.cols;
    const f64 = (length: number): Float64Array => alloc.f64(length);
    this.data = data ?? x.data;
    this.rows = x.rows;
    this.cols = d;
    this.centers = f64(k * d);
    this.candidates = f64(seedingTrials(k) * d);
    this.labels = alloc.i32(x.rows);
    this.distances = f64((seedingTrials(k) + 1) * x.rows);
    const stride = chunkStrides(k, d);
    this.partialSums = f64(chunks * stride.sums);
    this.partialCounts = f64(chunks * stride.counts);
    this.chunkValues = f64(chunks * stride.values);
    this.upper = f64(x.rows);
    this.lower = f64(x.rows);
    this.shift = f64(k);
    this.half = f64(k);
    this.otherShift = f64(k);
    this.runner = runner ? runner(this) : threads === 1 && x.rows * d <= SMALL_INPUT_CELLS ? smallRunnerFactory(d)(x.rows, CHUNK_ROWS, chunks, k) : chunkRunnerFactory(d, k)(x.rows, CHUNK_ROWS, chunks);
  }

  /**
   * Lloyd assignment pruned by the bounds: labels and per-chunk sums and counts, recomputed when
   * `fresh` (first pass, or after labels changed outside the kernel), else updated for the rows that
   * moved; with `inertia`, also per-chunk inertia.
   */
  assign(mode: 'fresh' | 'update' | 'inertia'): void {
    this.command(mode === 'fresh' ? ASSIGN_FRESH : mode === 'update' ? ASSIGN : ASSIGN_INERTIA, 0);
  }

  /** Per chunk, the k-means++ potential of each candidate from the distances in slot `cur`; fills the other slots. */
  potentials(cur: number): void {
    this.command(POTENTIALS, cur);
  }

  /** Lower distance slot `slot` with the distance to the first candidate; per chunk, its sum. */
  nearest(slot: number): void {
    this.command(NEAREST, slot);
  }

  close(): void {}

  protected command(op: number, arg: number): void {
    this.runner(this, 0, 1, op, arg);
  }
}

/**
 * The calling thread takes chunk 0, T, 2T...; worker w takes chunk w, w + T, ... Commands go through a
 * shared control block with Atomics.wait/notify, so `fit` stays synchronous.
 */
class PoolExecutor extends ChunkExecutor {
  /** [0] command generation, [1] operation, [2] workers finished, [3] argument, [4] workers that failed. */
  private readonly control = new Int32Array(new SharedArrayBuffer(20));
  private readonly workers: Worker[] = [];
  /** False when the data is the caller's own shared buffer, which another fit must not overwrite. */
  private readonly ownsData: boolean;
  private closed = false;

  constructor(x: Matrix, k: number, chunks: number, threads: number) {
    const shared = x.data.buffer instanceof SharedArrayBuffer ? x.data : sharedArrays.f64(x.data.length);
    if (shared !== x.data) shared.set(x.data);
    super(x, k, chunks, threads, sharedArrays, shared);
    this.ownsData = shared !== x.data;
    const { data, centers, candidates, labels, distances, partialSums, partialCounts, chunkValues, upper, lower, shift, half, otherShift } = this;
    const buffers = { data, centers, candidates, labels, distances, partialSums, partialCounts, chunkValues, upper, lower, shift, half, otherShift };
    const source = `'use strict';
const { workerData: w } = require('node:worker_threads');
const run = ${chunkRunnerSource(x.cols, k)}(${x.rows}, ${CHUNK_ROWS}, ${chunks});
const c = w.control;
for (let generation = 1; ; generation++) {
  Atomics.wait(c, 0, generation - 1);
  const op = Atomics.load(c, 1);
  if (op === ${STOP}) break;
  try {
    run(w.buffers, w.index, ${threads}, op, Atomics.load(c, 3));
  } catch {
    Atomics.add(c, 4, 1);
  }
  Atomics.add(c, 2, 1);
  Atomics.notify(c, 2);
}`;
    for (let index = 1; index < threads; index++) {
      const worker = new Worker(source, { eval: true, workerData: { index, control: this.control, buffers } });
      worker.unref();
      this.workers.push(worker);
    }
  }

  /** Whether this pool can run a fit of `x` (after copying its data in). */
  fits(x: Matrix, k: number, threads: number): boolean {
    return !this.closed && this.ownsData && x.rows === this.rows && x.cols === this.cols && k === this.k && threads === this.threads;
  }

  /** Parks the pool for the next fit of the same shape, in place of any parked one, for IDLE_POOL_MS. */
  override close(): void {
    if (this.closed) return;
    if (!this.ownsData) {
      this.stop();
      return;
    }
    stopIdlePool();
    const timer = setTimeout(() => {
      if (idlePool?.pool === this) stopIdlePool();
    }, IDLE_POOL_MS);
    timer.unref();
    idlePool = { pool: this, timer };
  }

  /** Ends the worker threads; the pool cannot be used again. */
  stop(): void {
    if (this.closed) return;
    this.closed = true;
    this.signal(STOP, 0);
    for (const w of this.workers) void w.terminate();
  }

  protected override command(op: number, arg: number): void {
    this.signal(op, arg);
    this.runner(this, 0, this.threads, op, arg);
    const c = this.control;
    const others = this.threads - 1;
    // The main thread blocks here, so a worker that died could never be heard of through events.
    for (let done = Atomics.load(c, 2); done < others; done = Atomics.load(c, 2)) {
      if (Atomics.wait(c, 2, done, WORKER_TIMEOUT_MS) === 'timed-out' && Atomics.load(c, 2) === done) {
        this.stop();
        throw new Error(`k-means worker thread did not answer within ${WORKER_TIMEOUT_MS / 1000} s`);
      }
    }
    if (Atomics.load(c, 4) > 0) {
      this.stop();
      throw new Error('k-means worker thread failed (out of memory?); retry with threads: 1');
    }
  }

  private signal(op: number, arg: number): void {
    const c = this.control;
    Atomics.store(c, 1, op);
    Atomics.store(c, 3, arg);
    Atomics.store(c, 2, 0);
    Atomics.add(c, 0, 1);
    Atomics.notify(c, 0);
  }
}

/**
 * A serial executor whose buffers, the data included, live in this thread's WebAssembly arena, so its passes run
 * as the Wasm kernels (wasm-kernels.ts): the same arithmetic as the JavaScript ones, without their warm-up.
 */
class WasmExecutor extends ChunkExecutor {
  private readonly kernels: WasmKernels;
  private readonly arena: WasmArena;
  /** Byte addresses of the buffers in the arena. */
  private readonly at: Record<'data' | 'centers' | 'labels' | 'sums' | 'counts' | 'upper' | 'lower' | 'shift' | 'half' | 'otherShift' | 'candidates' | 'distances' | 'values' | 'scratch', number>;

  static create(x: Matrix, k: number, chunks: number): WasmExecutor | null {
    const { rows: n, cols: d } = x;
    const trials = seedingTrials(k);
    const stride = chunkStrides(k, d);
    // Every buffer the constructor asks for, each rounded to 8 bytes: data, centres, candidates, labels, distances,
    // the chunk partials and values, the bounds, the three per-centre arrays, and the assignment's scratch for a chunk.
    const bytes = 8 * (n * d + k * d + trials * d + Math.ceil(n / 2) + (trials + 1) * n + chunks * (stride.sums + stride.counts + stride.values) + 2 * n + 3 * k + scratchDoubles(n));
    const got = WasmArena.acquire(d, bytes);
    if (!got) return null;
    const { arena, kernels } = got;
    const data = arena.f64(n * d);
    data.set(x.data);
    return new WasmExecutor(x, k, chunks, arena, data, kernels);
  }

  private constructor(x: Matrix, k: number, chunks: number, arena: WasmArena, data: Float64Array, kernels: WasmKernels) {
    super(x, k, chunks, 1, arena, data, () => unused);
    this.kernels = kernels;
    this.arena = arena;
    const scratch = arena.f64(scratchDoubles(x.rows));
    this.at = {
      data: this.data.byteOffset,
      centers: this.centers.byteOffset,
      labels: this.labels.byteOffset,
      sums: this.partialSums.byteOffset,
      counts: this.partialCounts.byteOffset,
      upper: this.upper.byteOffset,
      lower: this.lower.byteOffset,
      shift: this.shift.byteOffset,
      half: this.half.byteOffset,
      otherShift: this.otherShift.byteOffset,
      candidates: this.candidates.byteOffset,
      distances: this.distances.byteOffset,
      values: this.chunkValues.byteOffset,
      scratch: scratch.byteOffset,
    };
  }

  override close(): void {
    this.arena.release();
  }

  protected override command(op: number, arg: number): void {
    const { rows, cols: d, k, chunks, kernels, at } = this;
    const stride = chunkStrides(k, d);
    for (let ch = 0; ch < chunks; ch++) {
      const start = ch * CHUNK_ROWS;
      const end = Math.min(rows, start + CHUNK_ROWS);
      if (op === POTENTIALS) {
        kernels.potentials(start, end, seedingTrials(k), arg, rows, at.data, at.candidates, at.distances, at.values + 8 * ch * stride.values);
      } else if (op === NEAREST) {
        this.chunkValues[ch * stride.values] = kernels.nearest(start, end, at.data, at.candidates, at.distances + 8 * arg * rows);
      } else {
        if (op === ASSIGN_FRESH) {
          this.partialSums.fill(0, ch * stride.sums, ch * stride.sums + k * d);
          this.partialCounts.fill(0, ch * stride.counts, ch * stride.counts + k);
        }
        this.chunkValues[ch * stride.values] = kernels.assign(
          start, end, k, op === ASSIGN_FRESH ? 1 : 0, op === ASSIGN_INERTIA ? 1 : 0,
          at.data, at.centers, at.labels, at.sums + 8 * ch * stride.sums, at.counts + 8 * ch * stride.counts, at.upper, at.lower, at.shift, at.half, at.otherShift, at.scratch,
        );
      }
    }
  }
}

/** Doubles of scratch an assignment pass over one chunk of `rows` rows needs (its row list is 8-byte aligned). */
function scratchDoubles(rows: number): number {
  return Math.ceil((ASSIGN_SCRATCH_BYTES * Math.min(rows, CHUNK_ROWS) + 8) / 8);
}

const unused: ChunkRunner = () => {
  throw new Error('a Wasm executor runs its passes itself');
};
