import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { categoryColumn, numberColumn, table } from '../../src/data/table.js';
import {
  anovaOneWay,
  anovaTwoWay,
  chiSquareIndependence,
  driversScan,
  fisherExact,
  formatP,
  kruskalWallis,
  levene,
  mannWhitneyU,
  pairedT,
  pearson,
  shapiroWilk,
  spearman,
  studentT,
  tukeyHsd,
  welchAnova,
  welchT,
} from '../../src/stats/index.js';
import { chi2Sf, normalSf, tSf } from '../../src/stats/distributions.js';

describe('a group of size one', () => {
  it('Welch t and Welch ANOVA have no variance estimate: NaN statistic, p = 1, a note', () => {
    for (const r of [welchT([5], [1, 2, 3]), welchAnova([[5], [1, 2, 3], [4, 5, 6]])]) {
      expect(r.statistic).toBeNaN();
      expect(r.pValue).toBe(1);
      expect(r.notes?.[0]).toMatch(/size one/);
    }
  });
  it('Student t and one-way ANOVA still work from the pooled variance (as scipy)', () => {
    const s = studentT([5], [1, 2, 3]);
    expect(s.df).toBe(2);
    expect(s.statistic).toBeCloseTo(3 / Math.sqrt(1 * (1 + 1 / 3)), 12);
    expect(anovaOneWay([[5], [1, 2, 3]]).pValue).toBeGreaterThan(0);
  });
  it('every group of size one leaves no within-group variance', () => {
    const r = anovaOneWay([[1], [2], [3]]);
    expect(r.pValue).toBe(1);
    expect(r.notes?.[0]).toMatch(/one value/);
    expect(tukeyHsd([[1], [2], [3]]).pairs).toEqual([]);
  });
  it('Mann-Whitney with one value per side uses the exact distribution', () => {
    const r = mannWhitneyU([1], [2]);
    expect(r.statistic).toBe(0);
    expect(r.pValue).toBe(1);
  });
});

describe('all values equal', () => {
  const same = [3, 3, 3, 3];
  it('t tests, ANOVA, rank tests and correlations return NaN, p = 1 and a note', () => {
    const results = [
      studentT(same, same), welchT(same, same), pairedT(same, same), anovaOneWay([same, same]),
      kruskalWallis([same, same]), pearson(same, [1, 2, 3, 4]), spearman([1, 2, 3, 4], same),
      shapiroWilk(same), levene([same, same]),
    ];
    for (const r of results) {
      expect(r.statistic, r.test).toBeNaN();
      expect(r.pValue, r.test).toBe(1);
      expect(r.notes?.length, r.test).toBeGreaterThan(0);
    }
  });
  it('Mann-Whitney keeps U = n1·n2/2 with p = 1, as scipy', () => {
    const r = mannWhitneyU(same, same);
    expect([r.statistic, r.pValue]).toEqual([8, 1]);
    expect(r.notes?.[0]).toMatch(/all values are equal/);
  });
  it('constant groups with different means: infinite t and p = 0, as scipy', () => {
    const r = welchT([1, 1, 1], [2, 2, 2]);
    expect(r.statistic).toBe(-Infinity);
    expect(r.pValue).toBe(0);
  });
});

describe('a factor with one level', () => {
  const y = [1, 2, 3, 4, 5, 6];
  it('two-way ANOVA throws an InputError naming the factor', () => {
    const one = new Int32Array(6);
    const two = Int32Array.from([0, 1, 0, 1, 0, 1]);
    expect(() => anovaTwoWay(y, one, two, ['store', 'day'])).toThrow(InputError);
    expect(() => anovaTwoWay(y, one, two, ['store', 'day'])).toThrow(/factor store has only one level/);
  });
  it('the drivers scan skips it with a reason and throws for a constant outcome', () => {
    const t = table([numberColumn('spend', y), categoryColumn('store', ['a', 'a', 'a', 'a', 'a', 'a']), categoryColumn('flag', ['y', 'y', 'y', 'y', 'y', 'y'])]);
    const r = driversScan(t, { outcome: 'spend', factors: ['store'] });
    expect(r.drivers).toEqual([]);
    expect(r.skipped).toEqual([{ factor: 'store', reason: 'has only one level' }]);
    expect(() => driversScan(t, { outcome: 'flag' })).toThrow(/only one value/);
  });
  it('an empty cell in a two-way design is counted and noted, and the interaction loses its degree of freedom', () => {
    // 2 x 3 design with cell (1, 2) empty.
    const a = Int32Array.from([0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
    const b = Int32Array.from([0, 0, 1, 1, 2, 2, 0, 0, 1, 1]);
    const y = [1, 2, 3, 5, 8, 9, 2, 4, 7, 7.5];
    const r = anovaTwoWay(y, a, b);
    expect(r.emptyCells).toBe(1);
    expect(r.notes?.[0]).toMatch(/1 empty cell/);
    expect(r.typeII.find((x) => x.term === 'A:B')?.df).toBe(1);
    expect(r.typeII.at(-1)?.df).toBe(10 - 5);
  });
  it('fewer than two groups in one-way tests is a defined degenerate result', () => {
    expect(kruskalWallis([[1, 2, 3]]).pValue).toBe(1);
    expect(anovaOneWay([[1, 2, 3], []]).notes?.[0]).toMatch(/two non-empty groups/);
  });
});

describe('missing values are dropped and counted', () => {
  it('two-sample, paired, correlation and k-group tests', () => {
    expect(welchT([1, NaN, 3, 4], [2, 5, NaN, 7]).missing).toBe(2);
    expect(welchT([1, NaN, 3, 4], [2, 5, NaN, 7]).n).toBe(6);
    expect(welchT([1, NaN, 3, 4], [2, 5, NaN, 7]).statistic).toBeCloseTo(welchT([1, 3, 4], [2, 5, 7]).statistic, 14);
    const p = pairedT([1, 2, NaN, 4, 5], [2, 2, 3, NaN, 7]);
    expect([p.n, p.missing]).toEqual([3, 2]);
    expect(pearson([1, 2, 3, NaN, 5], [2, 1, 4, 3, NaN]).missing).toBe(2);
    expect(kruskalWallis([[1, NaN, 2], [3, 4, NaN]]).missing).toBe(2);
    const two = anovaTwoWay([1, 2, NaN, 4, 5, 6, 7, 8, 9], Int32Array.from([0, 0, 0, 1, 1, 1, 0, 1, -1]), Int32Array.from([0, 1, 0, 1, 0, 1, 0, 1, 1]));
    expect([two.n, two.missing]).toEqual([7, 2]);
  });
  it('the drivers scan reports missing rows per test', () => {
    const t = table([numberColumn('spend', [1, 2, NaN, 4, 5, 6, 7, 8]), categoryColumn('store', ['a', 'b', 'a', null, 'a', 'b', 'a', 'b'])]);
    const r = driversScan(t, { outcome: 'spend' });
    expect(r.drivers[0].test.n).toBe(6);
    expect(r.drivers[0].test.missing).toBe(2);
  });
});

describe('p-values below 1e-300', () => {
  it('distribution tails stay representable instead of rounding to 0', () => {
    expect(chi2Sf(1400, 1)).toBeGreaterThan(0);
    expect(chi2Sf(1400, 1)).toBeLessThan(1e-300);
    expect(normalSf(37.5)).toBeGreaterThan(0);
    expect(tSf(1e10, 30)).toBeGreaterThan(0);
  });
  it('a strong correlation and a large contingency effect keep a positive p below 1e-300', () => {
    const x = Array.from({ length: 400 }, (_, i) => i);
    const y = x.map((v, i) => v + Math.sin(i) * 29);
    const r = pearson(x, y);
    expect(r.pValue).toBeGreaterThan(0);
    expect(r.pValue).toBeLessThan(1e-300);
    const c = chiSquareIndependence([[918, 82], [82, 918]]);
    expect(c.pValue).toBeGreaterThan(0);
    expect(c.pValue).toBeLessThan(1e-300);
  });
  it('sentences write "< 1e-300" rather than 0', () => {
    expect(formatP(1e-305)).toBe('p < 1e-300');
    expect(formatP(0)).toBe('p < 1e-300');
    expect(formatP(0.0004)).toBe('p < 0.001');
    expect(formatP(0.0123, true)).toBe('adjusted p = 0.012');
    expect(formatP(0.43)).toBe('p = 0.43');
  });
});

describe('Fisher exact edge cases', () => {
  it('an empty row gives NaN odds ratio and p = 1; a non-2x2 table throws', () => {
    const r = fisherExact([[0, 0], [3, 4]]);
    expect(r.statistic).toBeNaN();
    expect(r.pValue).toBe(1);
    expect(() => fisherExact([[1, 2, 3], [4, 5, 6]])).toThrow(InputError);
  });
});
