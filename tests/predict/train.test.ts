import { describe, expect, it } from 'vitest';
import { fitDesign } from '../../src/features/design.js';
import { PREMIUM_TRUTH, syntheticCustomers } from '../../src/synth/customers.js';
import type { NumberColumn } from '../../src/data/table.js';
import { LogisticRegression } from '../../src/predict/logistic.js';
import type { ClassificationMetrics, RegressionMetrics } from '../../src/predict/metrics.js';
import { MODEL_NAMES } from '../../src/predict/registry.js';
import { scoreModel, trainModel } from '../../src/predict/train.js';

const plantedCustomers = (rows: number, seed: number) => syntheticCustomers({ rows, seed }).table;

describe('a planted relationship is recovered', () => {
  it('logistic regression recovers the sign and size of the planted premium coefficients', () => {
    const t = plantedCustomers(40_000, 3);
    const d = fitDesign(t, { include: ['email_engagement', 'social_engagement', 'income_level'], scaling: 'none', log1p: 'none' });
    const premium = (t.columns.find((c) => c.name === 'premium') as NumberColumn).values;
    const m = new LogisticRegression({ C: 1e6 }).fit(d.matrix, premium);
    const coef = Object.fromEntries(d.featureNames.map((f, j) => [f, m.coef[j]]));
    expect(Math.abs(coef.email_engagement - PREMIUM_TRUTH.emailEngagement)).toBeLessThan(0.3);
    expect(Math.abs(coef.social_engagement - PREMIUM_TRUTH.socialEngagement)).toBeLessThan(0.3);
    // One-hot with an intercept is over-parameterised; contrasts against the Low level are identified.
    expect(Math.abs(coef['income_level=Medium'] - coef['income_level=Low'] - PREMIUM_TRUTH.income.Medium)).toBeLessThan(0.15);
    expect(Math.abs(coef['income_level=High'] - coef['income_level=Low'] - PREMIUM_TRUTH.income.High)).toBeLessThan(0.15);
  });

  it('trainModel ranks the planted drivers first and beats the majority class, with no leakage warning', () => {
    const t = plantedCustomers(4000, 4);
    const r = trainModel(t, { target: 'premium', model: 'logistic' });
    expect(r.leakage).toEqual([]);
    const top = new Set(r.importance.slice(0, 4).map((x) => x.feature.split('=')[0]));
    expect(top.has('email_engagement') && top.has('income_level')).toBe(true);
    const m = r.metrics as ClassificationMetrics;
    expect(m.rocAuc).toBeGreaterThan(0.7);
    expect(m.roc![0]).toEqual({ fpr: 0, tpr: 0, threshold: Infinity });
    expect(r.cv!.scores).toHaveLength(5);
    expect(r.coefficients!.find((c) => c.feature === 'email_engagement')!.coef).toBeGreaterThan(0);
    expect(r.rows).toEqual({ used: 4000, train: 3000, test: 1000, missingTarget: 0 });
  });

  it('linear regression recovers the planted purchases slope on e-mail engagement, with its standard error', () => {
    const t = plantedCustomers(3000, 5);
    const r = trainModel(t, { target: 'purchases', model: 'linear', design: { include: ['email_engagement', 'age', 'gender'], scaling: 'none', log1p: 'none' } });
    expect(r.task).toBe('regression');
    const slope = r.coefficients!.find((c) => c.feature === 'email_engagement')!;
    expect(Math.abs(slope.coef - 10)).toBeLessThan(3 * slope.se!);
    expect(slope.p!).toBeLessThan(1e-50);
    expect(r.designNotes.some((n) => n.includes('gender=Female dropped as reference level'))).toBe(true);
  });

  it("'auto' picks a model by cross-validation and reports the candidates", () => {
    const r = trainModel(plantedCustomers(800, 6), { target: 'premium', folds: 3, params: { nEstimators: 20 } });
    expect(r.candidates!.map((c) => c.model)).toEqual(['logistic', 'forest']);
    expect(r.model).toBe(r.candidates!.reduce((a, b) => (b.cvMean > a.cvMean ? b : a)).model);
  });
});

describe('saved models: JSON round trip through scoreModel for every model kind', () => {
  const t = plantedCustomers(600, 7);
  for (const model of MODEL_NAMES) {
    it(`${model}: save, load, identical predictions on new customers`, () => {
      const target = model === 'linear' ? 'avg_order_value' : 'premium';
      const r = trainModel(t, { target, model, folds: 0, params: { nEstimators: 15, maxDepth: 4 }, importanceRepeats: 1 });
      const fresh = plantedCustomers(200, 99);
      const saved = JSON.parse(JSON.stringify(r.saved));
      const a = scoreModel(r.saved, fresh);
      const b = scoreModel(saved, fresh);
      expect(b.predictions).toEqual(a.predictions);
      expect(b.probabilities).toEqual(a.probabilities);
      if (model !== 'linear') expect(new Set(a.predictions)).toEqual(new Set(['0', '1']));
    });
  }

  it('a tree result carries rules; a wrong file is refused', () => {
    const r = trainModel(t, { target: 'premium', model: 'tree', folds: 0, params: { maxDepth: 3 } });
    expect(r.rules!.sql).toMatch(/^CASE/);
    expect(() => scoreModel({ format: 'x' } as never, t)).toThrow(/not a saved clientele model/);
    expect(() => trainModel(t, { target: 'premium', model: 'linear' })).toThrow(/predicts numbers/);
    expect(() => trainModel(t, { target: 'nope' })).toThrow(/not in the data/);
  });
});
