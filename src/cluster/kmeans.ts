import { InputError, ModelError } from '../errors.js';
import type { Matrix } from '../data/matrix.js';
import { checkModelJSON, modelJSON, type Estimator, type FittedModel, type ModelJSON } from '../models/estimator.js';
import { Random } from '../random.js';
import { kmeansPlusPlus } from './kmeans-plusplus.js';
import { momentsKernel, predictKernel } from './kernels.js';
import { lloyd, type KMeansRun } from './lloyd.js';
import { createExecutor, defaultThreads, SMALL_INPUT_CELLS } from './chunks.js';
import { elkan } from './elkan.js';

export interface KMeansOptions {
  k: number;
  /** Seeded restarts; the run with the lowest inertia is kept (default 10, as scikit-learn < 1.4). */
  nInit?: number;
  maxIterations?: number;
  /** Relative to the mean per-feature variance, as scikit-learn's `tol` (default 1e-4). */
  tolerance?: number;
  seed?: number;
  /**
   * 'lloyd' (default): Lloyd iterations pruned by Hamerly's bounds, on worker threads for large inputs.
   * 'elkan': Elkan's n x k bounds on one thread; the same clustering, slower than 'lloyd' for small k.
   */
  algorithm?: 'lloyd' | 'elkan';
  /** Worker threads for the distance passes (default: all cores for large inputs, else 1). Results do not depend on it. */
  threads?: number;
}

/**
 * k-means with k-means++ seeding and seeded restarts, following scikit-learn's KMeans:
 * `new KMeans({ k: 4, seed: 1 }).fit(matrix)` returns a FittedKMeans with centers, labels and inertia.
 */
export class KMeans implements Estimator<Matrix, FittedKMeans> {
  constructor(readonly options: KMeansOptions) {}

  fit(x: Matrix): FittedKMeans {
    const { k, nInit = 10, maxIterations = 300, tolerance = 1e-4, seed = 42, algorithm = 'lloyd' } = this.options;
    if (!Number.isInteger(k) || k < 1) throw new InputError('kmeans-k', `k must be a whole number of at least 1, got ${k}`, 'Pass --k 2 or more');
    if (!Number.isInteger(nInit) || nInit < 1) throw new InputError('kmeans-n-init', `nInit must be a positive whole number, got ${nInit}`);
    if (algorithm !== 'lloyd' && algorithm !== 'elkan') throw new InputError('kmeans-algorithm', `Unknown k-means algorithm "${algorithm}"`, 'Use lloyd or elkan');
    // Also rejects missing or infinite values, so it comes before the checks that assume finite rows.
    const tol = tolerance * meanVariance(x);
    if (x.rows < k) throw new InputError('kmeans-too-few-rows', `k-means needs at least k = ${k} rows, got ${x.rows}`, 'Lower k or add rows');

    const warnings: string[] = [];
    const distinct = countDistinctRows(x, k);
    if (distinct < k) {
      warnings.push(`Only ${distinct} distinct points for k = ${k}: some clusters will be duplicates or single points; lower k`);
    }
    const rng = new Random(seed);
    let best: KMeansRun | null = null;
    const exec = createExecutor(x, k, this.options.threads ?? defaultThreads(x, k));
    try {
      for (let r = 0; r < nInit; r++) {
        const init = kmeansPlusPlus(exec, rng);
        const run = algorithm === 'elkan' ? elkan(x, init, k, maxIterations, tol) : lloyd(exec, init, maxIterations, tol);
        // Strictly lower, so ties keep the earliest run and results depend only on the seed.
        if (!best || run.inertia < best.inertia) best = run;
      }
    } finally {
      exec.close();
    }
    const result = best as KMeansRun;
    if (!result.converged) warnings.push(`k-means did not converge in ${maxIterations} iterations; raise maxIterations`);
    return new FittedKMeans(
      { rows: k, cols: x.cols, data: result.centers },
      result.labels,
      result.inertia,
      result.iterations,
      warnings,
    );
  }
}

export class FittedKMeans implements FittedModel {
  readonly kind = 'kmeans';

  constructor(
    readonly centers: Matrix,
    /** Cluster of each training row. */
    readonly labels: Int32Array,
    /** Sum of squared distances of the training rows to their centres. */
    readonly inertia: number,
    readonly iterations: number,
    readonly warnings: readonly string[] = [],
  ) {}

  get k(): number {
    return this.centers.rows;
  }

  /** Nearest centre for each row. */
  predict(x: Matrix): Int32Array {
    if (x.cols !== this.centers.cols) {
      throw new InputError('kmeans-columns', `Data has ${x.cols} features but the k-means model was fitted on ${this.centers.cols}`, 'Score with the same feature columns');
    }
    checkFinite(x);
    const { rows: k, cols: d, data } = this.centers;
    const n = x.rows;
    const labels = new Int32Array(n);
    // A full exact scan with the distance arithmetic of fit's passes; the bound arrays are only written.
    const bounds = new Float64Array(n);
    const perCentre = new Float64Array(k);
    predictKernel(d, n * d <= SMALL_INPUT_CELLS ? null : k)(x.data, 0, n, data, k, labels, new Float64Array(k * d), new Float64Array(k), 0, 0, bounds, bounds, perCentre, perCentre, perCentre);
    return labels;
  }

  toJSON(): ModelJSON {
    return modelJSON(
      'kmeans',
      { k: this.k, dimensions: this.centers.cols, centers: Array.from(this.centers.data) },
      { diagnostics: { inertia: this.inertia, iterations: this.iterations } },
    );
  }

  /** A loaded model predicts but carries no training labels. */
  static fromJSON(json: unknown): FittedKMeans {
    const j = checkModelJSON(json, 'kmeans');
    const { k, dimensions, centers } = j.params as { k?: unknown; dimensions?: unknown; centers?: unknown };
    if (
      typeof k !== 'number' || typeof dimensions !== 'number' || !Array.isArray(centers) ||
      centers.length !== k * dimensions || !centers.every((v) => typeof v === 'number' && Number.isFinite(v))
    ) {
      throw new ModelError('model-corrupt', 'Saved k-means model has malformed centres', 'Re-fit and save the model again');
    }
    const diag = j.diagnostics ?? {};
    return new FittedKMeans(
      { rows: k, cols: dimensions, data: Float64Array.from(centers as number[]) },
      new Int32Array(0),
      typeof diag.inertia === 'number' ? diag.inertia : NaN,
      typeof diag.iterations === 'number' ? diag.iterations : 0,
    );
  }
}

function checkFinite(x: Matrix): void {
  for (let q = 0; q < x.data.length; q++) {
    if (!Number.isFinite(x.data[q])) {
      throw new InputError('kmeans-not-finite', `k-means input has a missing or infinite value in row ${Math.floor(q / x.cols) + 1}`, 'Impute or drop missing values first (fitDesign does this)');
    }
  }
}

/**
 * Mean of the per-column population variances: scikit-learn's scale for `tol`. One pass of sums about
 * the first row, which also proves the input finite (a non-finite value makes a sum non-finite).
 */
function meanVariance(x: Matrix): number {
  const { rows: n, cols: d } = x;
  const sums = new Float64Array(2 * d);
  momentsKernel(d)(x.data, n, sums);
  if (!sums.every(Number.isFinite)) checkFinite(x);
  let total = 0;
  for (let j = 0; j < d; j++) total += Math.max(0, sums[d + j] / n - (sums[j] / n) ** 2);
  return total / d;
}

/** Distinct rows, counted only up to `limit` (enough to know whether k clusters are possible). */
function countDistinctRows(x: Matrix, limit: number): number {
  const seen = new Set<string>();
  for (let i = 0; i < x.rows && seen.size < limit; i++) {
    seen.add(Array.prototype.join.call(x.data.subarray(i * x.cols, (i + 1) * x.cols), ','));
  }
  return seen.size;
}
