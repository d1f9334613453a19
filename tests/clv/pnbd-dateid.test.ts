/**
 * Pareto/NBD on tests/fixtures/shapes/date-id.csv, a log whose maximum likelihood sits in the
 * Poisson limit (r, α → ∞ with r/α fixed) with real dropout. There 2F1(1, r+x; r+s+x+1; z) has
 * 1 - z ~ 1e-3 .. 1e-10 and (c-1)(1-z) in the tens: A&S 15.3.6 cancels to garbage (LL +737 at
 * r ≈ 1.3e4, far above BG/NBD's -995), the positive series needs millions of terms per customer
 * (a fit of minutes), and c - b formed as (r+s+x+1) - (r+x) lost s at r ~ 1e15 (LL -885 instead of
 * -947). Reference: mpmath at 60 digits (scripts/fixtures/clv_pnbd_dateid.py).
 * No timing here: a hang is caught by the default test timeout.
 */
import { describe, expect, it } from 'vitest';
import { BgNbd } from '../../src/clv/bgnbd.js';
import { ParetoNbd, pnbdRow } from '../../src/clv/pnbd.js';
import { runClv } from '../../src/clv/run.js';
import { clvSummary } from '../../src/clv/summary.js';
import ref from '../fixtures/clv-pnbd-dateid/reference.json' with { type: 'json' };
import fixture from '../fixtures/clv-pnbd-dateid/summary.json' with { type: 'json' };
import { dateIdLog, sortedRows } from './date-id-log.js';

const log = dateIdLog();
const observationEnd = Math.max(...log.days);
const summary = clvSummary(log, { timeUnit: 'weeks', observationEnd });
const rows = sortedRows(summary.x, summary.tx, summary.T);
const cases = (ref as { cases: { case: string; params: number[]; logLik: number[]; total: number }[] }).cases;

describe('Pareto/NBD on date-id.csv (Poisson limit with dropout)', () => {
  it('the summary is the one the reference was computed on', () => {
    expect(Math.floor(observationEnd)).toBe(Math.floor(fixture.observationEnd));
    expect(rows).toEqual({ x: fixture.x, tx: fixture.tx, T: fixture.T });
  });

  for (const c of cases) {
    it(`per-customer log-likelihood matches mpmath (${c.case})`, () => {
      const [r, alpha, s, beta] = c.params;
      let total = 0;
      let worst = 0;
      for (let i = 0; i < rows.x.length; i++) {
        const ll = pnbdRow(r, alpha, s, beta, rows.x[i], rows.tx[i], rows.T[i]).logLik;
        total += ll;
        worst = Math.max(worst, Math.abs(ll - c.logLik[i]) / Math.max(1, Math.abs(c.logLik[i])));
      }
      expect(worst).toBeLessThan(1e-11);
      expect(Math.abs(total - c.total)).toBeLessThan(1e-9);
    });
  }

  it('fits to a finite negative likelihood close to BG/NBD, matching the reference there', () => {
    const m = new ParetoNbd().fit(summary);
    const bg = new BgNbd().fit(summary);
    expect(m.convergence.converged).toBe(true);
    expect(Number.isFinite(m.logLikelihood)).toBe(true);
    expect(m.logLikelihood).toBeLessThan(0);
    // Same data, same number of parameters: within a few tens of log-likelihood units, not +737.
    expect(Math.abs(m.logLikelihood - bg.logLikelihood)).toBeLessThan(100);
    const fitted = cases.find((c) => c.case === 'fitted')!;
    expect(m.logLikelihood).toBeCloseTo(fitted.total, 6);
    // The Poisson limit: r/α is the purchase rate, finite however large r runs.
    expect(m.params.r / m.params.alpha).toBeCloseTo(fitted.params[0] / fitted.params[1], 3);
    expect(m.params.s).toBeCloseTo(fitted.params[2], 2);
  });

  it('runs end to end through runClv on the dates-only log', () => {
    const r = runClv(log, { timeUnit: 'weeks', observationEnd, models: ['bgnbd', 'pnbd'] });
    const pnbd = r.models.find((m) => m.name === 'Pareto/NBD')!;
    const bg = r.models.find((m) => m.name === 'BG/NBD')!;
    expect(Number.isFinite(pnbd.logLikelihood)).toBe(true);
    expect(pnbd.logLikelihood).toBeLessThan(0);
    expect(Math.abs(pnbd.logLikelihood - bg.logLikelihood)).toBeLessThan(100);
    // Whether the fit is then used is the health checks' call (r, α are not identified here).
    for (const p of Object.values(r.predictions)) expect(p.expectedPurchases.every(Number.isFinite)).toBe(true);
  });
});
