/**
 * Shared maximum-likelihood harness for the CLV models: identical rows collapsed into weights,
 * positive parameters optimised on the log scale with L-BFGS from several starting points,
 * an optional lifetimes-style L2 penalizer, standard errors from the Hessian, and a convergence
 * report. Models supply only the weighted log-likelihood and its gradient in natural parameters.
 */
import { ModelError } from '../errors.js';
import { checkModelJSON, modelJSON, type ModelJSON } from '../models/estimator.js';
import { minimize } from '../optim/lbfgs.js';
import { hessianFromGradient, invertSymmetric } from '../optim/hessian.js';

/** Rows of equal-length columns with a weight per row (a count of identical customers). */
export interface WeightedRows {
  columns: Float64Array[];
  weight: Float64Array;
  length: number;
}

/** `build(rows)` computed once per row set (data-only terms of a likelihood), kept while the rows live. */
export function perRowSet<T>(build: (rows: WeightedRows) => T): (rows: WeightedRows) => T {
  const cache = new WeakMap<WeightedRows, T>();
  return (rows) => {
    let v = cache.get(rows);
    if (v === undefined) cache.set(rows, (v = build(rows)));
    return v;
  };
}

export interface Convergence {
  converged: boolean;
  iterations: number;
  gradientNorm: number;
  message: string;
  /** Starting points tried and how many reached the best optimum. */
  restarts: number;
}

export interface MleSpec {
  names: readonly string[];
  /** Weighted log-likelihood sum at natural params `p`; when `grad` is given, writes d LL / d p into it. */
  logLik(p: Float64Array, rows: WeightedRows, grad: Float64Array | null): number;
  /** Starting points in natural parameters, best guess first. */
  starts(rows: WeightedRows): Float64Array[];
}

export interface MleOptions {
  /** L2 penalty coefficient on the natural parameters, added to the mean negative LL (as lifetimes does). */
  penalizer?: number;
  maxIterations?: number;
}

export interface MleFit {
  params: Float64Array;
  logLikelihood: number;
  /** Standard errors of the natural parameters (delta method from log scale); NaN when the Hessian is singular. */
  standardErrors: Float64Array;
  convergence: Convergence;
}

/**
 * Restarts on many distinct rows run on a subsample of this many, and only the best is polished on all
 * rows: a few thousand rows locate the optimum's basin as well as a million do.
 */
const SUBSAMPLE_ROWS = 3000;
/**
 * Fewer distinct rows than this are fitted whole. The subsample pays only when it is a small part of the
 * rows: its restarts (two at least) are followed by a polish on all rows, and at an edge by a whole second
 * fit on all rows, so on 3,032 rows (Online Retail) it cost twice what restarts on every row do.
 */
const SUBSAMPLE_ABOVE = 4 * SUBSAMPLE_ROWS;

export function fitMle(spec: MleSpec, rows: WeightedRows, options: MleOptions = {}): MleFit {
  const penalizer = options.penalizer ?? 0;
  if (!(penalizer >= 0)) throw new ModelError('clv-penalizer', `Penalizer must be >= 0, got ${penalizer}`);
  const k = spec.names.length;
  let totalWeight = 0;
  for (let i = 0; i < rows.length; i++) totalWeight += rows.weight[i];
  const maxIterations = options.maxIterations ?? 1000;

  const objectiveFor = (data: WeightedRows, W: number) => {
    const p = new Float64Array(k);
    const gp = new Float64Array(k);
    return (theta: Float64Array, grad: Float64Array): number => {
      for (let j = 0; j < k; j++) p[j] = Math.exp(theta[j]);
      const ll = spec.logLik(p, data, gp);
      let pen = 0;
      for (let j = 0; j < k; j++) {
        pen += p[j] * p[j];
        // Chain rule to the log scale: d/dθ = p d/dp.
        grad[j] = (-gp[j] * p[j]) / W + 2 * penalizer * p[j] * p[j];
      }
      return -ll / W + penalizer * pen;
    };
  };

  const sample = rows.length > SUBSAMPLE_ABOVE ? subsampleRows(rows, SUBSAMPLE_ROWS) : rows;
  let sampleWeight = 0;
  for (let i = 0; i < sample.length; i++) sampleWeight += sample.weight[i];
  const objective = objectiveFor(sample, sampleWeight);

  let best: ReturnType<typeof minimize> | null = null;
  let agree = 0;
  let tried = 0;
  let firstStart: Float64Array | null = null;
  for (const start of spec.starts(rows)) {
    const theta0 = start.map(Math.log);
    if (!theta0.every(Number.isFinite)) continue;
    firstStart ??= theta0;
    tried++;
    const r = minimize(objective, theta0, { maxIterations, gradientTolerance: 1e-9, functionTolerance: 1e-14 });
    if (!Number.isFinite(r.value)) continue;
    if (best && Math.abs(r.value - best.value) <= 1e-9 * Math.max(1, Math.abs(best.value))) {
      agree++;
      if (r.converged && !best.converged) best = r;
    } else if (!best || r.value < best.value) {
      best = r;
      agree = 1;
    }
    // Two independent starts reaching the same optimum is enough evidence; skip the rest.
    if (agree >= 2 && best.converged) break;
  }
  if (!best) {
    throw new ModelError('clv-fit-failed', 'The likelihood is not finite at any starting point', 'Check the summary for NaN or negative values');
  }
  const fullObjective = objectiveFor(rows, totalWeight);
  const finish = (r: ReturnType<typeof minimize>): MleFit => {
    const theta = r.x;
    const params = theta.map(Math.exp);
    const logLikelihood = spec.logLik(params, rows, null);
    const standardErrors = new Float64Array(k).fill(NaN);
    // Hessian of the full penalised negative LL on the log scale (the mean objective times W), by
    // forward differences of the gradient: accurate to ~1e-7, ample for standard errors.
    const g0 = new Float64Array(k);
    fullObjective(theta, g0);
    const h = hessianFromGradient((t, out) => void fullObjective(t, out), theta, g0);
    for (let i = 0; i < k * k; i++) h[i] *= totalWeight;
    const cov = invertSymmetric(h, k);
    if (cov) {
      for (let j = 0; j < k; j++) {
        const v = cov[j * k + j];
        if (v > 0) standardErrors[j] = params[j] * Math.sqrt(v);
      }
    }
    return {
      params,
      logLikelihood,
      standardErrors,
      convergence: { converged: r.converged, iterations: r.iterations, gradientNorm: r.gradientNorm, message: r.message, restarts: tried },
    };
  };
  if (sample === rows) return finish(best);

  // Two ways to the full data's optimum: polish the subsample's best, whose curvature is a good Newton metric for the
  // full data (both objectives are per-customer means), or fit the full data from the first start. The polish is
  // the quick one, unless the subsample's optimum is on an edge (a parameter it cannot pin down, as when 3,000
  // customers cannot tell a spread of dropout rates from none): from there it wandered the flat ridge, 66
  // evaluations on all 29,891 rows of a 3M-line log, where the first start took 26. The other way runs too when the
  // first ends on an edge, since the full data may leave the boundary the subsample saw, and the clearly better
  // optimum is kept.
  const sampleBest = best;
  const h0 = invertSymmetric(hessianFromGradient((t, out) => void objective(t, out), sampleBest.x), k);
  const polish = () =>
    minimize(fullObjective, sampleBest.x, { maxIterations, gradientTolerance: 1e-9, functionTolerance: 1e-14, initialInverseHessian: h0 ?? undefined });
  const start = firstStart;
  const direct = start ? () => minimize(fullObjective, start, { maxIterations, gradientTolerance: 1e-9, functionTolerance: 1e-14 }) : null;
  const [first, second] = direct && flatOnSample(h0, sampleWeight) ? [direct, polish] : [polish, direct];
  const one = first();
  const fit = finish(one);
  if (!second || !atEdge(fit)) return fit;
  const other = second();
  return Number.isFinite(other.value) && other.value < one.value - 1e-9 * Math.max(1, Math.abs(one.value)) ? finish(other) : fit;
}

/**
 * Relative standard error above which a parameter counts as flat (at the edge of the parameter space): the
 * fit-health checks (src/clv/health.ts) read a boundary from the same test.
 */
export const FLAT_RELATIVE_SE = 10;

/**
 * atEdge for the subsample's optimum, from the inverse Hessian of its mean objective on the log scale (null when
 * singular): a log-scale standard error is the natural parameter's relative one.
 */
function flatOnSample(inverseMeanHessian: Float64Array | null, weight: number): boolean {
  if (!inverseMeanHessian) return true;
  const k = Math.round(Math.sqrt(inverseMeanHessian.length));
  for (let j = 0; j < k; j++) if (!(Math.sqrt(inverseMeanHessian[j * k + j] / weight) <= FLAT_RELATIVE_SE)) return true;
  return false;
}

/** Whether some parameter of the fit has no usable standard error: the likelihood is flat there, as at a boundary. */
export function atEdge(fit: MleFit): boolean {
  return Array.from(fit.params).some((p, j) => !(fit.standardErrors[j] / p <= FLAT_RELATIVE_SE));
}

/**
 * Collapse identical rows (all columns bitwise equal) into one weighted row, with an
 * open-addressing hash table so a million customers collapse in linear time.
 */
export function collapseRows(columns: Float64Array[], weight?: Float64Array): WeightedRows {
  const { groupOf, firstRow, count } = groupRows(columns);
  const w = new Float64Array(count);
  for (let i = 0; i < groupOf.length; i++) w[groupOf[i]] += weight ? weight[i] : 1;
  const out = columns.map((col) => {
    const o = new Float64Array(count);
    for (let d = 0; d < count; d++) o[d] = col[firstRow[d]];
    return o;
  });
  return { columns: out, weight: w, length: count };
}

/**
 * Distinct values of a column and each row's index into them, or null when most values are
 * distinct; likelihoods use it to take logs once per distinct age or recency instead of per row.
 */
export function distinctIndex(col: Float64Array, maxShare = 0.25): { values: Float64Array; index: Int32Array } | null {
  const { groupOf, firstRow, count } = groupRows([col]);
  if (count > maxShare * col.length) return null;
  const values = new Float64Array(count);
  for (let d = 0; d < count; d++) values[d] = col[firstRow[d]];
  return { values, index: groupOf };
}

/** Group rows whose columns are all equal: group id per row, first row of each group, group count. */
export function groupRows(columns: Float64Array[]): { groupOf: Int32Array; firstRow: Int32Array; count: number } {
  const n = columns[0]?.length ?? 0;
  const c = columns.length;
  let size = 16;
  while (size < 2 * n) size *= 2;
  const mask = size - 1;
  const table = new Int32Array(size).fill(-1);
  const firstRow = new Int32Array(n);
  const groupOf = new Int32Array(n);
  const bits = new Float64Array(1);
  const words = new Int32Array(bits.buffer);
  let count = 0;
  for (let i = 0; i < n; i++) {
    let h = 0x811c9dc5 | 0;
    for (let j = 0; j < c; j++) {
      bits[0] = columns[j][i] + 0; // +0 folds -0 into 0
      h = Math.imul(h ^ words[0], 0x01000193);
      h = Math.imul(h ^ words[1], 0x01000193);
    }
    h ^= h >>> 15;
    let slot = h & mask;
    for (;;) {
      const d = table[slot];
      if (d < 0) {
        table[slot] = count;
        firstRow[count] = i;
        groupOf[i] = count++;
        break;
      }
      const r = firstRow[d];
      let same = true;
      for (let j = 0; j < c && same; j++) same = columns[j][r] === columns[j][i];
      if (same) {
        groupOf[i] = d;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return { groupOf, firstRow: firstRow.slice(0, count), count };
}

/** Weighted mean of each column, for moment-based starting points. */
export function weightedColumnMeans(rows: WeightedRows): Float64Array {
  const means = new Float64Array(rows.columns.length);
  let sw = 0;
  for (let i = 0; i < rows.length; i++) sw += rows.weight[i];
  rows.columns.forEach((col, j) => {
    let s = 0;
    for (let i = 0; i < rows.length; i++) s += rows.weight[i] * col[i];
    means[j] = s / sw;
  });
  return means;
}

/** Every stride-th row (deterministic, so fits are reproducible) with weights kept. */
function subsampleRows(rows: WeightedRows, target: number): WeightedRows {
  const stride = Math.ceil(rows.length / target);
  const m = Math.ceil(rows.length / stride);
  const columns = rows.columns.map(() => new Float64Array(m));
  const weight = new Float64Array(m);
  for (let i = 0, k = 0; i < rows.length; i += stride, k++) {
    for (let j = 0; j < columns.length; j++) columns[j][k] = rows.columns[j][i];
    weight[k] = rows.weight[i];
  }
  return { columns, weight, length: m };
}

/** What every fitted CLV model saves beside its parameters. */
export interface FitDiagnostics {
  logLikelihood: number;
  /** By parameter name. */
  standardErrors: object;
  convergence: Convergence;
  /** Customers the model was fitted on. */
  n: number;
}

/** Saved-model envelope for a maximum-likelihood CLV model; `extra` adds model-specific diagnostics. */
export function fittedModelJSON(
  kind: string,
  params: Record<string, number>,
  diag: FitDiagnostics,
  features: string[],
  extra: Record<string, unknown> = {},
): ModelJSON {
  return modelJSON(kind, { ...params }, {
    features,
    diagnostics: {
      logLikelihood: diag.logLikelihood,
      standardErrors: { ...diag.standardErrors },
      convergence: { ...diag.convergence },
      n: diag.n,
      ...extra,
    },
  });
}

/**
 * Read a saved CLV model: checks the envelope and that every named parameter is a positive number;
 * missing diagnostics read as NaN / false so old or hand-written files still score.
 */
export function readFittedModelJSON(
  json: unknown,
  kind: string,
  names: readonly string[],
): { params: Record<string, number>; diagnostics: FitDiagnostics & { standardErrors: Record<string, number> }; raw: Record<string, unknown> } {
  const j = checkModelJSON(json, kind);
  const p = j.params as Record<string, unknown>;
  const params: Record<string, number> = {};
  for (const name of names) {
    const v = p[name];
    if (typeof v !== 'number' || !(v > 0)) throw new ModelError('model-params', `Saved ${kind} model has no valid parameter ${name}`);
    params[name] = v;
  }
  const raw = (j.diagnostics ?? {}) as Record<string, unknown>;
  const se = (raw.standardErrors ?? {}) as Record<string, unknown>;
  const conv = (raw.convergence ?? {}) as Record<string, unknown>;
  return {
    params,
    diagnostics: {
      logLikelihood: num(raw.logLikelihood),
      standardErrors: Object.fromEntries(names.map((name) => [name, num(se[name])])),
      convergence: {
        converged: conv.converged === true,
        iterations: num(conv.iterations),
        gradientNorm: num(conv.gradientNorm),
        message: typeof conv.message === 'string' ? conv.message : '',
        restarts: num(conv.restarts),
      },
      n: num(raw.n),
    },
    raw,
  };
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : NaN;
}
