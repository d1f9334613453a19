import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyDesign, fitDesign } from '../../src/features/design.js';
import { categoryColumn, numberColumn, table, type Column, type Table } from '../../src/data/table.js';
import { InputError } from '../../src/errors.js';
import { Random } from '../../src/random.js';

interface DesignFixture {
  columns: Record<string, { kind: 'number' | 'category'; values: (number | string | null)[] }>;
  featureNames: string[];
  standard: number[];
  robust: number[];
  cols: number;
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/cluster/design-ecommerce.json', import.meta.url), 'utf8')) as DesignFixture;

function fixtureTable(): Table {
  const cols: Column[] = Object.entries(fixture.columns).map(([name, c]) =>
    c.kind === 'number' ? numberColumn(name, c.values as number[]) : categoryColumn(name, c.values as (string | null)[]),
  );
  return table(cols);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('fitDesign on the customer-behaviour table', () => {
  it('matches StandardScaler + OneHotEncoder, dropping the identifier', () => {
    const d = fitDesign(fixtureTable(), { log1p: 'none', scaling: 'standard' });
    expect(d.featureNames).toEqual(fixture.featureNames);
    expect(d.matrix.cols).toBe(fixture.cols);
    expect(maxAbsDiff(d.matrix.data, fixture.standard)).toBeLessThan(1e-12);
    expect(d.notes).toContain('Customer_ID skipped: identifier-like (unique per row)');
    expect(d.notes.some((n) => n.startsWith('Satisfaction_Level: 2 missing values'))).toBe(true);
  });

  it('matches RobustScaler', () => {
    const d = fitDesign(fixtureTable(), { log1p: 'none', scaling: 'robust' });
    expect(maxAbsDiff(d.matrix.data, fixture.robust)).toBeLessThan(1e-12);
  });

  it('auto log1p leaves these mildly skewed columns alone (all skewness < 1)', () => {
    const d = fitDesign(fixtureTable());
    expect(d.notes.some((n) => n.startsWith('log1p'))).toBe(false);
    expect(maxAbsDiff(d.matrix.data, fixture.standard)).toBeLessThan(1e-12);
  });

  it('applyDesign on the training table reproduces the matrix; a missing column is named', () => {
    const t = fixtureTable();
    const d = fitDesign(t, { scaling: 'robust' });
    const round = JSON.parse(JSON.stringify(d.transform));
    expect(applyDesign(round, t).data).toEqual(d.matrix.data);
    const without = table(t.columns.filter((c) => c.name !== 'Total_Spend') as Column[]);
    expect(() => applyDesign(round, without)).toThrow(InputError);
    expect(() => applyDesign(round, without)).toThrow(/Total_Spend/);
  });
});

describe('fitDesign choices', () => {
  it('log1p on a skewed money column, median imputation, unseen levels as zeros', () => {
    const spend = [1, 2, 3, 2, 1, 500, 4, 2, NaN, 3];
    const t = table([numberColumn('total_spend', spend), categoryColumn('tier', ['a', 'b', 'a', 'a', 'b', 'a', 'b', 'a', 'a', 'b'])]);
    const d = fitDesign(t);
    expect(d.notes.some((n) => /^log1p on total_spend \(skewness \d+\.\d\d > 1\)$/.test(n))).toBe(true);
    expect(d.notes).toContain('total_spend: 1 missing value imputed with the median 2');
    // Row 8 was imputed with the median 2, so it equals row 1 (also 2).
    expect(d.matrix.data[8 * 3]).toBeCloseTo(d.matrix.data[1 * 3], 14);
    const logged = spend.map((v) => Math.log1p(Number.isNaN(v) ? 2 : v));
    const m = logged.reduce((a, b) => a + b) / logged.length;
    const sd = Math.sqrt(logged.reduce((a, b) => a + (b - m) ** 2, 0) / logged.length);
    expect(d.matrix.data[5 * 3]).toBeCloseTo((Math.log1p(500) - m) / sd, 12);

    const fresh = table([numberColumn('total_spend', [2]), categoryColumn('tier', ['c'])]);
    expect(Array.from(applyDesign(d.transform, fresh).data.slice(1))).toEqual([0, 0]);
  });

  it('explicit include keeps only the named columns; unknown names are input errors', () => {
    const t = fixtureTable();
    const d = fitDesign(t, { include: ['Age', 'Gender'] });
    expect(d.featureNames).toEqual(['Age', 'Gender=Female', 'Gender=Male']);
    expect(() => fitDesign(t, { exclude: ['Nope'] })).toThrow(/Column "Nope" is not in the data/);
    expect(() => fitDesign(t, { log1p: ['Average_Rating', 'Age'], include: ['Age'] })).not.toThrow();
  });
});

describe('fitDesign strict: columns that cannot describe behaviour', () => {
  const n = 400;
  const rng = new Random(11);
  const shuffled = rng.shuffle(Array.from({ length: n }, (_, i) => i));
  const spend = Float64Array.from({ length: n }, () => Math.round(Math.exp(rng.normal(4, 1)) * 100) / 100);
  const count = Float64Array.from({ length: n }, () => 1 + rng.poisson(3));
  const digit = (): number => 1 + rng.int(5);
  const columns: Column[] = [
    numberColumn('Unnamed: 0', Float64Array.from(shuffled)),
    numberColumn('column00', Float64Array.from(shuffled, (v) => v + 1)),
    numberColumn('row_order', Float64Array.from({ length: n }, (_, i) => 1000 + 3 * i)),
    numberColumn('member', Float64Array.from(shuffled, (v) => 50_000 + 2 * v)),
    numberColumn('rfm', Float64Array.from({ length: n }, () => 100 * digit() + 10 * digit() + digit())),
    numberColumn('zip', Float64Array.from({ length: n }, () => 10_000 + rng.int(89_999))),
    numberColumn('phone_number', Float64Array.from({ length: n }, () => 5_550_000 + rng.int(9_999))),
    numberColumn('flag', Float64Array.from({ length: n }, (_, i) => (i === 7 ? 1 : 0))),
    categoryColumn('country', Array.from({ length: n }, (_, i) => (i < 2 ? 'FR' : 'UK'))),
    numberColumn('total_spend', spend),
    numberColumn('purchase_count', count),
    numberColumn('age', Float64Array.from({ length: n }, () => 18 + rng.int(60))),
    numberColumn('rating', Float64Array.from({ length: n }, () => 1 + rng.int(5))),
    numberColumn('signup_year', Float64Array.from({ length: n }, () => 2018 + rng.int(6))),
    categoryColumn('device', Array.from({ length: n }, () => ['mobile', 'desktop', 'tablet'][rng.int(3)])),
  ];
  const t = table(columns);

  it('skips row numbers, unique integer ids, digit codes, postcodes, phone numbers and near-constant columns, each with its reason', () => {
    const d = fitDesign(t, { strict: true });
    const reasons = Object.fromEntries(d.excluded.map((e) => [e.column, e.reason]));
    expect(Object.keys(reasons).sort()).toEqual(['Unnamed: 0', 'column00', 'country', 'flag', 'member', 'phone_number', 'rfm', 'row_order', 'zip'].sort());
    expect(reasons['Unnamed: 0']).toMatch(/^row index/);
    expect(reasons.column00).toMatch(/^row index/);
    expect(reasons.row_order).toMatch(/^identifier-like|^row-number-like/);
    expect(reasons.member).toBe('identifier-like (unique integers, one per row)');
    expect(reasons.rfm).toBe('code-like (each of its 3 digits is a separate score, using only 1-5; e.g. an RFM code)');
    expect(reasons.zip).toMatch(/^code-like/);
    expect(reasons.phone_number).toMatch(/^code-like/);
    expect(reasons.flag).toBe('near-constant (99.8% of rows are 0)');
    expect(reasons.country).toBe('near-constant (99.5% of rows are UK)');
    expect(d.notes).toContain('rfm skipped: code-like (each of its 3 digits is a separate score, using only 1-5; e.g. an RFM code)');
    expect(d.transform.steps.map((s) => s.column)).toEqual(['total_spend', 'purchase_count', 'age', 'rating', 'signup_year', 'device']);
  });

  it('without strict (other models) and for columns the user names, nothing is second-guessed', () => {
    expect(fitDesign(t).excluded).toEqual([]);
    expect(fitDesign(t, { strict: true, include: ['rfm', 'zip'] }).transform.steps.map((s) => s.column)).toEqual(['rfm', 'zip']);
  });

  it('categoryWeight column: a categorical column has total variance 1 however many levels it has', () => {
    const d = fitDesign(table([numberColumn('total_spend', spend), columns[14]]), { categoryWeight: 'column' });
    const { rows, cols, data } = d.matrix;
    let total = 0;
    for (let j = 1; j < cols; j++) {
      let m = 0;
      for (let i = 0; i < rows; i++) m += data[i * cols + j] / rows;
      for (let i = 0; i < rows; i++) total += (data[i * cols + j] - m) ** 2 / rows;
    }
    expect(total).toBeCloseTo(1, 12);
    const round = applyDesign(JSON.parse(JSON.stringify(d.transform)), t);
    expect(Array.from(round.data)).toEqual(Array.from(data));
  });
});
