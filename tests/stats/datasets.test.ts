import { describe, expect, it } from 'vitest';
import {
  anovaOneWay,
  anovaTwoWay,
  chiSquareIndependence,
  fisherExact,
  kruskalWallis,
  levene,
  mannWhitneyU,
  pearson,
  seasonOfMonth,
  shapiroWilk,
  spearman,
  tukeyHsd,
  welchT,
} from '../../src/stats/index.js';
import type { AnovaRow } from '../../src/stats/index.js';
import { expectClose, fixture } from './helpers.js';

interface Row { term: string; sumSq: number; df: number; F: number; pValue: number }
const es = fixture('electronic-sales-anova.json');

function compare(actual: readonly AnovaRow[], expected: Row[], label: string) {
  // statsmodels names terms by formula; ours are A, B, A:B, Intercept, Residual in the same order.
  const names = expected.map((r) => r.term.replace('C(product, Sum)', 'product').replace('C(season, Sum)', 'season').replace('C(product)', 'product').replace('C(season)', 'season'));
  expect(actual.map((r) => r.term)).toEqual(names);
  actual.forEach((r, i) => {
    const e = expected[i];
    expectClose(r.sumSq, e.sumSq, 1e-6, `${label} ${r.term} SS`);
    expectClose(r.df, e.df, 1e-12, `${label} ${r.term} df`);
    if (r.term !== 'Residual') {
      expectClose(r.F, e.F, 1e-6, `${label} ${r.term} F`);
      expectClose(r.pValue, e.pValue, 1e-6, `${label} ${r.term} p`);
    }
  });
}

describe('two-way ANOVA on the electronic sales log (Total Price ~ Product Type × season)', () => {
  const { price, product, month, status, statusLevels } = es.inputs;
  const season = Int32Array.from(month as number[], (m) => seasonOfMonth(m));
  const productCodes = Int32Array.from(product as number[]);

  it('all rows as pandas reads them (cancelled orders kept): Type II and III match statsmodels', () => {
    const r = anovaTwoWay(price, productCodes, season, ['product', 'season']);
    expect(r.n).toBe(es.all.nobs);
    expect(r.missing).toBe(1);
    compare(r.typeII, es.all.typeII, 'II');
    compare(r.typeIII, es.all.typeIII, 'III');
  });

  it('completed orders only: Type II and III match statsmodels', () => {
    const completed = (statusLevels as string[]).indexOf('Completed');
    const y = Float64Array.from(price as number[], (v, i) => (status[i] === completed ? v : NaN));
    const r = anovaTwoWay(y, productCodes, season, ['product', 'season']);
    expect(r.n).toBe(es.completed.nobs);
    compare(r.typeII, es.completed.typeII, 'II');
    compare(r.typeIII, es.completed.typeIII, 'III');
  });
});

describe('customer behaviour data: spend by membership, gender and age', () => {
  const cb = fixture('customer-behavior.json');
  const { spend, age, membership, gender, membershipLevels, genderLevels } = cb.inputs;
  const by = (codes: number[], k: number) => Array.from({ length: k }, (_, l) => (spend as number[]).filter((_, i) => codes[i] === l));
  const mem = by(membership, membershipLevels.length);
  const gen = by(gender, genderLevels.length);
  const check = (r: { statistic: number; pValue: number }, e: { statistic: number; pValue: number }, label: string, rel = 1e-6, relStat = 1e-6) => {
    expectClose(r.statistic, e.statistic, relStat, `${label} statistic`);
    expectClose(r.pValue, e.pValue, rel, `${label} p`);
  };
  it('one-way ANOVA, Kruskal-Wallis, Levene', () => {
    check(anovaOneWay(mem), cb.anova, 'anova');
    check(kruskalWallis(mem), cb.kruskal, 'kruskal');
    check(levene(mem), cb.levene, 'levene');
  });
  it('Welch t and Mann-Whitney by gender', () => {
    check(welchT(gen[0], gen[1]), cb.welch_t, 'welch');
    check(mannWhitneyU(gen[0], gen[1]), cb.mann_whitney_u, 'mwu');
  });
  it('Pearson and Spearman of age and spend', () => {
    check(pearson(age, spend), cb.pearson, 'pearson');
    check(spearman(age, spend), cb.spearman, 'spearman');
  });
  it('Shapiro-Wilk on spend (scipy computes it in single precision)', () => {
    // W is float32 in scipy 1.10 (relative rounding ~1e-6 after accumulation), p inherits it amplified.
    check(shapiroWilk(spend), cb.shapiro, 'shapiro', 2e-4, 5e-6);
  });
  it('chi-square gender × satisfaction and Fisher gender × discount', () => {
    check(chiSquareIndependence(cb.chi_square.table), cb.chi_square, 'chi2');
    check(fisherExact(cb.fisher.table), cb.fisher, 'fisher');
  });
  const checkTukey = (groups: number[][], expected: { diff: number; pValue: number }[]) => {
    const r = tukeyHsd(groups);
    expect(r.pairs).toHaveLength(expected.length);
    r.pairs.forEach((p, i) => {
      expectClose(p.diff, expected[i].diff, 1e-9, 'diff');
      // scipy's quadrature has an absolute floor near 1e-11 (it returns 0 or ~1e-14 noise for well-separated
      // groups, where ours keeps the tail), so tiny references are only checked for being tiny.
      if (expected[i].pValue < 1e-9) expect(p.pValue).toBeLessThan(1e-9);
      else expectClose(p.pValue, expected[i].pValue, 1e-4, `tukey ${p.a}-${p.b}`);
    });
  };
  it('Tukey HSD across membership tiers (all far apart: scipy says 0)', () => {
    checkTukey(mem, cb.tukey);
  });
  it('Tukey HSD of days since last purchase across six cities within 1e-4', () => {
    const { days, city, cityLevels } = cb.inputs;
    const groups = Array.from({ length: cityLevels.length }, (_, l) => (days as number[]).filter((_, i) => city[i] === l));
    expect(cb.tukey_days_by_city.filter((x: { pValue: number }) => x.pValue > 0).length).toBeGreaterThan(2);
    checkTukey(groups, cb.tukey_days_by_city);
  });
});
