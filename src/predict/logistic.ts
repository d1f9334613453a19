import { InputError, ModelError } from '../errors.js';
import type { Matrix } from '../data/matrix.js';
import { checkModelJSON, modelJSON, type ModelJSON } from '../models/estimator.js';
import { choleskySolve } from './linalg.js';
import { argmaxRows, checkFitInput, checkPredictInput, savedNumber, savedNumbers, type Predictor } from './model.js';
import { classWeights, type ClassWeight } from './class-weights.js';

/**
 * L2-penalised logistic regression with the objective of scikit-learn's LogisticRegression:
 *   C · Σ wᵢ · logloss(xᵢ) + ½‖β‖²   (intercept unpenalised),
 * binary (sigmoid) or multinomial (softmax over all K classes). Solved by damped Newton steps, which
 * reach the optimum to machine precision in a handful of iterations where lbfgs needs hundreds.
 */
export interface LogisticOptions {
  /** Inverse regularisation strength, as scikit-learn (default 1). Infinity fits without penalty. */
  C?: number;
  classWeight?: ClassWeight;
  maxIter?: number;
  /** Stop when the largest Newton step is below this (default 1e-10). */
  tol?: number;
}

export const LOGISTIC_KIND = 'logistic-regression';

export class LogisticRegression {
  constructor(readonly options: LogisticOptions = {}) {}

  fit(X: Matrix, y: ArrayLike<number>, weights?: ArrayLike<number>): FittedLogisticRegression {
    const C = this.options.C ?? 1;
    if (!(C > 0)) throw new InputError('logistic-c', `Logistic regression C must be positive, got ${C}`, 'Use e.g. C = 1 (smaller means stronger regularisation)');
    const k = checkFitInput('Logistic regression', X, y, weights, 'classification');
    const w = classWeights(y, k, this.options.classWeight, weights);
    const maxIter = this.options.maxIter ?? 100;
    const tol = this.options.tol ?? 1e-10;
    const fit = k === 2 ? newtonBinary(X, y, w, 1 / C, maxIter, tol) : newtonMultinomial(X, y, w, k, 1 / C, maxIter, tol);
    return new FittedLogisticRegression(X.cols, k, fit.coef, fit.intercept, { iterations: fit.iterations, converged: fit.converged });
  }
}

export class FittedLogisticRegression implements Predictor {
  readonly kind = LOGISTIC_KIND;
  readonly task = 'classification' as const;

  /**
   * @param coef rows × features, row-major: one row for binary (the log-odds of class 1), K rows for multinomial.
   * @param intercept one per row of coef.
   */
  constructor(
    readonly nFeatures: number,
    readonly nClasses: number,
    readonly coef: Float64Array,
    readonly intercept: Float64Array,
    readonly diagnostics: { iterations: number; converged: boolean } = { iterations: 0, converged: true },
  ) {}

  /** Linear predictor per row (binary) or per row and class (multinomial), row-major. */
  decisionFunction(X: Matrix): Float64Array {
    checkPredictInput('Logistic regression', X, this.nFeatures);
    const m = this.intercept.length;
    const p = this.nFeatures;
    const out = new Float64Array(X.rows * m);
    for (let i = 0; i < X.rows; i++) {
      const row = i * p;
      for (let c = 0; c < m; c++) {
        let z = this.intercept[c];
        for (let j = 0; j < p; j++) z += this.coef[c * p + j] * X.data[row + j];
        out[i * m + c] = z;
      }
    }
    return out;
  }

  predictProba(X: Matrix): Matrix {
    const z = this.decisionFunction(X);
    const k = this.nClasses;
    const out = new Float64Array(X.rows * k);
    if (k === 2) {
      for (let i = 0; i < X.rows; i++) {
        const p1 = sigmoid(z[i]);
        out[2 * i] = 1 - p1;
        out[2 * i + 1] = p1;
      }
    } else {
      for (let i = 0; i < X.rows; i++) softmaxInto(z, i * k, k, out, i * k);
    }
    return { rows: X.rows, cols: k, data: out };
  }

  predict(X: Matrix): Float64Array {
    return argmaxRows(this.predictProba(X));
  }

  toJSON(): ModelJSON {
    return modelJSON(
      LOGISTIC_KIND,
      { nFeatures: this.nFeatures, nClasses: this.nClasses, coef: Array.from(this.coef), intercept: Array.from(this.intercept) },
      { diagnostics: { ...this.diagnostics } },
    );
  }

  static fromJSON(json: unknown): FittedLogisticRegression {
    const j = checkModelJSON(json, LOGISTIC_KIND);
    const p = savedNumber(j.params, 'nFeatures', LOGISTIC_KIND);
    const k = savedNumber(j.params, 'nClasses', LOGISTIC_KIND);
    const coef = savedNumbers(j.params, 'coef', LOGISTIC_KIND);
    const intercept = savedNumbers(j.params, 'intercept', LOGISTIC_KIND);
    const m = k === 2 ? 1 : k;
    if (intercept.length !== m || coef.length !== m * p) {
      throw new ModelError('model-corrupt', `Saved ${LOGISTIC_KIND} has ${coef.length} coefficients, expected ${m * p}`, 'Re-fit and save the model again');
    }
    const d = (j.diagnostics ?? {}) as { iterations?: unknown; converged?: unknown };
    const diagnostics = { iterations: typeof d.iterations === 'number' ? d.iterations : 0, converged: d.converged !== false };
    return new FittedLogisticRegression(p, k, coef, intercept, diagnostics);
  }
}

interface NewtonResult {
  coef: Float64Array;
  intercept: Float64Array;
  iterations: number;
  converged: boolean;
}

/** Below this predicted decrease of the objective (in log-likelihood units), Newton steps are taken in full. */
const NEWTON_FULL_STEP_DECREMENT = 1e-2;
/** Rows the binary Newton Hessian is computed from; more rows only refine the step, not the optimum. */
const HESSIAN_ROWS = 65_536;
/** Newton stops once its predicted decrease is below this fraction of the objective. */
const RELATIVE_GAP = 1e-12;
/** Rows per block of the gradient pass (block × features × 8 bytes should fit in L1). */
const GRADIENT_BLOCK = 128;
/** Below this decrement the next steps reuse the last Hessian. */
const CHORD_DECREMENT = 1e-4;

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** log(1 + e^z) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

function softmaxInto(z: Float64Array, from: number, k: number, out: Float64Array, to: number): number {
  let max = -Infinity;
  for (let c = 0; c < k; c++) if (z[from + c] > max) max = z[from + c];
  let s = 0;
  for (let c = 0; c < k; c++) {
    const e = Math.exp(z[from + c] - max);
    out[to + c] = e;
    s += e;
  }
  for (let c = 0; c < k; c++) out[to + c] /= s;
  return max + Math.log(s);
}

/**
 * θ = [β (p), b]; minimises Σ wᵢ(softplus(zᵢ) − yᵢ zᵢ) + λ/2 ‖β‖² with λ = 1/C. One fused pass over the
 * row-major data per evaluation gives the linear predictor, the loss, the gradient and the curvature
 * weights; the Hessian is built column-wise from a contiguous copy of (a subsample of) the rows.
 */
function newtonBinary(X: Matrix, y: ArrayLike<number>, weights: Float64Array, lambda: number, maxIter: number, tol: number): NewtonResult {
  const n = X.rows;
  const p = X.cols;
  const q = p + 1;
  const data = X.data;
  const w = weights;
  const labels = Float64Array.from(y);
  const yy = labels;
  // Above HESSIAN_ROWS rows the Hessian comes from an evenly spread subsample (sub-sampled Newton,
  // Byrd et al. 2011): the gradient stays exact, so the optimum is the same; only the rate changes.
  const m = Math.min(n, HESSIAN_ROWS);
  const sample = Int32Array.from({ length: m }, (_, k) => Math.floor((k * n) / m));
  const colsH = new Float64Array(m * p);
  for (let k = 0; k < m; k++) for (let j = 0; j < p; j++) colsH[j * m + k] = data[sample[k] * p + j];
  const dH = new Float64Array(m);
  const u = new Float64Array(m);
  const theta = new Float64Array(q);
  const hess = new Float64Array(q * q);
  const curv = new Float64Array(n);
  const d = curv;
  const rBuf = new Float64Array(GRADIENT_BLOCK);
  // Gradient and total curvature at the last evaluated point.
  let grad = new Float64Array(q);
  let curvature = 0;

  /** Loss (when asked; NaN otherwise), gradient into `g` and curvature weights into `d`, at t. */
  const evaluate = (t: Float64Array, g: Float64Array, withLoss: boolean): number => {
    // Locals rather than closure slots keep the hot loop's array bases in registers.
    const data = X.data;
    const w = weights;
    const yy = labels;
    const d = curv;
    const rBlock = rBuf;
    g.fill(0);
    const b = t[p];
    let f = 0;
    let gb = 0;
    let hbb = 0;
    // Blocks of rows small enough to stay in L1 cache, so each gradient entry sums in a register.
    for (let i0 = 0; i0 < n; i0 += GRADIENT_BLOCK) {
      const i1 = Math.min(n, i0 + GRADIENT_BLOCK);
      for (let i = i0; i < i1; i++) {
        const row = i * p;
        // Two interleaved sums halve the dependency chain of the dot product.
        let z0 = b;
        let z1 = 0;
        let j = 0;
        for (; j + 1 < p; j += 2) {
          z0 += t[j] * data[row + j];
          z1 += t[j + 1] * data[row + j + 1];
        }
        if (j < p) z0 += t[j] * data[row + j];
        const z = z0 + z1;
        const e = Math.exp(-Math.abs(z));
        const pi = z >= 0 ? 1 / (1 + e) : e / (1 + e);
        const wi = w[i];
        const ri = wi * (pi - yy[i]);
        const di = wi * pi * (1 - pi);
        // softplus(z) = max(z, 0) + log1p(e^−|z|), without overflow.
        if (withLoss) f += wi * ((z > 0 ? z : 0) + Math.log1p(e) - yy[i] * z);
        rBlock[i - i0] = ri;
        d[i] = di;
        gb += ri;
        hbb += di;
      }
      const len = i1 - i0;
      for (let j = 0; j < p; j++) {
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        let k = 0;
        let at = i0 * p + j;
        for (; k + 3 < len; k += 4, at += 4 * p) {
          a0 += rBlock[k] * data[at];
          a1 += rBlock[k + 1] * data[at + p];
          a2 += rBlock[k + 2] * data[at + 2 * p];
          a3 += rBlock[k + 3] * data[at + 3 * p];
        }
        for (; k < len; k++, at += p) a0 += rBlock[k] * data[at];
        g[j] += a0 + a1 + a2 + a3;
      }
    }
    let pen = 0;
    for (let j = 0; j < p; j++) {
      g[j] += lambda * t[j];
      pen += t[j] * t[j];
    }
    g[p] = gb;
    curvature = hbb;
    return withLoss ? f + 0.5 * lambda * pen : NaN;
  };

  // Start at the intercept-only optimum, the log-odds of the weighted positive share.
  let wPos = 0;
  let wAll = 0;
  for (let i = 0; i < n; i++) {
    wPos += w[i] * yy[i];
    wAll += w[i];
  }
  if (wPos > 0 && wPos < wAll) theta[p] = Math.log(wPos / (wAll - wPos));
  evaluate(theta, grad, false);
  // The starting objective sets the scale of the stopping rule (the optimum is below it, within a small
  // factor). With β = 0 every row has z = b, so it is closed-form: W·softplus(b) − W₊·b.
  const b0 = theta[p];
  const fScale = Math.abs(wAll * ((b0 > 0 ? b0 : 0) + Math.log1p(Math.exp(-Math.abs(b0)))) - wPos * b0);
  let iterations = 0;
  let converged = false;
  const trial = new Float64Array(q);
  let trialGrad = new Float64Array(q);
  // Close to the optimum the Hessian barely moves: reusing it (a chord step) keeps convergence
  // superlinear at a fraction of the cost of an iteration.
  let reuseHessian = false;
  while (iterations < maxIter) {
    iterations++;
    if (!reuseHessian) hessianInto(curvature);
    const step = solveDamped(hess, q, grad);
    if (maxAbs(step) < tol) {
      for (let i = 0; i < q; i++) theta[i] += step[i];
      converged = true;
      break;
    }
    // Newton decrement gᵀH⁻¹g: the predicted drop of the objective; half of it is the remaining gap.
    let decrement = 0;
    for (let i = 0; i < q; i++) decrement -= grad[i] * step[i];
    // At 1e-12 of the objective, this step lands within rounding of the optimum.
    if (decrement <= RELATIVE_GAP * fScale) {
      for (let i = 0; i < q; i++) theta[i] += step[i];
      converged = true;
      break;
    }
    if (decrement < NEWTON_FULL_STEP_DECREMENT) {
      // The loss is nearly quadratic here: take the full step without the line search's logarithms.
      for (let i = 0; i < q; i++) theta[i] += step[i];
      evaluate(theta, grad, false);
      reuseHessian = decrement < CHORD_DECREMENT;
      continue;
    }
    reuseHessian = false;
    // Line search. The objective is convex along the step, so if its slope at the full step is still
    // non-positive, f fell all the way: accept without computing the loss (and its logarithms).
    for (let i = 0; i < q; i++) trial[i] = theta[i] + step[i];
    evaluate(trial, trialGrad, false);
    let slope = 0;
    for (let i = 0; i < q; i++) slope += trialGrad[i] * step[i];
    if (slope <= 0) {
      theta.set(trial);
      [grad, trialGrad] = [trialGrad, grad];
      continue;
    }
    // Otherwise halve the step until the objective does not increase (rounding noise allowed).
    const f0 = evaluate(theta, grad, true);
    let taken = 0;
    for (let halvings = 0, t = 1; halvings < 40 && taken === 0; halvings++, t /= 2) {
      for (let i = 0; i < q; i++) trial[i] = theta[i] + t * step[i];
      const ft = evaluate(trial, trialGrad, true);
      if (ft <= f0 + 1e-13 * Math.abs(f0)) {
        taken = t;
        theta.set(trial);
        [grad, trialGrad] = [trialGrad, grad];
      }
    }
    const accepted = taken > 0;
    if (!accepted || taken * maxAbs(step) < tol) {
      if (!accepted) evaluate(theta, grad, false);
      converged = accepted;
      break;
    }
  }
  return { coef: theta.slice(0, p), intercept: theta.slice(p), iterations, converged };

  function hessianInto(hbb: number): void {
    let sum = 0;
    for (let k = 0; k < m; k++) sum += dH[k] = d[sample[k]];
    // Rescale so the subsample's curvature totals the full data's (exactly 1 without subsampling).
    const scale = m === n || !(sum > 0) ? 1 : hbb / sum;
    hess[p * q + p] = hbb;
    for (let a = 0; a < p; a++) {
      const offA = a * m;
      let s = 0;
      for (let i = 0; i < m; i++) {
        const v = scale * dH[i] * colsH[offA + i];
        u[i] = v;
        s += v;
      }
      hess[a * q + p] = s;
      hess[p * q + a] = s;
      for (let b = 0; b <= a; b++) {
        const v = dot(u, 0, colsH, b * m, m) + (a === b ? lambda : 0);
        hess[a * q + b] = v;
        hess[b * q + a] = v;
      }
    }
  }
}

/** Σ a[ao + i] · b[bo + i] for i < n, four accumulators for instruction-level parallelism. */
function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[ao + i] * b[bo + i];
    s1 += a[ao + i + 1] * b[bo + i + 1];
    s2 += a[ao + i + 2] * b[bo + i + 2];
    s3 += a[ao + i + 3] * b[bo + i + 3];
  }
  for (; i < n; i++) s0 += a[ao + i] * b[bo + i];
  return s0 + s1 + s2 + s3;
}

/**
 * θ = K blocks of [β_k (p), b_k]. The softmax is invariant to adding a constant to every b_k; the term
 * ½(Σ b_k)² pins Σ b_k = 0 (where scikit-learn's lbfgs, started at zero, also stays) and keeps the
 * Hessian non-singular without moving the optimum of the other coordinates.
 */
function newtonMultinomial(X: Matrix, y: ArrayLike<number>, w: Float64Array, k: number, lambda: number, maxIter: number, tol: number): NewtonResult {
  const n = X.rows;
  const p = X.cols;
  const q = p + 1;
  const dim = k * q;
  const data = X.data;
  const theta = new Float64Array(dim);
  const grad = new Float64Array(dim);
  const hess = new Float64Array(dim * dim);
  const z = new Float64Array(k);
  const prob = new Float64Array(n * k);
  const xt = new Float64Array(q);
  const objective = (t: Float64Array): number => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      const row = i * p;
      for (let c = 0; c < k; c++) {
        let zc = t[c * q + p];
        for (let j = 0; j < p; j++) zc += t[c * q + j] * data[row + j];
        z[c] = zc;
      }
      const lse = softmaxInto(z, 0, k, prob, i * k);
      if (w[i] !== 0) f += w[i] * (lse - z[y[i]]);
    }
    let pen = 0;
    let bsum = 0;
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < p; j++) pen += t[c * q + j] * t[c * q + j];
      bsum += t[c * q + p];
    }
    return f + 0.5 * lambda * pen + 0.5 * bsum * bsum;
  };
  let f = objective(theta);
  let iterations = 0;
  let converged = false;
  const trial = new Float64Array(dim);
  while (iterations < maxIter) {
    iterations++;
    grad.fill(0);
    hess.fill(0);
    xt[p] = 1;
    for (let i = 0; i < n; i++) {
      const wi = w[i];
      if (wi === 0) continue;
      const row = i * p;
      for (let c = 0; c < k; c++) {
        const r = wi * (prob[i * k + c] - (y[i] === c ? 1 : 0));
        for (let a = 0; a < p; a++) grad[c * q + a] += r * data[row + a];
        grad[c * q + p] += r;
      }
    }
    // As in the binary case, an evenly spread subsample of rows gives the Hessian on large data.
    const m = Math.min(n, HESSIAN_ROWS);
    const scale = n / m;
    for (let s = 0; s < m; s++) {
      const i = m === n ? s : Math.floor((s * n) / m);
      const wi = w[i] * scale;
      if (wi === 0) continue;
      const row = i * p;
      for (let j = 0; j < p; j++) xt[j] = data[row + j];
      for (let c = 0; c < k; c++) {
        const pc = prob[i * k + c];
        for (let e = 0; e <= c; e++) {
          const d = wi * pc * ((c === e ? 1 : 0) - prob[i * k + e]);
          for (let a = 0; a < q; a++) {
            const dxa = d * xt[a];
            const base = (c * q + a) * dim + e * q;
            for (let b = 0; b < q; b++) hess[base + b] += dxa * xt[b];
          }
        }
      }
    }
    let bsum = 0;
    for (let c = 0; c < k; c++) bsum += theta[c * q + p];
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < p; j++) {
        grad[c * q + j] += lambda * theta[c * q + j];
        hess[(c * q + j) * dim + c * q + j] += lambda;
      }
      grad[c * q + p] += bsum;
      for (let e = 0; e < k; e++) hess[(c * q + p) * dim + e * q + p] += 1;
    }
    // Only blocks e ≤ c were accumulated; mirror them.
    for (let r = 0; r < dim; r++) {
      for (let s = 0; s < dim; s++) if (Math.floor(r / q) > Math.floor(s / q)) hess[s * dim + r] = hess[r * dim + s];
    }
    const step = solveDamped(hess, dim, grad);
    if (maxAbs(step) < tol) {
      for (let i = 0; i < dim; i++) theta[i] += step[i];
      converged = true;
      break;
    }
    const done = lineSearch(theta, step, f, objective, trial);
    f = done.f;
    if (done.maxStep < tol) {
      converged = true;
      break;
    }
  }
  const coef = new Float64Array(k * p);
  const intercept = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < p; j++) coef[c * p + j] = theta[c * q + j];
    intercept[c] = theta[c * q + p];
  }
  return { coef, intercept, iterations, converged };
}

/** Newton direction −H⁻¹g; with no penalty H can be singular (separable data), so add a growing ridge until it factors. */
function solveDamped(hess: Float64Array, n: number, grad: Float64Array): Float64Array {
  let ridge = 0;
  for (let attempt = 0; attempt < 30; attempt++) {
    const h = ridge === 0 ? hess : Float64Array.from(hess, (v, idx) => (idx % (n + 1) === 0 ? v + ridge : v));
    const s = choleskySolve(h, n, grad);
    if (s) {
      for (let i = 0; i < n; i++) s[i] = -s[i];
      return s;
    }
    ridge = ridge === 0 ? 1e-10 : ridge * 10;
  }
  return Float64Array.from(grad, (g) => -g);
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** Backtracking (Armijo-free halving) along the Newton direction; the objective also refreshes cached linear predictors. */
function lineSearch(
  theta: Float64Array,
  step: Float64Array,
  f0: number,
  objective: (t: Float64Array) => number,
  trial: Float64Array,
): { f: number; maxStep: number } {
  let t = 1;
  for (let halvings = 0; halvings < 40; halvings++) {
    for (let i = 0; i < theta.length; i++) trial[i] = theta[i] + t * step[i];
    const f = objective(trial);
    // Near the optimum a full Newton step can "increase" f by rounding noise alone; accept it.
    if (f <= f0 + 1e-13 * Math.abs(f0) || halvings === 39) {
      let maxStep = 0;
      for (let i = 0; i < theta.length; i++) {
        maxStep = Math.max(maxStep, Math.abs(trial[i] - theta[i]));
        theta[i] = trial[i];
      }
      return { f, maxStep };
    }
    t /= 2;
  }
  return { f: f0, maxStep: 0 };
}
