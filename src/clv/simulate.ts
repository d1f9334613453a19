/**
 * Simulators for the buy-till-you-die models, driven by the project's seeded Random: they draw
 * each customer's latent purchase rate and dropout from known population parameters, so tests
 * and benchmarks can check that fits recover them and that prediction formulas match reality.
 */
import { Random } from '../random.js';
import type { BetaGeometricParams } from './bgnbd.js';
import type { GammaGammaParams } from './gamma-gamma.js';
import type { ParetoNbdParams } from './pnbd.js';
import type { TransactionLog } from './summary.js';

export type SimulatedModel =
  | { model: 'bgnbd' | 'mbgnbd'; params: BetaGeometricParams }
  | { model: 'pnbd'; params: ParetoNbdParams };

export interface SimulationOptions {
  customers: number;
  /** Calibration age of each customer (time units), or one value for all. */
  T: number | Float64Array;
  /** Length of a holdout period after T in which purchases are counted separately. */
  holdout?: number;
  /** Spend per transaction drawn from a Gamma-Gamma population. */
  spend?: GammaGammaParams;
  seed?: number;
}

export interface SimulatedSummary {
  n: number;
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  /** Mean repeat-transaction value (NaN when x = 0); present when `spend` was given. */
  monetary?: Float64Array;
  holdoutX?: Float64Array;
  holdoutT?: Float64Array;
}

/**
 * Calls `emit(customer, time)` for every repeat purchase up to T + holdout (time 0 is the first
 * purchase and is not emitted), and `emitSpend` for every transaction including the first.
 */
function simulate(
  spec: SimulatedModel,
  opts: SimulationOptions,
  emit: (i: number, time: number, value: number) => void,
): void {
  const rng = new Random(opts.seed ?? 1);
  const horizonExtra = opts.holdout ?? 0;
  for (let i = 0; i < opts.customers; i++) {
    const T = typeof opts.T === 'number' ? opts.T : opts.T[i];
    const end = T + horizonExtra;
    const nu = opts.spend ? rng.gamma(opts.spend.q, opts.spend.gamma) : 0;
    const value = () => (opts.spend ? rng.gamma(opts.spend.p, nu) : 0);
    emit(i, 0, value());
    if (spec.model === 'pnbd') {
      const { r, alpha, s, beta } = spec.params;
      const lambda = rng.gamma(r, alpha);
      const mu = rng.gamma(s, beta);
      const death = Math.min(end, rng.exponential(mu));
      for (let t = rng.exponential(lambda); t <= death; t += rng.exponential(lambda)) emit(i, t, value());
      continue;
    }
    const { r, alpha, a, b } = spec.params;
    const lambda = rng.gamma(r, alpha);
    const p = rng.beta(a, b);
    // MBG/NBD: the customer may also leave right after the first purchase.
    if (spec.model === 'mbgnbd' && rng.uniform() < p) continue;
    for (let t = rng.exponential(lambda); t <= end; t += rng.exponential(lambda)) {
      emit(i, t, value());
      if (rng.uniform() < p) break;
    }
  }
}

/** Frequency/recency/age summary straight from the generative model (continuous time, no day rounding). */
export function simulateSummary(spec: SimulatedModel, opts: SimulationOptions): SimulatedSummary {
  const n = opts.customers;
  const x = new Float64Array(n);
  const tx = new Float64Array(n);
  const T = typeof opts.T === 'number' ? new Float64Array(n).fill(opts.T) : Float64Array.from(opts.T);
  const holdoutX = opts.holdout !== undefined ? new Float64Array(n) : undefined;
  const spendSum = opts.spend ? new Float64Array(n) : undefined;
  simulate(spec, opts, (i, t, v) => {
    if (t === 0) return;
    if (t <= T[i]) {
      x[i]++;
      tx[i] = t;
      if (spendSum) spendSum[i] += v;
    } else if (holdoutX) {
      holdoutX[i]++;
    }
  });
  const monetary = spendSum?.map((s, i) => (x[i] > 0 ? s / x[i] : NaN));
  const holdoutT = opts.holdout !== undefined ? new Float64Array(n).fill(opts.holdout) : undefined;
  return { n, x, tx, T, monetary, holdoutX, holdoutT };
}

export interface SimulatedLogOptions extends SimulationOptions {
  /** Days per model time unit (7 for weeks). */
  unitDays: number;
  /** Day number (days since epoch) of the calibration end; customers are born T before it. */
  calibrationEnd: number;
}

/**
 * A transaction log (purchase days, amounts) from the generative model, for end-to-end tests of
 * summary + fit. Purchase times are shifted so each customer's age at calibrationEnd is T.
 */
export function simulateLog(spec: SimulatedModel, opts: SimulatedLogOptions): TransactionLog {
  const customer: number[] = [];
  const days: number[] = [];
  const amount: number[] = [];
  const ageOf = (i: number) => (typeof opts.T === 'number' ? opts.T : opts.T[i]);
  simulate(spec, opts, (i, t, v) => {
    customer.push(i);
    days.push(opts.calibrationEnd - (ageOf(i) - t) * opts.unitDays);
    amount.push(v);
  });
  return {
    customer: Int32Array.from(customer),
    days: Float64Array.from(days),
    amount: Float64Array.from(amount),
    customers: opts.customers,
  };
}
