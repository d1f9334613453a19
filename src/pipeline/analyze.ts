import { basename } from 'node:path';
import { DuckDbEngine } from '../engine/duckdb.js';
import { ident, type Engine, type QueryResult } from '../engine/engine.js';
import type { LineSet } from '../sql/lines.js';
import { InputError } from '../errors.js';
import { loadFile, type LoadOptions, type LoadedTable } from '../ingest/load.js';
import { detectRoles, nothingToAnalyse, type RoleDetection, type RoleMap } from '../ingest/roles.js';
import type { CleaningLog, CleaningOptions } from '../clean/lines.js';
import { rfm, type RfmResult } from '../features/rfm.js';
import { DEFAULT_SEGMENT_MAP, type SegmentMap } from '../features/rfm-map.js';
import type { CohortResult } from '../features/cohorts.js';
import { concentration, type Concentration, type RevenuePatterns } from '../features/revenue.js';
import { customerTable, type CustomerTableResult } from '../features/customer-table.js';
import { numbers } from '../engine/engine.js';
import { fileCurrency } from '../ingest/currency.js';
import type { Populations } from '../features/populations.js';
import type { Extension } from './artifacts.js';
import type { FullOptions } from './full.js';
import type { SegmentThread } from './segment-thread.js';
import type { PipelineOptions } from './run.js';

export interface AnalyzeOptions extends LoadOptions, CleaningOptions {
  /** Role overrides, e.g. { customer: 'Client Ref' }. */
  map?: RoleMap;
  /** Last observed day 'YYYY-MM-DD' (inclusive): later lines are cut; recency counts to the next day. Default: the last line's day. */
  asOf?: string;
  /** Currency of the money columns when the data do not say (or to override what they say). */
  currency?: string;
  segmentMap?: SegmentMap;
  /** Called as each stage starts, for progress output. */
  onStage?: (stage: string) => void;
  /** The embedded engine to read the file into (e.g. opened with a memory limit); default a fresh DuckDB. It is closed if the analysis fails, else with the analysis. */
  engine?: Engine;
}

export interface Analysis {
  readonly file: string;
  readonly load: LoadedTable;
  readonly detection: RoleDetection;
  /** Last observed day (inclusive); recency and tenure count whole days to the day after it. */
  readonly asOf: string | null;
  /** Currency of every money figure, when known (symbol or ISO code). */
  readonly currency: string | null;
  /** The two populations every figure belongs to (order logs). */
  readonly populations?: Populations;
  /** The RFM segment map the customers were placed with. */
  readonly segmentMap: SegmentMap;
  /** Analyses left out because the data cannot support them, with the reason. */
  readonly skipped: { analysis: string; reason: string }[];
  /** Analyses that ran but on too little data to lean on, each one sentence. */
  readonly cautions: string[];
  readonly cleaning?: CleaningLog;
  /** The per-customer feature table, one row per customer (both shapes). */
  readonly customers: QueryResult;
  readonly rfm?: RfmResult;
  readonly cohorts?: CohortResult;
  readonly revenue?: RevenuePatterns;
  readonly concentration?: Concentration;
  readonly customerTable?: CustomerTableResult;
  readonly facts: { invoices?: number; rawCustomers: number };
  /** The engine still holds the raw rows and the lines for later stages (CLV, segmentation); close it when done. */
  readonly engine: Engine;
  /** The cleaned lines (order logs), wherever the engine keeps them. */
  readonly lines?: LineSet;
}

/**
 * The core pipeline, as numbered steps: 1 load → 2 detect roles and shape → 3 clean (order logs) →
 * 4 customer features → 5 RFM → 6 cohorts and revenue patterns. Knows nothing of files written or terminals.
 */
export async function analyze(path: string, options: AnalyzeOptions = {}): Promise<Analysis> {
  return (await analyzeFile(path, options, null)).analysis;
}

/**
 * analyze() and the later stages (CLV, segments, drivers) as one run. On an order log they are stages of the
 * same plan, so the segmentation starts on its own thread as soon as the customers table exists and runs beside
 * RFM, cohorts and the CLV fits; that thread is started before the file is read, to load its code meanwhile.
 */
export async function analyzeWithLater(path: string, options: AnalyzeOptions & FullOptions & Pick<PipelineOptions, 'onEngineDone'> = {}): Promise<{ analysis: Analysis; extensions: Extension[] }> {
  const { SegmentThread } = await import('./segment-thread.js');
  const thread = options.segments !== false && options.background !== false ? SegmentThread.start() : undefined;
  // The later stages' code loads while this thread waits for the engine and the decompressed file, instead of when
  // each stage starts (the CLV code alone is ~20 ms of compiling); a failure here surfaces at the stage's own import.
  for (const later of [import('./run.js'), import('./stages.js'), import('./full.js'), import('./artifacts.js')]) later.catch(() => undefined);
  try {
    return await analyzeFile(path, options, { ...options, thread });
  } finally {
    thread?.close();
  }
}

async function analyzeFile(path: string, options: AnalyzeOptions, later: (FullOptions & { thread?: SegmentThread }) | null): Promise<{ analysis: Analysis; extensions: Extension[] }> {
  const stage = options.onStage ?? (() => {});
  const engine = options.engine ?? (await DuckDbEngine.open());
  if (engine.dialect !== 'duckdb') throw new Error('a file is read by the embedded DuckDB engine; a warehouse table goes through analyzeTable');
  try {
    stage('reading');
    const load = await loadFile(engine, path, options);
    stage('detecting columns');
    const detection = await detectRoles(engine, load.table, load.schema, options.map, load.numberFormats, load.grouped);
    const currency = await fileCurrency(engine, load, detection.roles, options.currency);
    const facts = await rawFacts(engine, load.table, detection.roles);
    const skipped: Analysis['skipped'] = [];
    const cautions: string[] = [];
    const segmentMap = options.segmentMap ?? DEFAULT_SEGMENT_MAP;

    if (detection.shape === 'customer-table') {
      await assertAttributes(engine, load, detection.roles.customer as string);
      stage('profiling customers');
      const ct = await customerTable(engine, load.table, load.schema, detection.roles);
      const customers = await engine.query('SELECT * FROM customers');
      const rfmResult = ct.rfmAvailable ? rfm(customers, segmentMap) : undefined;
      const hasSpend = ct.rfmAvailable || customers.names.includes('monetary');
      const conc = hasSpend ? gatedConcentration(customers, skipped) : undefined;
      const analysis: Analysis = { file: path, load, detection, asOf: null, currency, customers, rfm: rfmResult, customerTable: ct, concentration: conc, facts, skipped, cautions, segmentMap, engine };
      if (!later) return { analysis, extensions: [] };
      const { extendAnalysis } = await import('./full.js');
      return { analysis, extensions: await extendAnalysis(analysis, { ...later, onStage: stage }) };
    }

    // An order log goes on through the typed stages (src/pipeline/run.ts), as a warehouse table does.
    const { runStages, CORE_AFTER_ROLES, LOADED, orderLogPlan } = await import('./run.js');
    const plan = later ? orderLogPlan({ ...later, checks: false }).filter((s) => s.name !== 'load' && s.name !== 'roles') : CORE_AFTER_ROLES;
    const state = { engine, source: { kind: 'file' as const, path }, options: { ...options, ...(later ?? {}) }, load, detection, currency, facts, cautions, skipped, extensions: [], segmentThread: later?.thread };
    const r = await runStages(state, plan, LOADED);
    return { analysis: r.analysis, extensions: r.extensions };
  } catch (err) {
    await engine.close();
    throw err;
  }
}

export async function rawFacts(engine: Engine, table: string, roles: RoleMap): Promise<Analysis['facts']> {
  const q = engine.sql;
  const parts = [`${q.toDouble(q.countDistinct(q.ident(roles.customer as string)))} AS c`];
  if (roles.order) parts.push(`${q.toDouble(q.countDistinct(q.ident(roles.order)))} AS o`);
  const r = await engine.query(`SELECT ${parts.join(', ')} FROM ${table}`);
  return { rawCustomers: Number(r.columns[0][0]), invoices: roles.order ? Number(r.columns[1][0]) : undefined };
}

/**
 * A customer table needs something to describe its customers by: a number, a flag, a date, or text whose values
 * repeat (a category). Ids, emails and free text are unique per row and describe nothing.
 */
async function assertAttributes(engine: Engine, load: LoadedTable, customer: string): Promise<void> {
  const others = load.schema.filter((c) => c.name !== customer);
  const texts = others.filter((c) => c.type === 'VARCHAR');
  if (others.length > texts.length) return;
  if (texts.length > 0) {
    const r = await engine.query(`SELECT ${texts.map((c) => `count(DISTINCT ${ident(c.name)})::DOUBLE < count(${ident(c.name)})::DOUBLE`).join(', ')} FROM ${load.table}`);
    if (r.columns.some((col) => col[0] === true)) return;
  }
  throw nothingToAnalyse(
    others.length === 0
      ? `${basename(load.sniff.path)} has customer ids (${customer}) and no other column`
      : `${basename(load.sniff.path)} has one row per ${customer} and no attribute to analyse (${others.map((c) => c.name).join(', ')} ${others.length > 1 ? 'are' : 'is'} unique text per row, like ids or comments)`,
  );
}

/** Below this many customers, shares such as "the top 1%" and k-means segments mean nothing (docs/cleaning.md §9). */
export const SMALL = 50;

export function gatedConcentration(customers: QueryResult, skipped: Analysis['skipped']): Concentration | undefined {
  if (customers.rows < SMALL) {
    skipped.push({ analysis: 'Revenue concentration', reason: `only ${customers.rows} customers (at least ${SMALL} needed for shares such as the top 10%)` });
    return undefined;
  }
  return concentration(numbers(customers, 'monetary'));
}
