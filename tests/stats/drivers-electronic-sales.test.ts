import { describe, expect, it } from 'vitest';
import { compile } from 'vega-lite';
import { categoryColumn, numberColumn, table } from '../../src/data/table.js';
import { driversScan, seasonOfMonth, SEASONS } from '../../src/stats/index.js';
import { driversSection } from '../../src/report/sections/drivers.js';
import { expectClose, fixture } from './helpers.js';

const es = fixture('electronic-sales-anova.json');
const { price, product, productLevels, month, status, statusLevels } = es.inputs;

function salesTable(keepCancelled: boolean) {
  const cancelled = (statusLevels as string[]).indexOf('Cancelled');
  const keep = (i: number) => keepCancelled || status[i] !== cancelled;
  return table([
    numberColumn('Total Price', (price as number[]).map((v, i) => (keep(i) ? v : NaN))),
    categoryColumn('Product Type', (product as number[]).map((c) => (c < 0 ? null : productLevels[c]))),
    categoryColumn('season', (month as number[]).map((m) => (Number.isNaN(m) ? null : SEASONS[seasonOfMonth(m)]))),
  ]);
}

describe('drivers scan on the electronic sales log: Total Price by Product Type and season', () => {
  for (const [label, keepCancelled, expected] of [['all orders', true, es.all], ['completed orders', false, es.completed]] as const) {
    it(`${label}: the interaction test reproduces statsmodels and is described from its numbers`, () => {
      const r = driversScan(salesTable(keepCancelled), { outcome: 'Total Price', factors: ['Product Type', 'season'], interactions: [['Product Type', 'season']] });
      const x = r.interactions[0];
      const row = x.anova.typeII.find((t) => t.term === 'Product Type:season');
      const ref = expected.typeII.find((t: { term: string }) => t.term === 'C(product):C(season)');
      expectClose(row?.F as number, ref.F, 1e-6, 'interaction F');
      expectClose(x.pValue, ref.pValue, 1e-6, 'interaction p');
      expect(r.family).toBe(3);
      expect(x.significant).toBe(x.pAdjusted < 0.05);
      if (x.significant) expect(x.sentence).toMatch(/^Product Type explains [\d.]+% of the variance in Total Price and the effect depends on season \(two-way ANOVA interaction, adjusted p/);
      else expect(x.sentence).toMatch(/^No evidence that the effect of Product Type on Total Price depends on season/);
      const productDriver = r.drivers.find((d) => d.factor === 'Product Type');
      expect(productDriver?.significant).toBe(true);
      expect(productDriver?.dependsOn.includes('season')).toBe(x.significant);
    });
  }

  it('the report section compiles to Vega with box plots and an interaction plot', () => {
    const r = driversScan(salesTable(true), { outcome: 'Total Price', factors: ['Product Type', 'season'], interactions: [['Product Type', 'season']] });
    const section = driversSection(r);
    const charts = section.blocks.filter((b) => b.kind === 'chart');
    expect(charts.length).toBeGreaterThanOrEqual(2);
    for (const c of charts) {
      if (c.kind !== 'chart') continue;
      const spec = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', ...c.spec };
      expect(() => compile(spec as never)).not.toThrow();
    }
    const box = charts.find((c) => c.kind === 'chart' && (c.spec.mark as { type: string }).type === 'boxplot');
    expect(box && box.kind === 'chart' && (box.spec.data as { values: unknown[] }).values.length).toBe(5 * 5);
  });
});
