import { describe, expect, it } from 'vitest';
import { collapseRows } from '../../src/clv/fit.js';
import { ParetoNbdModel, pnbdConditionalExpected, pnbdLogLik, pnbdLogLikPerRow } from '../../src/clv/pnbd.js';
import { cdnowSummary } from '../fixtures/clv-pnbd/cdnow.js';

const cdnow = cdnowSummary(new URL('../../data/cdnow-sample.txt.gz', import.meta.url));
const rows = collapseRows([cdnow.x, cdnow.tx, cdnow.T]);

describe('Pareto/NBD speed-ups give the row-by-row values', () => {
  it('the likelihood computed once per distinct (x, y) equals the per-row sum bit for bit, gradient included', () => {
    for (const p of [[0.553, 10.578, 0.606, 11.669], [2, 3, 0.2, 40], [0.3, 20, 5, 2]]) {
      const params = Float64Array.from(p);
      const n = rows.length;
      const g = new Float64Array(4);
      const fast = pnbdLogLik(params, rows, g);
      const rowsGrad = { rs: new Float64Array(2), alpha: new Float64Array(n), beta: new Float64Array(n) };
      const slow = pnbdLogLikPerRow(p[0], p[2], new Float64Array(n).fill(p[1]), new Float64Array(n).fill(p[3]), rows, rowsGrad);
      expect(fast).toBe(slow);
      expect(g[0]).toBe(rowsGrad.rs[0]);
      expect(g[2]).toBe(rowsGrad.rs[1]);
      expect(g[1]).toBe(rowsGrad.alpha.reduce((a, v) => a + v, 0));
      expect(g[3]).toBe(rowsGrad.beta.reduce((a, v) => a + v, 0));
      expect(pnbdLogLik(params, rows, null)).toBe(slow);
    }
  });

  it('expected purchases reuse P(alive) across horizons, and never for changed histories', () => {
    const p = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };
    const m = new ParetoNbdModel(p, NaN, p, { converged: true, iterations: 0, gradientNorm: 0, message: '', restarts: 0 }, cdnow.x.length);
    const params = [p.r, p.alpha, p.s, p.beta];
    const x = Float64Array.from(cdnow.x.subarray(0, 300));
    const tx = Float64Array.from(cdnow.tx.subarray(0, 300));
    const T = Float64Array.from(cdnow.T.subarray(0, 300));
    const direct = (t: number) => Float64Array.from(x, (_, i) => pnbdConditionalExpected(params, t, x[i], tx[i], T[i]));
    for (const t of [4, 13, 52]) expect(m.expectedPurchases(t, x, tx, T)).toEqual(direct(t));
    // The same arrays with new values: computed afresh.
    for (let i = 0; i < x.length; i++) {
      x[i] += 1;
      tx[i] = T[i] / 2;
    }
    expect(m.expectedPurchases(13, x, tx, T)).toEqual(direct(13));
  });
});
