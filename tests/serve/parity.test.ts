import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../src/pipeline/analyze.js';
import { customerInput } from '../../src/pipeline/customer-input.js';
import { loadScorer } from '../../src/models/registry.js';
import type { CustomerRecord } from '../../src/scoring/contract.js';
import { inputToRecords } from '../../src/scoring/input-records.js';
import { buildServer, type ScoringService } from '../../src/serve/server.js';
import { cli, tempDir } from '../helpers/cli.js';
import { post } from './helpers.js';

const FILE = new URL('../fixtures/shapes/multi-year.csv.gz', import.meta.url).pathname;
describe('the service scores as `clientele score` does', () => {
  let service: ScoringService;
  let url: string;
  let offline: Record<string, (string | number | null)[]>;
  let records: CustomerRecord[];
  let asOf: string;

  beforeAll(async () => {
    const dir = tempDir('clientele-serve-parity-');
    const analyzed = await cli('analyze', FILE, '--out', dir, '--quiet');
    expect(analyzed.code, analyzed.stderr).toBe(0);
    const modelPath = join(dir, 'model.json');
    const scored = await cli('score', FILE, '--model', modelPath, '--json', '--quiet');
    expect(scored.code, scored.stderr).toBe(0);
    offline = JSON.parse(scored.stdout);
    const scorer = loadScorer(JSON.parse(readFileSync(modelPath, 'utf8')));
    const a = await analyze(FILE, {});
    try {
      records = inputToRecords(await customerInput(a, scorer.inputs));
      asOf = a.asOf as string;
    } finally {
      await a.engine.close();
    }
    service = await buildServer({ modelPath, logger: false, bodyLimit: 64 * 1024 * 1024, maxBatch: 10_000, watchIntervalMs: 0 });
    url = await service.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await service?.app.close();
  });

  it('gives every column of every customer in one batch', async () => {
    const names = Object.keys(offline);
    expect(names[0]).toBe('customer_id');
    // The bundle scores RFM, segments and rules at least; a comparison of ids alone would prove nothing.
    expect(names.length).toBeGreaterThan(4);
    const r = await post(url, '/v1/score', { as_of: asOf, customers: records });
    expect(r.status, r.text.slice(0, 300)).toBe(200);
    const rows = r.json.scores as Record<string, unknown>[];
    expect(rows).toHaveLength(offline.customer_id.length);
    expect(rows.length).toBeGreaterThan(100);
    for (const n of names) {
      const served = rows.map((row) => row[n]);
      expect(served, n).toEqual(offline[n]);
    }
    expect(Object.keys(rows[0])).toEqual(names);
  });

  it('gives the same row for a customer posted alone', async () => {
    for (const i of [0, 1, Math.floor(records.length / 2), records.length - 1]) {
      const r = await post(url, `/v1/score?as_of=${asOf}`, records[i]);
      expect(r.status, r.text.slice(0, 300)).toBe(200);
      for (const n of Object.keys(offline)) expect(r.json.score[n], `${n} of customer ${i}`).toEqual(offline[n][i]);
    }
  });
});
