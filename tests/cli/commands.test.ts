import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, DATA, tempDir } from '../helpers/cli.js';

let dir: string;
beforeAll(() => {
  dir = tempDir();
});

describe('clv', () => {
  it('reproduces the published CDNOW fits through the whole CLI (ingestion → summary → models)', async () => {
    const r = await cli('clv', join(DATA, 'cdnow-sample.txt.gz'), '--columns', 'customer,_,date,quantity,amount', '--time-unit', 'weeks', '--calibration-end', '1997-09-30', '--as-of', '1998-06-30', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.customers).toBe(2_357);
    const model = (kind: string) => j.models.find((m: { kind: string }) => m.kind === kind);
    const within = (v: number, ref: number) => expect(Math.abs(v / ref - 1)).toBeLessThan(0.01);
    const bg = model('bgnbd');
    within(bg.params.r, 0.243);
    within(bg.params.alpha, 4.414);
    within(bg.params.a, 0.793);
    within(bg.params.b, 2.426);
    expect(Math.abs(bg.logLikelihood - -9582.4)).toBeLessThan(0.1);
    const pn = model('pnbd');
    within(pn.params.r, 0.553);
    within(pn.params.alpha, 10.578);
    within(pn.params.s, 0.606);
    within(pn.params.beta, 11.669);
    expect(Math.abs(pn.logLikelihood - -9595.0)).toBeLessThan(0.1);
    within(j.spend.params.p, 6.25);
    within(j.spend.params.q, 3.74);
    within(j.spend.params.gamma, 15.44);
  });

  it('refuses a customer table: CLV needs purchase dates', async () => {
    const r = await cli('clv', join(DATA, 'ecommerce-customer-behavior.csv'), '-q');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/CLV needs an order log/);
  });

  it('an observation end before the last purchase cuts the later purchases', async () => {
    const full = await cli('clv', join(DATA, 'cdnow-sample.txt.gz'), '--columns', 'customer,_,date,quantity,amount', '--json', '-q');
    const cut = await cli('clv', join(DATA, 'cdnow-sample.txt.gz'), '--columns', 'customer,_,date,quantity,amount', '--as-of', '1997-06-30', '--json', '-q');
    expect(cut.code).toBe(0);
    // Every CDNOW customer joined in Q1 1997, so all are still there, but with fewer repeat purchases.
    const [a, b] = [JSON.parse(full.stdout), JSON.parse(cut.stdout)];
    expect(b.customers).toBe(2357);
    expect(b.models[0].params.r).not.toBeCloseTo(a.models[0].params.r, 3);
  });
});

describe('analyze adds CLV, segments and drivers', () => {
  it('on the customer table: segments and drivers, and says CLV needs an order log', async () => {
    const out = join(dir, 'behaviour');
    const r = await cli('analyze', join(DATA, 'ecommerce-customer-behavior.csv'), '--out', out, '-q');
    expect(r.code).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.segments.k).toBeGreaterThanOrEqual(2);
    expect(summary.drivers.outcome).toBe('Total_Spend');
    const csv = readFileSync(join(out, 'customers.csv'), 'utf8').split('\n');
    expect(csv[0]).toMatch(/rfm_segment,segment/);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('id="segments"');
    expect(html).toContain('id="drivers"');
    expect(html).toMatch(/customer lifetime value \(BG\/NBD, Pareto\/NBD\), which needs/);
    expect(existsSync(join(out, 'cleaning-log.json'))).toBe(false);
  });

  it('on an order log: a CLV section and per-customer CLV columns', async () => {
    const out = join(dir, 'cdnow');
    const r = await cli('analyze', join(DATA, 'cdnow-sample.txt.gz'), '--columns', 'customer,_,date,quantity,amount', '--out', out, '-q', '--no-segments');
    expect(r.code).toBe(0);
    const header = readFileSync(join(out, 'customers.csv'), 'utf8').split('\n')[0];
    expect(header).toMatch(/p_alive_/);
    expect(header).toMatch(/clv_12m_/);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.clv.models.map((m: { kind: string }) => m.kind).sort()).toEqual(['bgnbd', 'mbgnbd', 'pnbd']);
    expect(summary.segments).toBeUndefined();
  });
});

describe('segment, model, rules, score, test, synth', () => {
  it('the seed pitfall: predicting k-means clusters from their own features raises the leakage warning', async () => {
    const r = await cli('model', join(DATA, 'ecommerce-customer-behavior.csv'), '--target', 'cluster', '--keep-target-inputs', '-q');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^WARNING: Leakage/m);
  });

  it('model --report writes a self-contained HTML report with the leakage warning first', async () => {
    const report = join(dir, 'model.html');
    const r = await cli('model', join(DATA, 'ecommerce-customer-behavior.csv'), '--target', 'cluster', '--keep-target-inputs', '--report', report, '-q');
    expect(r.code).toBe(0);
    const html = readFileSync(report, 'utf8');
    expect(html).toContain('class="callout warning"');
    expect(html.indexOf('Leakage')).toBeLessThan(html.indexOf('held-out'));
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)="https?:/);
  });

  it('a planted relationship is learned without a leakage warning', async () => {
    const file = join(dir, 'premium.csv');
    expect((await cli('synth', 'customers', '--rows', '3000', '--output', file)).code).toBe(0);
    const r = await cli('model', file, '--target', 'premium', '--model', 'logistic', '--json', '-q');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.leakage).toEqual([]);
    expect(j.metrics.rocAuc).toBeGreaterThan(0.65);
    const income = j.coefficients.find((c: { feature: string }) => c.feature === 'income_level=High');
    expect(income.coef).toBeGreaterThan(0);
  });

  it('rules print as text, SQL and JSON', async () => {
    const args = [join(DATA, 'ecommerce-customer-behavior.csv'), '--target', 'Satisfaction_Level', '--positive', 'Satisfied', '-q'];
    const text = await cli('rules', ...args);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^IF .* THEN Satisfied/m);
    expect(text.stdout).toMatch(/OTHERWISE/);
    const sql = await cli('rules', ...args, '--format', 'sql');
    expect(sql.stdout).toMatch(/^(-- .*\n)*CASE\n\s+WHEN .* THEN 'Satisfied'/);
    const json = JSON.parse((await cli('rules', ...args, '--format', 'json')).stdout);
    expect(json).toMatchObject({ format: 'clientele-model', kind: 'rules' });
  });

  it('segment → save → score applies the segmentation to this week\'s customers', async () => {
    const train = join(dir, 'agg.csv');
    const week = join(dir, 'week.csv');
    const model = join(dir, 'segments.json');
    await cli('synth', 'aggregates', '--rows', '1500', '--output', train);
    await cli('synth', 'aggregates', '--rows', '200', '--seed', '7', '--output', week);
    const seg = await cli('segment', train, '--save-model', model, '--json', '-q');
    expect(seg.code).toBe(0);
    const saved = JSON.parse(readFileSync(model, 'utf8'));
    expect(saved).toMatchObject({ format: 'clientele-model', kind: 'segmentation' });
    const scored = await cli('score', week, '--model', model, '-q');
    expect(scored.code).toBe(0);
    const lines = scored.stdout.trim().split('\n');
    expect(lines[0]).toBe('customer_id,segment_id,segment,subsegment_id,subsegment');
    expect(lines).toHaveLength(201);
    const names = new Set(JSON.parse(seg.stdout).profiles.map((p: { name: string }) => p.name));
    const csvName = /^[^,]+,\d+,("([^"]|"")*"|[^,]*)/.exec(lines[1])![1].replace(/^"|"$/g, '');
    expect(names.has(csvName)).toBe(true);
  });

  it('score refuses a file that is not a model', async () => {
    const r = await cli('score', join(DATA, 'ecommerce-customer-behavior.csv'), '--model', join(DATA, 'ecommerce-customer-behavior.csv'), '-q');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not valid JSON.*not a model file/);
  });

  it('test: product type × season on the electronics log, in plain language', async () => {
    const r = await cli('test', join(DATA, 'electronic-sales.csv.gz'), '--outcome', 'Total Price', '--factors', 'Product Type,Purchase Date season', '--interactions', 'Product Type*Purchase Date season', '-q');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Product Type explains [\d.]+% of the variance in Total Price/);
    expect(r.stdout).toMatch(/depends on Purchase Date season/);
  });

  it('every command has --help with examples', async () => {
    for (const c of ['clv', 'segment', 'model', 'rules', 'score', 'test', 'synth']) {
      const r = await cli(c, '--help');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Examples:/);
    }
  });
});

describe('CLI start-up stays light', () => {
  it('the model names the CLI accepts are the registry\'s', async () => {
    const cliNames = (await import('../../src/cli/commands/model.js')).MODEL_NAMES;
    const registry = (await import('../../src/predict/registry.js')).MODEL_NAMES;
    expect([...cliNames]).toEqual([...registry]);
  });
});
