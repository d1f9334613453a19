import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, DATA } from '../helpers/cli.js';

const SALES = join(DATA, 'electronic-sales.csv.gz');
const es = JSON.parse(readFileSync(new URL('../fixtures/stats/electronic-sales-anova.json', import.meta.url), 'utf8'));

interface AnovaRow {
  term: string;
  sumSq: number;
  F: number | null;
  pValue: number | null;
  df: number;
}

/** statsmodels names terms by formula (C(product, Sum):C(season, Sum)); ours by column, in the same order. */
function expectAnova(rows: AnovaRow[], expected: AnovaRow[]): void {
  const ours = (t: string) => t.replace(/C\(product(, Sum)?\)/, 'Product Type').replace(/C\(season(, Sum)?\)/, 'Purchase Date season');
  expect(rows.map((r) => r.term)).toEqual(expected.map((r) => ours(r.term)));
  rows.forEach((row, i) => {
    const ref = expected[i];
    expect(row.df).toBe(ref.df);
    const close = (a: number | null, b: number, rel: number) => expect(Math.abs((a as number) - b)).toBeLessThanOrEqual(rel * Math.abs(b) + 1e-300);
    close(row.sumSq, ref.sumSq, 1e-8);
    if (ref.F !== null) close(row.F, ref.F, 1e-6);
    if (ref.pValue !== null) close(row.pValue, ref.pValue, 1e-5);
  });
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
    expectAnova(j.interactions[0].anova.typeIII, es.completed.typeIII);
    const product = j.drivers.find((d: { factor: string }) => d.factor === 'Product Type');
    expect(product.test.test).toBe('welch_anova');
    expect(Math.abs(product.test.statistic / es.completedProductWelch.statistic - 1)).toBeLessThan(1e-8);
  });

  it('--include-cancelled keeps them and reproduces the all-orders table', async () => {
    const j = JSON.parse((await cli('test', SALES, ...interaction, '--include-cancelled')).stdout);
    expect(j.excluded.rows).toBe(0);
    expect(j.interactions[0].anova.n).toBe(es.all.nobs);
    expectAnova(j.interactions[0].anova.typeII, es.all.typeII);
    expectAnova(j.interactions[0].anova.typeIII, es.all.typeIII);
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

  it('every marker counts: a cancelled/returned/refunded/void status (any case), a C invoice, a negative quantity', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'clientele-cancel-')), 'log.csv');
    const statuses = ['Completed', 'CANCELLED', 'returned', 'Refund issued', ' void', 'Completed'];
    const rows = ['InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice,Amount,Status,Channel'];
    for (let i = 0; i < 240; i++) {
      const k = i % 12;
      const invoice = k === 7 ? `C${5000 + i}` : `${5000 + i}`;
      const qty = k === 8 ? -2 : 1 + (i % 4);
      rows.push([invoice, 100 + (i % 30), `2024-0${1 + (i % 9)}-1${i % 10}`, qty, 10 + (i % 5), qty * (10 + (i % 5)), statuses[k % 6], i % 3 ? 'web' : 'shop'].join(','));
    }
    writeFileSync(file, rows.join('\n') + '\n');
    const j = JSON.parse((await cli('test', file, '--outcome', 'Amount', '--factors', 'Channel', '--json', '-q')).stdout);
    // Counted independently of the implementation: a line with any marker is one line out.
    const expected = rows.slice(1).filter((r) => {
      const [inv, , , q, , , st] = r.split(',');
      return /^\s*(cancel|return|refund|void)/i.test(st) || /^C\d/.test(inv) || Number(q) < 0;
    }).length;
    expect(j.excluded.rows).toBe(expected);
    expect(j.excluded.why).toMatch(/by status, \d+ by a 'C' invoice, \d+ by a negative quantity/);
    const kept = JSON.parse((await cli('test', file, '--outcome', 'Amount', '--factors', 'Channel', '--include-cancelled', '--json', '-q')).stdout);
    expect(kept.drivers[0].test.n).toBe(240);
    expect(j.drivers[0].test.n).toBe(240 - expected);
  });

  it('--exclude drops factors; an unknown name is one clear line', async () => {
    const ok = JSON.parse((await cli('test', SALES, '--outcome', 'Total Price', '--exclude', 'Rating,Gender', '--json', '-q')).stdout);
    expect(ok.drivers.map((d: { factor: string }) => d.factor)).not.toContain('Rating');
    const bad = await cli('test', SALES, '--outcome', 'Total Price', '--exclude', 'Rating,Colour', '-q');
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^clientele: --exclude: no column 'Colour' in the data\. Available: /);
  });
});

interface Json {
  [k: string]: unknown;
}
const quick = ['--model', 'logistic', '--folds', '0', '--json', '-q'];
const SPEND_DERIVED = ['monetary', 'gross_sales', 'returns_value', 'avg_order_value', 'items', 'Total Price mean', 'Unit Price mean', 'Quantity mean'];

describe('honest derived targets', () => {
  it('high-value on the order log leaves out spend-derived inputs, lists them, and still predicts from behaviour', async () => {
    const r = await cli('model', SALES, '--target', 'high-value', ...quick);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as Json & { leftOut: { column: string; reason: string }[]; features: string[]; leakage: { kind: string }[]; metrics: { accuracy: number } };
    const left = j.leftOut.map((x) => x.column);
    for (const c of SPEND_DERIVED) expect(left).toContain(c);
    expect(j.leftOut.find((x) => x.column === 'Unit Price mean')?.reason).toMatch(/component of Total Price/);
    for (const c of left) expect(j.features.some((f) => f === c || f.startsWith(`${c}=`))).toBe(false);
    // Behaviour, built from the log's own columns: category mix, modes, means, add-ons per line, season mix.
    for (const f of ['Product Type=Laptop share', 'Shipping Type mode=Express', 'Payment Method mode=Cash', 'Rating mean', 'Add-ons Purchased per line', 'Purchase Date season=Summer share', 'frequency']) {
      expect(j.features).toContain(f);
    }
    expect(j.leakage.filter((w) => w.kind === 'derived-target')).toEqual([]);
    expect(j.metrics.accuracy).toBeGreaterThan(0.6);
    expect(j.metrics.accuracy).toBeLessThan(0.9);
  });

  it('the text output names what was left out and compares logistic regression with a tree on the held-out rows', async () => {
    const r = await cli('model', SALES, '--target', 'high-value', '--model', 'logistic', '--folds', '0', '-q');
    expect(r.stdout).toMatch(/^Left out of the inputs, as high monetary is defined by them \(--keep-target-inputs to use them\): monetary, gross_sales/m);
    expect(r.stdout).toMatch(/^Test: accuracy 0\.[6-8]/m);
    expect(r.stdout).toMatch(/^Also tree: held-out accuracy 0\.[6-8]\d*, rocAuc [\d.]+; most important: /m);
    expect(r.stdout).not.toMatch(/WARNING/);
  });

  it('the HTML report says what was left out', async () => {
    const report = join(mkdtempSync(join(tmpdir(), 'clientele-honest-')), 'model.html');
    const r = await cli('model', SALES, '--target', 'high-value', '--model', 'logistic', '--folds', '0', '--report', report, '-q');
    expect(r.code).toBe(0);
    expect(readFileSync(report, 'utf8')).toMatch(/Left out of the inputs, as high monetary is defined by them/);
  });

  it('a saved honest model scores the log again (its behavioural features are rebuilt)', async () => {
    const saved = join(mkdtempSync(join(tmpdir(), 'clientele-honest-')), 'hv.json');
    expect((await cli('model', SALES, '--target', 'high-value', '--model', 'logistic', '--folds', '0', '--save-model', saved, '-q')).code).toBe(0);
    const scored = await cli('score', SALES, '--model', saved, '-q');
    expect(scored.code).toBe(0);
    expect(scored.stdout.split('\n')[0]).toBe('customer_id,prediction,p_monetary ≤ 3610,p_monetary > 3610');
    // A later log without one category still scores: its share is 0 for everyone.
    const week = join(mkdtempSync(join(tmpdir(), 'clientele-week-')), 'week.csv');
    const lines = gunzipSync(readFileSync(SALES)).toString('utf8').split('\n');
    writeFileSync(week, [lines[0], ...lines.slice(1).filter((l) => l && !l.includes(',Smartwatch,'))].join('\n') + '\n');
    const later = await cli('score', week, '--model', saved, '-q');
    expect(later.code).toBe(0);
    expect(later.stdout.trim().split('\n').length).toBeGreaterThan(1000);
  });

  it('--keep-target-inputs brings the pitfall back, and the guard says so', async () => {
    const j = JSON.parse((await cli('model', SALES, '--target', 'high-value', '--keep-target-inputs', ...quick)).stdout);
    expect(j.leftOut).toEqual([]);
    expect(j.leakage.map((w: { kind: string }) => w.kind)).toContain('derived-target');
    expect(j.metrics.accuracy).toBeGreaterThan(0.97);
  });

  it('cluster leaves out the clustering inputs and the features computed from the same columns', async () => {
    const j = JSON.parse((await cli('model', SALES, '--target', 'cluster', ...quick)).stdout);
    const left = j.leftOut.map((x: { column: string }) => x.column);
    for (const c of ['recency_days', 'frequency', 'monetary', 'Total Price mean', 'Purchase Date season=Summer share']) expect(left).toContain(c);
    expect(j.features).toContain('Rating mean');
    expect(j.leakage.filter((w: { kind: string }) => w.kind === 'derived-target')).toEqual([]);
    // A customer table whose every column feeds the clustering has nothing independent left: one clear line.
    const none = await cli('model', join(DATA, 'ecommerce-customer-behavior.csv'), '--target', 'cluster', '-q');
    expect(none.code).toBe(2);
    expect(none.stderr.trim().split('\n')).toHaveLength(1);
    expect(none.stderr).toMatch(/nothing independent is left.*--keep-target-inputs/);
  });

  it('--exclude removes inputs from model and rules; unknown names are refused by name', async () => {
    const j = JSON.parse((await cli('model', SALES, '--target', 'high-value', '--exclude', 'frequency,Rating mean', ...quick)).stdout);
    expect(j.features).not.toContain('frequency');
    expect(j.features).not.toContain('Rating mean');
    const rules = JSON.parse((await cli('rules', SALES, '--target', 'high-value', '--exclude', 'frequency', '--format', 'json', '-q')).stdout);
    expect(JSON.stringify(rules.params.leaves)).not.toMatch(/"frequency"/);
    // A raw column of the log stands for the features computed from it.
    const raw = JSON.parse((await cli('model', SALES, '--target', 'high-value', '--exclude', 'Shipping Type', ...quick)).stdout);
    expect(raw.features.filter((f: string) => f.startsWith('Shipping Type'))).toEqual([]);
    expect(raw.features).toContain('Payment Method mode=Cash');
    for (const cmd of ['model', 'rules']) {
      const bad = await cli(cmd, SALES, '--target', 'high-value', '--exclude', 'frequency,Colour', '-q');
      expect(bad.code).toBe(2);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
      expect(bad.stderr).toMatch(/--exclude: no column 'Colour' in the data/);
    }
  });
});

describe('rules: the leakage guard and labels that agree with their conditions', () => {
  /** Every number in a condition on `column` and in the labels, as printed. */
  function numbersIn(text: string, pattern: RegExp): number[] {
    return [...text.matchAll(pattern)].map((m) => Number(m[1]));
  }

  it('SQL carries the guard as comments; thresholds on the target column equal the label and have no float noise', async () => {
    const r = await cli('rules', SALES, '--target', 'high-value', '--keep-target-inputs', '--format', 'sql', '-q');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^-- WARNING: Leakage: the target "high monetary" was computed from monetary/m);
    const sql = r.stdout.replace(/^--.*\n/gm, '');
    const cuts = numbersIn(sql, /"monetary", [\d.]+\) (?:>|<=) ([\d.]+)/g);
    const labels = numbersIn(sql, /'monetary (?:>|≤) ([\d.]+)'/g);
    expect(cuts.length).toBeGreaterThan(0);
    expect(new Set([...cuts, ...labels]).size).toBe(1);
    expect(sql).not.toMatch(/\d\.\d{7,}/);
  });

  it('JSON and text carry the guard too, and the default rules use no spend-derived column', async () => {
    const json = JSON.parse((await cli('rules', SALES, '--target', 'high-value', '--keep-target-inputs', '--format', 'json', '-q')).stdout);
    expect(json.diagnostics.leakage.map((w: { kind: string }) => w.kind)).toContain('derived-target');
    const label = Number(/> ([\d.]+)$/.exec(json.params.classes[1])![1]);
    for (const rule of json.params.rules) for (const c of rule.conditions) if (c.column === 'monetary') expect(c.value).toBe(label);
    const text = await cli('rules', SALES, '--target', 'high-value', '--keep-target-inputs', '-q');
    expect(text.stdout).toMatch(/^WARNING: Leakage/);
    const honest = JSON.parse((await cli('rules', SALES, '--target', 'high-value', '--format', 'json', '-q')).stdout);
    expect(honest.diagnostics.leakage.filter((w: { kind: string }) => w.kind === 'derived-target')).toEqual([]);
    expect(honest.diagnostics.leftOut.map((x: { column: string }) => x.column)).toContain('monetary');
    const used = honest.params.leaves.flatMap((r: { conditions: { column: string }[] }) => r.conditions.map((c) => c.column));
    for (const c of SPEND_DERIVED) expect(used).not.toContain(c);
  });
});
