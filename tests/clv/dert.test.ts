import { describe, expect, it } from 'vitest';
import { BgNbdModel } from '../../src/clv/bgnbd.js';
import { dert } from '../../src/clv/dert.js';
import { MbgNbdModel } from '../../src/clv/mbgnbd.js';
import { pnbdPAlive } from '../../src/clv/pnbd.js';
import type { ScoreModel } from '../../src/clv/score-model.js';
import { dertByDefinition } from './integrate.js';
import { conv, modelOf, posteriorDraws } from './posterior-draws.js';

function pAliveOf(model: ScoreModel, x: number, tx: number, T: number): number {
  if (model.kind === 'pnbd') {
    const { r, alpha, s, beta } = model.params;
    return pnbdPAlive([r, alpha, s, beta], x, tx, T);
  }
  const m = model.kind === 'bgnbd' ? new BgNbdModel(model.params, 0, model.params, conv, 0) : new MbgNbdModel(model.params, 0, model.params, conv, 0);
  return m.pAlive(Float64Array.of(x), Float64Array.of(tx), Float64Array.of(T))[0];
}

const one = (model: ScoreModel, delta: number, x: number, tx: number, T: number) => dert(model, delta, [pAliveOf(model, x, tx, T)], [x], [T])[0];

describe('DERT', () => {
  for (const kind of ['bgnbd', 'mbgnbd', 'pnbd'] as const) {
    it(`${kind}: matches the Monte-Carlo mean of the discounted future purchases`, () => {
      const { score } = modelOf(kind);
      const delta = 0.01;
      for (const [x, tx, T] of [[0, 0, 30], [2, 15, 30], [5, 28, 30]] as const) {
        const draws = posteriorDraws(kind, x, tx, T, 100_000, 11 + x);
        let num = 0;
        let den = 0;
        for (const d of draws) {
          den += d.w;
          // Given alive: Pareto/NBD λ/(μ+δ); BG-type Σ_k (1-p)^(k-1) (λ/(λ+δ))^k = λ/(λp+δ).
          if (d.alive) num += d.w * (kind === 'pnbd' ? d.lambda / (d.mu + delta) : d.lambda / (d.lambda * d.p + delta));
        }
        expect(Math.abs(one(score, delta, x, tx, T) / (num / den) - 1)).toBeLessThan(0.02);
      }
    });
  }

  // The weekly rate of a 1%-a-month discount, as the CLV horizon uses.
  const weekly = (Math.log1p(0.01) * 7) / (365.25 / 12);

  it('equals its definition, δ∫e^{-δt} E[X(T, T+t)] dt, for fitted-looking models of every kind', () => {
    const cases: [ScoreModel, number, number, number][] = [
      // CDNOW's BG/NBD, Online Retail's (dropout barely detected: a = 0.003), a strong-dropout MBG/NBD, a Pareto/NBD.
      [{ kind: 'bgnbd', params: { r: 0.2426, alpha: 4.41, a: 0.793, b: 2.426 } }, 40, 53, 60],
      [{ kind: 'bgnbd', params: { r: 0.8229, alpha: 9.87, a: 0.0031, b: 7.256 } }, 10, 35, 50],
      [{ kind: 'bgnbd', params: { r: 0.8229, alpha: 9.87, a: 0.0031, b: 7.256 } }, 30, 50, 53],
      [{ kind: 'mbgnbd', params: { r: 0.8, alpha: 5, a: 5, b: 1.5 } }, 2, 20, 30],
      [{ kind: 'mbgnbd', params: { r: 0.8, alpha: 5, a: 5, b: 1.5 } }, 40, 55, 60],
      [{ kind: 'pnbd', params: { r: 0.55, alpha: 10.6, s: 0.61, beta: 11.7 } }, 3, 20, 40],
    ];
    for (const [model, x, tx, T] of cases) {
      const got = one(model, weekly, x, tx, T);
      expect(Math.abs(got / dertByDefinition(model, weekly, x, tx, T) - 1)).toBeLessThan(1e-6);
    }
  }, 30_000);

  it('past b + x = 100 (direct Beta integration) still equals its definition, and is continuous at the switch', () => {
    // Strong, nearly homogeneous dropout (p ≈ 0.17 with a tight Beta), which only the direct integration can take.
    const model: ScoreModel = { kind: 'bgnbd', params: { r: 1.5, alpha: 6, a: 30, b: 150 } };
    for (const [x, tx, T] of [[0, 0, 20], [4, 18, 20]] as const) {
      expect(Math.abs(one(model, weekly, x, tx, T) / dertByDefinition(model, weekly, x, tx, T) - 1)).toBeLessThan(1e-6);
    }
    // b + x on either side of 100 by 1e-9: the two methods must agree to the difference that makes.
    const at = (b: number) => one({ kind: 'bgnbd', params: { r: 0.7, alpha: 8, a: 0.4, b } }, weekly, 5, 30, 40);
    expect(Math.abs(at(95 - 1e-9) / at(95 + 1e-9) - 1)).toBeLessThan(1e-7);
  }, 30_000);

  it('tends to the no-dropout value E[λ]/δ as dropout vanishes (b → ∞ or a → 0)', () => {
    const noDropout = (r: number, alpha: number, x: number, T: number) => (r + x) / (alpha + T) / weekly;
    for (const params of [{ r: 0.8, alpha: 9, a: 2, b: 1e10 }, { r: 0.8, alpha: 9, a: 1e-9, b: 5 }]) {
      for (const [x, T] of [[0, 10], [7, 50], [300, 50]] as const) {
        const got = dert({ kind: 'bgnbd', params }, weekly, [1], [x], [T])[0];
        expect(Math.abs(got / noDropout(params.r, params.alpha, x, T) - 1)).toBeLessThan(1e-6);
      }
    }
  });

  it('is finite and positive across the parameter space, and withheld (NaN) without discounting', () => {
    for (const a of [1e-6, 0.01, 1, 50, 1e4]) {
      for (const b of [0.2, 3, 80, 120, 1e4, 1e8]) {
        const v = dert({ kind: 'mbgnbd', params: { r: 0.5, alpha: 5, a, b } }, weekly, [1, 1, 1], [0, 3, 150], [1, 30, 80]);
        for (const d of v) expect(d > 0 && Number.isFinite(d)).toBe(true);
      }
    }
    expect(dert(modelOf('pnbd').score, 0, [1], [1], [10])[0]).toBeNaN();
  });
});
