import { basename } from 'node:path';
import { DuckDbEngine } from '../engine/duckdb.js';
import { ident, literal, type Engine, type QueryResult } from '../engine/engine.js';
import { InputError } from '../errors.js';
import { loadFile, type LoadOptions, type LoadedTable } from '../ingest/load.js';
import { detectRoles, nothingToAnalyse, type RoleDetection, type RoleMap } from '../ingest/roles.js';
import { buildLines, type CleaningLog, type CleaningOptions } from '../clean/lines.js';
import { customerFeatures } from '../features/customers.js';
import { rfm, type RfmResult } from '../features/rfm.js';
import { DEFAULT_SEGMENT_MAP, type SegmentMap } from '../features/rfm-map.js';
import { cohorts, type CohortResult } from '../features/cohorts.js';
import { concentration, revenuePatterns, type Concentration, type RevenuePatterns } from '../features/revenue.js';
import { customerTable, type CustomerTableResult } from '../features/customer-table.js';
import { numbers } from '../engine/engine.js';
import { calendarDate } from '../ingest/dates.js';
import { fileCurrency } from '../ingest/currency.js';
import { populations, type Populations } from '../features/populations.js';

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
  /** Called with an order log's customer features as soon as they exist, so later stages can start early. */
  onCustomers?: (customers: QueryResult) => void;
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
  /** The engine still holds `lines` and `customers` for later stages (CLV, segmentation); close it when done. */
  readonly engine: Engine;
}

/**
 * The core pipeline, as numbered steps: 1 load → 2 detect roles and shape → 3 clean (order logs) →
 * 4 customer features → 5 RFM → 6 cohorts and revenue patterns. Knows nothing of files written or terminals.
 */
export async function analyze(path: string, options: AnalyzeOptions = {}): Promise<Analysis> {
  const stage = options.onStage ?? (() => {});
  const engine = await DuckDbEngine.open();
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
      const rfmResult = ct.rfmAvailable ? await rfm(engine, 'customers', segmentMap) : undefined;
      const customers = await engine.query('SELECT * FROM customers');
      const hasSpend = ct.rfmAvailable || customers.names.includes('monetary');
      const conc = hasSpend ? gatedConcentration(customers, skipped) : undefined;
      return { file: path, load, detection, asOf: null, currency, customers, rfm: rfmResult, customerTable: ct, concentration: conc, facts, skipped, cautions, segmentMap, engine };
    }

    const asOf = options.asOf === undefined ? undefined : calendarDate(options.asOf, '--as-of');
    stage('cleaning');
    const cleaning = await buildLines(engine, load, load.schema, detection.roles, { ...options, asOf });
    if (cleaning.analyticLines === 0) {
      throw new InputError('no-customer-lines', `No line of ${basename(path)} has both a customer id and a valid sale`, 'Check the --map customer= column');
    }
    const lastDay = asOf ?? String((await engine.query(`SELECT strftime(max(ts), '%Y-%m-%d') FROM lines`)).columns[0][0]);
    stage('customer features');
    // Recency counts to the day after the window (the usual max(date) + 1 day snapshot), so a purchase on the
    // last observed day is 1 day old.
    const customers = await customerFeatures(engine, `(DATE ${literal(lastDay)} + INTERVAL 1 DAY)`, cleaning.hasAmounts);
    options.onCustomers?.(customers);
    stage('RFM segments');
    const rfmResult = await rfm(engine, 'customers', segmentMap);
    if (customers.rows < SMALL) cautions.push(`RFM scores rest on only ${customers.rows} customers: quintiles of so few are unstable, so read the segments as a rough sort`);
    stage('cohorts');
    const cohortResult = await cohorts(engine);
    const pops = await populations(engine, cleaning.hasAmounts);
    const revenue = cleaning.hasAmounts ? await revenuePatterns(engine) : undefined;
    if (!cleaning.hasAmounts) skipped.push({ analysis: 'Revenue and spend', reason: 'the log has no amount or unit price column' });
    const conc = cleaning.hasAmounts ? gatedConcentration(customers, skipped) : undefined;
    return { file: path, load, detection, asOf: lastDay, currency, cleaning, customers, rfm: rfmResult, cohorts: cohortResult, revenue, concentration: conc, populations: pops, facts, skipped, cautions, segmentMap, engine };
  } catch (err) {
    await engine.close();
    throw err;
  }
}

async function rawFacts(engine: Engine, table: string, roles: RoleMap): Promise<Analysis['facts']> {
  const parts = [`count(DISTINCT ${ident(roles.customer as string)})::DOUBLE AS c`];
  if (roles.order) parts.push(`count(DISTINCT ${ident(roles.order)})::DOUBLE AS o`);
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

function gatedConcentration(customers: QueryResult, skipped: Analysis['skipped']): Concentration | undefined {
  if (customers.rows < SMALL) {
    skipped.push({ analysis: 'Revenue concentration', reason: `only ${customers.rows} customers (at least ${SMALL} needed for shares such as the top 10%)` });
    return undefined;
  }
  return concentration(numbers(customers, 'monetary'));
}
