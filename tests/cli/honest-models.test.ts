import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, DATA } from '../helpers/cli.js';

const SALES = join(DATA, 'electronic-sales.csv.gz');
const es = JSON.parse(readFileSync(new URL('../fixtures/stats/electronic-sales-anova.json', import.meta.url), 'utf8'));

interface AnovaRow {
  term: string;
  F: number;
  pValue: number;
  df: number;
}

function expectAnova(rows: AnovaRow[], expected: AnovaRow[]): void {
  const ref = (t: string) => expected.find((r) => r.term === t)!;
  const pairs: [string, string][] = [['Product Type', 'C(product)'], ['Purchase Date season', 'C(season)'], ['Product Type:Purchase Date season', 'C(product):C(season)']];
  for (const [ours, theirs] of pairs) {
    const row = rows.find((r) => r.term === ours)!;
    expect(row.df).toBe(ref(theirs).df);
    expect(Math.abs(row.F / ref(theirs).F - 1)).toBeLessThan(1e-6);
    expect(Math.abs(row.pValue / ref(theirs).pValue - 1)).toBeLessThan(1e-5);
  }
}

describe('drivers measure spend: cancelled orders are not spend', () => {
  const interaction = ['--outcome', 'Total Price', '--factors', 'Product Type,Purchase Date season', '--interactions', 'Product Type*Purchase Date season', '--json', '-q'];

  it('by default the two-way ANOVA runs on completed orders and matches statsmodels', async () => {
    const r = await cli('test', SALES, ...interaction);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.excluded.rows).toBe(es.cancelledLines);
    expect(j.interactions[0].anova.n).toBe(es.completed.nobs);
    expectAnova(j.interactions[0].anova.typeII, es.completed.typeII);
    const product = j.drivers.find((d: { factor: string }) => d.factor === 'Product Type');
    expect(product.test.test).toBe('welch_anova');
    expect(Math.abs(product.test.statistic / es.completedProductWelch.statistic - 1)).toBeLessThan(1e-8);
  });

  it('--include-cancelled keeps them and reproduces the all-orders table', async () => {
    const j = JSON.parse((await cli('test', SALES, ...interaction, '--include-cancelled')).stdout);
    expect(j.excluded.rows).toBe(0);
    expect(j.interactions[0].anova.n).toBe(es.all.nobs);
    expectAnova(j.interactions[0].anova.typeII, es.all.typeII);
  });

  it('the full scan says how many lines it left out and sets the line total’s components apart as tautologies', async () => {
    const r = await cli('test', SALES, '--outcome', 'Total Price', '-q');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Note: 6,568 of 20,000 lines are cancelled or returned/m);
    const [drivers, tautologies] = r.stdout.split(/^Tautologies/m);
    expect(drivers).not.toMatch(/Unit Price|Quantity|Profit|cost of goods/);
    for (const c of ['Unit Price', 'Quantity', 'Profit', 'cost of goods']) expect(tautologies).toMatch(new RegExp(`^• ${c} is not a driver of Total Price`, 'm'));
    expect(drivers).toMatch(/Product Type explains/);
  });

  it('--exclude drops factors; an unknown name is one clear line', async () => {
    const ok = JSON.parse((await cli('test', SALES, '--outcome', 'Total Price', '--exclude', 'Rating,Gender', '--json', '-q')).stdout);
    expect(ok.drivers.map((d: { factor: string }) => d.factor)).not.toContain('Rating');
    const bad = await cli('test', SALES, '--outcome', 'Total Price', '--exclude', 'Rating,Colour', '-q');
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/'Colour'/);
  });
});
