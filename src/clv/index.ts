// Customer lifetime value: summary, purchase models, spend model, predictions, diagnostics.
export { clvSummary, dayNumber, isoDay, DAYS_PER_UNIT } from './summary.js';
export type { ClvSummary, SummaryOptions, TimeUnit, TransactionLog } from './summary.js';
export { fitMle, collapseRows, fittedModelJSON, readFittedModelJSON } from './fit.js';
export type { Convergence, FitDiagnostics, MleOptions, MleSpec, MleFit, WeightedRows } from './fit.js';
export { BgNbd, BgNbdModel } from './bgnbd.js';
export type { BetaGeometricParams, BgNbdOptions, RepeatData } from './bgnbd.js';
export { MbgNbd, MbgNbdModel } from './mbgnbd.js';
export { GammaGamma, GammaGammaModel, independenceCheck } from './gamma-gamma.js';
export type { GammaGammaOptions, GammaGammaParams, IndependenceCheck, SpendData } from './gamma-gamma.js';
export { customerLifetimeValue, monthsToUnits, perDistinctHistory, MONTH_DAYS } from './predict.js';
export type { ClvOptions, CustomerHistory, PurchaseModel } from './predict.js';
export { compareModels, calibrationHoldout, trackRepeatTransactions } from './compare.js';
export type { CalibrationHoldoutTable, ModelComparison, TrackingTable } from './compare.js';
export { simulateSummary, simulateLog } from './simulate.js';
export type { SimulatedModel, SimulatedSummary, SimulationOptions, SimulatedLogOptions } from './simulate.js';
export { runClv, clvResultToJSON, CLV_MODEL_NAMES } from './run.js';
export type { ClvModelKind, ClvResult, CustomerPredictions, FittedClvModel, RunClvOptions } from './run.js';
export type { FitHealth } from './health.js';
// Pareto/NBD and covariates (CLV part B) below.
export { ParetoNbd, ParetoNbdModel } from './pnbd.js';
export type { ParetoNbdOptions, ParetoNbdParams } from './pnbd.js';
export { ParetoNbdCovariates, BgNbdCovariates, CovariatesModel } from './covariates.js';
export type { CovariateEffects, CovariateRepeatData, CovariatesOptions } from './covariates.js';
// Per-customer scores (issue 12 item 1).
export {
  customerScores, churnRisk, nextPurchaseMedian, pAliveAt, pBuyIfAlive, pEverBuyIfAlive, probabilityNoPurchase, CHURN_RISK_CUTOFFS,
} from './scores.js';
export type { ChurnRisk, CustomerScoreOptions, CustomerScores, NextPurchase } from './scores.js';
export { conditionalExpected } from './score-model.js';
export type { ScoreModel } from './score-model.js';
export { dert } from './dert.js';
export {
  expectedPurchasesInterval, horizonLogVariance, logNormalInterval, logParamCovariance, spendLogParamCovariance, spendLogVariance,
} from './intervals.js';
export type { Horizon, HorizonLogVariance, Interval } from './intervals.js';
