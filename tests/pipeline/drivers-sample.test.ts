import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze, type Analysis } from '../../src/pipeline/analyze.js';
import { DRIVERS_LINES, driversStage, driversTable } from '../../src/pipeline/stages.js';

const DATA = new URL('../../data/', import.meta.url).pathname;

describe('the drivers scan on a sample of a long log', () => {
  let a: Analysis;
  beforeAll(async () => {
    a = await analyze(join(DATA, 'electronic-sales.csv.gz'));
  });
  afterAll(async () => {
    await a.engine.close();
  });

  it('reads every line below the sample size, a seeded sample of exactly the size above it', async () => {
    expect(a.load.rows).toBeLessThan(DRIVERS_LINES);
    const all = await driversTable(a);
    expect(all.sampledFrom).toBeNull();
    expect(all.table.rows).toBe(a.load.rows);
    const some = await driversTable(a, 3000);
    expect(some.sampledFrom).toBe(a.load.rows);
    expect(some.table.rows).toBe(3000);
    expect(some.cancelled).toHaveLength(3000);
    // The same seed draws the same lines.
    const again = await driversTable(a, 3000);
    const cells = (t: typeof some.table) => t.columns.map((c) => (c.kind === 'category' ? c.codes.map((k) => k).join() + c.levels.join() : Array.from(c.values).join()));
    expect(cells(again.table)).toEqual(cells(some.table));
    expect(cells(some.table)).not.toEqual(cells((await driversTable(a, 2999)).table));
  });

  it('says so in the report and summary.json, and the sample finds the full scan\'s strongest driver', async () => {
    const full = await driversStage(a, { outcome: 'Total Price' });
    const sampled = await driversStage(a, { outcome: 'Total Price', sampleLines: 5000 });
    const summary = sampled.extension.summary as { drivers: { sample: { lines: number; of: number } } };
    expect(summary.drivers.sample).toEqual({ lines: 5000, of: a.load.rows });
    expect((full.extension.summary as { drivers: { sample: unknown } }).drivers.sample).toBeNull();
    const callouts = sampled.extension.sections![0].blocks.filter((b) => b.kind === 'callout').map((b) => (b as { text: string }).text);
    expect(callouts[0]).toBe(`The drivers were tested on a random sample of 5,000 of the ${a.load.rows.toLocaleString('en-US')} lines.`);
    expect(full.result.drivers.length).toBeGreaterThan(0);
    expect(sampled.result.drivers[0].factor).toBe(full.result.drivers[0].factor);
  });
});
