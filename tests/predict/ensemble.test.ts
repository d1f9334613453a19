import { describe, expect, it } from 'vitest';
import { takeRows } from '../../src/data/matrix.js';
import { FittedGradientBoosting, GradientBoostingClassifier, GradientBoostingRegressor } from '../../src/predict/boosting.js';
import { FittedRandomForest, RandomForestClassifier, RandomForestRegressor } from '../../src/predict/forest.js';
import { loadFixture, matrixFromRows } from './fixtures.js';
import type { TreeFixture } from './tree.test.js';

interface EnsembleFixture extends TreeFixture {
  boosting: { params: { n_estimators: number; max_depth: number; learning_rate: number }; accuracy: number }[];
}

function accuracy(pred: Float64Array, y: number[]): number {
  let c = 0;
  for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) c++;
  return c / y.length;
}

describe('ensembles against scikit-learn on the synthetic premium set (same train/test rows)', () => {
  const fx = loadFixture<EnsembleFixture>('trees.json');
  const X = matrixFromRows(fx.X);
  const Xtr = takeRows(X, fx.train);
  const Xte = takeRows(X, fx.test);
  const ytr = fx.train.map((i) => fx.y[i]);
  const yte = fx.test.map((i) => fx.y[i]);

  for (const ref of fx.forests) {
    it(`random forest ${JSON.stringify(ref.params)}: test accuracy within 2 points`, () => {
      const m = new RandomForestClassifier({
        nEstimators: ref.params.n_estimators,
        maxDepth: ref.params.max_depth,
        minSamplesLeaf: ref.params.min_samples_leaf,
        seed: 3,
      }).fit(Xtr, ytr);
      expect(Math.abs(accuracy(m.predict(Xte), yte) - ref.accuracy)).toBeLessThanOrEqual(0.02);
    });
  }

  for (const ref of fx.boosting) {
    it(`gradient boosting ${JSON.stringify(ref.params)}: test accuracy within 2 points`, () => {
      const { n_estimators, max_depth, learning_rate } = ref.params;
      const m = new GradientBoostingClassifier({ nEstimators: n_estimators, maxDepth: max_depth, learningRate: learning_rate }).fit(Xtr, ytr);
      expect(Math.abs(accuracy(m.predict(Xte), yte) - ref.accuracy)).toBeLessThanOrEqual(0.02);
    });
  }

  it('forests are reproducible from the seed and differ across seeds', () => {
    const a = new RandomForestClassifier({ nEstimators: 10, maxDepth: 4, seed: 1 }).fit(Xtr, ytr).predictProba(Xte).data;
    const b = new RandomForestClassifier({ nEstimators: 10, maxDepth: 4, seed: 1 }).fit(Xtr, ytr).predictProba(Xte).data;
    const c = new RandomForestClassifier({ nEstimators: 10, maxDepth: 4, seed: 2 }).fit(Xtr, ytr).predictProba(Xte).data;
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('multiclass boosting and both regressors learn (better than the baseline)', () => {
    const y3 = ytr.map((v, i) => (v === 1 ? 2 : fx.X[fx.train[i]][4] > 0.5 ? 1 : 0));
    const gb = new GradientBoostingClassifier({ nEstimators: 30 }).fit(Xtr, y3);
    expect(gb.predictProba(Xtr).cols).toBe(3);
    expect(accuracy(gb.predict(Xtr), y3)).toBeGreaterThan(0.7);
    const yr = fx.train.map((i) => 2 * fx.X[i][3] + 10 * fx.X[i][4]);
    for (const m of [new GradientBoostingRegressor({ nEstimators: 50 }).fit(Xtr, yr), new RandomForestRegressor({ nEstimators: 20 }).fit(Xtr, yr)]) {
      const pred = m.predict(Xtr);
      const mean = yr.reduce((s, v) => s + v, 0) / yr.length;
      let sse = 0;
      let sst = 0;
      yr.forEach((v, i) => {
        sse += (v - pred[i]) ** 2;
        sst += (v - mean) ** 2;
      });
      expect(1 - sse / sst).toBeGreaterThan(0.9);
    }
  });

  it('round-trip through JSON with identical predictions', () => {
    const f = new RandomForestClassifier({ nEstimators: 5, maxDepth: 3 }).fit(Xtr, ytr);
    expect(FittedRandomForest.fromJSON(JSON.parse(JSON.stringify(f.toJSON()))).predictProba(Xte).data).toEqual(f.predictProba(Xte).data);
    const g = new GradientBoostingClassifier({ nEstimators: 10 }).fit(Xtr, ytr);
    expect(FittedGradientBoosting.fromJSON(JSON.parse(JSON.stringify(g.toJSON()))).predictProba(Xte).data).toEqual(g.predictProba(Xte).data);
  });
});
