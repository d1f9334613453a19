import { basename } from 'node:path';
import { DuckDbEngine } from '../engine/duckdb.js';
import { ident, literal, type Engine, type QueryResult } from '../engine/engine.js';
import { InputError } from '../errors.js';
import { loadFile, type LoadOptions, type LoadedTable } from '../ingest/load.js';
import { detectRoles, type RoleDetection, type RoleMap } from '../ingest/roles.js';
import { buildLines, type CleaningLog, type CleaningOptions } from '../clean/lines.js';
import { customerFeatures } from '../features/customers.js';
import { rfm, type RfmResult } from '../features/rfm.js';
import { DEFAULT_SEGMENT_MAP, type SegmentMap } from '../features/rfm-map.js';
import { cohorts, type CohortResult } from '../features/cohorts.js';
import { concentration, revenuePatterns, type Concentration, type RevenuePatterns } from '../features/revenue.js';
import { customerTable, type CustomerTableResult } from '../features/customer-table.js';
import { numbers } from '../engine/engine.js';

export interface AnalyzeOptions extends LoadOptions, CleaningOptions {
  /** Role overrides, e.g. { customer: 'Client Ref' }. */
  map?: RoleMap;
  /** Observation date 'YYYY-MM-DD' for recency and tenure; default: the day after the last purchase. */
  asOf?: string;
  segmentMap?: SegmentMap;
  /** Called as each stage starts, for progress output. */
  onStage?: (stage: string) => void;
}

export interface Analysis {
  readonly file: string;
  readonly load: LoadedTable;
  readonly detection: RoleDetection;
  readonly asOf: string | null;
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
    const detection = await detectRoles(engine, load.table, load.schema, options.map);
    const facts = await rawFacts(engine, load.table, detection.roles);

    if (detection.shape === 'customer-table') {
      stage('profiling customers');
      const ct = await customerTable(engine, load.table, load.schema, detection.roles);
      const rfmResult = ct.rfmAvailable ? await rfm(engine, 'customers', options.segmentMap ?? DEFAULT_SEGMENT_MAP) : undefined;
      const customers = await engine.query('SELECT * FROM customers');
      const conc = ct.rfmAvailable || customers.names.includes('monetary') ? concentration(numbers(customers, 'monetary')) : undefined;
      return { file: path, load, detection, asOf: null, customers, rfm: rfmResult, customerTable: ct, concentration: conc, facts, engine };
    }

    stage('cleaning');
    const cleaning = await buildLines(engine, load, load.schema, detection.roles, options);
    if (cleaning.analyticLines === 0) {
      throw new InputError('no-customer-lines', `No line of ${basename(path)} has both a customer id and a valid sale`, 'Check the --map customer= column');
    }
    const asOf = await resolveAsOf(engine, options.asOf);
    stage('customer features');
    const customers = await customerFeatures(engine, literal(asOf) + '::TIMESTAMP');
    stage('RFM segments');
    const rfmResult = await rfm(engine, 'customers', options.segmentMap ?? DEFAULT_SEGMENT_MAP);
    stage('cohorts');
    const cohortResult = await cohorts(engine);
    const revenue = await revenuePatterns(engine);
    const conc = concentration(numbers(customers, 'monetary'));
    return { file: path, load, detection, asOf, cleaning, customers, rfm: rfmResult, cohorts: cohortResult, revenue, concentration: conc, facts, engine };
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

async function resolveAsOf(engine: Engine, asOf?: string): Promise<string> {
  const last = String((await engine.query(`SELECT strftime(max(ts) + INTERVAL 1 DAY, '%Y-%m-%d') FROM lines`)).columns[0][0]);
  if (!asOf) return last;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || Number.isNaN(Date.parse(asOf))) {
    throw new InputError('bad-as-of', `--as-of '${asOf}' is not a date`, 'Use YYYY-MM-DD, e.g. --as-of 2011-12-10');
  }
  const first = String((await engine.query(`SELECT strftime(min(ts), '%Y-%m-%d') FROM lines`)).columns[0][0]);
  if (asOf < first) {
    throw new InputError('bad-as-of', `--as-of ${asOf} is before the first order (${first})`, 'Pick a date after the data starts');
  }
  return asOf;
}
