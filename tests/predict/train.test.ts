import { describe, expect, it } from 'vitest';
import { categoryColumn, numberColumn, table, type Table } from '../../src/data/table.js';
import { fitDesign } from '../../src/features/design.js';
import { Random } from '../../src/random.js';
import { LogisticRegression } from '../../src/predict/logistic.js';
import type { ClassificationMetrics, RegressionMetrics } from '../../src/predict/metrics.js';
import { MODEL_NAMES } from '../../src/predict/registry.js';
import { scoreModel, trainModel } from '../../src/predict/train.js';

/**
 * Synthetic customers with a planted premium rule: log-odds = -1 + 1.2·email_engagement(z) + 0.8·satisfaction(z)
 * − 0.5·[gender = M], plus spend driven by purchases for the regression target.
 */
function plantedCustomers(n: number, seed: number): Table {
  const rng = new Random(seed);
  const email = Float64Array.from({ length: n }, () => rng.normal());
  const satisfaction = Float64Array.from({ length: n }, () => rng.normal());
  const age = Float64Array.from({ length: n }, () => Math.round(rng.normal(40, 12)));
  const gender = Array.from({ length: n }, () => (rng.uniform() < 0.5 ? 'M' : 'F'));
  const purchases = Float64Array.from({ length: n }, () => rng.poisson(6));
  const premium = Array.from({ length: n }, (_, i) => {
    const z = -1 + 1.2 * email[i] + 0.8 * satisfaction[i] - 0.5 * (gender[i] === 'M' ? 1 : 0);
    return rng.uniform() < 1 / (1 + Math.exp(-z)) ? 'yes' : 'no';
  });
  const spend = Float64Array.from(purchases, (p) => 35 * p + rng.normal(0, 20));
  return table([
    numberColumn('customer_id', Float64Array.from({ length: n }, (_, i) => i + 1)),
    numberColumn('email_engagement', email),
    numberColumn('satisfaction', satisfaction),
    numberColumn('age', age),
    categoryColumn('gender', gender),
    numberColumn('purchases', purchases),
    numberColumn('spend', spend),
    categoryColumn('premium', premium),
  ]);
}

describe('a planted relationship is recovered', () => {
  it('logistic regression recovers the sign and size of the planted coefficients', () => {
    const t = plantedCustomers(20_000, 3);
    const d = fitDesign(t, { include: ['email_engagement', 'satisfaction', 'gender'], scaling: 'none' });
    const codes = (t.columns[7] as { codes: Int32Array }).codes;
    const m = new LogisticRegression({ C: 1e6 }).fit(d.matrix, codes);
    const coef = Object.fromEntries(d.featureNames.map((f, j) => [f, m.coef[j]]));
    expect(coef.email_engagement).toBeGreaterThan(1.1);
    expect(coef.email_engagement).toBeLessThan(1.3);
    expect(coef.satisfaction).toBeGreaterThan(0.7);
    expect(coef.satisfaction).toBeLessThan(0.9);
    // One-hot with an intercept is over-parameterised; the contrast M − F is identified.
    expect(coef['gender=M'] - coef['gender=F']).toBeGreaterThan(-0.65);
    expect(coef['gender=M'] - coef['gender=F']).toBeLessThan(-0.35);
  });

  it('trainModel ranks the planted drivers first and beats the majority class, with no leakage warning', () => {
    const t = plantedCustomers(3000, 4);
    const r = trainModel(t, { target: 'premium', positive: 'yes', model: 'logistic' });
    expect(r.leakage).toEqual([]);
    expect(r.importance.slice(0, 2).map((x) => x.feature).sort()).toEqual(['email_engagement', 'satisfaction']);
    const m = r.metrics as ClassificationMetrics;
    expect(m.rocAuc).toBeGreaterThan(0.75);
    expect(m.roc![0]).toEqual({ fpr: 0, tpr: 0, threshold: Infinity });
    expect(r.cv!.scores).toHaveLength(5);
    expect(r.coefficients!.find((c) => c.feature === 'email_engagement')!.coef).toBeGreaterThan(0.8);
    expect(r.rows).toEqual({ used: 3000, train: 2250, test: 750, missingTarget: 0 });
  });

  it('linear regression on spend reports the purchases slope with its standard error', () => {
    const t = plantedCustomers(2000, 5);
    const r = trainModel(t, { target: 'spend', model: 'linear', design: { include: ['purchases', 'age'], scaling: 'none', log1p: 'none' } });
    expect(r.task).toBe('regression');
    const slope = r.coefficients!.find((c) => c.feature === 'purchases')!;
    expect(Math.abs(slope.coef - 35)).toBeLessThan(3 * slope.se!);
    expect(slope.p!).toBeLessThan(1e-100);
    expect((r.metrics as RegressionMetrics).r2).toBeGreaterThan(0.8);
  });

  it("'auto' picks a model by cross-validation and reports the candidates", () => {
    const r = trainModel(plantedCustomers(800, 6), { target: 'premium', positive: 'yes', folds: 3, params: { nEstimators: 20 } });
    expect(r.candidates!.map((c) => c.model)).toEqual(['logistic', 'forest']);
    expect(r.model).toBe(r.candidates!.reduce((a, b) => (b.cvMean > a.cvMean ? b : a)).model);
  });
});

describe('saved models: JSON round trip through scoreModel for every model kind', () => {
  const t = plantedCustomers(600, 7);
  for (const model of MODEL_NAMES) {
    it(`${model}: save, load, identical predictions on new customers`, () => {
      const target = model === 'linear' ? 'spend' : 'premium';
      const r = trainModel(t, { target, model, folds: 0, params: { nEstimators: 15, maxDepth: 4 }, importanceRepeats: 1 });
      const fresh = plantedCustomers(200, 99);
      const saved = JSON.parse(JSON.stringify(r.saved));
      const a = scoreModel(r.saved, fresh);
      const b = scoreModel(saved, fresh);
      expect(b.predictions).toEqual(a.predictions);
      expect(b.probabilities).toEqual(a.probabilities);
      if (model !== 'linear') expect(new Set(a.predictions)).toEqual(new Set(['yes', 'no']));
    });
  }

  it('a tree result carries rules; a wrong file is refused', () => {
    const r = trainModel(t, { target: 'premium', positive: 'yes', model: 'tree', folds: 0, params: { maxDepth: 3 } });
    expect(r.rules!.sql).toMatch(/^CASE/);
    expect(() => scoreModel({ format: 'x' } as never, t)).toThrow(/not a saved clientele prediction model/);
    expect(() => trainModel(t, { target: 'premium', model: 'linear' })).toThrow(/predicts numbers/);
    expect(() => trainModel(t, { target: 'nope' })).toThrow(/not in the data/);
  });
});
