import { InputError, ModelError } from '../errors.js';
import type { Matrix } from '../data/matrix.js';
import type { ModelJSON } from '../models/estimator.js';
import { BOOSTING_KIND, FittedGradientBoosting, GradientBoostingClassifier, GradientBoostingRegressor } from './boosting.js';
import type { ClassWeight } from './class-weights.js';
import { FittedRandomForest, FOREST_KIND, RandomForestClassifier, RandomForestRegressor } from './forest.js';
import { FittedLinearRegression, LINEAR_KIND, LinearRegression } from './linear.js';
import { FittedLogisticRegression, LOGISTIC_KIND, LogisticRegression } from './logistic.js';
import type { Predictor, Task } from './model.js';
import { DecisionTreeClassifier, DecisionTreeRegressor, FittedDecisionTree, TREE_KIND } from './tree.js';

/** The model names users pick (CLI `--model`), and one place that maps them to estimators and loaders. */
export type ModelName = 'logistic' | 'linear' | 'tree' | 'forest' | 'boosting';

export const MODEL_NAMES: readonly ModelName[] = ['logistic', 'linear', 'tree', 'forest', 'boosting'];

/** Hyper-parameters shared across model kinds; each model reads the ones it has. */
export interface ModelParams {
  C?: number;
  classWeight?: ClassWeight;
  maxDepth?: number;
  minSamplesLeaf?: number;
  minSamplesSplit?: number;
  ccpAlpha?: number;
  criterion?: 'gini' | 'entropy' | 'squared_error';
  nEstimators?: number;
  learningRate?: number;
  maxFeatures?: number | 'sqrt' | 'all';
}

export interface AnyEstimator {
  fit(X: Matrix, y: ArrayLike<number>, weights?: ArrayLike<number>): Predictor;
}

export function makeEstimator(name: ModelName, task: Task, params: ModelParams, seed: number): AnyEstimator {
  const cls = task === 'classification';
  switch (name) {
    case 'logistic':
      if (!cls) throw new InputError('model-task', 'Logistic regression predicts classes, but the target is numeric', 'Use --model linear, or a categorical target');
      return new LogisticRegression({ C: params.C, classWeight: params.classWeight });
    case 'linear':
      if (cls) throw new InputError('model-task', 'Linear regression predicts numbers, but the target is categorical', 'Use --model logistic, or a numeric target');
      return new LinearRegression();
    case 'tree': {
      const o = { maxDepth: params.maxDepth, minSamplesLeaf: params.minSamplesLeaf, minSamplesSplit: params.minSamplesSplit, ccpAlpha: params.ccpAlpha, criterion: params.criterion, classWeight: params.classWeight, seed };
      return cls ? new DecisionTreeClassifier(o) : new DecisionTreeRegressor(o);
    }
    case 'forest': {
      const o = { nEstimators: params.nEstimators, maxDepth: params.maxDepth, minSamplesLeaf: params.minSamplesLeaf, minSamplesSplit: params.minSamplesSplit, maxFeatures: params.maxFeatures, classWeight: params.classWeight, seed };
      return cls ? new RandomForestClassifier(o) : new RandomForestRegressor(o);
    }
    case 'boosting': {
      const o = { nEstimators: params.nEstimators, learningRate: params.learningRate, maxDepth: params.maxDepth, minSamplesLeaf: params.minSamplesLeaf, classWeight: params.classWeight, seed };
      return cls ? new GradientBoostingClassifier(o) : new GradientBoostingRegressor(o);
    }
    default:
      throw new InputError('model-name', `Unknown model "${String(name)}"`, `Use one of: ${MODEL_NAMES.join(', ')}, auto`);
  }
}

/** Load any saved prediction model by its kind. */
export function loadPredictor(json: ModelJSON): Predictor {
  switch (json?.kind) {
    case LOGISTIC_KIND:
      return FittedLogisticRegression.fromJSON(json);
    case LINEAR_KIND:
      return FittedLinearRegression.fromJSON(json);
    case TREE_KIND:
      return FittedDecisionTree.fromJSON(json);
    case FOREST_KIND:
      return FittedRandomForest.fromJSON(json);
    case BOOSTING_KIND:
      return FittedGradientBoosting.fromJSON(json);
    default:
      throw new ModelError('model-kind', `Saved model kind "${String(json?.kind)}" is not a prediction model`, 'Train one with `clientele model`');
  }
}
