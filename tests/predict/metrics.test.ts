import { describe, expect, it } from 'vitest';
import { classificationMetrics, regressionMetrics } from '../../src/predict/metrics.js';
import { kFold, trainTestSplit } from '../../src/predict/split.js';

// Reference values from scikit-learn 1.2 (roc_auc_score, log_loss, precision/recall/f1_score) on these exact inputs.
describe('classification metrics match scikit-learn', () => {
  it('binary: ROC-AUC, log-loss, precision, recall, F1, confusion', () => {
    const y = [0, 0, 1, 1, 1, 0, 1, 0, 1, 1];
    const p1 = [0.1, 0.4, 0.35, 0.8, 0.7, 0.4, 0.9, 0.2, 0.5, 0.65];
    const proba = { rows: 10, cols: 2, data: Float64Array.from(p1.flatMap((p) => [1 - p, p])) };
    const m = classificationMetrics(y, p1.map((p) => (p >= 0.5 ? 1 : 0)), proba);
    expect(m.rocAuc).toBeCloseTo(0.9166666666666667, 12);
    expect(m.logLoss).toBeCloseTo(0.4209086546565864, 12);
    expect(m.precision).toBe(1);
    expect(m.recall).toBeCloseTo(0.8333333333333334, 12);
    expect(m.f1).toBeCloseTo(0.9090909090909091, 12);
    expect(m.confusion).toEqual([[4, 0], [1, 5]]);
    expect(m.accuracy).toBe(0.9);
    expect(m.roc!.at(-1)).toMatchObject({ fpr: 1, tpr: 1 });
  });

  it('multiclass: macro one-vs-rest AUC, macro F1 and precision, log-loss', () => {
    const y = [0, 1, 2, 2, 1, 0, 2, 1];
    const P = [[0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.1, 0.2, 0.7], [0.3, 0.3, 0.4], [0.5, 0.3, 0.2], [0.6, 0.3, 0.1], [0.2, 0.2, 0.6], [0.1, 0.8, 0.1]];
    const pred = P.map((r) => r.indexOf(Math.max(...r)));
    const m = classificationMetrics(y, pred, { rows: 8, cols: 3, data: Float64Array.from(P.flat()) });
    expect(m.rocAuc).toBeCloseTo(0.9777777777777779, 12);
    expect(m.logLoss).toBeCloseTo(0.5964444254354615, 12);
    expect(m.f1).toBeCloseTo(0.8666666666666667, 12);
    expect(m.precision).toBeCloseTo(0.8888888888888888, 12);
  });

  it('regression: R², RMSE, MAE', () => {
    const m = regressionMetrics([3, -0.5, 2, 7], [2.5, 0, 2, 8]);
    expect(m.r2).toBeCloseTo(0.9486081370449679, 12);
    expect(m.rmse).toBeCloseTo(Math.sqrt(0.375), 12);
    expect(m.mae).toBe(0.5);
  });
});

describe('stratified splits', () => {
  const classes = Array.from({ length: 200 }, (_, i) => (i % 10 < 2 ? 1 : 0));

  it('train/test keeps the class share, is seeded and disjoint', () => {
    const s = trainTestSplit(200, 0.25, 1, classes);
    expect(s.test.length).toBe(50);
    expect(Array.from(s.test).filter((i) => classes[i] === 1)).toHaveLength(10);
    expect(new Set([...s.train, ...s.test]).size).toBe(200);
    expect(trainTestSplit(200, 0.25, 1, classes)).toEqual(s);
    expect(trainTestSplit(200, 0.25, 2, classes).test).not.toEqual(s.test);
  });

  it('k folds partition the rows with the class share in every fold', () => {
    const folds = kFold(200, 5, 3, classes);
    const seen = new Int32Array(200);
    for (const f of folds) {
      expect(f.test.length).toBe(40);
      expect(Array.from(f.test).filter((i) => classes[i] === 1)).toHaveLength(8);
      for (const i of f.test) seen[i]++;
    }
    expect(Array.from(seen).every((c) => c === 1)).toBe(true);
    expect(() => kFold(10, 1, 0)).toThrow(/folds must be/);
  });
});

describe('permutation importance', () => {
  it('finds the feature the target depends on and not the noise, also on a row subset', async () => {
    const { Random } = await import('../../src/random.js');
    const { permutationImportance } = await import('../../src/predict/importance.js');
    const { DecisionTreeClassifier } = await import('../../src/predict/tree.js');
    const rng = new Random(4);
    const n = 3000;
    const X = { rows: n, cols: 2, data: Float64Array.from({ length: 2 * n }, () => rng.normal()) };
    const y = Float64Array.from({ length: n }, (_, i) => (X.data[2 * i] > 0 ? 1 : 0));
    const m = new DecisionTreeClassifier({ maxDepth: 2 }).fit(X, y);
    for (const maxRows of [undefined, 500]) {
      const imp = permutationImportance(m, X, y, { repeats: 3, seed: 1, maxRows });
      expect(imp.baseline).toBeGreaterThan(0.99);
      expect(imp.mean[0]).toBeGreaterThan(0.4);
      expect(Math.abs(imp.mean[1])).toBeLessThan(0.02);
    }
  });
});
