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
import { clvSummary, DAYS_PER_UNIT, type ClvSummary, type SummaryOptions, type TransactionLog } from './summary.js';
import { fitHealth, type FitHealth } from './health.js';
import { fitNbd } from './nbd.js';
import { seededSample } from '../data/sample.js';

export type ClvModelKind = 'bgnbd' | 'pnbd' | 'mbgnbd';

export const CLV_MODEL_NAMES: Record<ClvModelKind, string> = { bgnbd: 'BG/NBD', pnbd: 'Pareto/NBD', mbgnbd: 'MBG/NBD' };

export interface RunClvOptions extends SummaryOptions, ClvOptions {
  /** Purchase models to fit. Default all three. */
  models?: readonly ClvModelKind[];
  penalizer?: number;
  /** Periods of the tracking chart in days. Default 7. */
  trackingPeriodDays?: number;
  /** Below this many customers no model is fitted. Default 50. */
  minCustomers?: number;
  /** Below this many repeat buyers spend is not modelled. Default 20. */
  minRepeatBuyers?: number;
  /** Above this many customers the models are fitted and checked on a seeded sample of this many (default CLV_FIT_ROWS); every customer is still predicted. */
  fitRows?: number;
  /** Seed of that sample. Default 1. */
  seed?: number;
  /**
   * Which healthy models predict per customer: 'all' (default), or 'used': the chosen one and the one P(alive) is
   * read from, which is all the scores, columns, report and saved scorer read. A sampled run predicts only those.
   */
  predictions?: 'all' | 'used';
}

/**
 * Above this many customers the purchase and spend models, their health checks, the comparison, the
 * holdout tables and the tracking chart use a seeded random sample of this many customers; every
 * customer is still predicted and scored. Four parameters are pinned far more tightly by 50,000
 * customers than they vary between samples, while every fit pass over a million histories costs seconds.
 */
export const CLV_FIT_ROWS = 50_000;

export interface FittedClvModel {
  kind: ClvModelKind;
  name: string;
  params: Record<string, number>;
  standardErrors: Record<string, number>;
  logLikelihood: number;
  convergence: Convergence;
  /** Whether the fit may be used, and the checks behind the verdict. */
  health: FitHealth;
  /** Saved model (versioned JSON envelope) for production scoring. */
  model: ModelJSON;
}

/**
 * What per-customer scores and columns read of a CLV run: the chosen models with their health, the horizon and the
 * customers' histories and predictions. A fresh run is one; so is a saved CLV model applied to new customers.
 */
export type ClvView = Pick<ClvResult, 'timeUnit' | 'horizon' | 'summary' | 'fitSummary' | 'best' | 'selection' | 'pAlive' | 'clvWithheld' | 'fitSkipped' | 'expectedSpend' | 'predictions'> & {
  models: (Pick<FittedClvModel, 'kind' | 'name' | 'params' | 'standardErrors'> & { health: Pick<FitHealth, 'boundary'> })[];
  /** The spend fit's parameters and standard errors, for the CLV interval; null without a spend model. */
  spend: Pick<NonNullable<ClvResult['spend']>, 'params' | 'standardErrors'> | null;
};

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
  /** The longest customer history the models rest on (time units): a horizon past it extrapolates. */
  history: number;
  summary: ClvSummary;
  models: FittedClvModel[];
  /** The healthy model chosen for predictions; null when none is healthy or nothing was fitted. */
  best: ClvModelKind | null;
  /** How `best` was chosen, or why there is none. */
  selection: { by: 'holdout' | 'bic' | 'none'; reason: string };
  /** The model P(alive) is read from (one that can detect dropout), or null with the reason. */
  pAlive: { model: ClvModelKind | null; note: string | null };
  /** Why monetary CLV is not given (no amounts, too few repeat buyers, no healthy model), or null. */
  clvWithheld: string | null;
  /** Why no model was fitted at all (too little data), or null. */
  fitSkipped: string | null;
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
  /** Per-customer predictions of the healthy models, by kind; rows follow summary.customerIndex. */
  predictions: Partial<Record<ClvModelKind, CustomerPredictions>>;
  comparison: ModelComparison[];
  calibrationHoldout: CalibrationHoldoutTable | null;
  tracking: TrackingTable;
  /** Sentences for anything skipped or doubtful (a model that failed, excluded customers...). */
  warnings: string[];
  /** Customers the models were fitted and checked on: all of them, or the seeded sample above CLV_FIT_ROWS. */
  fitRows: number;
  /** The sample's summary when the models were fitted on a sample: parameter uncertainty is that of this fit. */
  fitSummary?: ClvSummary;
}

const ESTIMATORS: Record<ClvModelKind, (penalizer: number) => { fit(s: ClvSummary): PurchaseModel }> = {
  bgnbd: (penalizer) => new BgNbd({ penalizer }),
  pnbd: (penalizer) => new ParetoNbd({ penalizer }),
  mbgnbd: (penalizer) => new MbgNbd({ penalizer }),
};

/** Models in which a one-time buyer can drop out, so P(alive) varies among them too. */
const ONE_TIME_DROPOUT: readonly ClvModelKind[] = ['mbgnbd', 'pnbd'];

/** The sanity forecast compares a year ahead with the last year, or the whole history when shorter. */
const FORECAST_WINDOW_DAYS = 365.25;

export function runClv(log: TransactionLog, options: RunClvOptions): ClvResult {
  const months = options.months ?? 12;
  const monthlyDiscountRate = options.monthlyDiscountRate ?? 0.01;
  const margin = options.margin ?? 1;
  const kinds = options.models ?? (['bgnbd', 'pnbd', 'mbgnbd'] as const);
  const minCustomers = options.minCustomers ?? 50;
  const minRepeatBuyers = options.minRepeatBuyers ?? 20;
  const warnings: string[] = [];
  if (kinds.length === 0) throw new ModelError('clv-no-models', 'No CLV model was requested');

  // 1. Summary; a log of dates alone still supports the purchase models.
  const hasAmounts = log.amount !== undefined && log.amount.some(Number.isFinite);
  const summary = clvSummary(log, options);
  let repeatBuyers = 0;
  let actualRepeats = 0;
  for (let i = 0; i < summary.n; i++) {
    if (summary.x[i] > 0) repeatBuyers++;
    actualRepeats += summary.x[i];
  }
  const fitLimit = options.fitRows ?? CLV_FIT_ROWS;
  const fitOn = summary.n > fitLimit ? subsetSummary(summary, seededSample(summary.n, fitLimit, options.seed ?? 1)) : summary;
  if (fitOn !== summary) {
    warnings.push(
      `The models were fitted and checked on a random sample of ${fitOn.n.toLocaleString('en-US')} of the ${summary.n.toLocaleString('en-US')} customers (the comparison, holdout and tracking tables too); every customer is predicted and scored`,
    );
  }
  let fitRepeats = 0;
  for (let i = 0; i < fitOn.n; i++) fitRepeats += fitOn.x[i];
  const units = monthsToUnits(months, summary.timeUnit);
  const horizon = { months, units, monthlyDiscountRate, margin };
  let history = 0;
  for (let i = 0; i < summary.n; i++) if (summary.T[i] > history) history = summary.T[i];
  if (summary.n > 0 && units > history) {
    warnings.push(
      `The ${months}-month horizon is longer than the history the models rest on (${historyText(history, summary.timeUnit)}, the longest customer's): the forecast extrapolates past anything observed, so read it as a rough guide, or shorten it (--months)`,
    );
  }
  const skipped = (reason: string): ClvResult => ({
    timeUnit: summary.timeUnit,
    horizon,
    history,
    summary,
    models: [],
    best: null,
    selection: { by: 'none', reason },
    pAlive: { model: null, note: reason },
    clvWithheld: reason,
    fitSkipped: reason,
    spend: null,
    expectedSpend: new Float64Array(summary.n).fill(NaN),
    predictions: {},
    comparison: [],
    calibrationHoldout: null,
    tracking: trackRepeatTransactions([], fitOn, log, options.trackingPeriodDays ?? 7),
    warnings: [...warnings, reason],
    fitRows: fitOn.n,
    ...(fitOn !== summary ? { fitSummary: fitOn } : {}),
  });
  if (summary.n < minCustomers) {
    return skipped(`Only ${summary.n} customer${summary.n === 1 ? '' : 's'} in the calibration period: purchase models need at least ${minCustomers} to say anything about a population, so none was fitted`);
  }
  if (repeatBuyers === 0) return skipped('Every customer made one purchase: there is no repeat behaviour to fit, so no purchase model was fitted');

  // 2. Purchase models, each judged against the nested no-dropout model.
  const nbd = fitNbd(fitOn);
  const window = forecastWindow(fitOn, log);
  const fitted: PurchaseModel[] = [];
  const models: FittedClvModel[] = [];
  for (const kind of kinds) {
    let m: PurchaseModel;
    try {
      m = ESTIMATORS[kind](options.penalizer ?? 0).fit(fitOn);
    } catch (err) {
      if (!(err instanceof ClienteleError)) throw err;
      warnings.push(`${CLV_MODEL_NAMES[kind]} was not fitted: ${err.message}`);
      continue;
    }
    const name = CLV_MODEL_NAMES[kind];
    const expectedRepeats = sumPerDistinct(fitOn.T, (T) => m.expectedPurchasesUnconditional(T));
    const next = perDistinctHistory(fitOn, (x, tx, T) => m.expectedPurchases(window.units, x, tx, T));
    let forecast = 0;
    for (const v of next) forecast += v;
    const health = fitHealth({
      kind,
      name,
      model: m,
      nbd,
      actualRepeats: fitRepeats,
      expectedRepeats,
      forecast: { windowDays: window.days, forecast, actual: window.actual, ratio: forecast / window.actual },
      penalizer: options.penalizer,
    });
    warnings.push(...health.problems.map((p) => `${p}; it is not used for predictions`), ...health.flags);
    if (health.healthy) fitted.push(m);
    const standardErrors = { ...(m.standardErrors as Record<string, number>) };
    if (!health.dropoutDetected && health.boundary) {
      Object.assign(standardErrors, nbd.standardErrors);
      for (const k of health.boundary.params) standardErrors[k] = NaN;
    }
    models.push({
      kind,
      name,
      params: { ...(m.params as Record<string, number>) },
      standardErrors,
      logLikelihood: m.logLikelihood,
      convergence: m.convergence,
      health,
      model: m.toJSON(),
    });
  }

  // 3. Which healthy model predicts, and which one P(alive) can be read from.
  const comparison = compareModels(models.map((fm) => modelOf(fm, fitted) ?? placeholder(fm)), fitOn);
  const byKind = new Map(models.map((fm) => [fm.kind, fm]));
  const healthyKinds = fitted.map((m) => m.kind as ClvModelKind);
  const selection = chooseBest(healthyKinds, comparison, summary.holdoutX !== undefined);
  const best = selection.best;
  let clvWithheld: string | null = null;
  if (best === null) {
    clvWithheld = models.length === 0 ? 'No purchase model could be fitted, so CLV is withheld' : 'No purchase model passed the fit-health checks, so CLV is withheld rather than reported from a broken fit';
    warnings.push(clvWithheld);
  }
  const pAlive = choosePAlive(best, byKind, healthyKinds);

  // 4. Spend, only when there is something to model.
  let spend: ClvResult['spend'] = null;
  let expectedSpend: Float64Array = new Float64Array(summary.n).fill(NaN);
  const spendSkip = !hasAmounts
    ? 'The transaction log has no order amounts, so spend and monetary CLV are not modelled; purchase forecasts and P(alive) are'
    : repeatBuyers < minRepeatBuyers
      ? `Only ${repeatBuyers} repeat buyer${repeatBuyers === 1 ? '' : 's'}: at least ${minRepeatBuyers} are needed to model spend per transaction, so monetary CLV is withheld`
      : null;
  if (spendSkip) {
    clvWithheld ??= spendSkip;
    warnings.push(spendSkip);
  } else {
    const s = fitSpend(summary, fitOn, options.penalizer, warnings);
    spend = s.spend;
    expectedSpend = s.expectedSpend;
    if (!spend) clvWithheld ??= 'Spend could not be modelled, so CLV is withheld';
  }

  // 5. Per-customer predictions from healthy models; on a sampled run, or when asked, only from the ones read (the
  // one chosen and the one P(alive) comes from), as each costs seconds over a million histories.
  const predictions: ClvResult['predictions'] = {};
  const usedOnly = fitOn !== summary || options.predictions === 'used';
  for (const m of fitted) {
    if (usedOnly && m.kind !== best && m.kind !== pAlive.model) continue;
    predictions[m.kind as ClvModelKind] = customerPredictions(m, summary, spend ? expectedSpend : null, horizon);
  }
  return {
    timeUnit: summary.timeUnit,
    horizon,
    history,
    summary,
    models,
    best,
    selection: { by: selection.by, reason: selection.reason },
    pAlive,
    clvWithheld,
    fitSkipped: null,
    spend,
    expectedSpend,
    predictions,
    comparison,
    calibrationHoldout: fitOn.holdoutX && fitted.length > 0 ? calibrationHoldout(fitted, fitOn) : null,
    tracking: trackRepeatTransactions(fitted, fitOn, log, options.trackingPeriodDays ?? 7),
    warnings,
    fitRows: fitOn.n,
    ...(fitOn !== summary ? { fitSummary: fitOn } : {}),
  };
}

/** Expected purchases and P(alive) of every customer, and CLV when there is a spend per customer. */
export function customerPredictions(m: PurchaseModel, summary: ClvSummary, expectedSpend: Float64Array | null, horizon: ClvResult['horizon']): CustomerPredictions {
  return {
    expectedPurchases: perDistinctHistory(summary, (x, tx, T) => m.expectedPurchases(horizon.units, x, tx, T)),
    pAlive: perDistinctHistory(summary, (x, tx, T) => m.pAlive(x, tx, T)),
    clv: expectedSpend ? customerLifetimeValue(m, summary, expectedSpend, horizon) : new Float64Array(summary.n).fill(NaN),
  };
}

/** A repeat buyer whose repeat purchases net to nothing is scored at the population's mean spend, as it was fitted. */
export function spendInputs(summary: ClvSummary): { x: Float64Array; excluded: number } {
  let excluded = 0;
  const x = summary.x.map((v, i) => {
    if (v > 0 && !(summary.monetary[i] > 0)) {
      excluded++;
      return 0;
    }
    return v;
  });
  return { x, excluded };
}

function modelOf(fm: FittedClvModel, fitted: PurchaseModel[]): PurchaseModel | undefined {
  return fitted.find((m) => m.kind === fm.kind);
}

/** An unhealthy model still gets its information criteria in the comparison, but no predictions. */
function placeholder(fm: FittedClvModel): PurchaseModel {
  const nan = (x: Float64Array) => new Float64Array(x.length).fill(NaN);
  return {
    kind: fm.kind,
    params: fm.params,
    standardErrors: fm.standardErrors,
    logLikelihood: fm.logLikelihood,
    convergence: fm.convergence,
    n: NaN,
    pAlive: nan,
    expectedPurchases: (_t, x) => nan(x),
    expectedPurchasesUnconditional: () => NaN,
    probabilityOfPurchases: () => NaN,
    toJSON: () => fm.model,
  };
}

/**
 * With a holdout, the model that predicts it best: mean rank over per-customer MAE, RMSE and the
 * absolute aggregate bias, ties to the lower BIC. Without one, the lowest BIC. Healthy models only.
 */
function chooseBest(healthy: ClvModelKind[], comparison: ModelComparison[], hasHoldout: boolean): { best: ClvModelKind | null; by: ClvResult['selection']['by']; reason: string } {
  const rows = comparison.filter((c) => healthy.includes(c.kind as ClvModelKind));
  if (rows.length === 0) return { best: null, by: 'none', reason: 'no fitted model passed the fit-health checks' };
  const bicOrder = [...rows].sort((p, q) => p.bic - q.bic);
  if (!hasHoldout) {
    return { best: bicOrder[0].kind as ClvModelKind, by: 'bic', reason: `lowest BIC among the healthy fits (${rows.map((c) => CLV_MODEL_NAMES[c.kind as ClvModelKind]).join(', ')})` };
  }
  const bias = (c: ModelComparison) => Math.abs(c.holdoutPredicted - c.holdoutActual);
  const metrics: ((c: ModelComparison) => number)[] = [(c) => c.holdoutMae, (c) => c.holdoutRmse, bias];
  const rank = new Map(rows.map((c) => [c.kind, 0]));
  for (const f of metrics) {
    const sorted = [...rows].sort((p, q) => f(p) - f(q));
    sorted.forEach((c, k) => rank.set(c.kind, rank.get(c.kind)! + k));
  }
  const chosen = [...bicOrder].sort((p, q) => rank.get(p.kind)! - rank.get(q.kind)!)[0];
  return {
    best: chosen.kind as ClvModelKind,
    by: 'holdout',
    reason: `best holdout accuracy (mean rank over per-customer MAE, RMSE and aggregate bias) among the healthy fits (${rows.map((c) => CLV_MODEL_NAMES[c.kind as ClvModelKind]).join(', ')})`,
  };
}

/**
 * P(alive) is only informative when the model found dropout. Otherwise it is ≈ 100% for everyone,
 * so it comes from a healthy model in which one-time buyers can drop out and that does find
 * dropout, or is withheld with the reason.
 */
export function choosePAlive(best: ClvModelKind | null, byKind: Map<ClvModelKind, FittedClvModel>, healthy: ClvModelKind[]): ClvResult['pAlive'] {
  if (best === null) return { model: null, note: 'P(alive) is withheld: no healthy purchase model' };
  if (byKind.get(best)!.health.dropoutDetected) return { model: best, note: null };
  const alt = ONE_TIME_DROPOUT.filter((k) => healthy.includes(k) && byKind.get(k)!.health.dropoutDetected).sort(
    (p, q) => byKind.get(q)!.logLikelihood - byKind.get(p)!.logLikelihood,
  )[0];
  const bestName = CLV_MODEL_NAMES[best];
  if (alt) {
    return {
      model: alt,
      note: `${bestName} finds no detectable dropout, so its P(alive) would be ≈100% for everyone; P(alive) comes from ${CLV_MODEL_NAMES[alt]}, in which one-time buyers can drop out.`,
    };
  }
  return {
    model: null,
    note: 'The data show no detectable dropout (no model beats the no-dropout NBD model by a likelihood-ratio test), so P(alive) would be ≈100% for everyone and is withheld.',
  };
}

/** Gamma-Gamma on the repeat buyers with positive spend. */
function fitSpend(summary: ClvSummary, fitOn: ClvSummary, penalizer: number | undefined, warnings: string[]): { spend: ClvResult['spend']; expectedSpend: Float64Array } {
  const { x: xSpend, excluded } = spendInputs(summary);
  const fitInputs = fitOn === summary ? xSpend : spendInputs(fitOn).x;
  if (excluded > 0) {
    warnings.push(
      `${excluded} repeat buyer${excluded === 1 ? '' : 's'} with zero or negative mean spend left out of the spend model; net returns into orders to keep them`,
    );
  }
  try {
    const gg: GammaGammaModel = new GammaGamma({ penalizer }).fit({ x: fitInputs, monetary: fitOn.monetary });
    // q <= 1 is a spend distribution with no finite mean: every expected spend and CLV would be infinite.
    if (!(gg.params.q > 1)) {
      warnings.push(
        `Spend was not modelled, so CLV is unavailable: the Gamma-Gamma fit has q = ${gg.params.q.toPrecision(3)} (at most 1), a spend distribution with no finite mean, as when a few very large orders dominate`,
      );
      return { spend: null, expectedSpend: new Float64Array(summary.n).fill(NaN) };
    }
    if (!gg.independence.plausible) {
      warnings.push(
        `Spend and frequency are correlated (r = ${gg.independence.correlation.toFixed(2)}), so the Gamma-Gamma independence assumption is doubtful`,
      );
    }
    return {
      expectedSpend: gg.expectedSpend(xSpend, summary.monetary),
      spend: {
        params: { ...gg.params },
        standardErrors: { ...gg.standardErrors },
        logLikelihood: gg.logLikelihood,
        convergence: gg.convergence,
        independence: gg.independence,
        meanSpend: gg.meanSpend(),
        excluded,
        model: gg.toJSON(),
      },
    };
  } catch (err) {
    if (!(err instanceof ClienteleError)) throw err;
    warnings.push(`Spend was not modelled, so CLV is unavailable: ${err.message}`);
    return { spend: null, expectedSpend: new Float64Array(summary.n).fill(NaN) };
  }
}

/** The summary's rows `rows` (in that order), as a summary of those customers. */
export function subsetSummary(summary: ClvSummary, rows: Int32Array): ClvSummary {
  const take = (c: Float64Array) => Float64Array.from(rows, (i) => c[i]);
  return {
    ...summary,
    n: rows.length,
    x: take(summary.x),
    tx: take(summary.tx),
    T: take(summary.T),
    monetary: take(summary.monetary),
    holdoutX: summary.holdoutX && take(summary.holdoutX),
    holdoutT: summary.holdoutT && take(summary.holdoutT),
    customerIndex: Int32Array.from(rows, (i) => summary.customerIndex[i]),
    firstDay: take(summary.firstDay),
  };
}


/** Σ_i f(v_i), evaluating f once per distinct value. */
function sumPerDistinct(values: Float64Array, f: (v: number) => number): number {
  const memo = new Map<number, number>();
  let s = 0;
  for (const v of values) {
    let y = memo.get(v);
    if (y === undefined) memo.set(v, (y = f(v)));
    s += y;
  }
  return s;
}

/** Repeat purchases (distinct days after the first) in the last window of the calibration period. */
function forecastWindow(summary: ClvSummary, log: TransactionLog): { days: number; units: number; actual: number } {
  let first = Infinity;
  for (const d of summary.firstDay) first = Math.min(first, d);
  const days = Math.max(1, Math.min(FORECAST_WINDOW_DAYS, summary.calibrationEnd - first));
  const from = summary.calibrationEnd - days;
  const rowOf = new Int32Array(log.customers).fill(-1);
  for (let i = 0; i < summary.n; i++) rowOf[summary.customerIndex[i]] = i;
  const seen = new Set<number>();
  for (let j = 0; j < log.customer.length; j++) {
    const row = rowOf[log.customer[j]];
    const day = Math.floor(log.days[j]);
    if (row < 0 || day <= from || day > summary.calibrationEnd || day === summary.firstDay[row]) continue;
    seen.add(row * 1e6 + (day - Math.floor(from)));
  }
  return { days, units: days / DAYS_PER_UNIT[summary.timeUnit], actual: seen.size };
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

/** A history length in words: "7 weeks", "4 months", "2.5 years". */
export function historyText(length: number, unit: ClvSummary['timeUnit']): string {
  const days = length * DAYS_PER_UNIT[unit];
  if (days < 90) return `${Math.round(days / 7)} weeks`;
  if (days < 730) return `${Math.round(days / 30.44)} months`;
  return `${(days / 365.25).toFixed(1)} years`;
}
