/**
 * clientele's public library API. The CLI is a thin shell over these functions; everything a program
 * needs is re-exported here by name (the list is locked by tests/api.test.ts).
 */

// Core pipeline: file → cleaned lines → customer table → RFM, cohorts, revenue; and the later stages.
export { analyze } from './pipeline/analyze.js';
export type { Analysis, AnalyzeOptions } from './pipeline/analyze.js';
export { runPipeline, checkPlan, orderLogPlan } from './pipeline/run.js';
export type { Source, Stage, Relation, PipelineOptions, PipelineResult } from './pipeline/run.js';
export { analyzeTable } from './pipeline/warehouse.js';
export { connectEngine } from './engine/connect.js';
export { profile } from './pipeline/profile.js';
export type { ProfileResult } from './pipeline/profile.js';
export { extendAnalysis } from './pipeline/full.js';
export type { FullOptions } from './pipeline/full.js';
export { clvStage, segmentStage, driversStage, customerFeatureTable, transactionLog, clvSummaryJson } from './pipeline/stages.js';
export { analysisArtifacts, reportSections, summaryJson, customersCsv, VERSION } from './pipeline/artifacts.js';
export type { Extension } from './pipeline/artifacts.js';

// Engines, data and errors.
export { DuckDbEngine } from './engine/duckdb.js';
export type { Engine, QueryResult } from './engine/engine.js';
export { table, numberColumn, categoryColumn, dateColumn, findColumn } from './data/table.js';
export type { Table, Column, NumberColumn, CategoryColumn, DateColumn } from './data/table.js';
export { matrix, fromColumns } from './data/matrix.js';
export type { Matrix } from './data/matrix.js';
export { tableFromQuery } from './data/from-query.js';
export { ClienteleError, InputError, ModelError } from './errors.js';
export { Random } from './random.js';
export { checkModelJSON, MODEL_FORMAT_VERSION } from './models/estimator.js';
export type { Estimator, FittedModel, ModelJSON } from './models/estimator.js';

// Report.
export { renderReport } from './report/render.js';
export type { ReportDocument } from './report/render.js';
export type { ReportSection, Block } from './report/section.js';

// Analyses, by area.
export * from './features/index.js';
export * from './clv/index.js';
export * from './cluster/index.js';
export * from './predict/index.js';
export * from './rules/index.js';
export * from './stats/index.js';
export * from './synth/index.js';
export * from './optim/index.js';
export { loadModel, parseModel, loadScorer, isScorer, MODEL_KINDS } from './models/registry.js';
export { stamp } from './models/estimator.js';
export { scoreRecords, scoreInput } from './scoring/score.js';
export { recordsToInput } from './scoring/records.js';
export { ScoringBundle } from './scoring/bundle.js';
export { RfmModel } from './features/rfm-model.js';
export type { CustomerRecord, PurchaseRecord, FeatureSpec, Scorer, ScoreTable, CustomerInput } from './scoring/contract.js';
