/**
 * DERT, discounted expected residual transactions: E[Σ_j e^{-δ τ_j}] over a customer's purchases
 * after T, at a continuous discount rate δ per time unit (Fader, Hardie & Lee 2005).
 *
 * The three models share one form. Given alive at T the purchase rate at T + t is E[λ] · S(t),
 * S(0) = 1, so with v = δt
 *   DERT = P(alive) · E[λ] / δ · ∫_0^∞ e^{-v} S(v/δ) dv,   E[λ] = (r+x)/(α+T),
 * the no-dropout value E[λ]/δ shrunk by the discounted survival of the purchase rate:
 *   Pareto/NBD: λ and μ are independent given alive, S(t) = ((β+T)/(β+T+t))^s;
 *   BG/MBG/NBD: a customer alive at T + t has dropped out after none of the purchases between,
 *     S(t) = E[λ e^{-λpt}]/E[λ] = E_p[(1 + pt/(α+T))^{-(r+x+1)}],  p ~ Beta(a, b+x+o),
 *     the 2F1(r+x+1, a; a+b+x+o; -t/(α+T)) of the conditional expectation's derivative.
 * The integral runs on fixed exp-sinh nodes, so a customer costs a few dozen evaluations of S
 * instead of an adaptive integration of the conditional expectation.
 */
import { lgamma } from '../math/gamma.js';
import { logHyp2f1 } from '../math/hyp2f1.js';
import { groupRows } from './fit.js';
import type { ScoreModel } from './score-model.js';

/**
 * Nodes and weights (e^{-v} included) of ∫_0^∞ e^{-v} g(v) dv ≈ Σ_k W_k g(V_k), v = exp(π/2 · sinh t):
 * nodes from v ≈ 2e-19 to v ≈ 100, step 1/8. For the survival curves here, which are smooth and
 * decreasing in ln v, the rule agrees with adaptive integration to ~1e-10.
 */
const STEP = 1 / 8;
const V: number[] = [];
const W: number[] = [];
for (let t = -4; t <= 1.8 + 1e-12; t += STEP) {
  const v = Math.exp((Math.PI / 2) * Math.sinh(t));
  V.push(v);
  W.push(STEP * (Math.PI / 2) * Math.cosh(t) * v * Math.exp(-v));
}

/**
 * Above this b + x + o the 2F1 of the BG-type survival curve is ill-conditioned near z = 1 (its
 * 1 - z transformation cancels once (b+x)(1-z) is large), so the Beta expectation is integrated
 * directly; below it the direct integration loses accuracy when the Beta piles up near p = 1.
 * The two agree to ~1e-8 on either side of the switch.
 */
const LARGE_B = 100;

/**
 * Per customer DERT at continuous discount rate `delta` (> 0) per time unit; NaN without a
 * discount. Recency enters only through P(alive).
 */
export function dert(model: ScoreModel, delta: number, pAlive: ArrayLike<number>, x: ArrayLike<number>, T: ArrayLike<number>): Float64Array {
  const n = x.length;
  const out = new Float64Array(n).fill(NaN);
  if (!(delta > 0) || n === 0) return out;
  // Given alive, DERT depends on (x, T) alone: evaluate once per distinct pair.
  const { groupOf, firstRow } = groupRows([Float64Array.from(x), Float64Array.from(T)]);
  const alive = new Float64Array(firstRow.length);
  const betaNodes = new Map<number, BetaNodes>();
  for (let g = 0; g < firstRow.length; g++) {
    const xi = x[firstRow[g]];
    const Ti = T[firstRow[g]];
    const { r, alpha } = model.params;
    const rate = (r + xi) / (alpha + Ti);
    let survival: number;
    if (model.kind === 'pnbd') {
      const kappa = delta * (model.params.beta + Ti);
      survival = 0;
      for (let k = 0; k < V.length; k++) survival += W[k] * Math.exp(-model.params.s * Math.log1p(V[k] / kappa));
    } else {
      const B = model.params.b + xi + (model.kind === 'mbgnbd' ? 1 : 0);
      const kappa = delta * (alpha + Ti);
      if (B > LARGE_B) {
        let nodes = betaNodes.get(xi);
        if (!nodes) betaNodes.set(xi, (nodes = betaQuadrature(model.params.a, B)));
        survival = betaSurvival(nodes, r + xi + 1, kappa);
      } else {
        survival = hypSurvival(model.params.a, B, r + xi + 1, kappa);
      }
    }
    alive[g] = (rate / delta) * survival;
  }
  for (let i = 0; i < n; i++) out[i] = pAlive[i] * alive[groupOf[i]];
  return out;
}

/** ∫ e^{-v} S(v/δ) dv for BG-type S, through S(y(α+T)) = (1+y)^{-m} 2F1(m, B; a+B; y/(1+y)) (Pfaff), m = r+x+1. */
function hypSurvival(a: number, B: number, m: number, kappa: number): number {
  let s = 0;
  for (let k = 0; k < V.length; k++) {
    const y = V[k] / kappa;
    s += W[k] * Math.exp(-m * Math.log1p(y) + logHyp2f1(m, B, a + B, y / (1 + y)));
  }
  return s;
}

/** Nodes p_j and weights of E[f(p)], p ~ Beta(a, B), for smooth f with f(p) = O(p) at 0. */
interface BetaNodes {
  p: Float64Array;
  w: Float64Array;
}

/**
 * A sinh-stretched trapezoid rule in the logit ℓ = ln(p/(1-p)), centred on the mode of
 * Beta(a+1, B), ℓ = ln((a+1)/B), which is where p · Beta(a, B) has its mass: the integrands
 * below are 1 - (1+py)^{-m}, linear in p near 0. The sinh map turns the density's exponential
 * tails in ℓ into double-exponential ones, so a fixed range of nodes serves every a and B > 1;
 * the scale follows the curvature at the mode, capped at 1.
 */
function betaQuadrature(a: number, B: number): BetaNodes {
  const centre = Math.log((a + 1) / B);
  const scale = Math.min(1, Math.sqrt(1 / (a + 1) + 1 / B));
  const logNorm = lgamma(a) + lgamma(B) - lgamma(a + B);
  const p: number[] = [];
  const w: number[] = [];
  for (let t = -4.5; t <= 3 + 1e-12; t += STEP) {
    const l = centre + scale * Math.sinh(t);
    // ln(1 + e^l) without overflow; the density of ℓ is e^{aℓ} (1 + e^ℓ)^{-(a+B)} / B(a, B).
    const softplus = l > 0 ? l + Math.log1p(Math.exp(-l)) : Math.log1p(Math.exp(l));
    const weight = STEP * scale * Math.cosh(t) * Math.exp(a * l - (a + B) * softplus - logNorm);
    if (!(weight > 1e-300)) continue;
    p.push(Math.exp(l - softplus));
    w.push(weight);
  }
  return { p: Float64Array.from(p), w: Float64Array.from(w) };
}

/**
 * ∫ e^{-v} S(v/δ) dv with S(y(α+T)) = 1 - E_p[1 - (1+py)^{-m}]: the complement vanishes at p = 0,
 * so the Beta's mass near 0 (a tiny a, the no-dropout limit) costs no accuracy.
 */
function betaSurvival(nodes: BetaNodes, m: number, kappa: number): number {
  const { p, w } = nodes;
  let s = 0;
  for (let k = 0; k < V.length; k++) {
    const y = V[k] / kappa;
    let lost = 0;
    for (let j = 0; j < p.length; j++) lost -= w[j] * Math.expm1(-m * Math.log1p(p[j] * y));
    s += W[k] * (1 - lost);
  }
  return s;
}
