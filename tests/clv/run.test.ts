import { describe, expect, it } from 'vitest';
import { compile } from 'vega-lite';
import { BgNbdModel } from '../../src/clv/bgnbd.js';
import { customerLifetimeValue, MONTH_DAYS } from '../../src/clv/predict.js';
import { clvResultToJSON, runClv } from '../../src/clv/run.js';
import { dayNumber } from '../../src/clv/summary.js';
import { ModelError, InputError } from '../../src/errors.js';
import { clvSection } from '../../src/report/sections/clv.js';
import { CALIBRATION_END, OBSERVATION_END, readCdnow } from './cdnow.js';

const log = readCdnow('cdnow-sample.txt.gz');
const result = runClv(log, { timeUnit: 'weeks', observationEnd: OBSERVATION_END, calibrationEnd: CALIBRATION_END });
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('runClv on the CDNOW sample', () => {
  it('fits every model and the spend model with the published parameters', () => {
    expect(result.models.map((m) => m.kind)).toEqual(['bgnbd', 'pnbd', 'mbgnbd']);
    const bg = result.models[0];
    expect(rel(bg.params.r, 0.243)).toBeLessThan(0.01);
    expect(Math.abs(bg.logLikelihood - -9582.4)).toBeLessThan(0.1);
    const pnbd = result.models[1];
    expect(rel(pnbd.params.s, 0.606)).toBeLessThan(0.01);
    expect(Math.abs(pnbd.logLikelihood - -9595.0)).toBeLessThan(0.1);
    expect(rel(result.spend!.params.p, 6.25)).toBeLessThan(0.01);
    // Pareto/NBD's in-sample expectation is 2.8% above the 2,457 actual repeats: flagged, still usable. The 39-week
    // calibration period is shorter than the 12-month horizon, which is said too.
    expect(result.warnings).toEqual([
      "The 12-month horizon is longer than the history the models rest on (9 months, the longest customer's): the forecast extrapolates past anything observed, so read it as a rough guide, or shorten it (--months)",
      'Pareto/NBD: in-sample expected repeat purchases differ from the actual 2,457 by 2.8% (a maximum-likelihood fit should match closely)',
    ]);
    for (const m of result.models) {
      expect(m.health.healthy).toBe(true);
      expect(m.health.dropoutDetected).toBe(true);
      expect(m.health.boundary).toBeNull();
    }
    // With a holdout the choice is by holdout accuracy: Pareto/NBD has the lowest MAE and RMSE and the
    // smallest aggregate bias, although BIC would rank MBG/NBD first.
    expect(result.selection.by).toBe('holdout');
    expect(result.best).toBe('pnbd');
    expect(result.pAlive).toEqual({ model: 'pnbd', note: null });
    expect(result.clvWithheld).toBeNull();
  });

  it("predicts per customer from every healthy model, or with predictions 'used' from the ones read, to the same numbers", () => {
    expect(Object.keys(result.predictions).sort()).toEqual(['bgnbd', 'mbgnbd', 'pnbd']);
    const used = runClv(log, { timeUnit: 'weeks', observationEnd: OBSERVATION_END, calibrationEnd: CALIBRATION_END, predictions: 'used' });
    // Pareto/NBD is chosen and P(alive) is read from it: the other two are not evaluated per customer.
    expect(Object.keys(used.predictions)).toEqual(['pnbd']);
    expect(used.predictions.pnbd).toEqual(result.predictions.pnbd);
    expect(used.comparison).toEqual(result.comparison);
  });

  it('comparison and calibration/holdout tables are consistent with the data', () => {
    const ch = result.calibrationHoldout!;
    expect(ch.customers.reduce((a, b) => a + b)).toBe(2357);
    expect(ch.customers[0]).toBe(1411);
    const weighted = ch.actual.reduce((s, v, k) => s + v * ch.customers[k], 0);
    expect(weighted).toBeCloseTo(1882, 8);
    for (const c of result.comparison) {
      expect(c.holdoutActual).toBe(1882);
      expect(c.aic).toBeCloseTo(8 - 2 * c.logLikelihood, 8);
      expect(c.bic).toBeCloseTo(4 * Math.log(2357) - 2 * c.logLikelihood, 8);
      expect(c.holdoutRmse).toBeGreaterThanOrEqual(c.holdoutMae);
    }
  });

  it('tracks cumulative repeat transactions: all 4,339 actual, expected close at the calibration end', () => {
    const tr = result.tracking;
    expect(tr.periodEnd.length).toBe(78);
    expect(tr.cumulativeActual[tr.cumulativeActual.length - 1]).toBe(2457 + 1882);
    const k = tr.calibrationPeriod;
    for (const kind of ['bgnbd', 'pnbd', 'mbgnbd']) {
      expect(rel(tr.cumulativeExpected[kind][k], tr.cumulativeActual[k])).toBeLessThan(0.05);
      expect(tr.expected[kind].reduce((a, b) => a + b)).toBeCloseTo(tr.cumulativeExpected[kind][77], 8);
    }
  });

  it('CLV is the discounted monthly sum of expected purchases × spend × margin', () => {
    const s = result.summary;
    const m = BgNbdModel.fromJSON(result.models[0].model);
    const i = Array.from(s.x).indexOf(5);
    const one = (a: Float64Array) => a.subarray(i, i + 1);
    const hist = { x: one(s.x), tx: one(s.tx), T: one(s.T), timeUnit: 'weeks' as const };
    const spend = one(result.expectedSpend);
    let manual = 0;
    let prev = 0;
    for (let k = 1; k <= 12; k++) {
      const cum = m.expectedPurchases((k * 365.25) / 12 / 7, hist.x, hist.tx, hist.T)[0];
      manual += (0.4 * spend[0] * (cum - prev)) / Math.pow(1.02, k);
      prev = cum;
    }
    const clv = customerLifetimeValue(m, hist, spend, { months: 12, monthlyDiscountRate: 0.02, margin: 0.4 })[0];
    expect(clv).toBeCloseTo(manual, 10);
    // Undiscounted, one year of revenue is spend × E[X(T, T + 365.25 days)].
    const year = customerLifetimeValue(m, hist, spend, { months: 12, monthlyDiscountRate: 0 })[0];
    expect(year).toBeCloseTo(spend[0] * m.expectedPurchases((12 * MONTH_DAYS) / 7, hist.x, hist.tx, hist.T)[0], 10);
    expect(result.predictions.bgnbd!.clv[i]).toBeGreaterThan(0);
    expect(() => customerLifetimeValue(m, hist, spend, { margin: 40 })).toThrow(InputError);
  });

  it('serialises to plain JSON with per-customer arrays', () => {
    const json = clvResultToJSON(result) as { predictions: { bgnbd: { clv: number[] } }; summary: { monetary: (number | null)[] } };
    expect(json.predictions.bgnbd.clv).toHaveLength(2357);
    expect(json.summary.monetary.filter((v) => v === null)).toHaveLength(1411);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});

describe('runClv edge cases', () => {
  const d0 = dayNumber(2021, 1, 1);
  it('all one-time buyers: nothing fitted, and the result says why', () => {
    const n = 30;
    const oneTime = {
      customer: Int32Array.from({ length: n }, (_, i) => i),
      days: Float64Array.from({ length: n }, (_, i) => d0 + i),
      amount: new Float64Array(n).fill(10),
      customers: n,
    };
    const few = runClv(oneTime, { timeUnit: 'days', observationEnd: d0 + 60 });
    expect(few.fitSkipped).toMatch(/^Only 30 customers in the calibration period/);
    const r = runClv(oneTime, { timeUnit: 'days', observationEnd: d0 + 60, minCustomers: 2 });
    expect(r.fitSkipped).toBe('Every customer made one purchase: there is no repeat behaviour to fit, so no purchase model was fitted');
    expect(r.best).toBeNull();
    expect(r.models).toEqual([]);
    expect(r.predictions).toEqual({});
  });

  it('zero-spend repeat purchases are left out of the spend model with a warning', () => {
    const master = readCdnow('cdnow-master.txt.gz');
    const r = runClv(master, { timeUnit: 'weeks', observationEnd: OBSERVATION_END, calibrationEnd: CALIBRATION_END, models: ['bgnbd'] });
    expect(r.warnings).toEqual([
      "The 12-month horizon is longer than the history the models rest on (9 months, the longest customer's): the forecast extrapolates past anything observed, so read it as a rough guide, or shorten it (--months)",
      '1 repeat buyer with zero or negative mean spend left out of the spend model; net returns into orders to keep them',
    ]);
    expect(r.spend!.excluded).toBe(1);
    expect(Number.isFinite(r.predictions.bgnbd!.clv.reduce((a, b) => a + b))).toBe(true);
  });

  it('a single customer is not fitted; lowering the minimum reaches the model check', () => {
    const single = { customer: new Int32Array([0, 0]), days: new Float64Array([d0, d0 + 5]), amount: new Float64Array([5, 6]), customers: 1 };
    const r = runClv(single, { timeUnit: 'days', observationEnd: d0 + 10, models: ['bgnbd'] });
    expect(r.fitSkipped).toMatch(/^Only 1 customer in the calibration period/);
    expect(r.clvWithheld).toBe(r.fitSkipped);
    const forced = runClv(single, { timeUnit: 'days', observationEnd: d0 + 10, models: ['bgnbd'], minCustomers: 1 });
    expect(forced.warnings).toContain('BG/NBD was not fitted: BG/NBD needs at least 2 customers to fit, got 1');
    expect(forced.best).toBeNull();
    expect(forced.clvWithheld).toBe('No purchase model could be fitted, so CLV is withheld');
  });
});

describe('clvSection', () => {
  it('builds valid Vega-Lite charts, tables and findings', () => {
    const section = clvSection(result, { segmentOf: (c) => (c % 2 === 0 ? 'even' : 'odd') });
    expect(section.id).toBe('clv');
    expect(section.findings.length).toBeGreaterThanOrEqual(4);
    expect(section.findings[0]).toMatch(/^Over the next 12 months the 2,357 customers are expected to make [\d,]+ purchases worth/);
    const charts = section.blocks.filter((b) => b.kind === 'chart');
    expect(charts.map((c) => c.title)).toEqual([
      'Customers by number of repeat purchases in calibration, actual vs expected',
      'Mean holdout purchases by calibration-period repeat purchases',
      'Cumulative repeat transactions by week, actual vs expected',
      'Repeat transactions per week, actual vs expected',
      'Expected purchases in the next 12 months by frequency and recency (Pareto/NBD)',
      'Probability a customer is still active by frequency and recency (Pareto/NBD)',
      'Probability each customer is still active (Pareto/NBD)',
      'Share of 12-month CLV by customer decile',
      'Mean predicted CLV by segment',
    ]);
    for (const c of charts) expect(() => compile(c.spec as never)).not.toThrow();
    const tables = section.blocks.filter((b) => b.kind === 'table');
    expect(tables.map((t) => t.title)).toEqual(['CLV by segment', 'Fit health', 'Fitted parameters', 'Model comparison']);
    const health = tables.find((t) => t.title === 'Fit health')!;
    expect(health.rows.map((r) => r[1])).toEqual(['yes', 'yes (best)', 'yes']);
    const noSeg = clvSection(result);
    expect(noSeg.blocks.some((b) => b.kind === 'chart' && b.title === 'Mean predicted CLV by segment')).toBe(false);
  });
});
