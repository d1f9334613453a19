import { InputError, ModelError } from '../errors.js';
import type { Matrix } from '../data/matrix.js';
import { checkModelJSON, modelJSON, type ModelJSON } from '../models/estimator.js';
import { Random } from '../random.js';
import { classWeights, type ClassWeight } from './class-weights.js';
import { argmaxRows, checkFitInput, checkPredictInput, savedNumber, savedNumbers, toJSONArray, type Predictor, type Task } from './model.js';
import { growTree, presort, type Criterion, type GrowConfig, type SortedColumns, type TreeArrays } from './tree-builder.js';
import { pruneTree } from './tree-prune.js';

/**
 * CART decision trees (classification: gini or entropy; regression: squared error) with scikit-learn's
 * hyper-parameters and semantics: rows go left when x[feature] <= threshold, thresholds are midpoints
 * between neighbouring training values, and ccpAlpha prunes by minimal cost-complexity.
 */
export interface TreeOptions {
  criterion?: Criterion;
  maxDepth?: number;
  minSamplesSplit?: number;
  minSamplesLeaf?: number;
  /** Minimal cost-complexity pruning strength (default 0: no pruning). */
  ccpAlpha?: number;
  /** Features tried per split: a count, 'sqrt', or 'all' (default). */
  maxFeatures?: number | 'sqrt' | 'all';
  classWeight?: ClassWeight;
  seed?: number;
}

export const TREE_KIND = 'decision-tree';

export class DecisionTreeClassifier {
  constructor(readonly options: TreeOptions = {}) {}

  fit(X: Matrix, y: ArrayLike<number>, weights?: ArrayLike<number>): FittedDecisionTree {
    const k = checkFitInput('Decision tree', X, y, weights, 'classification');
    const w = classWeights(y, k, this.options.classWeight, weights);
    return fitTree(presort(X), y, w, 'classification', k, this.options);
  }
}

export class DecisionTreeRegressor {
  constructor(readonly options: TreeOptions = {}) {}

  fit(X: Matrix, y: ArrayLike<number>, weights?: ArrayLike<number>): FittedDecisionTree {
    checkFitInput('Decision tree', X, y, weights, 'regression');
    const w = Float64Array.from({ length: X.rows }, (_, i) => (weights ? weights[i] : 1));
    return fitTree(presort(X), y, w, 'regression', 1, this.options);
  }
}

/** Resolve options into a growing configuration, validating them (shared with forests and boosting). */
export function growConfig(options: TreeOptions, task: Task, k: number, p: number): GrowConfig {
  const criterion = options.criterion ?? (task === 'classification' ? 'gini' : 'squared_error');
  if ((task === 'classification') === (criterion === 'squared_error')) {
    throw new InputError('tree-criterion', `Criterion ${criterion} does not fit a ${task} tree`, task === 'classification' ? 'Use gini or entropy' : 'Use squared_error');
  }
  const maxDepth = options.maxDepth ?? Infinity;
  const minSamplesSplit = options.minSamplesSplit ?? 2;
  const minSamplesLeaf = options.minSamplesLeaf ?? 1;
  if (!(maxDepth >= 1)) throw new InputError('tree-depth', `maxDepth must be at least 1, got ${maxDepth}`);
  if (!(minSamplesSplit >= 2)) throw new InputError('tree-min-split', `minSamplesSplit must be at least 2, got ${minSamplesSplit}`);
  if (!(minSamplesLeaf >= 1)) throw new InputError('tree-min-leaf', `minSamplesLeaf must be at least 1, got ${minSamplesLeaf}`);
  const mf = options.maxFeatures ?? 'all';
  const maxFeatures = mf === 'all' ? p : mf === 'sqrt' ? Math.max(1, Math.floor(Math.sqrt(p))) : Math.max(1, Math.min(p, Math.floor(mf)));
  return { criterion, nClasses: k, maxDepth, minSamplesSplit, minSamplesLeaf, maxFeatures };
}

/** Grow (and prune) one tree on presorted columns; weights must already include class weights. */
export function fitTree(
  cols: SortedColumns,
  y: ArrayLike<number>,
  weights: Float64Array,
  task: Task,
  k: number,
  options: TreeOptions,
  rng: Random = new Random(options.seed ?? 0),
): FittedDecisionTree {
  const cfg = growConfig(options, task, k, cols.p);
  const ccp = options.ccpAlpha ?? 0;
  if (!(ccp >= 0)) throw new InputError('tree-ccp', `ccpAlpha must be non-negative, got ${ccp}`);
  let { tree } = growTree(cols, y, weights, cfg, rng);
  if (ccp > 0) tree = pruneTree(tree, ccp, task === 'classification' ? k : 1);
  return new FittedDecisionTree(task, cols.p, k, cfg.criterion, tree);
}

export class FittedDecisionTree implements Predictor {
  readonly kind = TREE_KIND;

  constructor(
    readonly task: Task,
    readonly nFeatures: number,
    readonly nClasses: number,
    readonly criterion: Criterion,
    readonly tree: TreeArrays,
  ) {}

  /** Width of each node's value vector. */
  get valueWidth(): number {
    return this.task === 'classification' ? this.nClasses : 1;
  }

  /** Leaf node id per row. */
  apply(X: Matrix): Int32Array {
    checkPredictInput('Decision tree', X, this.nFeatures);
    const { feature, threshold, left, right } = this.tree;
    const p = X.cols;
    const out = new Int32Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let node = 0;
      while (feature[node] >= 0) node = X.data[i * p + feature[node]] <= threshold[node] ? left[node] : right[node];
      out[i] = node;
    }
    return out;
  }

  predictProba(X: Matrix): Matrix {
    if (this.task !== 'classification') throw new ModelError('tree-proba', 'A regression tree has no class probabilities', 'Use predict()');
    const leaves = this.apply(X);
    const k = this.nClasses;
    const out = new Float64Array(X.rows * k);
    for (let i = 0; i < X.rows; i++) out.set(this.tree.value.subarray(leaves[i] * k, leaves[i] * k + k), i * k);
    return { rows: X.rows, cols: k, data: out };
  }

  predict(X: Matrix): Float64Array {
    if (this.task === 'classification') return argmaxRows(this.predictProba(X));
    const leaves = this.apply(X);
    return Float64Array.from(leaves, (l) => this.tree.value[l]);
  }

  get leafCount(): number {
    let c = 0;
    for (let i = 0; i < this.tree.nodeCount; i++) if (this.tree.feature[i] < 0) c++;
    return c;
  }

  get depth(): number {
    const d = new Int32Array(this.tree.nodeCount);
    let max = 0;
    for (let i = 0; i < this.tree.nodeCount; i++) {
      max = Math.max(max, d[i]);
      if (this.tree.left[i] >= 0) {
        d[this.tree.left[i]] = d[i] + 1;
        d[this.tree.right[i]] = d[i] + 1;
      }
    }
    return max;
  }

  /** Mean decrease in impurity per feature, normalised to sum 1 (scikit-learn's feature_importances_). */
  featureImportances(): Float64Array {
    const imp = new Float64Array(this.nFeatures);
    accumulateImportances(this.tree, imp);
    return normalise(imp);
  }

  toJSON(): ModelJSON {
    const t = this.tree;
    return modelJSON(TREE_KIND, {
      task: this.task,
      nFeatures: this.nFeatures,
      nClasses: this.nClasses,
      criterion: this.criterion,
      ...treeArraysToJSON(t),
    });
  }

  static fromJSON(json: unknown): FittedDecisionTree {
    const j = checkModelJSON(json, TREE_KIND);
    const task = j.params.task;
    if (task !== 'classification' && task !== 'regression') throw new ModelError('model-corrupt', 'Saved decision tree has no valid task', 'Re-fit and save the model again');
    const k = savedNumber(j.params, 'nClasses', TREE_KIND);
    return new FittedDecisionTree(task, savedNumber(j.params, 'nFeatures', TREE_KIND), k, j.params.criterion as Criterion, treeArraysFromJSON(j.params, task === 'classification' ? k : 1));
  }
}

export function accumulateImportances(t: TreeArrays, imp: Float64Array): void {
  for (let i = 0; i < t.nodeCount; i++) {
    if (t.feature[i] < 0) continue;
    const l = t.left[i];
    const r = t.right[i];
    imp[t.feature[i]] += t.weightedN[i] * t.impurity[i] - t.weightedN[l] * t.impurity[l] - t.weightedN[r] * t.impurity[r];
  }
}

export function normalise(a: Float64Array): Float64Array {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  if (s > 0) for (let i = 0; i < a.length; i++) a[i] /= s;
  return a;
}

export function treeArraysToJSON(t: TreeArrays): Record<string, unknown> {
  return {
    feature: Array.from(t.feature),
    threshold: toJSONArray(t.threshold),
    left: Array.from(t.left),
    right: Array.from(t.right),
    value: Array.from(t.value),
    nSamples: Array.from(t.nSamples),
    weightedN: Array.from(t.weightedN),
    impurity: Array.from(t.impurity),
    gapLow: toJSONArray(t.gapLow),
    gapHigh: toJSONArray(t.gapHigh),
  };
}

export function treeArraysFromJSON(params: Record<string, unknown>, width: number): TreeArrays {
  const feature = Int32Array.from(savedNumbers(params, 'feature', TREE_KIND));
  const c = feature.length;
  const t: TreeArrays = {
    nodeCount: c,
    feature,
    threshold: savedNumbers(params, 'threshold', TREE_KIND),
    left: Int32Array.from(savedNumbers(params, 'left', TREE_KIND)),
    right: Int32Array.from(savedNumbers(params, 'right', TREE_KIND)),
    value: savedNumbers(params, 'value', TREE_KIND),
    nSamples: Int32Array.from(savedNumbers(params, 'nSamples', TREE_KIND)),
    weightedN: savedNumbers(params, 'weightedN', TREE_KIND),
    impurity: savedNumbers(params, 'impurity', TREE_KIND),
    gapLow: savedNumbers(params, 'gapLow', TREE_KIND),
    gapHigh: savedNumbers(params, 'gapHigh', TREE_KIND),
  };
  for (let i = 0; i < c; i++) {
    const internal = feature[i] >= 0;
    if (internal && !(t.left[i] > i && t.right[i] > i && t.left[i] < c && t.right[i] < c)) {
      throw new ModelError('model-corrupt', `Saved tree node ${i} has invalid children`, 'Re-fit and save the model again');
    }
  }
  if (t.value.length !== c * width || t.threshold.length !== c) throw new ModelError('model-corrupt', 'Saved tree arrays have inconsistent lengths', 'Re-fit and save the model again');
  return t;
}
