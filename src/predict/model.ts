import { InputError, ModelError } from '../errors.js';
import type { Matrix } from '../data/matrix.js';
import type { FittedModel } from '../models/estimator.js';

/**
 * What every fitted prediction model offers, so validation, importance and scoring work on any of them.
 * Classification targets are class codes 0..K-1 (the caller keeps the labels); regression targets are numbers.
 */
export type Task = 'classification' | 'regression';

export interface Predictor extends FittedModel {
  readonly task: Task;
  readonly nFeatures: number;
  /** Number of classes (1 for regression). */
  readonly nClasses: number;
  /** Class codes (classification) or values (regression), one per row of X. */
  predict(X: Matrix): Float64Array;
  /** Class probabilities, rows × nClasses (classification only). */
  predictProba?(X: Matrix): Matrix;
}

/** Validate a design matrix, target and optional weights before a fit; returns the class count for classification. */
export function checkFitInput(
  who: string,
  X: Matrix,
  y: ArrayLike<number>,
  weights: ArrayLike<number> | undefined,
  task: Task,
): number {
  if (X.rows === 0 || X.cols === 0) throw new InputError('fit-empty', `${who} needs at least one row and one feature`);
  if (y.length !== X.rows) {
    throw new InputError('fit-length', `${who}: the target has ${y.length} values but X has ${X.rows} rows`, 'Pass one target value per row');
  }
  if (weights && weights.length !== X.rows) {
    throw new InputError('fit-length', `${who}: ${weights.length} weights for ${X.rows} rows`, 'Pass one weight per row');
  }
  const d = X.data;
  // x·0 is 0 for every finite x and NaN for NaN or ±Infinity: one branch-free pass, then look closer only on failure.
  let probe = 0;
  for (let i = 0; i < d.length; i++) probe += d[i] * 0;
  if (probe !== 0) {
    const i = d.findIndex((v) => !Number.isFinite(v));
    throw new InputError('fit-nonfinite', `${who}: feature matrix has a missing or infinite value at row ${Math.floor(i / X.cols) + 1}`, 'Impute or drop missing values first (fitDesign imputes medians)');
  }
  if (task === 'regression') {
    for (let i = 0; i < y.length; i++) {
      if (!Number.isFinite(y[i])) throw new InputError('fit-target', `${who}: target value ${i + 1} is missing or infinite`, 'Drop rows without a target');
    }
    return 1;
  }
  let k = 0;
  for (let i = 0; i < y.length; i++) {
    const c = y[i];
    if (!(c >= 0) || c !== Math.floor(c)) {
      throw new InputError('fit-target', `${who}: class labels must be codes 0..K-1, got ${c} at row ${i + 1}`, 'Encode the target with buildTarget');
    }
    if (c + 1 > k) k = c + 1;
  }
  if (k < 2) throw new InputError('fit-one-class', `${who}: the target has a single class`, 'A classifier needs at least two classes in the training rows');
  return k;
}

export function checkPredictInput(who: string, X: Matrix, nFeatures: number): void {
  if (X.cols !== nFeatures) {
    throw new ModelError('predict-shape', `${who} was fitted on ${nFeatures} features but got ${X.cols}`, 'Score with the same feature columns as the fit');
  }
}

/** Most probable class per row of a rows × K probability matrix (first class wins ties, as numpy argmax). */
export function argmaxRows(P: Matrix): Float64Array {
  const out = new Float64Array(P.rows);
  const k = P.cols;
  for (let i = 0; i < P.rows; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (P.data[i * k + c] > P.data[i * k + best]) best = c;
    out[i] = best;
  }
  return out;
}

/** Numeric arrays from a saved model's params; throws ModelError naming the field when it is absent or malformed. */
export function savedNumbers(params: Record<string, unknown>, key: string, kind: string): Float64Array {
  const v = params[key];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' && x !== null)) {
    throw new ModelError('model-corrupt', `Saved ${kind} model has no valid "${key}"`, 'Re-fit and save the model again');
  }
  // JSON has no NaN/Infinity; null stands for NaN (e.g. unused threshold slots).
  return Float64Array.from(v as (number | null)[], (x) => (x === null ? NaN : x));
}

export function savedNumber(params: Record<string, unknown>, key: string, kind: string): number {
  const v = params[key];
  if (typeof v !== 'number') throw new ModelError('model-corrupt', `Saved ${kind} model has no valid "${key}"`, 'Re-fit and save the model again');
  return v;
}

export function toJSONArray(a: ArrayLike<number>): (number | null)[] {
  return Array.from(a, (x) => (Number.isFinite(x) ? x : null));
}
