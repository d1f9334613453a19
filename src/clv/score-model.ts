/**
 * A fitted purchase model as the per-customer scores see it: the kind and its four parameters,
 * whatever fit they came from, so scores and intervals can re-evaluate the model at shifted
 * parameters. Every prediction splits into P(alive at T) and what an alive customer does next.
 */
import { betaGeometricAliveExpectation, BgNbdModel, type BetaGeometricParams } from './bgnbd.js';
import { MbgNbdModel } from './mbgnbd.js';
import { pnbdAliveExpected, pnbdPAlive, type ParetoNbdParams } from './pnbd.js';
import type { ClvModelKind, ClvView } from './run.js';

export type ScoreModel =
  | { kind: 'bgnbd' | 'mbgnbd'; params: BetaGeometricParams }
  | { kind: 'pnbd'; params: ParetoNbdParams };

/** The fitted parameters of one model of a CLV run. */
export function scoreModelOf(result: Pick<ClvView, 'models'>, kind: ClvModelKind): ScoreModel {
  const p = result.models.find((m) => m.kind === kind)!.params;
  return kind === 'pnbd'
    ? { kind, params: { r: p.r, alpha: p.alpha, s: p.s, beta: p.beta } }
    : { kind, params: { r: p.r, alpha: p.alpha, a: p.a, b: p.b } };
}

/** Parameters in the order of the likelihoods and covariances: r, α, a, b or r, α, s, β. */
export function paramVector(model: ScoreModel): number[] {
  const q = model.params;
  return 's' in q ? [q.r, q.alpha, q.s, q.beta] : [q.r, q.alpha, q.a, q.b];
}

export function withVector(model: ScoreModel, v: ArrayLike<number>): ScoreModel {
  return model.kind === 'pnbd'
    ? { kind: model.kind, params: { r: v[0], alpha: v[1], s: v[2], beta: v[3] } }
    : { kind: model.kind, params: { r: v[0], alpha: v[1], a: v[2], b: v[3] } };
}

const NO_CONVERGENCE = { converged: true, iterations: 0, gradientNorm: 0, message: 'scoring only', restarts: 0 };

/** P(alive at T | x, tx, T) per customer. */
export function pAliveOf(model: ScoreModel, x: Float64Array, tx: Float64Array, T: Float64Array): Float64Array {
  if (model.kind === 'pnbd') {
    const p = paramVector(model);
    return Float64Array.from(x, (xi, i) => pnbdPAlive(p, xi, tx[i], T[i]));
  }
  const m = model.kind === 'mbgnbd' ? new MbgNbdModel(model.params, NaN, model.params, NO_CONVERGENCE, 0) : new BgNbdModel(model.params, NaN, model.params, NO_CONVERGENCE, 0);
  return m.pAlive(x, tx, T);
}

/** E[X(T, T + t) | alive at T] for a customer with x repeat purchases, which does not depend on recency. */
export function aliveExpected(model: ScoreModel, t: number, x: number, T: number): number {
  if (model.kind === 'pnbd') return pnbdAliveExpected(paramVector(model), t, x, T);
  const { r, alpha, a, b } = model.params;
  return betaGeometricAliveExpectation(r + x, a, b, x + (model.kind === 'mbgnbd' ? 1 : 0), t / (alpha + T));
}

/** E[X(T, T + t) | x, tx, T]. */
export function conditionalExpected(model: ScoreModel, t: number, x: number, tx: number, T: number): number {
  if (!(t > 0)) return 0;
  return pAliveOf(model, Float64Array.of(x), Float64Array.of(tx), Float64Array.of(T))[0] * aliveExpected(model, t, x, T);
}
