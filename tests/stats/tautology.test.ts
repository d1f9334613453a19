import { describe, expect, it } from 'vitest';
import { categoryColumn, numberColumn, table } from '../../src/data/table.js';
import { driversScan } from '../../src/stats/index.js';
import { findTautologies } from '../../src/stats/tautology.js';
import { Random } from '../../src/random.js';

const N = 2000;
const rng = new Random(7);
const monetary = Float64Array.from({ length: N }, () => Math.round(Math.exp(4 + rng.normal()) * 100) / 100);
const sorted = [...monetary].sort((a, b) => a - b);
const quintile = (v: number) => 1 + Math.min(4, Math.floor((5 * sorted.findIndex((x) => x >= v)) / N));
const noise = Float64Array.from({ length: N }, () => rng.normal());
const tier = Array.from(monetary, (v) => (v > 200 ? 'Gold' : v > 50 ? 'Silver' : 'Bronze'));

function scanOf(outcome: string, columns: Parameters<typeof table>[0]) {
  const t = table(columns);
  const c = t.columns.find((x) => x.name === outcome)!;
  const o = c.kind === 'number' ? { kind: 'numeric' as const, name: outcome, values: c.values } : { kind: 'grouped' as const, name: outcome, groups: c as never };
  return findTautologies(o, t.columns);
}

describe('tautologies: factors tied to the outcome by construction', () => {
  it('a score, a rank and a rescaling of Monetary are flagged; an honest correlate and an unnamed tier are not', () => {
    const ranks = Float64Array.from(monetary, (v) => sorted.indexOf(v));
    const found = scanOf('Monetary', [
      numberColumn('Monetary', monetary),
      numberColumn('Monetary_score', Array.from(monetary, quintile)),
      numberColumn('spend_rank', ranks),
      numberColumn('Monetary (EUR)', Array.from(monetary, (v) => 0.92 * v)),
      numberColumn('visits', Array.from(monetary, (v, i) => Math.log(v) + noise[i])),
      categoryColumn('Membership', tier),
    ]);
    expect(Object.fromEntries(found.map((t) => [t.factor, t.kind]))).toEqual({ Monetary_score: 'band', spend_rank: 'copy', 'Monetary (EUR)': 'copy' });
  });

  it('a named band of the outcome is flagged even as categories', () => {
    const found = scanOf('Monetary', [numberColumn('Monetary', monetary), categoryColumn('Monetary band', tier)]);
    expect(found.map((t) => t.factor)).toEqual(['Monetary band']);
  });

  it('components: Unit Price × Quantity of a line total, Profit + cost of Sales, and a copy of a component', () => {
    const qty = Array.from({ length: N }, () => 1 + Math.floor(rng.uniform() * 9));
    const price = Array.from({ length: N }, () => Math.round(5 + rng.uniform() * 500));
    const total = qty.map((q, i) => q * price[i]);
    const found = scanOf('Total', [
      numberColumn('Total', total),
      numberColumn('Unit Price', price),
      numberColumn('Quantity', qty),
      numberColumn('list price', price.map((p) => p * 1.2 + 3)),
      numberColumn('Rating', Array.from({ length: N }, () => 1 + Math.floor(rng.uniform() * 5))),
    ]);
    expect(found.map((t) => [t.factor, t.kind, t.partner])).toEqual([
      ['Unit Price', 'component', 'Quantity'],
      ['Quantity', 'component', 'Unit Price'],
      ['list price', 'component', 'Quantity'],
    ]);
    expect(found[0].scale).toBe('log');

    const cost = Array.from({ length: N }, () => 10 + rng.uniform() * 90);
    const profit = cost.map(() => rng.uniform() * 40 - 5);
    const sales = cost.map((c, i) => c + profit[i]);
    const byParts = scanOf('Sales', [numberColumn('Sales', sales), numberColumn('Profit', profit), numberColumn('Cost', cost), numberColumn('Discount', Array.from(noise))]);
    expect(byParts.map((t) => [t.factor, t.scale])).toEqual([['Profit', 'linear'], ['Cost', 'linear']]);
  });

  it('a grouped outcome cut from a numeric column marks that column', () => {
    const found = scanOf('high spender', [
      categoryColumn('high spender', Array.from(monetary, (v) => (v > 100 ? 'yes' : 'no'))),
      numberColumn('spend', monetary),
      numberColumn('visits', Array.from(monetary, (v, i) => Math.log(v) + noise[i])),
    ]);
    expect(found.map((t) => t.factor)).toEqual(['spend']);
  });

  it('the drivers scan reports tautologies apart: not ranked, not in the correction family', () => {
    const t = table([
      numberColumn('Monetary', monetary),
      numberColumn('Monetary_score', Array.from(monetary, quintile)),
      numberColumn('visits', Array.from(monetary, (v, i) => Math.log(v) + noise[i])),
    ]);
    const r = driversScan(t, { outcome: 'Monetary' });
    expect(r.drivers.map((d) => d.factor)).toEqual(['visits']);
    expect(r.family).toBe(1);
    expect(r.tautologies.map((x) => x.factor)).toEqual(['Monetary_score']);
    expect(r.tautologies[0].sentence).toMatch(/^Monetary_score is not a driver of Monetary: Monetary_score is a score or band of Monetary/);
    const kept = driversScan(t, { outcome: 'Monetary', keepTautologies: true });
    expect(kept.drivers.map((d) => d.factor).sort()).toEqual(['Monetary_score', 'visits']);
  });

  it('exclude drops columns from the scan and refuses unknown names', () => {
    const t = table([numberColumn('Monetary', monetary), numberColumn('visits', noise), numberColumn('age', noise.map((v) => v * 2 + 1))]);
    expect(driversScan(t, { outcome: 'Monetary', exclude: ['age'] }).drivers.map((d) => d.factor)).toEqual(['visits']);
    expect(() => driversScan(t, { outcome: 'Monetary', exclude: ['age', 'nope'] })).toThrow(/'nope'/);
  });
});
