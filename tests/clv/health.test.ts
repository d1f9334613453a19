/**
 * Fit health and the regimes that used to explode: heavy buyers over four years with almost no
 * dropout, fitted in weeks and in days; logs without amounts; files too small to fit.
 */
import { describe, expect, it } from 'vitest';
import { betaGeometricLogLik } from '../../src/clv/bgnbd.js';
import { collapseRows } from '../../src/clv/fit.js';
import { fitHealth } from '../../src/clv/health.js';
import { fitNbd } from '../../src/clv/nbd.js';
import { pnbdLogLik } from '../../src/clv/pnbd.js';
import type { PurchaseModel } from '../../src/clv/predict.js';
import { choosePAlive, runClv, type ClvModelKind, type FittedClvModel } from '../../src/clv/run.js';
import { simulateLog } from '../../src/clv/simulate.js';
import { clvSummary, dayNumber } from '../../src/clv/summary.js';
import { clvSection } from '../../src/report/sections/clv.js';

const calibrationEnd = dayNumber(2024, 12, 31);
const n = 800;
// Customers acquired over four years; heavy, regular buyers (r large) who almost never leave.
const ages = Float64Array.from({ length: n }, (_, i) => 10 + (198 * i) / n);
const heavy = simulateLog(
  { model: 'bgnbd', params: { r: 20, alpha: 100, a: 1e-4, b: 1e5 } },
  { customers: n, T: ages, unitDays: 7, calibrationEnd, seed: 6, spend: { p: 6, q: 4, gamma: 15 } },
);
const weeks = runClv(heavy, { timeUnit: 'weeks', observationEnd: calibrationEnd });
const days = runClv(heavy, { timeUnit: 'days', observationEnd: calibrationEnd });
const repeats = weeks.summary.x.reduce((a, b) => a + b, 0);

describe('multi-year heavy buyers without dropout', () => {
  it('is the regime of the bug report: many repeat purchases, hundreds for some customers', () => {
    expect(repeats).toBeGreaterThan(10_000);
    expect(Math.max(...weeks.summary.x)).toBeGreaterThan(60);
  });

  it('every model reaches the NBD limit: the same log-likelihood as the no-dropout model, not +9.8 million', () => {
    for (const r of [weeks, days]) {
      expect(r.models).toHaveLength(3);
      for (const m of r.models) {
        expect(m.health.healthy, m.health.problems.join('; ')).toBe(true);
        expect(Math.abs(m.logLikelihood - m.health.nbdLogLikelihood)).toBeLessThan(1e-3);
        expect(m.health.dropoutDetected).toBe(false);
        expect(m.health.boundary!.reason).toMatch(/^no detectable dropout/);
        // r and alpha keep standard errors (from the NBD limit); the dropout parameters have none.
        expect(m.standardErrors.r).toBeGreaterThan(0);
        expect(Number.isNaN(m.standardErrors[m.kind === 'pnbd' ? 'beta' : 'b'])).toBe(true);
      }
    }
  });

  it('weeks and days give the same fit up to the change of units', () => {
    // A customer's likelihood is the density of x repeat-purchase times times a survival term; in
    // days each time is 7 × the time in weeks, so the density gains the Jacobian 7^-x and
    // LL_days = LL_weeks - ln 7 · Σ x_i, with alpha and beta scaled by 7 and r, a, b, s unchanged.
    const shift = Math.log(7) * repeats;
    const sw = weeks.summary;
    const sd = days.summary;
    const rw = collapseRows([sw.x, sw.tx, sw.T]);
    const rd = collapseRows([sd.x, sd.tx, sd.T]);
    for (const o of [0, 1] as const) {
      const p = [3, 40, 0.7, 2.5];
      const llw = betaGeometricLogLik(o, Float64Array.from(p), rw, null);
      const lld = betaGeometricLogLik(o, Float64Array.from([p[0], 7 * p[1], p[2], p[3]]), rd, null);
      expect(Math.abs(lld - (llw - shift))).toBeLessThan(1e-9 * Math.abs(llw));
    }
    const pp = [3, 40, 0.6, 300];
    expect(Math.abs(pnbdLogLik([pp[0], 7 * pp[1], pp[2], 7 * pp[3]], rd, null) - (pnbdLogLik(pp, rw, null) - shift))).toBeLessThan(1e-9 * Math.abs(shift));
    for (const kind of ['bgnbd', 'pnbd', 'mbgnbd'] as ClvModelKind[]) {
      const mw = weeks.models.find((m) => m.kind === kind)!;
      const md = days.models.find((m) => m.kind === kind)!;
      expect(Math.abs(md.logLikelihood - (mw.logLikelihood - shift))).toBeLessThan(1e-3);
      expect(Math.abs(md.params.alpha / (7 * mw.params.alpha) - 1)).toBeLessThan(1e-3);
    }
  });

  it('weeks and days give the same per-customer predictions, all finite', () => {
    expect(weeks.best).not.toBeNull();
    for (const kind of Object.keys(weeks.predictions) as ClvModelKind[]) {
      const pw = weeks.predictions[kind]!;
      const pd = days.predictions[kind]!;
      for (let i = 0; i < n; i++) {
        expect(Number.isFinite(pw.expectedPurchases[i]) && pw.pAlive[i] >= 0 && pw.pAlive[i] <= 1).toBe(true);
        expect(Math.abs(pd.expectedPurchases[i] / pw.expectedPurchases[i] - 1)).toBeLessThan(1e-3);
        expect(Math.abs(pd.clv[i] / pw.clv[i] - 1)).toBeLessThan(1e-3);
      }
    }
    // The forecast is of the order of last year's purchases, not 4e20.
    for (const m of weeks.models) expect(m.health.forecast.ratio).toBeGreaterThan(0.5);
    for (const m of weeks.models) expect(m.health.forecast.ratio).toBeLessThan(2);
  });

  it('says there is no detectable dropout and withholds P(alive) instead of showing 100% for everyone', () => {
    expect(weeks.pAlive.model).toBeNull();
    expect(weeks.pAlive.note).toMatch(/^The data show no detectable dropout/);
    const section = clvSection(weeks, { segmentOf: (c) => (c % 2 ? 'a' : 'b') });
    expect(section.findings).toContain(weeks.pAlive.note);
    expect(section.blocks.some((b) => b.kind === 'chart' && b.title.startsWith('Probability each customer'))).toBe(false);
    const seg = section.blocks.find((b) => b.kind === 'table' && b.title === 'CLV by segment');
    expect(seg && seg.kind === 'table' && seg.columns.includes('mean P(alive)')).toBe(false);
    const params = section.blocks.find((b) => b.kind === 'table' && b.title === 'Fitted parameters');
    expect(params?.kind === 'table' && params.rows.some((r) => r[1] === 'b' && r[2] === '→ ∞' && r[3] === 'no detectable dropout')).toBe(true);
  });
});

describe('a Beta with its mass at 0 and 1 (a, b → 0): weeks and days still agree', () => {
  // BG/NBD runs along a ridge to a, b ~ 1e-16, where b + x - 1 formed as (b + 1) - 1 used to round
  // to 0 or 2e-16 and fake a likelihood-ratio of 4.8 in weeks but 2.1 in days.
  const log = simulateLog(
    { model: 'bgnbd', params: { r: 8, alpha: 160, a: 0.001, b: 1e4 } },
    { customers: n, T: ages, unitDays: 7, calibrationEnd, seed: 5, spend: { p: 6, q: 4, gamma: 15 } },
  );
  const w = runClv(log, { timeUnit: 'weeks', observationEnd: calibrationEnd });
  const d = runClv(log, { timeUnit: 'days', observationEnd: calibrationEnd });
  const shift = Math.log(7) * w.summary.x.reduce((a, b) => a + b, 0);
  it('same log-likelihoods, verdicts and choice', () => {
    for (const mw of w.models) {
      const md = d.models.find((m) => m.kind === mw.kind)!;
      expect(Math.abs(md.logLikelihood - (mw.logLikelihood - shift))).toBeLessThan(1e-3);
      expect(md.health.healthy).toBe(mw.health.healthy);
      expect(md.health.dropoutDetected).toBe(mw.health.dropoutDetected);
      expect(mw.health.dropoutLr).toBeLessThan(2.706);
    }
    expect(d.best).toBe(w.best);
    const pw = w.predictions[w.best!]!.expectedPurchases;
    const pd = d.predictions[d.best!]!.expectedPurchases;
    for (let i = 0; i < n; i++) expect(Math.abs(pd[i] / pw[i] - 1)).toBeLessThan(1e-3);
  });
});

describe('P(alive) comes from a model in which one-time buyers can drop out', () => {
  const fm = (kind: ClvModelKind, dropoutDetected: boolean, logLikelihood: number) =>
    [kind, { kind, logLikelihood, health: { dropoutDetected } } as unknown as FittedClvModel] as const;
  it('the best model when it found dropout', () => {
    const byKind = new Map([fm('bgnbd', true, -10), fm('mbgnbd', true, -11)]);
    expect(choosePAlive('bgnbd', byKind, ['bgnbd', 'mbgnbd'])).toEqual({ model: 'bgnbd', note: null });
  });
  it('MBG/NBD or Pareto/NBD when the best model found none, with one sentence saying so', () => {
    const byKind = new Map([fm('bgnbd', false, -10), fm('mbgnbd', true, -11), fm('pnbd', true, -12)]);
    const p = choosePAlive('bgnbd', byKind, ['bgnbd', 'mbgnbd', 'pnbd']);
    expect(p.model).toBe('mbgnbd');
    expect(p.note).toBe('BG/NBD finds no detectable dropout, so its P(alive) would be ≈100% for everyone; P(alive) comes from MBG/NBD, in which one-time buyers can drop out.');
    // An unhealthy model is never the source, even if it found dropout.
    expect(choosePAlive('bgnbd', byKind, ['bgnbd', 'pnbd']).model).toBe('pnbd');
  });
  it('withheld when no healthy model finds dropout', () => {
    const byKind = new Map([fm('bgnbd', false, -10), fm('mbgnbd', false, -10), fm('pnbd', true, -9)]);
    const p = choosePAlive('bgnbd', byKind, ['bgnbd', 'mbgnbd']);
    expect(p.model).toBeNull();
    expect(p.note).toMatch(/^The data show no detectable dropout/);
  });
  it('on data with dropout after the first purchase, one-time buyers are not all presumed alive', () => {
    const log = simulateLog(
      { model: 'mbgnbd', params: { r: 1, alpha: 5, a: 2, b: 3 } },
      { customers: 1500, T: 52, unitDays: 7, calibrationEnd, seed: 3, spend: { p: 6, q: 4, gamma: 15 } },
    );
    const r = runClv(log, { timeUnit: 'weeks', observationEnd: calibrationEnd, models: ['bgnbd', 'mbgnbd'] });
    expect(r.best).toBe('mbgnbd');
    expect(r.pAlive).toEqual({ model: 'mbgnbd', note: null });
    const p = r.predictions.mbgnbd!.pAlive;
    expect(Math.min(...Array.from(p).filter((_, i) => r.summary.x[i] === 0))).toBeLessThan(0.9);
  });
});

describe('fit health verdicts', () => {
  const s = clvSummary(heavy, { timeUnit: 'weeks', observationEnd: calibrationEnd });
  const nbd = fitNbd(s);
  const fake = (ll: number, gradientNorm: number): PurchaseModel =>
    ({
      kind: 'bgnbd',
      params: { r: 20, alpha: 100, a: 0.5, b: 3 },
      standardErrors: { r: 1, alpha: 5, a: 0.1, b: 0.5 },
      logLikelihood: ll,
      convergence: { converged: true, iterations: 10, gradientNorm, message: 'relative change in objective below tolerance', restarts: 1 },
    }) as unknown as PurchaseModel;
  const base = { kind: 'bgnbd', name: 'BG/NBD', nbd, actualRepeats: 1000, expectedRepeats: 1000, forecast: { windowDays: 365, forecast: 500, actual: 480, ratio: 500 / 480 } };

  it('a positive log-likelihood far above the NBD passes the LL check but not the in-sample check', () => {
    const h = fitHealth({ ...base, model: fake(9_834_880, 0), expectedRepeats: 4e20 });
    expect(h.healthy).toBe(false);
    expect(h.problems[0]).toMatch(/expects .* repeat purchases in the calibration period/);
  });
  it('worse than the nested NBD model: the optimiser missed the maximum', () => {
    const h = fitHealth({ ...base, model: fake(nbd.logLikelihood - 5, 0) });
    expect(h.healthy).toBe(false);
    expect(h.problems[0]).toMatch(/below the no-dropout NBD model/);
  });
  it('a function-tolerance stop with a large gradient is not converged', () => {
    const h = fitHealth({ ...base, model: fake(nbd.logLikelihood + 10, 0.01) });
    expect(h.converged).toBe(false);
    expect(h.healthy).toBe(false);
  });
  it('a sound fit is healthy; the sanity checks flag without rejecting', () => {
    const ok = fitHealth({ ...base, model: fake(nbd.logLikelihood + 10, 1e-8) });
    expect(ok).toMatchObject({ healthy: true, problems: [], flags: [], dropoutDetected: true });
    const flagged = fitHealth({ ...base, model: fake(nbd.logLikelihood + 10, 1e-8), expectedRepeats: 1050, forecast: { ...base.forecast, ratio: 7 } });
    expect(flagged.healthy).toBe(true);
    expect(flagged.flags).toHaveLength(2);
  });
});

describe('minimum data and logs without amounts', () => {
  it('a date,id log fits the purchase models and skips spend with one stated reason', () => {
    const { amount: _omit, ...datesOnly } = heavy;
    const r = runClv(datesOnly, { timeUnit: 'weeks', observationEnd: calibrationEnd, models: ['pnbd'] });
    expect(r.spend).toBeNull();
    expect(r.best).toBe('pnbd');
    expect(r.clvWithheld).toMatch(/no order amounts/);
    expect(r.warnings.filter((w) => /amounts/.test(w))).toHaveLength(1);
    expect(r.predictions.pnbd!.expectedPurchases.every(Number.isFinite)).toBe(true);
    expect(r.predictions.pnbd!.clv.every(Number.isNaN)).toBe(true);
    // Amounts read as NaN (an empty amount column) mean the same as no amounts.
    const nan = runClv({ ...heavy, amount: new Float64Array(heavy.customer.length).fill(NaN) }, { timeUnit: 'weeks', observationEnd: calibrationEnd, models: ['pnbd'] });
    expect(nan.clvWithheld).toBe(r.clvWithheld);
  });

  it('a three-customer file gets a reason, not 53 billion', () => {
    const d0 = dayNumber(2024, 1, 1);
    const tiny = { customer: new Int32Array([0, 0, 0, 1, 1, 2]), days: Float64Array.from([0, 3, 9, 1, 2, 5], (d) => d0 + d), amount: new Float64Array(6).fill(20), customers: 3 };
    const r = runClv(tiny, { timeUnit: 'weeks', observationEnd: d0 + 30 });
    expect(r.fitSkipped).toMatch(/^Only 3 customers/);
    expect(r.models).toEqual([]);
    expect(clvSection(r).findings).toEqual([r.fitSkipped]);
  });

  it('fewer than 20 repeat buyers: purchase models yes, spend no', () => {
    const log = simulateLog(
      { model: 'pnbd', params: { r: 0.3, alpha: 40, s: 0.5, beta: 10 } },
      { customers: 200, T: 30, unitDays: 7, calibrationEnd, seed: 9, spend: { p: 6, q: 4, gamma: 15 } },
    );
    const r = runClv(log, { timeUnit: 'weeks', observationEnd: calibrationEnd, models: ['pnbd'] });
    const buyers = r.summary.x.filter((x) => x > 0).length;
    expect(buyers).toBeLessThan(20);
    expect(r.spend).toBeNull();
    expect(r.clvWithheld).toBe(`Only ${buyers} repeat buyers: at least 20 are needed to model spend per transaction, so monetary CLV is withheld`);
  });
});

describe('fits over simulated datasets in each regime', () => {
  const regimes = [
    { name: 'CDNOW-like weeks', spec: { model: 'bgnbd', params: { r: 0.25, alpha: 4.4, a: 0.8, b: 2.4 } }, unitDays: 7, T: 39 },
    { name: 'strong dropout, days', spec: { model: 'pnbd', params: { r: 0.5, alpha: 70, s: 0.6, beta: 80 } }, unitDays: 1, T: 1460 },
    { name: 'no dropout, heavy, days', spec: { model: 'pnbd', params: { r: 5, alpha: 30, s: 1e-4, beta: 1e6 } }, unitDays: 1, T: 1460 },
    { name: 'one-time dropout', spec: { model: 'mbgnbd', params: { r: 1, alpha: 5, a: 2, b: 3 } }, unitDays: 7, T: 104 },
  ] as const;
  for (const g of regimes) {
    it(g.name, () => {
      const ageAt = Float64Array.from({ length: 600 }, (_, i) => g.T * (0.1 + (0.9 * i) / 600));
      const log = simulateLog(g.spec, { customers: 600, T: ageAt, unitDays: g.unitDays, calibrationEnd, seed: 11, spend: { p: 6, q: 4, gamma: 15 } });
      const r = runClv(log, { timeUnit: g.unitDays === 1 ? 'days' : 'weeks', observationEnd: calibrationEnd });
      for (const m of r.models) {
        expect(Number.isFinite(m.logLikelihood)).toBe(true);
        expect(m.logLikelihood).toBeGreaterThanOrEqual(m.health.nbdLogLikelihood - 1e-3);
      }
      expect(r.best).not.toBeNull();
      for (const p of Object.values(r.predictions)) {
        expect(p.expectedPurchases.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
        expect(p.pAlive.every((v) => v >= 0 && v <= 1)).toBe(true);
        expect(p.clv.every(Number.isFinite)).toBe(true);
      }
    });
  }
});

describe('no healthy model: CLV withheld with the reason', () => {
  it('a heavy penalty drags every fit below the no-dropout model', () => {
    const r = runClv(heavy, { timeUnit: 'weeks', observationEnd: calibrationEnd, penalizer: 0.1 });
    expect(r.models.every((m) => !m.health.healthy)).toBe(true);
    expect(r.models[0].health.problems[0]).toMatch(/below the no-dropout NBD model's .*, the penalty \(0\.1\) costs more fit than dropout explains$/);
    expect(r.best).toBeNull();
    expect(r.predictions).toEqual({});
    expect(r.clvWithheld).toBe('No purchase model passed the fit-health checks, so CLV is withheld rather than reported from a broken fit');
    const section = clvSection(r);
    expect(section.findings).toEqual(['No purchase forecast or CLV is given: no fitted model passed the fit-health checks.']);
    expect(section.blocks.filter((b) => b.kind === 'table').map((b) => b.title)).toEqual(['Fit health', 'Fitted parameters', 'Model comparison']);
  });
});
