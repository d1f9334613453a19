export type { EffectSize, TestResult } from './result.js';
export {
  normalCdf,
  normalSf,
  normalQuantile,
  tCdf,
  tSf,
  tQuantile,
  tTwoSided,
  fSf,
  fCdf,
  chi2Sf,
  chi2Cdf,
  normalLogSf,
  tLogSf,
  fLogSf,
  chi2LogSf,
} from './distributions.js';
export { studentizedRangeSf } from './studentized-range.js';
export { studentT, welchT, pairedT } from './ttest.js';
export { mannWhitneyU, kruskalWallis } from './nonparametric.js';
export type { MannWhitneyOptions } from './nonparametric.js';
export { anovaOneWay, welchAnova, anovaTwoWay } from './anova.js';
export type { AnovaRow, TwoWayAnova } from './anova.js';
export { tukeyHsd } from './tukey.js';
export type { TukeyHsd, TukeyPair } from './tukey.js';
export { chiSquareIndependence, fisherExact, crossTab } from './chisq.js';
export type { Counts } from './chisq.js';
export { pearson, spearman } from './correlation.js';
export { shapiroWilk } from './normality.js';
export { levene } from './levene.js';
export { cohensD, hedgesG, etaSquared, partialEtaSquared, omegaSquared, rankBiserial, cramersV, meanDifference } from './effect-size.js';
export { adjustPValues } from './multiple.js';
export type { Correction } from './multiple.js';
export { driversScan, parseInteraction } from './drivers.js';
export { compareGroups, summariseGroup } from './group-comparison.js';
export type { GroupComparison } from './group-comparison.js';
export type { DriversOptions, DriversResult, Driver, Interaction, GroupSummary, PostHocPair, CellMean, TautologyFinding } from './drivers.js';
export type { Tautology } from './tautology.js';
export { deriveFactors, seasonOfMonth, seasonColumn, monthColumn, weekendColumn, addOnColumns, ageBandColumn, SEASONS, MONTHS } from './derive.js';
export type { DeriveOptions } from './derive.js';
export { driverSentence, interactionSentence, formatP, formatShare } from './sentences.js';
