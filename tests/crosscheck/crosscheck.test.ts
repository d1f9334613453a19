import { beforeEach, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tempDir } from '../helpers/cli.js';

/**
 * The CLI against scripts/crosscheck/recompute.py, an independent pandas reading of docs/cleaning.md that is told
 * each file's true format. Its answers are committed in scripts/crosscheck/expected/ (CI has no Python); regenerate
 * them with `/usr/bin/python3 scripts/crosscheck/run_all.py`.
 */

const ROOT = new URL('../../', import.meta.url).pathname;
const EXPECTED = join(ROOT, 'scripts/crosscheck/expected');

interface Population {
  lines?: number;
  customers?: number;
  orders: number;
  revenue: number | null;
}

/** What the CLI printed, in the recompute's vocabulary. */
interface Observed {
  rowsRead: number;
  /** The last observed day (docs/cleaning.md §4), not the snapshot day after it. */
  asOf: string | null;
  linesKept: number | undefined;
  duplicates: number;
  cutAfterAsOf: number;
  currency: string | null | undefined;
  allLines: Population | undefined;
  identified: Population | undefined;
  segments: Record<string, number>;
  cohorts: { cohorts: string[]; sizes: number[] } | undefined;
  gini: number | null;
  customersAnalysed: number | undefined;
  csvRows: number;
  /** null when customers.csv has no monetary column or every value is blank. */
  csvMonetary: number | null;
  csvFrequencySum: number;
  csvRecencySum: number;
  /** The self-audit of docs/cleaning.md §10: names of the checks that failed. */
  failedChecks: string[];
}

// The outputs are read as untyped JSON on purpose: a renamed field must fail an assertion, not the type check.
type Json = Record<string, any>;

/**
 * The one place that knows the output field names: when summary.json or cleaning-log.json is reshaped, only this
 * function changes.
 */
function observe(summary: Json, log: Json | undefined, csv: string[][]): Observed {
  const steps: Json[] = log?.steps ?? [];
  const step = (match: (name: string) => boolean) => steps.find((s) => match(String(s.step)))?.rows as number | undefined;
  const [header = [], ...rows] = csv;
  const values = (name: string) => {
    const i = header.indexOf(name);
    return i < 0 ? [] : rows.map((r) => r[i]).filter((v) => v !== '' && v !== undefined);
  };
  const sum = (xs: string[]) => xs.reduce((s, v) => s + Number(v), 0);
  const money = values('monetary');
  const currency = summary.currency;
  const segments: Record<string, number> = {};
  for (const s of summary.rfm?.segments ?? []) if (s.customers > 0) segments[s.segment] = s.customers;
  return {
    rowsRead: summary.rowsRead,
    asOf: summary.asOf ?? null,
    linesKept: summary.cleaning?.analyticLines,
    duplicates: step((n) => n === 'duplicates') ?? 0,
    cutAfterAsOf: step((n) => /as-of/.test(n)) ?? 0,
    // Absent is not "no currency": summary.json must say null when the file names none.
    currency: !('currency' in summary) ? undefined : currency === null ? null : typeof currency === 'string' ? currency : (currency.code ?? null),
    allLines: summary.populations?.allLines,
    identified: summary.populations?.identified,
    segments,
    cohorts: summary.cohorts && { cohorts: summary.cohorts.cohorts, sizes: summary.cohorts.sizes },
    gini: summary.concentration?.gini ?? null,
    customersAnalysed: summary.facts?.customersAnalysed,
    csvRows: rows.length,
    csvMonetary: money.length ? sum(money) : null,
    csvFrequencySum: sum(values('frequency')),
    failedChecks: (summary.checks ?? [{ name: 'summary.json has no checks', ok: false }]).filter((x: Json) => !x.ok).map((x: Json) => `${x.name}: ${x.detail}`),
    csvRecencySum: sum(values('recency_days')),
  };
}

/** RFC 4180 rows (quoted fields may hold commas, quotes and newlines). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n') row.push(field), rows.push(row), (row = []), (field = '');
    else if (c !== '\r') field += c;
  }
  if (field !== '' || row.length) row.push(field), rows.push(row);
  return rows;
}

interface Expected {
  name: string;
  file: string;
  shape: 'order-log' | 'customer-table';
  cli: string[];
  currency: string | null;
  rowsRead: number;
  duplicates: number;
  cutAfterAsOf: number;
  linesKept: number;
  allLines: Population;
  identified: Population;
  rfm: Record<string, number>;
  cohorts: { cohorts: string[]; sizes: number[] };
  gini: number | null;
  asOf: string;
  customersCsv: { rows: number; monetarySum: number | null; frequencySum: number; recencyDaysSum: number };
  customers: number;
  totalSpend: number;
}

const cases: Expected[] = readdirSync(EXPECTED)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(EXPECTED, f), 'utf8')));

/** Each case is analysed once; the per-figure tests and the cross-file test share the run. */
const runs = new Map<string, Promise<Observed>>();
function run(c: Expected): Promise<Observed> {
  let p = runs.get(c.name);
  if (!p) {
    p = (async () => {
      const dir = tempDir('clientele-crosscheck-');
      const r = await cli('analyze', join(ROOT, c.file), '--out', dir, '--no-clv', '--no-segments', '--no-drivers', '--quiet', ...c.cli);
      if (r.code !== 0) throw new Error(`analyze ${c.file} exited ${r.code}: ${r.stderr}`);
      const read = (f: string) => readFileSync(join(dir, f), 'utf8');
      const log = c.shape === 'order-log' ? JSON.parse(read('cleaning-log.json')) : undefined;
      return observe(JSON.parse(read('summary.json')), log, parseCsv(read('customers.csv')));
    })();
    runs.set(c.name, p);
  }
  return p;
}

/** Sums in a different order differ in the last bits; a real disagreement is far larger than this. */
function expectClose(actual: number | null | undefined, expected: number, rel = 1e-9) {
  expect(actual, `CLI ${actual} vs recomputed ${expected}`).toBeTypeOf('number');
  expect(Math.abs((actual as number) - expected), `CLI ${actual} vs recomputed ${expected}`).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)));
}

function expectPopulation(actual: Population | undefined, expected: Population) {
  expect(actual).toBeDefined();
  const { revenue, ...counts } = expected;
  expect(actual).toMatchObject(counts);
  // A log without amounts has no revenue figure at all, not a revenue of 0.
  if (revenue === null) expect(actual!.revenue ?? null).toBeNull();
  else expectClose(actual!.revenue, revenue);
}

for (const c of cases) {
  describe(`${c.name} (${c.file} ${c.cli.join(' ')})`, () => {
    // Every test awaits the (shared) run, so a refused file fails each figure instead of skipping them.
    let o: Observed;
    beforeEach(async () => {
      o = await run(c);
    });

    it('reads the same number of rows', () => {
      expect(o.rowsRead).toBe(c.rowsRead);
    });

    it("passes every one of the analysis's own reconciliation checks", () => {
      expect(o.failedChecks).toEqual([]);
    });

    if (c.shape === 'customer-table') {
      it('has one customer per row and the same total spend', () => {
        expect(o.csvRows).toBe(c.customers);
        expect(o.customersAnalysed).toBe(c.customers);
        expectClose(o.csvMonetary, c.totalSpend, 1e-6);
      });
      return;
    }

    it('removes the same duplicates and cuts the same lines after --as-of', () => {
      expect({ duplicates: o.duplicates, cutAfterAsOf: o.cutAfterAsOf }).toEqual({ duplicates: c.duplicates, cutAfterAsOf: c.cutAfterAsOf });
    });

    it('states the last observed day as the as-of date', () => {
      expect(o.asOf).toBe(c.asOf);
    });

    it('keeps the same lines for customer analytics', () => {
      expect(o.linesKept).toBe(c.linesKept);
    });

    it('states the currency of the money columns', () => {
      expect(o.currency).toBe(c.currency);
    });

    it('all-lines population: lines, orders, revenue', () => {
      expectPopulation(o.allLines, c.allLines);
    });

    it('identified customers: customers, orders, revenue', () => {
      expectPopulation(o.identified, c.identified);
    });

    it('customers.csv has one row per identified customer and sums to their revenue', () => {
      expect(o.csvRows).toBe(c.identified.customers);
      if (c.identified.revenue === null) expect(o.csvMonetary).toBeNull();
      else expectClose(o.csvMonetary, c.identified.revenue, 1e-6);
    });

    it('customers.csv frequency and recency (days to as-of + 1) sum to the same totals', () => {
      expect({ frequency: o.csvFrequencySum, recencyDays: o.csvRecencySum }).toEqual({
        frequency: c.customersCsv.frequencySum,
        recencyDays: c.customersCsv.recencyDaysSum,
      });
    });

    it('RFM segment counts', () => {
      const expected = Object.fromEntries(Object.entries(c.rfm).filter(([, n]) => n > 0));
      expect(o.segments).toEqual(expected);
    });

    it('cohort sizes by first-purchase month', () => {
      expect(o.cohorts).toEqual(c.cohorts);
    });

    it('concentration Gini (skipped under 50 customers)', () => {
      if (c.gini === null) expect(o.gini).toBeNull();
      else expectClose(o.gini, c.gini, 1e-9);
    });
  });
}

describe('number format does not change the figures', () => {
  const byName = (n: string) => cases.find((c) => c.name === n)!;

  it('the European export (2,55 and 1.050,00) and its decimal-point twin give the same revenue', async () => {
    const [eu, point] = await Promise.all([run(byName('european-semicolon')), run(byName('european-decimal-point'))]);
    // Twin files by construction: the recompute must see them as one, or this test proves nothing.
    expect(byName('european-semicolon').identified).toEqual(byName('european-decimal-point').identified);
    expect(point.csvMonetary).not.toBeNull();
    expectClose(eu.csvMonetary, point.csvMonetary!, 1e-9);
    expectClose(eu.identified?.revenue, point.identified?.revenue ?? NaN, 1e-9);
    expectClose(eu.allLines?.revenue, point.allLines?.revenue ?? NaN, 1e-9);
  });

  it('$ and EUR currency-formatted twins give the same revenue and each states its currency (a bare $ names no one currency)', async () => {
    const [usd, eur] = await Promise.all([run(byName('currency-usd')), run(byName('currency-eur'))]);
    expect(usd.csvMonetary).not.toBeNull();
    expectClose(eur.csvMonetary, usd.csvMonetary!, 1e-9);
    expect([usd.currency, eur.currency]).toEqual(['$', 'EUR']);
  });
});
