import { describe, expect, it } from 'vitest';
import { KMeans } from '../../src/cluster/kmeans.js';
import { numberColumn, table } from '../../src/data/table.js';
import { fitDesign } from '../../src/features/design.js';
import { Random } from '../../src/random.js';
import { clusterTarget, medianSplitTarget } from '../../src/predict/targets.js';
import { trainModel } from '../../src/predict/train.js';
import { loadCustomerBehaviour } from './customers.js';

describe('leakage guard: the seed pitfall', () => {
  const customers = loadCustomerBehaviour();
  const inputs = ['Age', 'Total_Spend', 'Items_Purchased', 'Average_Rating', 'Days_Since_Last_Purchase'];

  it('k-means clusters predicted from the clustering features: near-perfect accuracy AND a prominent warning', () => {
    const design = fitDesign(customers, { include: inputs });
    const labels = new KMeans({ k: 3, seed: 1 }).fit(design.matrix).labels;
    const result = trainModel(customers, { target: clusterTarget(labels, inputs), model: 'tree', design: { include: inputs }, folds: 3 });
    expect((result.metrics as { accuracy: number }).accuracy).toBeGreaterThan(0.9);
    const derived = result.leakage.filter((w) => w.kind === 'derived-target');
    expect(derived).toHaveLength(1);
    expect(derived[0].columns.sort()).toEqual([...inputs].sort());
    expect(derived[0].message).toMatch(/proves nothing|says nothing/);
  });

  it('a median split of Total_Spend with Total_Spend among the inputs is flagged, by provenance and by the one-feature check', () => {
    const result = trainModel(customers, { target: medianSplitTarget(customers, 'Total_Spend'), model: 'logistic', folds: 0, keepTargetInputs: true });
    const kinds = result.leakage.map((w) => `${w.kind}:${w.columns.join(',')}`);
    expect(kinds).toContain('derived-target:Total_Spend');
    expect(result.leftOut).toEqual([]);
    // By default the source column is left out (and listed), so there is nothing to warn about by provenance.
    const honest = trainModel(customers, { target: medianSplitTarget(customers, 'Total_Spend'), model: 'logistic', folds: 0 });
    expect(honest.leftOut.map((x) => x.column)).toEqual(['Total_Spend']);
    expect(honest.features).not.toContain('Total_Spend');
    expect(honest.leakage.filter((w) => w.kind === 'derived-target')).toHaveLength(0);
  });

  it('a column that copies the target is caught by the single-feature check', () => {
    const rng = new Random(5);
    const n = 400;
    const y = Float64Array.from({ length: n }, () => (rng.uniform() < 0.4 ? 1 : 0));
    const t = table([
      numberColumn('premium', y),
      numberColumn('noise', Float64Array.from({ length: n }, () => rng.normal())),
      numberColumn('premium_fee', Float64Array.from(y, (v) => v * 9.99 + rng.uniform() * 0.5)),
    ]);
    const result = trainModel(t, { target: 'premium', model: 'logistic', folds: 0 });
    expect(result.leakage).toHaveLength(1);
    expect(result.leakage[0]).toMatchObject({ kind: 'single-feature', columns: ['premium_fee'] });
    expect(result.leakage[0].score).toBeGreaterThanOrEqual(0.98);
  });

  it('an honest planted relationship raises no warning', () => {
    const rng = new Random(11);
    const n = 1500;
    const x1 = Float64Array.from({ length: n }, () => rng.normal());
    const x2 = Float64Array.from({ length: n }, () => rng.normal());
    const y = Float64Array.from(x1, (v, i) => (rng.uniform() < 1 / (1 + Math.exp(-(0.5 + 1.5 * v - 0.8 * x2[i]))) ? 1 : 0));
    const result = trainModel(table([numberColumn('premium', y), numberColumn('engagement', x1), numberColumn('tenure', x2)]), { target: 'premium', model: 'logistic', folds: 0 });
    expect(result.leakage).toEqual([]);
  });
});
