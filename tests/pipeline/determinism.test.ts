import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, DATA, tempDir } from '../helpers/cli.js';

/**
 * The same file gives the same outputs, byte for byte: DuckDB sums in parallel, and a sum of doubles depends on
 * the order the threads finish in, so money is summed as decimals. A last-digit wobble once moved a customer
 * across an RFM cut between two runs.
 */
describe('analyze is reproducible', () => {
  it('twice on Online Retail: identical customers.csv, summary.json and model parameters', async () => {
    const dir = tempDir('clientele-repro-');
    const runs = [join(dir, 'a'), join(dir, 'b')];
    for (const out of runs) {
      const r = await cli('analyze', join(DATA, 'online-retail.csv.gz'), '--out', out, '-q', '--no-drivers');
      expect(r.code, r.stderr).toBe(0);
    }
    for (const f of ['customers.csv', 'summary.json']) expect(readFileSync(join(runs[1], f), 'utf8'), f).toBe(readFileSync(join(runs[0], f), 'utf8'));
    const params = (out: string) => JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')).params;
    expect(params(runs[1])).toEqual(params(runs[0]));
  }, 120_000);

  it('the cleaning log lists the same outlying lines each time, however the engine orders equal amounts', async () => {
    // currency-eur.csv repeats its largest order lines; their order among equal amounts came back as the threads
    // finished, so one run in three listed other examples.
    const dir = tempDir('clientele-repro-log-');
    const logs: string[] = [];
    for (let i = 0; i < 6; i++) {
      const out = join(dir, String(i));
      const r = await cli('analyze', new URL('../fixtures/shapes/currency-eur.csv', import.meta.url).pathname, '--out', out, '-q', '--no-clv', '--no-segments', '--no-drivers');
      expect(r.code, r.stderr).toBe(0);
      logs.push(readFileSync(join(out, 'cleaning-log.json'), 'utf8'));
    }
    for (const log of logs.slice(1)) expect(log).toBe(logs[0]);
  }, 120_000);
});
