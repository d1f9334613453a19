/**
 * Test helper: the score tests' two example models and importance-sampled draws from a customer's
 * posterior, for Monte-Carlo checks of the closed forms.
 */
import { BgNbdModel } from '../../src/clv/bgnbd.js';
import { MbgNbdModel } from '../../src/clv/mbgnbd.js';
import { pnbdPAlive } from '../../src/clv/pnbd.js';
import type { ScoreModel } from '../../src/clv/score-model.js';
import { Random } from '../../src/random.js';

export const conv = { converged: true, iterations: 0, gradientNorm: 0, message: '' } as never;
export const BG = { r: 0.8, alpha: 5, a: 0.6, b: 2.5 };
export const PN = { r: 0.6, alpha: 8, s: 0.7, beta: 12 };

/**
 * Importance sampling from the prior, weighted by each draw's likelihood of (x, tx, T) split into
 * its alive and dead parts: an estimate of the conditional future that shares no formula with the
 * closed forms under test (neither P(alive) nor the posterior).
 */
export interface Draw { w: number; alive: boolean; lambda: number; p: number; mu: number }

export function posteriorDraws(kind: ScoreModel['kind'], x: number, tx: number, T: number, n: number, seed: number): Draw[] {
  const rng = new Random(seed);
  const out: Draw[] = [];
  for (let k = 0; k < n; k++) {
    if (kind === 'pnbd') {
      const lambda = rng.gamma(PN.r, PN.alpha);
      const mu = rng.gamma(PN.s, PN.beta);
      const lx = Math.pow(lambda, x);
      const aliveW = lx * Math.exp(-(lambda + mu) * T);
      const deadW = lx * (mu / (lambda + mu)) * (Math.exp(-(lambda + mu) * tx) - Math.exp(-(lambda + mu) * T));
      out.push({ w: aliveW, alive: true, lambda, p: 0, mu }, { w: deadW, alive: false, lambda, p: 0, mu });
    } else {
      const lambda = rng.gamma(BG.r, BG.alpha);
      const p = rng.beta(BG.a, BG.b);
      const o = kind === 'mbgnbd' ? 1 : 0;
      const lx = Math.pow(lambda, x);
      const aliveW = lx * Math.exp(-lambda * T) * Math.pow(1 - p, x + o);
      const deadW = x + o > 0 ? lx * Math.exp(-lambda * tx) * p * Math.pow(1 - p, x + o - 1) : 0;
      out.push({ w: aliveW, alive: true, lambda, p, mu: 0 }, { w: deadW, alive: false, lambda, p, mu: 0 });
    }
  }
  return out;
}

export function modelOf(kind: ScoreModel['kind']): { score: ScoreModel; pAlive: (x: number, tx: number, T: number) => number } {
  if (kind === 'pnbd') return { score: { kind, params: PN }, pAlive: (x, tx, T) => pnbdPAlive([PN.r, PN.alpha, PN.s, PN.beta], x, tx, T) };
  const m = kind === 'bgnbd' ? new BgNbdModel(BG, 0, BG, conv, 0) : new MbgNbdModel(BG, 0, BG, conv, 0);
  return { score: { kind, params: BG }, pAlive: (x, tx, T) => m.pAlive(Float64Array.of(x), Float64Array.of(tx), Float64Array.of(T))[0] };
}

