import { InputError, ModelError } from '../errors.js';
import type { Matrix } from '../data/matrix.js';
import { checkModelJSON, modelJSON, type ModelJSON } from '../models/estimator.js';
import { Random } from '../random.js';
import { classWeights } from './class-weights.js';
import { argmaxRows, checkFitInput, checkPredictInput, savedNumber, type Predictor, type Task } from './model.js';
import { presort } from './tree-builder.js';
import { FittedDecisionTree, fitTree, normalise, treeArraysFromJSON, treeArraysToJSON, type TreeOptions } from './tree.js';

/**
 * Random forests (Breiman 2001) as scikit-learn's: each tree is grown on a bootstrap sample (drawn as
 * integer sample weights) with a random feature subset per split (√p for classification, all for
 * regression); predictions average the trees' class probabilities or values. One presort serves all trees.
 */
export interface ForestOptions extends TreeOptions {
  nEstimators?: number;
  bootstrap?: boolean;
}

export const FOREST_KIND = 'random-forest';

export class RandomForestClassifier {
  constructor(readonly options: ForestOptions = {}) {}
  fit(X: Matrix, y: ArrayLike<number>, weights?: ArrayLike<number>): FittedRandomForest {
    const k = checkFitInput('Random forest', X, y, weights, 'classification');
    return fitForest(X, y, classWeights(y, k, this.options.classWeight, weights), 'classification', k, { maxFeatures: 'sqrt', ...this.options });
  }
}

export class RandomForestRegressor {
  constructor(readonly options: ForestOptions = {}) {}
  fit(X: Matrix, y: ArrayLike<number>, weights?: ArrayLike<number>): FittedRandomForest {
    checkFitInput('Random forest', X, y, weights, 'regression');
    const w = Float64Array.from({ length: X.rows }, (_, i) => (weights ? weights[i] : 1));
    return fitForest(X, y, w, 'regression', 1, { maxFeatures: 'all', ...this.options });
  }
}

function fitForest(X: Matrix, y: ArrayLike<number>, w: Float64Array, task: Task, k: number, options: ForestOptions): FittedRandomForest {
  const nTrees = options.nEstimators ?? 100;
  if (!(nTrees >= 1)) throw new InputError('forest-size', `nEstimators must be at least 1, got ${nTrees}`);
  const cols = presort(X);
  const rng = new Random(options.seed ?? 0);
  const n = X.rows;
  const trees: FittedDecisionTree[] = [];
  const bw = new Float64Array(n);
  for (let t = 0; t < nTrees; t++) {
    if (options.bootstrap === false) bw.set(w);
    else {
      bw.fill(0);
      for (let i = 0; i < n; i++) bw[rng.int(n)]++;
      for (let i = 0; i < n; i++) bw[i] *= w[i];
    }
    trees.push(fitTree(cols, y, bw, task, k, options, rng));
  }
  return new FittedRandomForest(task, X.cols, k, trees);
}

export class FittedRandomForest implements Predictor {
  readonly kind = FOREST_KIND;

  constructor(
    readonly task: Task,
    readonly nFeatures: number,
    readonly nClasses: number,
    readonly trees: readonly FittedDecisionTree[],
  ) {}

  predictProba(X: Matrix): Matrix {
    if (this.task !== 'classification') throw new ModelError('forest-proba', 'A regression forest has no class probabilities', 'Use predict()');
    checkPredictInput('Random forest', X, this.nFeatures);
    const k = this.nClasses;
    const out = new Float64Array(X.rows * k);
    for (const tree of this.trees) {
      const leaves = tree.apply(X);
      const v = tree.tree.value;
      for (let i = 0; i < X.rows; i++) for (let c = 0; c < k; c++) out[i * k + c] += v[leaves[i] * k + c];
    }
    for (let i = 0; i < out.length; i++) out[i] /= this.trees.length;
    return { rows: X.rows, cols: k, data: out };
  }

  predict(X: Matrix): Float64Array {
    if (this.task === 'classification') return argmaxRows(this.predictProba(X));
    checkPredictInput('Random forest', X, this.nFeatures);
    const out = new Float64Array(X.rows);
    for (const tree of this.trees) {
      const leaves = tree.apply(X);
      for (let i = 0; i < X.rows; i++) out[i] += tree.tree.value[leaves[i]];
    }
    for (let i = 0; i < out.length; i++) out[i] /= this.trees.length;
    return out;
  }

  /** Mean of the trees' normalised impurity importances, as scikit-learn. */
  featureImportances(): Float64Array {
    const imp = new Float64Array(this.nFeatures);
    for (const t of this.trees) {
      const ti = t.featureImportances();
      for (let j = 0; j < imp.length; j++) imp[j] += ti[j];
    }
    return normalise(imp);
  }

  toJSON(): ModelJSON {
    return modelJSON(FOREST_KIND, {
      task: this.task,
      nFeatures: this.nFeatures,
      nClasses: this.nClasses,
      criterion: this.trees[0].criterion,
      trees: this.trees.map((t) => treeArraysToJSON(t.tree)),
    });
  }

  static fromJSON(json: unknown): FittedRandomForest {
    const j = checkModelJSON(json, FOREST_KIND);
    const task = j.params.task as Task;
    const p = savedNumber(j.params, 'nFeatures', FOREST_KIND);
    const k = savedNumber(j.params, 'nClasses', FOREST_KIND);
    const trees = j.params.trees;
    if (!Array.isArray(trees) || trees.length === 0 || (task !== 'classification' && task !== 'regression')) {
      throw new ModelError('model-corrupt', 'Saved random forest has no trees', 'Re-fit and save the model again');
    }
    const width = task === 'classification' ? k : 1;
    const criterion = j.params.criterion as FittedDecisionTree['criterion'];
    return new FittedRandomForest(task, p, k, trees.map((t) => new FittedDecisionTree(task, p, k, criterion, treeArraysFromJSON(t as Record<string, unknown>, width))));
  }
}
