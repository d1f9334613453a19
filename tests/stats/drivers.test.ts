import { describe, expect, it } from 'vitest';
import { Random } from '../../src/random.js';
import { categoryColumn, dateColumn, numberColumn, table, type Column } from '../../src/data/table.js';
import { driversScan, parseInteraction } from '../../src/stats/index.js';
import { driversSection } from '../../src/report/sections/drivers.js';

/** 600 orders: value depends on product (planted), on product × season (planted), on basket size; 12 null factors. */
function syntheticOrders(seed = 7) {
  const rng = new Random(seed);
  const n = 600;
  const products = ['Laptop', 'Phone', 'Tablet'];
  const seasons = ['Winter', 'Summer'];
  const product: string[] = [];
  const season: string[] = [];
  const items = new Float64Array(n);
  const value = new Float64Array(n);
  const premium: string[] = [];
  const nulls: Column[] = [];
  const nullCodes = Array.from({ length: 12 }, () => [] as string[]);
  for (let i = 0; i < n; i++) {
    const p = rng.int(3);
    const s = rng.int(2);
    product.push(products[p]);
    season.push(seasons[s]);
    items[i] = 1 + rng.int(5);
    // Phones sell much higher in summer: an interaction on top of the product main effect.
    value[i] = 100 + 60 * p + (p === 1 && s === 1 ? 80 : 0) + 15 * items[i] + rng.normal(0, 40);
    premium.push(rng.uniform() < (p === 0 ? 0.6 : 0.25) ? 'Yes' : 'No');
    for (const codes of nullCodes) codes.push(['a', 'b', 'c'][rng.int(3)]);
  }
  nullCodes.forEach((codes, j) => nulls.push(categoryColumn(`noise ${j + 1}`, codes)));
  // One missing outcome value, to check it is dropped and counted.
  value[5] = NaN;
  return table([
    numberColumn('order value', value),
    categoryColumn('product', product),
    categoryColumn('season', season),
    numberColumn('items', items),
    categoryColumn('premium', premium),
    ...nulls,
  ]);
}

describe('drivers scan', () => {
  const t = syntheticOrders();
  const result = driversScan(t, {
    outcome: 'order value',
    factors: ['product', 'season', 'items', ...Array.from({ length: 12 }, (_, j) => `noise ${j + 1}`)],
    interactions: [['product', 'season']],
    correction: 'holm',
  });

  it('finds the planted product effect, ranks it first and describes it as significant', () => {
    const top = result.drivers[0];
    expect(top.factor).toBe('product');
    expect(top.significant).toBe(true);
    expect(top.strength).toBeGreaterThan(0.3);
    expect(top.sentence).toMatch(/^product explains \d+% of the variance in order value \((Welch ANOVA|one-way ANOVA), adjusted p < 0\.001\): mean order value is highest for Tablet/);
    expect(top.sentence).toContain('the effect depends on season');
    expect(top.test.missing).toBe(1);
    expect(top.postHoc?.length).toBe(3);
  });

  it('finds the planted numeric driver with a correlation', () => {
    const items = result.drivers.find((d) => d.factor === 'items');
    expect(items?.significant).toBe(true);
    expect(items?.test.test).toMatch(/pearson|spearman/);
    expect(items?.sentence).toMatch(/^Higher items goes with higher order value/);
  });

  it('never calls a null factor significant after correction', () => {
    const noise = result.drivers.filter((d) => d.factor.startsWith('noise'));
    expect(noise).toHaveLength(12);
    for (const d of noise) {
      expect(d.significant).toBe(false);
      expect(d.sentence).not.toMatch(/explains|goes with|differs by/);
    }
    // At least one null factor has raw p < 0.05 and is explicitly not called significant after correction.
    const fluke = noise.find((d) => d.test.pValue < 0.05);
    expect(fluke, 'seed should produce a raw-p fluke among 12 null factors').toBeDefined();
    expect(fluke?.sentence).toMatch(/looked related to order value .* but not after Holm correction for 16 tests/);
  });

  it('reports the interaction from a two-way ANOVA with Type II and III tables', () => {
    const x = result.interactions[0];
    expect(x.significant).toBe(true);
    expect(x.anova.typeII.map((r) => r.term)).toEqual(['product', 'season', 'product:season', 'Residual']);
    expect(x.anova.typeIII.map((r) => r.term)).toEqual(['Intercept', 'product', 'season', 'product:season', 'Residual']);
    expect(x.sentence).toMatch(/^product explains \d+% of the variance in order value and the effect depends on season \(two-way ANOVA interaction, adjusted p < 0\.001/);
    expect(x.cells).toHaveLength(6);
    expect(result.family).toBe(16);
  });

  it('handles a binary outcome with contingency tests', () => {
    const r = driversScan(t, { outcome: 'premium', factors: ['product', 'noise 1', 'order value'], correction: 'bh' });
    expect(r.outcomeKind).toBe('binary');
    expect(r.positive).toBe('Yes');
    const product = r.drivers.find((d) => d.factor === 'product');
    expect(product?.test.test).toBe('chi_square');
    expect(product?.significant).toBe(true);
    expect(product?.sentence).toMatch(/^The share of premium = Yes differs by product \(chi-square test, adjusted p < 0\.001, Cramér's V = 0\.\d\d\): share is highest for Laptop \(\d+%\)/);
    expect(r.drivers.find((d) => d.factor === 'noise 1')?.significant).toBe(false);
    const rates = driversSection(r).blocks.filter((b) => b.kind === 'chart' && b.title.startsWith('Share of premium = Yes by product'));
    expect(rates).toHaveLength(1);
    // A numeric factor against a yes/no outcome is compared between the outcome groups.
    const value = r.drivers.find((d) => d.factor === 'order value');
    expect(value?.test.test).toBe('welch_t');
    expect(value?.sentence).toMatch(/^order value differs between premium groups \(Welch t test, adjusted p [<=] [\d.]+\): mean order value is [\d,.]+ for premium = (Yes|No) and [\d,.]+ for premium = (Yes|No)\.$/);
  });

  it('parses A*B interactions and skips identifier columns from the default factor list', () => {
    expect(parseInteraction('Product Type * season')).toEqual(['Product Type', 'season']);
    expect(() => parseInteraction('a*b*c')).toThrow(/not of the form A\*B/);
    const withId = table([...t.columns.slice(0, 2), numberColumn('Customer ID', Array.from({ length: t.rows }, (_, i) => i))]);
    const r = driversScan(withId, { outcome: 'order value' });
    expect(r.skipped.map((s) => s.factor)).toEqual(['Customer ID']);
    expect(r.drivers.map((d) => d.factor)).toEqual(['product']);
  });

  it('turns a date factor into seasons and skips one-level factors with a reason', () => {
    const day = 86_400_000;
    const dates = dateColumn('ordered', Array.from({ length: t.rows }, (_, i) => Date.UTC(2024, 0, 1) + (i % 366) * day));
    const one = categoryColumn('constant', Array.from({ length: t.rows }, () => 'x'));
    const r = driversScan(table([...t.columns, dates, one]), { outcome: 'order value', factors: ['ordered', 'constant'] });
    expect(r.drivers[0].groups?.map((g) => g.level)).toEqual(['Winter', 'Spring', 'Summer', 'Autumn']);
    expect(r.skipped).toEqual([{ factor: 'constant', reason: 'has only one level' }]);
  });

  it('is JSON-serialisable and builds a report section with table, box plots and interaction plot', () => {
    const json = JSON.parse(JSON.stringify(result));
    expect(json.drivers[0].factor).toBe('product');
    const section = driversSection(result);
    expect(section.id).toBe('drivers');
    expect(section.findings).toEqual(result.findings);
    const kinds = section.blocks.map((b) => (b.kind === 'chart' ? (b.spec.mark as { type: string }).type : b.kind));
    expect(kinds[0]).toBe('table');
    expect(kinds).toContain('boxplot');
    expect(kinds).toContain('line');
    const ranked = section.blocks[0];
    expect(ranked.kind === 'table' && ranked.rows.length).toBe(15);
  });
});

describe('share wording', () => {
  it('never rounds a share short of the whole up to 100%', async () => {
    const { formatShare } = await import('../../src/stats/sentences.js');
    expect(formatShare(0.995)).toBe('99.5%');
    expect(formatShare(0.9996)).toBe('99.9%');
    expect(formatShare(1)).toBe('100%');
    expect(formatShare(0.31)).toBe('31%');
  });
});
