import { adaptiveSimpson } from '../../src/clv/scores.js';
import { conditionalExpected, type ScoreModel } from '../../src/clv/score-model.js';

/**
 * Test helper: E[X(T, T+t) | x, tx, T] for the beta-geometric models by one-dimensional numerical
 * integration over the dropout probability p (λ integrates out in closed form), independent of
 * the hypergeometric-function route the models use. o = 0 for BG/NBD, 1 for MBG/NBD.
 */
export function expectedByQuadrature(
  params: { r: number; alpha: number; a: number; b: number },
  o: 0 | 1,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  const { r, alpha, a, b } = params;
  const rx = r + x;
  const kT = Math.pow(alpha + T, -rx);
  const kTx = Math.pow(alpha + tx, -rx);
  // p = u^(2/a) turns p^(a-1) dp into a multiple of u du, smooth at 0, so Simpson converges fast.
  const steps = 200_000;
  let num = 0;
  let den = 0;
  for (let k = 0; k <= steps; k++) {
    const u = k / steps;
    const wS = k === 0 || k === steps ? 1 : k % 2 === 1 ? 4 : 2; // Simpson
    const p = Math.pow(u, 2 / a);
    if (p <= 0 || p >= 1) continue; // integrands vanish or are integrable endpoints
    const q = 1 - p;
    const beta = u * Math.pow(q, b - 1);
    const alive = Math.pow(q, x + o) * kT;
    const dropped = x + o > 0 ? p * Math.pow(q, x + o - 1) * kTx : 0;
    const future = (Math.pow(q, x + o) / p) * (kT - Math.pow(alpha + T + p * t, -rx));
    num += wS * beta * future;
    den += wS * beta * (alive + dropped);
  }
  return num / den;
}

/**
 * Test helper: DERT by its definition, δ ∫_0^∞ e^{-δt} E[X(T, T+t) | x, tx, T] dt, integrated
 * adaptively over u = e^{-δt} through the models' own conditional expectation: slow (a second
 * per customer) but sharing nothing with the survival-curve form the scores use.
 */
export function dertByDefinition(model: ScoreModel, delta: number, x: number, tx: number, T: number): number {
  // At u = 0 (t = ∞) the expectation is approached at a horizon where e^{-δt} is ~1e-300.
  const e = (u: number) => conditionalExpected(model, -Math.log(Math.max(u, 1e-300)) / delta, x, tx, T);
  return adaptiveSimpson(e, 0, 1, 1e-9);
}
