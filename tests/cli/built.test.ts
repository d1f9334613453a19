import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { tempDir } from '../helpers/cli.js';

/**
 * The installed command is the esbuild bundle (scripts/bundle.mjs, run by `npm run build` and by npm's prepare on
 * install), not the TypeScript the other tests import: these run that file, so a module the bundle cannot reach
 * (the segmentation worker beside it, a lazily loaded package) fails here rather than on a user's machine.
 */
const ROOT = new URL('../../', import.meta.url).pathname;
const BIN = join(ROOT, 'dist/cli/main.js');
const WORKER = join(ROOT, 'dist/cli/segment-worker.js');
const run = promisify(execFile);

describe('the built clientele command', () => {
  it('exists (npm ci builds it; after changing the sources, npm run build)', () => {
    expect(existsSync(BIN), `${BIN} is missing: run npm run build`).toBe(true);
    expect(existsSync(WORKER), `${WORKER} is missing: run npm run build`).toBe(true);
  });

  it('starts its segmentation worker from beside itself, and the worker runs a job', async () => {
    const worker = new Worker(WORKER);
    try {
      const reply = await new Promise<{ ok: boolean; failure?: { code?: string } }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        // An empty table is refused by the segmentation itself: the job's code was loaded and ran.
        worker.postMessage({ table: { rows: 0, columns: [] }, options: { seed: 1 } });
      });
      expect(reply.ok).toBe(false);
      expect(reply.failure?.code).toBe('design-empty');
    } finally {
      await worker.terminate();
    }
  });

  it('analyses a .csv.gz with every default stage, and reads an .xlsx through its lazily loaded reader', async () => {
    const dir = tempDir('clientele-built-');
    const input = join(ROOT, 'tests/fixtures/shapes/multi-year.csv.gz');
    const r = await run(process.execPath, [BIN, 'analyze', input, '--out', join(dir, 'a'), '-q']);
    expect(r.stderr).toBe('');
    const header = readFileSync(join(dir, 'a/customers.csv'), 'utf8').split('\n')[0].split(',');
    for (const c of ['rfm_segment', 'clv_12m_bgnbd', 'segment']) expect(header).toContain(c);
    expect(JSON.parse(readFileSync(join(dir, 'a/summary.json'), 'utf8')).checks.every((c: { ok: boolean }) => c.ok)).toBe(true);

    const { default: ExcelJS } = await import('exceljs');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Orders');
    ws.addRow(['customer', 'date', 'amount']);
    for (let i = 0; i < 60; i++) ws.addRow([`c${i % 12}`, new Date(Date.UTC(2024, i % 12, 1 + (i % 27))), 10 + i]);
    await wb.xlsx.writeFile(join(dir, 'orders.xlsx'));
    const x = await run(process.execPath, [BIN, 'analyze', join(dir, 'orders.xlsx'), '--out', join(dir, 'x'), '-q', '--no-segments']);
    expect(x.stderr).toBe('');
    expect(readFileSync(join(dir, 'x/customers.csv'), 'utf8').split('\n').length).toBe(14);
  }, 60_000);
});
