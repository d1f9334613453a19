import { basename } from 'node:path';
import type { Engine, QueryResult } from '../engine/engine.js';
import { ClienteleError, InputError } from '../errors.js';
import { loadFile, type LoadedTable } from '../ingest/load.js';
import { detectRoles, isNumericType, type RoleDetection } from '../ingest/roles.js';
import { calendarDate } from '../ingest/dates.js';
import { fileCurrency } from '../ingest/currency.js';
import { buildLines, cleanLines, type CleaningLog } from '../clean/lines.js';
import { customerFeatures } from '../features/customers.js';
import { rfm, type RfmResult } from '../features/rfm.js';
import { cohorts, type CohortResult } from '../features/cohorts.js';
import { populations, type Populations } from '../features/populations.js';
import { revenuePatterns, type RevenuePatterns } from '../features/revenue.js';
import { DEFAULT_SEGMENT_MAP } from '../features/rfm-map.js';
import { CUSTOMER_FEATURES } from '../sql/definitions.js';
import { LINE_COLUMNS, ShardedLines, type LineSet } from '../sql/lines.js';
import { rowObjects } from '../engine/engine.js';
import { gatedConcentration, rawFacts, SMALL, type Analysis, type AnalyzeOptions } from './analyze.js';
import { orderDateColumn, placeLines, resolveTable, tableLineFields, tableLoad, type ResolvedTable } from './warehouse.js';
import type { Extension, OutputFormat } from './artifacts.js';
import type { FullOptions } from './full.js';
import type { ClvData } from './stages.js';
import { SegmentThread } from './segment-thread.js';
import { cleaningCautions, exportShapeCautions } from './cautions.js';

/**
 * The analysis of an order log as typed stages: load → roles → clean → customer features → RFM → cohorts → CLV →
 * segments → drivers → checks. Each stage declares the relations (engine tables, or tables clientele holds) and
 * columns it reads and writes; `checkPlan` verifies, before any SQL runs, that every stage's needs are produced by
 * an earlier stage. The same plan runs on a file (embedded DuckDB) or on a warehouse table; only the load and clean
 * stages differ by source, and the SQL they run is the one definition in src/sql/.
 */
export type Source = { readonly kind: 'file'; readonly path: string } | { readonly kind: 'table'; readonly name: string };

/** A relation and the columns a stage relies on (`*`: whatever columns the source has). */
export interface Relation {
  readonly table: string;
  readonly columns: readonly string[];
}

export type StageName = 'load' | 'roles' | 'clean' | 'customer features' | 'rfm' | 'clv data' | 'cohorts' | 'clv' | 'segments' | 'drivers' | 'checks';

export interface Stage {
  readonly name: StageName;
  readonly needs: readonly Relation[];
  readonly produces: readonly Relation[];
  /**
   * Started without waiting for it: the next stages run meanwhile (the segmentation on a worker thread while
   * CLV fits). It is awaited, with `label` as the progress line, before a stage needing what it produces, before
   * the checks and at the end.
   */
  readonly background?: { readonly label: string };
  /** Runs no SQL: the engine may be released while it is still running (see PipelineOptions.onEngineDone). */
  readonly engineFree?: boolean;
  run(s: PipelineState): Promise<void>;
}

export interface PipelineOptions extends AnalyzeOptions, Omit<FullOptions, 'onStage'> {
  /** Summaries written by the checks stage (default all three); `false` skips the stage. */
  checks?: false | OutputFormat[];
  /**
   * Called once every stage that may use the engine has finished, before waiting for the rest (the segmentation on
   * its thread): the CLI closes the engine there, so its memory and the time closing takes go while the thread
   * finishes. Nothing may query the engine afterwards.
   */
  onEngineDone?: (engine: Engine) => Promise<void>;
}

export interface PipelineResult {
  readonly analysis: Analysis;
  readonly extensions: Extension[];
  /** The output files, contents by name, with the reconciliation checks run (the checks stage). */
  readonly files?: Record<string, string>;
  /** Wall seconds per stage, in order. */
  readonly timings: { stage: StageName; seconds: number }[];
}

/** What the stages hand on, filled as they run. */
export interface PipelineState {
  readonly engine: Engine;
  readonly source: Source;
  readonly options: PipelineOptions;
  table?: ResolvedTable;
  load?: LoadedTable;
  detection?: RoleDetection;
  currency?: string | null;
  facts?: Analysis['facts'];
  cleaning?: CleaningLog;
  lines?: LineSet;
  asOf?: string;
  customers?: QueryResult;
  rfm?: RfmResult;
  cohorts?: CohortResult;
  populations?: Populations;
  revenue?: RevenuePatterns;
  cautions: string[];
  skipped: Analysis['skipped'];
  analysis?: Analysis;
  /** What the CLV stage reads from the engine, fetched before the cohorts so the fits need no SQL (or why it could not be). */
  clvData?: ClvData | ClienteleError;
  extensions: Extension[];
  files?: Record<string, string>;
  /** The thread the segments stage runs on (started by the caller, ahead of the load, so its code is loaded by then); none: inline. */
  segmentThread?: SegmentThread;
}

const LINES = { table: 'lines', columns: LINE_COLUMNS };
function need(table: string, columns: readonly string[]): Relation {
  return { table, columns };
}

/** The stages of an order-log analysis, in order; later stages are left out when switched off. */
export function orderLogPlan(options: PipelineOptions = {}): Stage[] {
  const plan: Stage[] = [LOAD, ROLES, CLEAN, FEATURES];
  // The segmentation needs only the customers table: it starts as soon as there is one, in the background, and
  // runs beside RFM, cohorts and the CLV fits.
  if (options.segments !== false) plan.push(SEGMENTS);
  // CLV's queries run first; then the cohort queries run in the engine while the CLV models fit here.
  if (options.clv !== false) plan.push(RFM, CLV_DATA, COHORTS, CLV);
  else plan.push(RFM, COHORTS);
  if (options.drivers !== false) plan.push(DRIVERS);
  if (options.checks !== false) plan.push(CHECKS);
  return plan;
}

/**
 * Verify a plan before it runs: each stage's needs must be produced, with those columns, by a stage before it.
 * A violation is a programming error in the plan, named stage by stage.
 */
export function checkPlan(plan: readonly Stage[], given: readonly Relation[] = []): void {
  const have = new Map<string, Set<string>>(given.map((r) => [r.table, new Set(r.columns)]));
  const seen = new Set<StageName>();
  for (const stage of plan) {
    if (seen.has(stage.name)) throw new Error(`pipeline plan: stage ${stage.name} appears twice`);
    seen.add(stage.name);
    for (const n of stage.needs) {
      const cols = have.get(n.table);
      if (!cols) throw new Error(`pipeline plan: stage ${stage.name} needs ${n.table}, which no earlier stage produces`);
      const missing = cols.has('*') ? [] : n.columns.filter((c) => !cols.has(c));
      if (missing.length) throw new Error(`pipeline plan: stage ${stage.name} needs ${n.table}.${missing.join(`, ${n.table}.`)}, which no earlier stage produces`);
    }
    for (const p of stage.produces) {
      const cols = have.get(p.table) ?? new Set<string>();
      for (const c of p.columns) cols.add(c);
      have.set(p.table, cols);
    }
  }
}

/**
 * Run the order-log plan on `engine` over `source`: a file (the engine must be the embedded DuckDB, which reads it)
 * or a table in the engine. The plan is checked first; then each stage runs and is timed. The caller closes the
 * engine (after the result is used: later SQL may read its tables).
 */
export async function runPipeline(engine: Engine, source: Source, options: PipelineOptions = {}, plan: Stage[] = orderLogPlan(options)): Promise<PipelineResult> {
  if (source.kind === 'file' && engine.dialect !== 'duckdb') throw new Error('a file is read by the embedded DuckDB engine');
  const thread = options.segments !== false && options.background !== false && plan.some((s) => s.name === 'segments') ? SegmentThread.start() : undefined;
  const state: PipelineState = { engine, source, options, cautions: [], skipped: [], extensions: [], segmentThread: thread };
  try {
    return await runStages(state, plan);
  } finally {
    thread?.close();
  }
}

/**
 * Run `plan` from `state`, whose relations `given` earlier code has produced (analyze() loads and detects roles
 * itself, since a file may turn out to be a customer table). The plan is checked before any stage runs.
 */
export async function runStages(state: PipelineState, plan: readonly Stage[], given: readonly Relation[] = []): Promise<PipelineResult> {
  checkPlan(plan, given);
  const seconds = new Map<StageName, number>();
  const pending = new Map<Stage, Promise<void>>();
  const join = async (stage: Stage) => {
    const p = pending.get(stage);
    if (!p) return;
    pending.delete(stage);
    if (stage.background) progress(state, stage.background.label);
    await p;
  };
  try {
    for (const stage of plan) {
      for (const [bg] of pending) if (stage.name === 'checks' || stage.needs.some((n) => bg.produces.some((p) => p.table === n.table))) await join(bg);
      const t0 = performance.now();
      const done = stage.run(state).then(() => void seconds.set(stage.name, (performance.now() - t0) / 1000));
      if (!stage.background) await done;
      else {
        // Awaited by join; until then its failure must not count as unhandled.
        done.catch(() => {});
        pending.set(stage, done);
      }
    }
    for (const [bg] of pending) if (!bg.engineFree) await join(bg);
    await state.options.onEngineDone?.(state.engine);
    for (const [bg] of pending) await join(bg);
  } catch (err) {
    // The caller closes the engine on failure: background queries must have finished by then.
    await Promise.allSettled(pending.values());
    throw err;
  }
  state.extensions.sort((x, y) => rank(x) - rank(y));
  if (!state.analysis) throw new Error('pipeline plan ended before the analysis was assembled (no cohorts stage)');
  const timings = plan.map((s) => ({ stage: s.name, seconds: seconds.get(s.name) ?? 0 }));
  return { analysis: state.analysis, extensions: state.extensions, files: state.files, timings };
}

/** Later stages' extensions in report order (CLV, segments, drivers), whichever finished first. */
const LATER_ORDER = ['clv', 'segments', 'drivers'];
const rank = (e: Extension) => {
  const i = LATER_ORDER.indexOf(STAGE_OF.get(e) ?? '');
  return i < 0 ? LATER_ORDER.length : i;
};
const STAGE_OF = new WeakMap<Extension, string>();

/** The core stages after load and roles: what analyze() runs for an order log. */
export const CORE_AFTER_ROLES: readonly Stage[] = [];
/** What the load and roles stages produce. */
export const LOADED: readonly Relation[] = [need('raw', ['*']), need('roles', ['customer', 'timestamp'])];

const progress = (s: PipelineState, what: string) => s.options.onStage?.(what);
const sourceName = (s: PipelineState) => (s.source.kind === 'file' ? basename(s.source.path) : s.source.name);

const LOAD: Stage = {
  name: 'load',
  needs: [],
  produces: [need('raw', ['*'])],
  async run(s) {
    progress(s, 'reading');
    if (s.source.kind === 'file') {
      s.load = await loadFile(s.engine, s.source.path, s.options);
      return;
    }
    s.table = await resolveTable(s.engine, s.source.name);
    // Row counts need the roles (duplicates are dropped only with an order id): the clean stage fills them in.
    s.load = tableLoad(s.table, s.source.name);
  },
};

const ROLES: Stage = {
  name: 'roles',
  needs: [need('raw', ['*'])],
  produces: [need('roles', ['customer', 'timestamp'])],
  async run(s) {
    progress(s, 'detecting columns');
    const load = s.load as LoadedTable;
    const file = s.source.kind === 'file';
    s.detection = await detectRoles(s.engine, load.table, load.schema, s.options.map, load.numberFormats, file ? load.grouped : undefined);
    if (s.detection.shape !== 'order-log') {
      throw new InputError(
        file ? 'pipeline-needs-log' : 'warehouse-needs-log',
        `${sourceName(s)} has one row per customer; this pipeline analyses order logs`,
        file ? 'Run clientele analyze on it (customer tables have their own steps)' : 'Point --table at the order lines, or export the customer table to a file',
      );
    }
    if (!file) orderDateColumn(load.schema, s.detection.roles);
    s.facts = await rawFacts(s.engine, load.table, s.detection.roles);
    if (file) s.currency = await fileCurrency(s.engine, load, s.detection.roles, s.options.currency);
  },
};

const CLEAN: Stage = {
  name: 'clean',
  needs: [need('raw', ['*']), need('roles', ['customer', 'timestamp'])],
  produces: [LINES],
  async run(s) {
    const roles = (s.detection as RoleDetection).roles;
    const asOf = s.options.asOf === undefined ? undefined : calendarDate(s.options.asOf, '--as-of');
    s.asOf = asOf;
    const cleaningOptions = { latestPossible: latestPossibleDay(), ...s.options, asOf };
    if (s.source.kind === 'file') {
      progress(s, 'cleaning');
      const { lines, lastDay, ...cleaning } = await buildLines(s.engine, s.load as LoadedTable, (s.load as LoadedTable).schema, roles, cleaningOptions);
      s.lines = lines;
      s.cleaning = cleaning;
      s.asOf ??= lastDay ?? undefined;
    } else {
      const t = s.table as ResolvedTable;
      const d = s.engine.sql;
      const lines = await placeLines(s.engine, t, roles.customer as string);
      const local = lines instanceof ShardedLines ? (t.local as string) : t.relation;
      const distinct = d.sub(`SELECT DISTINCT * FROM ${local}`, 'raw');
      const dedupe = !s.options.keepDuplicates && Boolean(roles.order);
      // Distinct rows are counted from the lines when duplicates are dropped (one line per distinct row), which
      // spares a pass; the partial counts of a sharded table add up because copies of a row share its shard.
      const counts = rowObjects(
        await lines.aggregate({
          from: () => d.sub(`SELECT ${d.toDouble(d.count())} AS n${dedupe ? '' : `, ${d.toDouble(`(SELECT count(*) FROM ${distinct})`)} AS distinct_rows`} FROM ${local}`, 'c'),
          aggs: [{ as: 'rows', kind: 'sum', of: 'n' }, ...(dedupe ? [] : [{ as: 'distinct_rows', kind: 'sum' as const, of: 'distinct_rows' }])],
        }),
      )[0];
      const rows = Number(counts.rows ?? 0);
      if (rows === 0) throw new InputError('no-rows', `${t.relation} has no rows`, 'Point --table at a table or view with order lines');
      s.load = { ...(s.load as LoadedTable), rows, distinctRows: dedupe ? NaN : Number(counts.distinct_rows) };
      s.currency = await fileCurrency(s.engine, s.load, roles, s.options.currency);
      progress(s, 'cleaning');
      const type = (c: string) => t.schema.find((x) => x.name === c)?.type ?? 'VARCHAR';
      const tsCol = roles.timestamp as string;
      const { lines: cleaned, distinctRows, lastDay, ...log } = await cleanLines(
        {
          lines,
          source: dedupe ? distinct : local,
          codesFrom: local,
          fields: tableLineFields(d, roles, type),
          productColumn: roles.product ? d.ident(roles.product) : null,
          rowsRead: rows,
          distinctRows: dedupe ? null : s.load.distinctRows,
          dedupe,
          dateFormat: type(tsCol).toLowerCase(),
        },
        roles,
        cleaningOptions,
      );
      s.lines = cleaned;
      s.asOf ??= lastDay ?? undefined;
      s.load = { ...s.load, distinctRows };
      s.cleaning = { ...log, timestampSql: d.toTimestamp(d.ident(tsCol)) };
    }
    // Each order one distinct row: a repeated row can only be a duplicate.
    const onePerOrder = s.facts?.invoices !== undefined && s.facts.invoices >= (s.load as LoadedTable).distinctRows;
    s.cautions.push(...cleaningCautions(s.cleaning as CleaningLog, roles, onePerOrder));
    if ((s.cleaning as CleaningLog).analyticLines === 0) {
      throw new InputError('no-customer-lines', `No line of ${sourceName(s)} has both a customer id and a valid sale`, 'Check the --map customer= column');
    }
  },
};

const FEATURES: Stage = {
  name: 'customer features',
  needs: [need('lines', ['customer_id', 'order_id', 'ts', 'quantity', 'amount', 'product', 'country', 'is_cancel', 'return_line', 'status_cancel', 'bad_price', 'non_product'])],
  produces: [need('customers', CUSTOMER_FEATURES)],
  async run(s) {
    const lines = s.lines as LineSet;
    const d = lines.d;
    // The clean stage, which alone makes the lines, sets the last observed day: --as-of, or the last line's day.
    const asOf = s.asOf;
    if (asOf === undefined) throw new Error('the customer features ran before the clean stage set the last observed day');
    progress(s, 'customer features');
    // Recency counts to the day after the window (the usual max(date) + 1 day snapshot), so a purchase on the
    // last observed day is 1 day old.
    const roles = (s.detection as RoleDetection).roles;
    s.customers = await customerFeatures(lines, d.date(nextDay(asOf)), {
      amounts: (s.cleaning as CleaningLog).hasAmounts,
      quantities: Boolean(roles.quantity),
      products: Boolean(roles.product),
    });
    // Blank columns say why, as the money columns do without amounts.
    if (!roles.quantity && !roles.product) {
      s.skipped.push({ analysis: 'Items and distinct products per customer', reason: 'the log has no quantity or product column (items and distinct_products are blank)' });
    } else if (!roles.quantity) {
      s.skipped.push({ analysis: 'Items per customer', reason: 'the log has no quantity column, so how many units a line holds is unknown (items is blank)' });
    } else if (!roles.product) {
      s.skipped.push({ analysis: 'Distinct products per customer', reason: 'the log has no product column (distinct_products is blank)' });
    }
  },
};

const RFM: Stage = {
  name: 'rfm',
  needs: [need('customers', ['customer_id', 'recency_days', 'frequency', 'monetary'])],
  produces: [need('rfm', ['customer_id', 'r', 'f', 'm', 'segment'])],
  async run(s) {
    progress(s, 'RFM segments');
    const customers = s.customers as QueryResult;
    s.rfm = rfm(customers, s.options.segmentMap ?? DEFAULT_SEGMENT_MAP);
    if (customers.rows < SMALL) s.cautions.push(`RFM scores rest on only ${customers.rows} customers: quintiles of so few are unstable, so read the segments as a rough sort`);
  },
};

/**
 * Cohorts, populations and revenue patterns; then the analysis is assembled. Its queries are all sent at once and run
 * in the background: the engine works through them while the CLV models fit on this thread.
 */
const COHORTS: Stage = {
  name: 'cohorts',
  needs: [need('lines', ['customer_id', 'ts', 'amount', 'is_cancel', 'bad_price', 'non_product', 'status_cancel', 'return_line', 'order_id', 'country', 'product', 'unit_price']), need('customers', ['customer_id', 'monetary']), need('rfm', ['segment'])],
  produces: [need('cohorts', ['cohort', 'k', 'customers', 'revenue']), need('analysis', ['*'])],
  background: { label: 'cohorts' },
  async run(s) {
    const lines = s.lines as LineSet;
    const cleaning = s.cleaning as CleaningLog;
    await lines.keepGrain();
    const pops = populations(lines, cleaning.hasAmounts);
    // The revenue totals take their order count from the populations (one distinct count over every line fewer).
    const revenue = cleaning.hasAmounts ? revenuePatterns(lines, { orders: pops.then((p) => p.allLines.orders) }) : undefined;
    let shape: string[];
    [s.cohorts, s.populations, s.revenue, shape] = await Promise.all([cohorts(lines), pops, revenue, exportShapeCautions(lines, (s.detection as RoleDetection).roles, { text: textIds(s) })]);
    s.cautions.push(...shape);
    if (!cleaning.hasAmounts) s.skipped.push({ analysis: 'Revenue and spend', reason: 'the log has no amount or unit price column' });
    const customers = s.customers as QueryResult;
    const concentration = cleaning.hasAmounts ? gatedConcentration(customers, s.skipped) : undefined;
    s.analysis = analysisOf(s, concentration);
  },
};

/** Whether the customer id column holds text (a number column has no letter case to vary). */
function textIds(s: PipelineState): boolean {
  const column = (s.detection as RoleDetection).roles.customer;
  const type = (s.load as LoadedTable).schema.find((c) => c.name === column)?.type;
  return type === undefined || !isNumericType(type);
}

/** The analysis as far as the stages have filled it (before the cohorts stage: no cohorts, populations or revenue). */
function analysisOf(s: PipelineState, concentration?: Analysis['concentration']): Analysis {
  return {
    file: s.source.kind === 'file' ? s.source.path : s.source.name,
    load: s.load as LoadedTable,
    detection: s.detection as RoleDetection,
    asOf: s.asOf as string,
    currency: s.currency ?? null,
    populations: s.populations,
    segmentMap: s.options.segmentMap ?? DEFAULT_SEGMENT_MAP,
    skipped: s.skipped,
    cautions: s.cautions,
    cleaning: s.cleaning,
    customers: s.customers as QueryResult,
    rfm: s.rfm,
    cohorts: s.cohorts,
    revenue: s.revenue,
    concentration,
    facts: s.facts as Analysis['facts'],
    engine: s.engine,
    lines: s.lines,
  };
}

const CLV_LINES = need('lines', ['customer_id', 'ts', 'amount', 'is_cancel', 'status_cancel', 'non_product', 'bad_price']);

const CLV_DATA: Stage = {
  name: 'clv data',
  needs: [CLV_LINES],
  produces: [need('transactions', ['customer_id', 'days', 'amount'])],
  async run(s) {
    if (s.options.clv === false) return;
    progress(s, 'lifetime value');
    const { clvData } = await import('./stages.js');
    // CLV's queries and the cohort queries read the order grain, which the customers table kept already (clvData
    // keeps it where it does not exist yet). It must exist before this thread starts fitting CLV models: kept by the
    // cohorts stage, the sending of those queries would wait for the fits (2 s at 3M lines).
    // A data problem here is the CLV stage's to report (as a note, not a failed run), as when it fetched its own data.
    s.clvData = await clvData(s.lines as LineSet).catch((err: unknown) => {
      if (err instanceof ClienteleError) return err;
      throw err;
    });
  },
};

/** The CLV fits, scores and section: no SQL (the data came before the cohorts), so they run while the cohort queries do. */
const CLV: Stage = {
  name: 'clv',
  needs: [need('transactions', ['customer_id', 'days', 'amount']), need('customers', ['customer_id']), need('rfm', ['segment'])],
  produces: [need('clv', ['*'])],
  async run(s) {
    const { clvExtension } = await import('./full.js');
    // The clv data stage announced 'lifetime value' already.
    const e = await clvExtension(analysisOf(s), { clv: s.options.clv, onStage: s.clvData ? undefined : s.options.onStage }, s.clvData);
    if (!e) return;
    STAGE_OF.set(e, 'clv');
    s.extensions.push(e);
  },
};

type Later = 'driversExtension';

/** A later stage: one of full.ts's extensions on the assembled analysis (loaded only when the plan has it). */
function later(name: StageName, needs: Relation[], produces: Relation[], extension: Later): Stage {
  return {
    name,
    needs: [need('analysis', ['*']), ...needs],
    produces,
    async run(s) {
      const full = await import('./full.js');
      const a = s.analysis as Analysis;
      const e = await full[extension](a, { clv: s.options.clv, segments: s.options.segments, drivers: s.options.drivers, onStage: s.options.onStage });
      if (!e) return;
      STAGE_OF.set(e, name);
      s.extensions.push(e);
    },
  };
}

const SEGMENTS: Stage = {
  name: 'segments',
  needs: [need('customers', CUSTOMER_FEATURES)],
  produces: [need('segments', ['customer_id', 'segment'])],
  background: { label: 'segmentation' },
  engineFree: true,
  async run(s) {
    const [{ segmentsOf }, { orderLogFeatureTable }] = await Promise.all([import('./full.js'), import('./stages.js')]);
    const e = await segmentsOf(orderLogFeatureTable(s.customers as QueryResult), { segments: s.options.segments, thread: s.segmentThread });
    if (!e) return;
    STAGE_OF.set(e, 'segments');
    s.extensions.push(e);
  },
};
const DRIVERS = later('drivers', [need('raw', ['*']), need('lines', ['amount', 'status_cancel', 'return_line'])], [need('drivers', ['*'])], 'driversExtension');

const CHECKS: Stage = {
  name: 'checks',
  needs: [need('analysis', ['*']), need('customers', ['customer_id', 'monetary', 'frequency', 'recency_days']), need('cohorts', ['cohort', 'customers'])],
  produces: [need('outputs', ['*'])],
  async run(s) {
    progress(s, 'writing report');
    const { analysisArtifacts } = await import('./artifacts.js');
    s.files = analysisArtifacts(s.analysis as Analysis, s.extensions, s.options.checks || undefined);
  },
};

(CORE_AFTER_ROLES as Stage[]).push(CLEAN, FEATURES, RFM, COHORTS);

/**
 * The last day an order can carry: today in UTC plus one (UTC+14 is a day ahead). The one place the pipeline reads the
 * clock, and only as a bound: a log whose lines all lie before it gives the same answer on any day.
 */
function latestPossibleDay(): string {
  return nextDay(new Date().toISOString().slice(0, 10));
}

function nextDay(ymd: string): string {
  return new Date(Date.parse(`${ymd}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
