/**
 * The CLV analysis end to end: summary → fit each requested purchase model → Gamma-Gamma spend →
 * per-customer predictions → comparison and diagnostics, as plain data the CLI and report consume.
 */
import { ClienteleError, ModelError } from '../errors.js';
import type { ModelJSON } from '../models/estimator.js';
import { BgNbd } from './bgnbd.js';
import { calibrationHoldout, compareModels, trackRepeatTransactions, type CalibrationHoldoutTable, type ModelComparison, type TrackingTable } from './compare.js';
import type { Convergence } from './fit.js';
import { GammaGamma, type GammaGammaModel, type IndependenceCheck } from './gamma-gamma.js';
import { MbgNbd } from './mbgnbd.js';
import { ParetoNbd } from './pnbd.js';
import { customerLifetimeValue, monthsToUnits, perDistinctHistory, type ClvOptions, type PurchaseModel } from './predict.js';
import { clvSummary, type ClvSummary, type SummaryOptions, type TransactionLog } from './summary.js';

export type ClvModelKind = 'bgnbd' | 'pnbd' | 'mbgnbd';

export const CLV_MODEL_NAMES: Record<ClvModelKind, string> = { bgnbd: 'BG/NBD', pnbd: 'Pareto/NBD', mbgnbd: 'MBG/NBD' };

export interface RunClvOptions extends SummaryOptions, ClvOptions {
  /** Purchase models to fit. Default all three. */
  models?: readonly ClvModelKind[];
  penalizer?: number;
  /** Periods of the tracking chart in days. Default 7. */
  trackingPeriodDays?: number;
}

export interface FittedClvModel {
  kind: ClvModelKind;
  name: string;
  params: Record<string, number>;
  standardErrors: Record<string, number>;
  logLikelihood: number;
  convergence: Convergence;
  /** Saved model (versioned JSON envelope) for production scoring. */
  model: ModelJSON;
}

export interface CustomerPredictions {
  /** Expected purchases over the horizon. */
  expectedPurchases: Float64Array;
  pAlive: Float64Array;
  /** Discounted CLV over the horizon (NaN when spend could not be modelled). */
  clv: Float64Array;
}

export interface ClvResult {
  timeUnit: ClvSummary['timeUnit'];
  /** Horizon, discount and margin used for predictions. */
  horizon: { months: number; units: number; monthlyDiscountRate: number; margin: number };
  summary: ClvSummary;
  models: FittedClvModel[];
  /** Model with the lowest BIC. */
  best: ClvModelKind;
  spend: {
    params: Record<string, number>;
    standardErrors: Record<string, number>;
    logLikelihood: number;
    convergence: Convergence;
    independence: IndependenceCheck;
    meanSpend: number;
    /** Repeat buyers left out for non-positive mean spend. */
    excluded: number;
    model: ModelJSON;
  } | null;
  /** Expected spend per transaction per customer (Gamma-Gamma), NaN without a spend model. */
  expectedSpend: Float64Array;
  /** Per-customer predictions, by model kind; rows follow summary.customerIndex. */
  predictions: Partial<Record<ClvModelKind, CustomerPredictions>>;
  comparison: ModelComparison[];
  calibrationHoldout: CalibrationHoldoutTable | null;
  tracking: TrackingTable;
  /** Sentences for anything skipped or doubtful (a model that failed, excluded customers...). */
  warnings: string[];
}

const ESTIMATORS: Record<ClvModelKind, (penalizer: number) => { fit(s: ClvSummary): PurchaseModel }> = {
  bgnbd: (penalizer) => new BgNbd({ penalizer }),
  pnbd: (penalizer) => new ParetoNbd({ penalizer }),
  mbgnbd: (penalizer) => new MbgNbd({ penalizer }),
};

export function runClv(log: TransactionLog, options: RunClvOptions): ClvResult {
  const months = options.months ?? 12;
  const monthlyDiscountRate = options.monthlyDiscountRate ?? 0.01;
  const margin = options.margin ?? 1;
  const kinds = options.models ?? (['bgnbd', 'pnbd', 'mbgnbd'] as const);
  const warnings: string[] = [];

  // 1. Summary.
  const summary = clvSummary(log, options);

  // 2. Purchase models; one failing model is reported, all failing is an error.
  const fitted: PurchaseModel[] = [];
  const models: FittedClvModel[] = [];
  let firstError: unknown = null;
  for (const kind of kinds) {
    try {
      const m = ESTIMATORS[kind](options.penalizer ?? 0).fit(summary);
      fitted.push(m);
      models.push({
        kind,
        name: CLV_MODEL_NAMES[kind],
        params: { ...(m.params as Record<string, number>) },
        standardErrors: { ...(m.standardErrors as Record<string, number>) },
        logLikelihood: m.logLikelihood,
        convergence: m.convergence,
        model: m.toJSON(),
      });
      if (!m.convergence.converged) warnings.push(`${CLV_MODEL_NAMES[kind]} did not fully converge: ${m.convergence.message}`);
    } catch (err) {
      if (!(err instanceof ClienteleError)) throw err;
      firstError ??= err;
      warnings.push(`${CLV_MODEL_NAMES[kind]} was not fitted: ${err.message}`);
    }
  }
  if (fitted.length === 0) throw firstError ?? new ModelError('clv-no-models', 'No CLV model was requested');

  // 3. Spend.
  let spend: ClvResult['spend'] = null;
  let expectedSpend: Float64Array = new Float64Array(summary.n).fill(NaN);
  let excluded = 0;
  const xSpend = summary.x.map((x, i) => {
    if (x > 0 && !(summary.monetary[i] > 0)) {
      excluded++;
      return 0;
    }
    return x;
  });
  if (excluded > 0) {
    warnings.push(
      `${excluded} repeat buyer${excluded === 1 ? '' : 's'} with zero or negative mean spend left out of the spend model; net returns into orders to keep them`,
    );
  }
  try {
    const gg: GammaGammaModel = new GammaGamma({ penalizer: options.penalizer }).fit({ x: xSpend, monetary: summary.monetary });
    expectedSpend = gg.expectedSpend(xSpend, summary.monetary);
    spend = {
      params: { ...gg.params },
      standardErrors: { ...gg.standardErrors },
      logLikelihood: gg.logLikelihood,
      convergence: gg.convergence,
      independence: gg.independence,
      meanSpend: gg.meanSpend(),
      excluded,
      model: gg.toJSON(),
    };
    if (!gg.independence.plausible) {
      warnings.push(
        `Spend and frequency are correlated (r = ${gg.independence.correlation.toFixed(2)}), so the Gamma-Gamma independence assumption is doubtful`,
      );
    }
  } catch (err) {
    if (!(err instanceof ClienteleError)) throw err;
    warnings.push(`Spend was not modelled, so CLV is unavailable: ${err.message}`);
  }

  // 4. Per-customer predictions.
  const units = monthsToUnits(months, summary.timeUnit);
  const predictions: ClvResult['predictions'] = {};
  for (const m of fitted) {
    predictions[m.kind as ClvModelKind] = {
      expectedPurchases: perDistinctHistory(summary, (x, tx, T) => m.expectedPurchases(units, x, tx, T)),
      pAlive: perDistinctHistory(summary, (x, tx, T) => m.pAlive(x, tx, T)),
      clv: customerLifetimeValue(m, summary, expectedSpend, { months, monthlyDiscountRate, margin }),
    };
  }

  // 5. Comparison and diagnostics.
  const comparison = compareModels(fitted, summary);
  let best = comparison[0];
  for (const c of comparison) if (c.bic < best.bic) best = c;
  return {
    timeUnit: summary.timeUnit,
    horizon: { months, units, monthlyDiscountRate, margin },
    summary,
    models,
    best: best.kind as ClvModelKind,
    spend,
    expectedSpend,
    predictions,
    comparison,
    calibrationHoldout: summary.holdoutX ? calibrationHoldout(fitted, summary) : null,
    tracking: trackRepeatTransactions(fitted, summary, log, options.trackingPeriodDays ?? 7),
    warnings,
  };
}

/** JSON-ready copy of a result: typed arrays become number arrays, NaN becomes null. */
export function clvResultToJSON(result: ClvResult): unknown {
  return JSON.parse(
    JSON.stringify(result, (_k, v: unknown) => {
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
      return v;
    }),
  );
}
