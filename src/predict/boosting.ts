import { InputError, ModelError } from '../errors.js';
import type { Matrix } from '../data/matrix.js';
import { checkModelJSON, modelJSON, type ModelJSON } from '../models/estimator.js';
import { Random } from '../random.js';
import { classWeights, type ClassWeight } from './class-weights.js';
import { argmaxRows, checkFitInput, checkPredictInput, savedNumber, savedNumbers, type Predictor, type Task } from './model.js';
import { growTree, presort, type TreeArrays } from './tree-builder.js';
import { accumulateImportances, growConfig, normalise, treeArraysFromJSON, treeArraysToJSON } from './tree.js';

/**
 * Gradient-boosted regression trees (Friedman 2001), as scikit-learn's GradientBoosting*: squared error
 * for regression; log-loss for classification (one tree per stage for two classes, K for more), each
 * leaf set by one Newton step on its rows, and every stage shrunk by the learning rate.
 */
export interface BoostingOptions {
  nEstimators?: number;
  learningRate?: number;
  maxDepth?: number;
  minSamplesLeaf?: number;
  minSamplesSplit?: number;
  classWeight?: ClassWeight;
  seed?: number;
}

export const BOOSTING_KIND = 'gradient-boosting';

export class GradientBoostingClassifier {
  constructor(readonly options: BoostingOptions = {}) {}
  fit(X: Matrix, y: ArrayLike<number>, weights?: ArrayLike<number>): FittedGradientBoosting {
    const k = checkFitInput('Gradient boosting', X, y, weights, 'classification');
    return fitBoosting(X, y, classWeights(y, k, this.options.classWeight, weights), 'classification', k, this.options);
  }
}

export class GradientBoostingRegressor {
  constructor(readonly options: BoostingOptions = {}) {}
  fit(X: Matrix, y: ArrayLike<number>, weights?: ArrayLike<number>): FittedGradientBoosting {
    checkFitInput('Gradient boosting', X, y, weights, 'regression');
    return fitBoosting(X, y, Float64Array.from({ length: X.rows }, (_, i) => (weights ? weights[i] : 1)), 'regression', 1, this.options);
  }
}

function fitBoosting(X: Matrix, y: ArrayLike<number>, w: Float64Array, task: Task, k: number, o: BoostingOptions): FittedGradientBoosting {
  const nStages = o.nEstimators ?? 100;
  const lr = o.learningRate ?? 0.1;
  if (!(nStages >= 1)) throw new InputError('boosting-size', `nEstimators must be at least 1, got ${nStages}`);
  if (!(lr > 0)) throw new InputError('boosting-rate', `learningRate must be positive, got ${lr}`);
  const n = X.rows;
  const m = task === 'regression' || k === 2 ? 1 : k;
  const cfg = growConfig({ maxDepth: o.maxDepth ?? 3, minSamplesLeaf: o.minSamplesLeaf, minSamplesSplit: o.minSamplesSplit }, 'regression', 1, X.cols);
  const cols = presort(X);
  const rng = new Random(o.seed ?? 0);
  let wsum = 0;
  for (let i = 0; i < n; i++) wsum += w[i];
  // Initial raw scores: the weighted mean, the log-odds, or the log class priors.
  const init = new Float64Array(m);
  if (task === 'regression') {
    for (let i = 0; i < n; i++) init[0] += w[i] * y[i];
    init[0] /= wsum;
  } else {
    const prior = new Float64Array(k);
    for (let i = 0; i < n; i++) prior[y[i]] += w[i] / wsum;
    if (k === 2) init[0] = Math.log(prior[1] / prior[0]);
    else for (let c = 0; c < k; c++) init[c] = Math.log(Math.max(prior[c], 1e-300));
  }
  const F = new Float64Array(n * m);
  for (let i = 0; i < n; i++) F.set(init, i * m);
  const prob = new Float64Array(n * m);
  const resid = new Float64Array(n);
  const trees: TreeArrays[] = [];
  for (let stage = 0; stage < nStages; stage++) {
    if (task === 'classification') probabilities(F, n, m, prob);
    for (let c = 0; c < m; c++) {
      for (let i = 0; i < n; i++) {
        if (task === 'regression') resid[i] = y[i] - F[i];
        else resid[i] = (m === 1 ? (y[i] === 1 ? 1 : 0) : y[i] === c ? 1 : 0) - prob[i * m + c];
      }
      const { tree, leafOf } = growTree(cols, resid, w, cfg, rng);
      if (task === 'classification') newtonLeaves(tree, leafOf, resid, w, m === 1 ? 1 : (k - 1) / k);
      for (let i = 0; i < n; i++) F[i * m + c] += lr * tree.value[leafOf[i]];
      trees.push(tree);
    }
  }
  return new FittedGradientBoosting(task, X.cols, k, lr, init, trees);
}

/** Leaf value = Σ w r / Σ w |r|(1−|r|), scaled by (K−1)/K for K classes (Friedman 2001, algorithm 6). */
function newtonLeaves(tree: TreeArrays, leafOf: Int32Array, r: Float64Array, w: Float64Array, scale: number): void {
  const num = new Float64Array(tree.nodeCount);
  const den = new Float64Array(tree.nodeCount);
  for (let i = 0; i < r.length; i++) {
    const l = leafOf[i];
    if (l < 0) continue;
    const a = Math.abs(r[i]);
    num[l] += w[i] * r[i];
    den[l] += w[i] * a * (1 - a);
  }
  for (let l = 0; l < tree.nodeCount; l++) {
    if (tree.feature[l] >= 0) continue;
    tree.value[l] = Math.abs(den[l]) < 1e-150 ? 0 : (scale * num[l]) / den[l];
  }
}

function probabilities(F: Float64Array, n: number, m: number, out: Float64Array): void {
  if (m === 1) {
    for (let i = 0; i < n; i++) out[i] = 1 / (1 + Math.exp(-F[i]));
    return;
  }
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let c = 0; c < m; c++) max = Math.max(max, F[i * m + c]);
    let s = 0;
    for (let c = 0; c < m; c++) s += out[i * m + c] = Math.exp(F[i * m + c] - max);
    for (let c = 0; c < m; c++) out[i * m + c] /= s;
  }
}

export class FittedGradientBoosting implements Predictor {
  readonly kind = BOOSTING_KIND;

  /** @param trees stage-major: for K > 2 classes, trees[stage * K + c]. */
  constructor(
    readonly task: Task,
    readonly nFeatures: number,
    readonly nClasses: number,
    readonly learningRate: number,
    readonly init: Float64Array,
    readonly trees: readonly TreeArrays[],
  ) {}

  /** Raw additive scores, rows × (1 or K). */
  decisionFunction(X: Matrix): Float64Array {
    checkPredictInput('Gradient boosting', X, this.nFeatures);
    const m = this.init.length;
    const p = X.cols;
    const out = new Float64Array(X.rows * m);
    for (let i = 0; i < X.rows; i++) out.set(this.init, i * m);
    this.trees.forEach((t, s) => {
      const c = s % m;
      for (let i = 0; i < X.rows; i++) {
        let node = 0;
        while (t.feature[node] >= 0) node = X.data[i * p + t.feature[node]] <= t.threshold[node] ? t.left[node] : t.right[node];
        out[i * m + c] += this.learningRate * t.value[node];
      }
    });
    return out;
  }

  predictProba(X: Matrix): Matrix {
    if (this.task !== 'classification') throw new ModelError('boosting-proba', 'A regression model has no class probabilities', 'Use predict()');
    const F = this.decisionFunction(X);
    const m = this.init.length;
    const k = this.nClasses;
    const out = new Float64Array(X.rows * k);
    if (m === 1) {
      for (let i = 0; i < X.rows; i++) {
        const p1 = 1 / (1 + Math.exp(-F[i]));
        out[2 * i] = 1 - p1;
        out[2 * i + 1] = p1;
      }
    } else probabilities(F, X.rows, m, out);
    return { rows: X.rows, cols: k, data: out };
  }

  predict(X: Matrix): Float64Array {
    return this.task === 'classification' ? argmaxRows(this.predictProba(X)) : this.decisionFunction(X);
  }

  featureImportances(): Float64Array {
    const imp = new Float64Array(this.nFeatures);
    for (const t of this.trees) {
      const ti = new Float64Array(this.nFeatures);
      accumulateImportances(t, ti);
      normalise(ti);
      for (let j = 0; j < imp.length; j++) imp[j] += ti[j];
    }
    return normalise(imp);
  }

  toJSON(): ModelJSON {
    return modelJSON(BOOSTING_KIND, {
      task: this.task,
      nFeatures: this.nFeatures,
      nClasses: this.nClasses,
      learningRate: this.learningRate,
      init: Array.from(this.init),
      trees: this.trees.map(treeArraysToJSON),
    });
  }

  static fromJSON(json: unknown): FittedGradientBoosting {
    const j = checkModelJSON(json, BOOSTING_KIND);
    const task = j.params.task as Task;
    const trees = j.params.trees;
    if (!Array.isArray(trees) || (task !== 'classification' && task !== 'regression')) {
      throw new ModelError('model-corrupt', 'Saved gradient boosting model has no trees', 'Re-fit and save the model again');
    }
    return new FittedGradientBoosting(
      task,
      savedNumber(j.params, 'nFeatures', BOOSTING_KIND),
      savedNumber(j.params, 'nClasses', BOOSTING_KIND),
      savedNumber(j.params, 'learningRate', BOOSTING_KIND),
      savedNumbers(j.params, 'init', BOOSTING_KIND),
      trees.map((t) => treeArraysFromJSON(t as Record<string, unknown>, 1)),
    );
  }
}
