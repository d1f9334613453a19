import { describe, expect, it } from 'vitest';
import { compile } from 'vega-lite';
import { KMeans } from '../../src/cluster/kmeans.js';
import { fitDesign } from '../../src/features/design.js';
import { clusterTarget, columnTarget } from '../../src/predict/targets.js';
import { trainModel } from '../../src/predict/train.js';
import { predictionSection } from '../../src/report/sections/prediction.js';
import { loadCustomerBehaviour } from './customers.js';

describe('prediction report section', () => {
  const customers = loadCustomerBehaviour();

  it('leads with the leakage warning as a warning callout when predicting clusters from their inputs', () => {
    const inputs = ['Total_Spend', 'Items_Purchased', 'Days_Since_Last_Purchase'];
    const labels = new KMeans({ k: 4, seed: 2 }).fit(fitDesign(customers, { include: inputs }).matrix).labels;
    const s = predictionSection(trainModel(customers, { target: clusterTarget(labels, inputs), model: 'tree', design: { include: inputs }, folds: 0 }));
    expect(s.blocks[0]).toMatchObject({ kind: 'callout', level: 'warning' });
    expect(s.findings[0]).toMatch(/^Leakage warning/);
    expect(s.blocks.some((b) => b.kind === 'text' && b.text.includes('CASE'))).toBe(true);
    const rules = s.blocks.find((b) => b.kind === 'table' && b.title.startsWith('Business rules'));
    expect(rules).toMatchObject({ columns: ['if', 'then', 'customers', 'share', 'precision'] });
    expect((rules as unknown as { rows: unknown[][] }).rows[0][0]).toMatch(/(Total_Spend|Items_Purchased|Days_Since_Last_Purchase) (>|<=) \d/);
  });

  it('binary classification: metrics, confusion matrix, valid Vega-Lite ROC and importance charts, no warning', () => {
    const target = columnTarget(customers, 'Discount_Applied');
    const s = predictionSection(trainModel(customers, { target, model: 'logistic', folds: 3, design: { include: ['Age', 'Gender', 'Average_Rating'] } }));
    expect(s.blocks.some((b) => b.kind === 'callout')).toBe(false);
    const charts = s.blocks.filter((b) => b.kind === 'chart');
    expect(charts.map((c) => c.title)).toEqual([expect.stringMatching(/^ROC curve/), 'Permutation importance']);
    for (const c of charts) expect(() => compile(c.spec as never)).not.toThrow();
    const confusion = s.blocks.find((b) => b.kind === 'table' && b.title.startsWith('Confusion'));
    expect(confusion).toMatchObject({ columns: ['actual \\ predicted', 'FALSE', 'TRUE'] });
    expect(s.findings[0]).toMatch(/accuracy on \d+ held-out customers \(3-fold cross-validation/);
  });

  it('regression: R² finding and a coefficient table with standard errors', () => {
    const s = predictionSection(trainModel(customers, { target: 'Total_Spend', model: 'linear', folds: 0, design: { include: ['Age', 'Items_Purchased', 'City'] } }));
    expect(s.findings.some((f) => /explains [\d.]+% of the variance/.test(f))).toBe(true);
    const coef = s.blocks.find((b) => b.kind === 'table' && b.title === 'Coefficients');
    expect(coef).toMatchObject({ columns: ['feature', 'coefficient', 'std. error', 'p'] });
  });
});
