import { InputError, ModelError } from '../errors.js';
import { selectColumns, takeRows, type Matrix } from '../data/matrix.js';
import { findColumn, type Table } from '../data/table.js';
import { applyDesign, fitDesign, type DesignOptions, type DesignTransform } from '../features/design.js';
import type { ModelJSON } from '../models/estimator.js';
import { ruleSetToJSON, ruleSetToSql, ruleSetToText, treeToRuleSet, type RulesJSON } from '../rules/index.js';
import { permutationImportance } from './importance.js';
import { checkLeakage, featureSources, type LeakageWarning } from './leakage.js';
import { FittedLinearRegression } from './linear.js';
import { FittedLogisticRegression } from './logistic.js';
import { classificationMetrics, regressionMetrics, type ClassificationMetrics, type RegressionMetrics } from './metrics.js';
import type { Predictor, Task } from './model.js';
import { loadPredictor, makeEstimator, MODEL_NAMES, type ModelName, type ModelParams } from './registry.js';
import { kFold, trainTestSplit } from './split.js';
import { columnTarget, type Target } from './targets.js';
import { FittedDecisionTree } from './tree.js';
import { PredictorModel, predictorJSON, type Scores, type TargetInfo } from './predictor-model.js';

export type { Scores, TargetInfo };

/**
 * `clientele model`: build the target and the design, split, cross-validate, fit, evaluate on held-out
 * rows, explain (importance, coefficients, rules) and guard against leakage, in numbered steps.
 * The result is plain JSON; `saved` (design transform + model) scores new customers with scoreModel.
 */
export interface TrainOptions {
  /** A column name, or a target from columnTarget / medianSplitTarget / clusterTarget. */
  target: string | Target;
  /** For a categorical column target: predict this level vs the rest. */
  positive?: string;
  model?: ModelName | 'auto';
  /** Held-out share (default 0.25). */
  testSize?: number;
  /** Cross-validation folds on all rows (default 5; 0 skips). */
  folds?: number;
  seed?: number;
  /** Feature preparation; the target column is always excluded. */
  design?: DesignOptions;
  params?: ModelParams;
  /** Permutation-importance repeats (default 5). */
  importanceRepeats?: number;
  /**
   * Use the columns a derived target (median split, clusters) is computed from, and those tied to its
   * definition, as inputs. Off by default: the model then answers whether the target can be predicted from
   * independent information, and the columns left out are listed in `leftOut` (columns named in
   * `design.include` are kept as asked).
   */
  keepTargetInputs?: boolean;
  /** Also fit these models on the same split and report their held-out metrics and main features (ones that cannot fit the task, logistic for a number or linear for classes, are skipped). */
  compare?: ModelName[];
}


export interface TrainResult {
  task: Task;
  target: TargetInfo;
  /** The model used (for 'auto', the one chosen). */
  model: ModelName;
  features: string[];
  designNotes: string[];
  rows: { used: number; train: number; test: number; missingTarget: number };
  /** Held-out metrics. */
  metrics: ClassificationMetrics | RegressionMetrics;
  /** Accuracy (classification) or R² (regression) on the training rows: far above the test score means overfitting. */
  trainScore: number;
  cv: { folds: number; metric: 'accuracy' | 'r2'; scores: number[]; mean: number; std: number } | null;
  /** 'auto' only: the cross-validated score of each candidate. */
  candidates?: { model: ModelName; cvMean: number }[];
  /** Permutation importance on the held-out rows, largest first. */
  importance: { feature: string; importance: number; std: number }[];
  /** Linear and logistic models: one row per feature (per class for multinomial). */
  coefficients?: { feature: string; class?: string; coef: number; se?: number; p?: number }[];
  /** Classification trees: business rules. */
  rules?: { text: string; sql: string; json: RulesJSON };
  leakage: LeakageWarning[];
  /** Columns kept out of the inputs because a derived target is defined by them, with why. */
  leftOut: { column: string; reason: string }[];
  /** `compare`: each model on the same split, held-out metrics and its five most important features. */
  comparison?: { model: ModelName; metrics: ClassificationMetrics | RegressionMetrics; top: string[] }[];
  /** The model with its target and design, in the saved-model envelope (kind 'predictor'). */
  saved: ModelJSON;
}

/** fitDesign, with a better reason than "no usable columns" when `explain` knows why none are left. */
function designOrExplain(t: Table, options: DesignOptions, explain: () => void): ReturnType<typeof fitDesign> {
  try {
    return fitDesign(t, options);
  } catch (err) {
    if (err instanceof InputError && err.code === 'design-no-features') explain();
    throw err;
  }
}

/** Depth of the tree in `compare` when no depth is given. */
const COMPARE_TREE_DEPTH = 4;

export function trainModel(t: Table, options: TrainOptions): TrainResult {
  const seed = options.seed ?? 42;
  const testSize = options.testSize ?? 0.25;
  const folds = options.folds ?? 5;
  const params = options.params ?? {};

  // 1. Target, and rows that have one.
  const target = typeof options.target === 'string' ? columnTarget(t, options.target, { positive: options.positive }) : options.target;
  if (target.values.length !== t.rows) throw new InputError('target-length', `Target has ${target.values.length} values for ${t.rows} rows`);
  const keep: number[] = [];
  for (let i = 0; i < t.rows; i++) if (!Number.isNaN(target.values[i])) keep.push(i);
  if (keep.length < 10) throw new InputError('target-too-few', `Only ${keep.length} rows have a value for ${target.name}`, 'A model needs at least 10 labelled rows');
  const y = Float64Array.from(keep, (i) => target.values[i]);
  const task = target.task;

  // 2. Design matrix; a plain column target is never its own input, nor is a derived target's definition.
  const excluded = new Set(options.design?.exclude ?? []);
  if (typeof options.target === 'string') excluded.add(options.target);
  const leftOut: TrainResult['leftOut'] = [];
  const included = new Set(options.design?.include ?? []);
  if (typeof options.target !== 'string' && !options.keepTargetInputs) {
    const own = target.derivedFrom.map((column) => ({ column, reason: `${target.name} is computed from it` }));
    for (const r of [...own, ...(target.related ?? [])]) {
      // A column the caller names in `include` is a deliberate choice, kept (and then flagged by the guard).
      if (excluded.has(r.column) || included.has(r.column) || !findColumn(t, r.column)) continue;
      excluded.add(r.column);
      leftOut.push(r);
    }
  }
  const design = designOrExplain(t, { ...options.design, exclude: [...excluded] }, () => {
    if (!leftOut.length) return;
    throw new InputError(
      'no-independent-inputs',
      `Every input of this table defines ${target.name} (${leftOut.map((x) => x.column).join(', ')}), so nothing independent is left to predict it from`,
      'Add other customer columns, or pass --keep-target-inputs to measure how well its own inputs re-derive it (the leakage guard will say so)',
    );
  });
  const X = takeRows(design.matrix, keep);

  // 3. Leakage guard, before any score is computed.
  const leakage = checkLeakage(target, X, y, featureSources(design.transform));

  // 4. Model choice ('auto' by cross-validation), CV scores, held-out split and fit.
  const classes = task === 'classification' ? y : undefined;
  let name: ModelName;
  let candidates: TrainResult['candidates'];
  let chosenCv: { scores: number[]; mean: number; std: number } | undefined;
  if (!options.model || options.model === 'auto') {
    const pool: ModelName[] = task === 'classification' ? ['logistic', 'forest'] : ['linear', 'forest'];
    const runs = pool.map((m) => ({ model: m, run: crossValidate(m, task, params, seed, selectColumns(X, modelColumns(m, design.transform)), y, Math.max(folds, 3)) }));
    candidates = runs.map((r) => ({ model: r.model, cvMean: r.run.mean }));
    const best = runs.reduce((a, b) => (b.run.mean > a.run.mean ? b : a));
    name = best.model;
    // The same folds, seed and columns: the winner's cross-validation is already done.
    if (folds >= 3) chosenCv = best.run;
  } else {
    if (!MODEL_NAMES.includes(options.model)) throw new InputError('model-name', `Unknown model "${options.model}"`, `Use one of: ${MODEL_NAMES.join(', ')}, auto`);
    name = options.model;
  }
  const columns = modelColumns(name, design.transform);
  const Xm = selectColumns(X, columns);
  const featureNames = columns.map((j) => design.featureNames[j]);
  const notes = [...design.notes];
  if (columns.length < design.featureNames.length) {
    const dropped = design.featureNames.filter((_, j) => !columns.includes(j));
    notes.push(`linear regression: ${dropped.join(', ')} dropped as reference level${dropped.length === 1 ? '' : 's'} (a full one-hot block is collinear with the intercept)`);
  }
  const cv = folds > 0 ? { folds, metric: task === 'classification' ? ('accuracy' as const) : ('r2' as const), ...(chosenCv ?? crossValidate(name, task, params, seed, Xm, y, folds)) } : null;
  const split = trainTestSplit(X.rows, testSize, seed, classes);
  const Xtr = takeRows(Xm, split.train);
  const Xte = takeRows(Xm, split.test);
  const ytr = Float64Array.from(split.train, (i) => y[i]);
  const yte = Float64Array.from(split.test, (i) => y[i]);
  const model = makeEstimator(name, task, params, seed).fit(Xtr, ytr);

  // 5. Evaluation and explanation.
  const metrics = evaluate(model, Xte, yte, target.classes?.length ?? 0);
  const trainScore = score(model, Xtr, ytr);
  const imp = permutationImportance(model, Xte, yte, { repeats: options.importanceRepeats ?? 5, seed });
  const importance = featureNames
    .map((feature, j) => ({ feature, importance: imp.mean[j], std: imp.std[j] }))
    .sort((a, b) => b.importance - a.importance);
  const info: TargetInfo = { name: target.name, description: target.description, task, classes: target.classes, derivedFrom: target.derivedFrom };
  const result: TrainResult = {
    task,
    target: info,
    model: name,
    features: featureNames,
    designNotes: notes,
    rows: { used: keep.length, train: split.train.length, test: split.test.length, missingTarget: t.rows - keep.length },
    metrics,
    trainScore,
    cv,
    candidates,
    importance,
    coefficients: coefficientsOf(model, featureNames, target.classes),
    leakage,
    leftOut,
    comparison: options.compare?.filter((m) => (task === 'classification' ? m !== 'linear' : m !== 'logistic')).map((m) => {
      if (m === name) return { model: m, metrics, top: importance.slice(0, 5).map((x) => x.feature) };
      const cols = modelColumns(m, design.transform);
      const Xc = selectColumns(X, cols);
      const [tr, te] = [takeRows(Xc, split.train), takeRows(Xc, split.test)];
      // An unlimited tree memorises the training rows; the comparison shows the readable tree `rules` prints.
      const p = m === 'tree' && params.maxDepth === undefined ? { ...params, maxDepth: COMPARE_TREE_DEPTH } : params;
      const fitted = makeEstimator(m, task, p, seed).fit(tr, ytr);
      const pi = permutationImportance(fitted, te, yte, { repeats: options.importanceRepeats ?? 5, seed });
      const top = cols.map((j, k) => ({ f: design.featureNames[j], v: pi.mean[k] })).sort((a, b) => b.v - a.v).slice(0, 5).map((x) => x.f);
      return { model: m, metrics: evaluate(fitted, te, yte, target.classes?.length ?? 0), top };
    }),
    saved: predictorJSON({ target: info, design: design.transform, ...(columns.length < design.featureNames.length ? { columns } : {}), model: model.toJSON() }),
  };
  const aliased = model instanceof FittedLinearRegression ? (model.inference?.aliased ?? []) : [];
  if (aliased.length) {
    notes.push(`linear regression: ${aliased.map((j) => featureNames[j]).join(', ')} left out (an exact combination of other inputs; coefficient 0)`);
  }
  if (model instanceof FittedDecisionTree && task === 'classification') {
    const cuts = target.cut ? [target.cut] : [];
    const set = treeToRuleSet(model, { transform: design.transform, classes: target.classes, target: target.name, data: { X: Xtr, y: ytr }, cuts });
    result.rules = { text: ruleSetToText(set), sql: ruleSetToSql(set), json: ruleSetToJSON(set) };
  }
  return result;
}

/** Apply a saved predictor (trainModel's `saved`, or a file `model --save-model` wrote) to new customers. */
export function scoreModel(saved: unknown, t: Table): Scores {
  return PredictorModel.fromJSON(saved).predictTable(t);
}

/** Design columns a model fits on: all, except that OLS drops the first level of each one-hot block (reference coding). */
function modelColumns(name: ModelName, transform: DesignTransform): number[] {
  const cols: number[] = [];
  let j = 0;
  for (const s of transform.steps) {
    if (s.kind === 'number') cols.push(j++);
    else {
      for (let l = 0; l < s.levels.length; l++, j++) if (name !== 'linear' || l > 0) cols.push(j);
    }
  }
  return cols;
}


function crossValidate(name: ModelName, task: Task, params: ModelParams, seed: number, X: Matrix, y: Float64Array, folds: number): { scores: number[]; mean: number; std: number } {
  const splits = kFold(X.rows, Math.min(folds, X.rows), seed, task === 'classification' ? y : undefined);
  const scores = splits.map((s) => {
    const ytr = Float64Array.from(s.train, (i) => y[i]);
    const m = makeEstimator(name, task, params, seed).fit(takeRows(X, s.train), ytr);
    return score(m, takeRows(X, s.test), Float64Array.from(s.test, (i) => y[i]));
  });
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const std = Math.sqrt(scores.reduce((a, b) => a + (b - mean) * (b - mean), 0) / scores.length);
  return { scores, mean, std };
}

function score(model: Predictor, X: Matrix, y: Float64Array): number {
  const pred = model.predict(X);
  if (model.task === 'regression') return regressionMetrics(y, pred).r2;
  let c = 0;
  for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) c++;
  return c / y.length;
}

function evaluate(model: Predictor, X: Matrix, y: Float64Array, nClasses: number): ClassificationMetrics | RegressionMetrics {
  const pred = model.predict(X);
  if (model.task === 'regression') return regressionMetrics(y, pred);
  const P = model.predictProba!(X);
  let k = Math.max(P.cols, nClasses);
  for (let i = 0; i < y.length; i++) k = Math.max(k, y[i] + 1);
  if (k === P.cols) return classificationMetrics(y, pred, P);
  // The training rows missed a rare class: give it probability 0 so the metrics still cover every class.
  const wide = new Float64Array(P.rows * k);
  for (let i = 0; i < P.rows; i++) wide.set(P.data.subarray(i * P.cols, (i + 1) * P.cols), i * k);
  return classificationMetrics(y, pred, { rows: P.rows, cols: k, data: wide });
}

function coefficientsOf(model: Predictor, features: string[], classes?: string[]): TrainResult['coefficients'] {
  if (model instanceof FittedLinearRegression) {
    const inf = model.inference;
    const finite = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : undefined);
    return ['(intercept)', ...features].map((feature, j) => ({
      feature,
      coef: j === 0 ? model.intercept : model.coef[j - 1],
      se: finite(inf?.standardErrors[j]),
      p: finite(inf?.pValues[j]),
    }));
  }
  if (model instanceof FittedLogisticRegression) {
    const rowsOut = model.intercept.length;
    const out: NonNullable<TrainResult['coefficients']> = [];
    for (let c = 0; c < rowsOut; c++) {
      const cls = rowsOut === 1 ? classes?.[1] : classes?.[c];
      out.push({ feature: '(intercept)', class: cls, coef: model.intercept[c] });
      features.forEach((feature, j) => out.push({ feature, class: cls, coef: model.coef[c * features.length + j] }));
    }
    return out;
  }
  return undefined;
}
