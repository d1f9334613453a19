import { describe, expect, it } from 'vitest';
import { takeRows } from '../../src/data/matrix.js';
import { FittedLinearRegression, LinearRegression } from '../../src/predict/linear.js';
import { FittedLogisticRegression, LogisticRegression } from '../../src/predict/logistic.js';
import { Random } from '../../src/random.js';
import { loadFixture, matrixFromRows, maxAbsDiff, maxRelDiff } from './fixtures.js';

interface LogisticFixture {
  binary: { X: number[][]; y: number[]; cases: { C: number; classWeight: 'balanced' | null; coef: number[][]; intercept: number[]; proba: number[][] }[] };
  multinomial: { rows: number[]; y: number[]; cases: { C: number; coef: number[][]; intercept: number[]; proba: number[][] }[] };
}

interface OlsFixture {
  X: number[][];
  y: number[];
  params: number[];
  bse: number[];
  tvalues: number[];
  pvalues: number[];
  rsquared: number;
  rsquaredAdj: number;
  fValue: number;
  fPvalue: number;
}

describe('logistic regression matches scikit-learn lbfgs (customer-behaviour table)', () => {
  const fx = loadFixture<LogisticFixture>('logistic.json');
  const X = matrixFromRows(fx.binary.X);

  for (const c of fx.binary.cases) {
    it(`binary, C=${c.C}, class weight ${c.classWeight ?? 'none'}: coefficients within 1e-5 (spec: 1e-4)`, () => {
      const m = new LogisticRegression({ C: c.C, classWeight: c.classWeight ?? undefined }).fit(X, fx.binary.y);
      expect(m.diagnostics.converged).toBe(true);
      expect(maxAbsDiff(m.coef, c.coef[0])).toBeLessThan(1e-5);
      expect(maxAbsDiff(m.intercept, c.intercept)).toBeLessThan(1e-5);
      const P = m.predictProba(takeRows(X, [0, 1, 2, 3, 4]));
      expect(maxAbsDiff(P.data, c.proba.flat())).toBeLessThan(1e-6);
    });
  }

  for (const c of fx.multinomial.cases) {
    it(`multinomial (3 satisfaction levels), C=${c.C}: coefficients within 1e-5 (spec: 1e-4)`, () => {
      const Xm = takeRows(X, fx.multinomial.rows);
      const m = new LogisticRegression({ C: c.C }).fit(Xm, fx.multinomial.y);
      expect(m.diagnostics.converged).toBe(true);
      expect(maxAbsDiff(m.coef, c.coef.flat())).toBeLessThan(1e-5);
      expect(maxAbsDiff(m.intercept, c.intercept)).toBeLessThan(1e-5);
      expect(maxAbsDiff(m.predictProba(takeRows(Xm, [0, 1, 2, 3, 4])).data, c.proba.flat())).toBeLessThan(1e-6);
    });
  }

  it('round-trips through JSON with identical probabilities', () => {
    const m = new LogisticRegression({ C: 0.5 }).fit(takeRows(X, fx.multinomial.rows), fx.multinomial.y);
    const back = FittedLogisticRegression.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
    expect(back.predictProba(X).data).toEqual(m.predictProba(X).data);
  });
});

describe('linear regression matches statsmodels OLS (Total_Spend on the customer-behaviour table)', () => {
  const fx = loadFixture<OlsFixture>('ols.json');
  const m = new LinearRegression().fit(matrixFromRows(fx.X), fx.y);
  const inf = m.inference!;

  it('coefficients, standard errors, t and p-values to 1e-6 relative', () => {
    expect(maxRelDiff([m.intercept, ...m.coef], fx.params)).toBeLessThan(1e-6);
    expect(maxRelDiff(inf.standardErrors, fx.bse)).toBeLessThan(1e-6);
    expect(maxRelDiff(inf.tValues, fx.tvalues)).toBeLessThan(1e-6);
    expect(maxRelDiff(inf.pValues, fx.pvalues)).toBeLessThan(1e-6);
  });

  it('R², adjusted R² and the F test', () => {
    expect(inf.rSquared).toBeCloseTo(fx.rsquared, 10);
    expect(inf.adjRSquared).toBeCloseTo(fx.rsquaredAdj, 10);
    expect(maxRelDiff([inf.fStatistic, inf.fPValue], [fx.fValue, fx.fPvalue])).toBeLessThan(1e-6);
  });

  it('round-trips through JSON', () => {
    const back = FittedLinearRegression.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
    const X = matrixFromRows(fx.X);
    expect(back.predict(X)).toEqual(m.predict(X));
  });
});

describe('logistic regression above the Hessian subsample size', () => {
  it('converges to the exact optimum (gradient ≈ 0) on 100,000 rows with class weights', () => {
    const rng = new Random(9);
    const n = 100_000;
    const X = { rows: n, cols: 3, data: Float64Array.from({ length: 3 * n }, () => rng.normal()) };
    const y = Float64Array.from({ length: n }, (_, i) => (rng.uniform() < 1 / (1 + Math.exp(-(-1.5 + X.data[3 * i] - 0.5 * X.data[3 * i + 1]))) ? 1 : 0));
    const C = 0.5;
    const m = new LogisticRegression({ C, classWeight: 'balanced' }).fit(X, y);
    expect(m.diagnostics.converged).toBe(true);
    let pos = 0;
    for (let i = 0; i < n; i++) pos += y[i];
    const wc = [n / (2 * (n - pos)), n / (2 * pos)];
    const g = new Float64Array(4);
    for (let i = 0; i < n; i++) {
      const z = m.intercept[0] + m.coef[0] * X.data[3 * i] + m.coef[1] * X.data[3 * i + 1] + m.coef[2] * X.data[3 * i + 2];
      const r = wc[y[i]] * (1 / (1 + Math.exp(-z)) - y[i]);
      for (let j = 0; j < 3; j++) g[j] += r * X.data[3 * i + j];
      g[3] += r;
    }
    for (let j = 0; j < 3; j++) g[j] += m.coef[j] / C;
    expect(Math.max(...Array.from(g, Math.abs))).toBeLessThan(1e-8 * n);
    expect(m.coef[0]).toBeGreaterThan(0.9);
    expect(m.coef[1]).toBeLessThan(-0.4);
  });
});

describe('linear regression with an aliased column', () => {
  it('leaves out an exact combination of earlier columns (coefficient 0, no inference) and fits the rest', () => {
    const rng = new Random(2);
    const n = 200;
    const a = Float64Array.from({ length: n }, () => rng.normal());
    const b = Float64Array.from({ length: n }, () => rng.normal());
    const rows = Array.from({ length: n }, (_, i) => [a[i], b[i], 2 * a[i] - b[i]]);
    const y = rows.map(([u, v]) => 1 + 3 * u - 2 * v + 0.1 * rng.normal());
    const m = new LinearRegression().fit(matrixFromRows(rows), y);
    expect(m.inference!.aliased).toEqual([2]);
    expect(m.coef[2]).toBe(0);
    expect(Number.isNaN(m.inference!.standardErrors[3])).toBe(true);
    expect(m.coef[0]).toBeCloseTo(3, 1);
    expect(m.coef[1]).toBeCloseTo(-2, 1);
    expect(m.inference!.dfResid).toBe(n - 3);
    const ref = new LinearRegression().fit(matrixFromRows(rows.map((r) => r.slice(0, 2))), y);
    expect(maxRelDiff(m.coef.subarray(0, 2), ref.coef)).toBeLessThan(1e-10);
    expect(m.inference!.standardErrors.slice(0, 3)).toEqual(ref.inference!.standardErrors.map((v) => expect.closeTo(v, 12)));
  });
});
