import { describe, expect, it } from 'vitest';
import { AGGREGATE_GROUPS, premiumLogit, syntheticAggregates, syntheticCustomers } from '../../src/synth/index.js';
import { findColumn, type CategoryColumn, type NumberColumn } from '../../src/data/table.js';

describe('syntheticCustomers', () => {
  const { table, truth } = syntheticCustomers({ rows: 20_000, seed: 3 });
  const premium = (findColumn(table, 'premium') as NumberColumn).values;
  const income = findColumn(table, 'income_level') as CategoryColumn;
  const email = (findColumn(table, 'email_engagement') as NumberColumn).values;
  const social = (findColumn(table, 'social_engagement') as NumberColumn).values;

  it('draws premium from the planted logistic model', () => {
    for (let i = 0; i < 50; i++) {
      const p = 1 / (1 + Math.exp(-premiumLogit(income.levels[income.codes[i]] as 'Low', email[i], social[i])));
      expect(truth.probability[i]).toBeCloseTo(p, 12);
    }
    // Observed premium rate per income level matches the planted probabilities (within 4 standard errors).
    for (let level = 0; level < income.levels.length; level++) {
      let n = 0;
      let observed = 0;
      let expected = 0;
      let variance = 0;
      for (let i = 0; i < table.rows; i++) {
        if (income.codes[i] !== level) continue;
        n++;
        observed += premium[i];
        expected += truth.probability[i];
        variance += truth.probability[i] * (1 - truth.probability[i]);
      }
      expect(n).toBeGreaterThan(2000);
      expect(Math.abs(observed - expected)).toBeLessThan(4 * Math.sqrt(variance));
    }
    const rate = (name: string): number => {
      const code = income.levels.indexOf(name);
      let s = 0;
      let n = 0;
      for (let i = 0; i < table.rows; i++) if (income.codes[i] === code) (s += premium[i]), n++;
      return s / n;
    };
    expect(rate('High')).toBeGreaterThan(rate('Medium'));
    expect(rate('Medium')).toBeGreaterThan(rate('Low'));
  });

  it('is reproducible from the seed', () => {
    const again = syntheticCustomers({ rows: 20_000, seed: 3 });
    expect(again.table).toEqual(table);
    expect(syntheticCustomers({ rows: 100, seed: 4 }).table).not.toEqual(syntheticCustomers({ rows: 100, seed: 3 }).table);
  });
});

describe('syntheticAggregates', () => {
  it('has the 60-day columns and the planted group shares', () => {
    const { table, truth } = syntheticAggregates({ rows: 10_000, seed: 2 });
    expect(table.columns.map((c) => c.name)).toEqual([
      'customer_id', 'total_spend', 'purchase_count', 'avg_order_value', 'avg_session_length', 'wishlist_adds', 'product_reviews',
    ]);
    AGGREGATE_GROUPS.forEach((g, k) => {
      const share = truth.group.filter((v) => v === k).length / table.rows;
      expect(Math.abs(share - g.share)).toBeLessThan(0.02);
    });
    const spend = (findColumn(table, 'total_spend') as NumberColumn).values;
    const count = (findColumn(table, 'purchase_count') as NumberColumn).values;
    const aov = (findColumn(table, 'avg_order_value') as NumberColumn).values;
    for (let i = 0; i < 100; i++) {
      expect(count[i]).toBeGreaterThanOrEqual(1);
      expect(Math.abs(aov[i] * count[i] - spend[i])).toBeLessThan(0.01 * count[i] + 0.01);
    }
    for (let i = 0; i < table.rows; i++) if (truth.loyalCore[i]) expect(truth.group[i]).toBe(truth.topGroup);
  });
});
