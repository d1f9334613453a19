import { ident, numbers, rowObjects, type QueryResult } from '../engine/engine.js';
import type { LineSet } from '../sql/lines.js';
import { transactionLogSql } from '../sql/definitions.js';
import { InputError, ClienteleError, formatError } from '../errors.js';
import { ANALYTIC_LINE } from '../clean/lines.js';
import { calendarDate } from '../ingest/dates.js';
import { cancelMarkersSql, coreFeatureSources, customerBehaviour } from '../features/behaviour.js';
import { tableFromQuery } from '../data/from-query.js';
import { findColumn, selectRows, type Table } from '../data/table.js';
import { runClv, customerScores, type ClvResult, type CustomerScores, type RunClvOptions } from '../clv/index.js';
import { fitCovariances } from '../clv/scores.js';
import { clvRowColumns, type ClvRowColumn } from '../clv/columns.js';
import { ClvScorer } from '../scoring/clv-scorer.js';
import type { SegmentOptions, SegmentationResult } from '../cluster/index.js';
import { SegmentationModel } from '../cluster/segmentation-model.js';
import { SEGMENT_RULE_DEPTH } from '../cluster/segment-rules.js';
import { RuleSetModel } from '../rules/rules-model.js';
import { runSegmentJob, type SegmentJob } from './segment-job.js';
import type { SegmentThread } from './segment-thread.js';
import { driversScan, type DriversOptions, type DriversResult } from '../stats/index.js';
import { deriveFactors } from '../stats/derive.js';
import { findTautologies } from '../stats/tautology.js';
import { clvSection } from '../report/sections/clv.js';
import { segmentsSection } from '../report/sections/segments.js';
import { driversSection } from '../report/sections/drivers.js';
import type { Block } from '../report/section.js';
import type { Analysis } from './analyze.js';
import type { Extension } from './artifacts.js';

const DAY_MS = 86_400_000;

export interface FeatureTableOptions {
  /** Append an order log's behavioural features (category mix, modes, numeric means, add-on counts, season mix). */
  behaviour?: boolean;
  /** Filled with the raw columns each feature is computed from (a customer table's columns are their own source). */
  sources?: Map<string, string[]>;
  /** Columns a saved model expects, so behaviour this log lacks (a category not sold this week) reads as none. */
  expected?: readonly string[];
}

/**
 * Customer features as a Table for models, one row per customer in the customers table's order. A customer
 * table keeps its own column names (so `--target Membership_Type` works); ids and dates are not features.
 */
export async function customerFeatureTable(a: Analysis, options: FeatureTableOptions = {}): Promise<Table> {
  let t: Table;
  if (a.detection.shape === 'customer-table') {
    const id = a.detection.roles.customer as string;
    const q = await a.engine.query(`SELECT * FROM ${a.load.table} ORDER BY CAST(${ident(id)} AS VARCHAR)`);
    t = tableFromQuery(q, [id]);
    for (const c of t.columns) options.sources?.set(c.name, [c.name]);
    return t;
  }
  t = orderLogFeatureTable(a.customers);
  for (const [f, cols] of coreFeatureSources(a.detection.roles)) options.sources?.set(f, cols);
  if (!options.behaviour || !a.cleaning) return t;
  const ids = a.customers.columns[a.customers.names.indexOf('customer_id')].map(String);
  const b = await customerBehaviour({
    engine: a.engine, raw: a.load.table, schema: a.load.schema, roles: a.detection.roles, timestampSql: a.cleaning.timestampSql, customers: ids, expected: options.expected,
  });
  for (const [f, cols] of b.sources) options.sources?.set(f, cols);
  return { rows: t.rows, columns: [...t.columns, ...b.columns] };
}

/** An order log's customers table as models read it: ids, dates and the country name are not features. */
export function orderLogFeatureTable(customers: QueryResult): Table {
  return tableFromQuery(customers, ['customer_id', 'first_purchase', 'last_purchase', 'main_country']);
}

/**
 * Per-customer purchase days from the cleaned lines (read from their order grain). A purchase is a day with a sale
 * line, priced or free (CDNOW has $0 purchases); its spend is the day's sales net of that day's returns, never below
 * zero. `ids` gives the customer id of each dense code, for joining predictions back to the customers table.
 */
export async function transactionLog(lines: LineSet): Promise<{ customer: Int32Array; days: Float64Array; amount: Float64Array; customers: number; ids: string[] }> {
  const d = lines.d;
  const q = await lines.rows((g) => transactionLogSql(d, g), ['customer_id', 'days', 'amount'], `ORDER BY ${d.bytewise(d.ident('customer_id'))}, ${d.ident('days')}`, 'grain');
  const idCol = q.columns[q.names.indexOf('customer_id')];
  // Dense codes in customer-id order: the rows come sorted, so a code is the number of id changes so far.
  const code = new Int32Array(q.rows);
  const ids: string[] = [];
  for (let i = 0; i < q.rows; i++) {
    const id = String(idCol[i]);
    if (ids.length === 0 || ids[ids.length - 1] !== id) ids.push(id);
    code[i] = ids.length - 1;
  }
  return { customer: code, days: numbers(q, 'days'), amount: numbers(q, 'amount'), customers: ids.length, ids };
}

/**
 * Customers whose every purchase line was free: in the purchase-count models, outside the customers table. Counted
 * over the order grain, whose rows have a line where their lines do.
 */
async function freeOnlyCustomers(lines: LineSet): Promise<number> {
  const d = lines.d;
  const r = await lines.aggregate({
    over: 'grain',
    from: (l) =>
      d.sub(
        `SELECT customer_id, ${d.count('bad_price')} AS free_lines, ${d.count('NOT bad_price')} AS priced_lines
          FROM ${l} WHERE customer_id IS NOT NULL AND NOT non_product AND NOT is_cancel GROUP BY customer_id`,
        'per_customer',
      ),
    aggs: [{ as: 'n', kind: 'count', where: 'free_lines > 0 AND priced_lines = 0' }],
  });
  return Number(r.columns[0][0] ?? 0);
}

export interface ClvStageOptions extends Partial<Omit<RunClvOptions, 'observationEnd' | 'calibrationEnd'>> {
  /** Last observed day 'YYYY-MM-DD' (inclusive); default the last purchase day. */
  observationEnd?: string;
  calibrationEnd?: string;
}

export function dayOf(date: string, flag: string): number {
  return Date.parse(calendarDate(date, flag) + 'T00:00:00Z') / DAY_MS;
}

/** What CLV reads from the engine: the purchase days, the last day with a line, and the customers with only free purchases. */
export interface ClvData {
  log: Awaited<ReturnType<typeof transactionLog>>;
  lastDay: number;
  freeOnly: number;
}

/**
 * The engine's part of the CLV stage, fetched before the fits so the engine is free for other stages while they run.
 * All three read the order grain (kept first where the engine keeps tables): a few rows per order, not every line.
 */
export async function clvData(lines: LineSet): Promise<ClvData> {
  const d = lines.d;
  await lines.keepGrain();
  const log = await transactionLog(lines);
  const lastDay = Number(rowObjects(await lines.aggregate({ over: 'grain', aggs: [{ as: 'last', kind: 'max', of: d.toDouble(d.epochDay(d.toDate('ts'))) }] }))[0].last);
  return { log, lastDay, freeOnly: await freeOnlyCustomers(lines) };
}

/**
 * The CLV models, scores, report section and customers.csv columns; with `data` it runs no SQL. CLV needs each
 * customer's purchase dates: only an order log has them.
 */
export async function clvStage(a: Analysis, options: ClvStageOptions = {}, data?: ClvData): Promise<{ result: ClvResult; scores: CustomerScores; rows: { ids: string[]; columns: ClvRowColumn[] }; extension: Extension }> {
  if (a.detection.shape !== 'order-log') {
    throw new InputError('clv-needs-log', 'CLV needs an order log with one row per order or line and its date; this file has one row per customer', 'Run clv on the order export instead');
  }
  const lines = a.lines;
  if (!lines) throw new InputError('clv-needs-log', 'CLV needs cleaned order lines', 'Run clv on the order export');
  const { log, lastDay, freeOnly } = data ?? (await clvData(lines));
  const observationEnd = options.observationEnd ? dayOf(options.observationEnd, '--as-of') : lastDay;
  const calibrationEnd = options.calibrationEnd ? dayOf(options.calibrationEnd, '--calibration-end') : undefined;
  const result = runClv(log, { timeUnit: 'weeks', ...options, observationEnd, calibrationEnd });
  const covariances = fitCovariances(result);
  // A missing covariance is left for customerScores to look for itself, so its reason reads as a fresh fit's.
  const scores = customerScores(result, { covariance: covariances.covariance ?? undefined, spendCovariance: covariances.spendCovariance ?? undefined });
  const rows = { ids: Array.from(result.summary.customerIndex, (c) => log.ids[c]), columns: clvRowColumns(result, scores) };
  const segment = a.rfm?.segment;
  const tableIds = a.customers.columns[a.customers.names.indexOf('customer_id')].map(String);
  const rowOf = new Map(tableIds.map((id, i) => [id, i]));
  // The customers-table row of each customer code of the log (-1: not in the table), looked up once.
  const tableRow = Int32Array.from(log.ids, (id) => rowOf.get(id) ?? -1);
  // Customers whose every purchase was free are in the purchase-count models but have no revenue, hence no RFM score.
  const segmentOf = segment ? (c: number) => segment[tableRow[c]] ?? 'Only free purchases' : undefined;
  const extension: Extension = {
    ...(result.best ? { models: { clv: ClvScorer.fromResult(result, 90, covariances) } } : { absent: { clv: result.fitSkipped ?? result.clvWithheld ?? `no healthy purchase model: ${result.selection.reason}` } }),
    sections: [clvSection(result, { ...(segmentOf ? { segmentOf } : {}), currency: a.currency, population: { identified: a.customers.rows, freeOnly }, scores, idOf: (c) => log.ids[c] })],
    customerColumns: clvColumns(rows.columns, Int32Array.from(result.summary.customerIndex, (c) => tableRow[c]), tableIds.length),
    summary: { clv: { ...clvSummaryJson(result), scores: scoresSummaryJson(scores) } },
    // With a holdout, the models see only customers acquired by the calibration end, so counts differ by design.
    reconcile: calibrationEnd === undefined ? { clv: { customers: result.summary.n, freeOnly } } : undefined,
  };
  return { result, scores, rows, extension };
}

/** What the per-customer score columns mean and, when blank, why. */
export function scoresSummaryJson(s: CustomerScores): Record<string, unknown> {
  const bands = { low: 0, medium: 0, high: 0 };
  for (const b of s.churnRisk) if (b) bands[b]++;
  const noDate: Record<string, number> = {};
  for (const r of s.nextOrderReason) if (r) {
    const key = r.startsWith('unlikely') ? 'unlikely to buy again (P(buys again) <= 0.5)' : r;
    noDate[key] = (noDate[key] ?? 0) + 1;
  }
  return {
    model: s.model,
    withheld: s.withheld,
    windowDays: s.days,
    from: 'the calibration end (the observation end when there is no holdout)',
    churnRisk: { on: `P(no purchase in the next ${s.days} days)`, low: `< ${s.cutoffs.medium}`, medium: `${s.cutoffs.medium} to < ${s.cutoffs.high}`, high: `>= ${s.cutoffs.high}`, customers: bands },
    nextOrderDate: { is: 'median of the time to the next purchase', withoutDate: noDate },
    pAliveLater: { withheld: s.pAliveLaterWithheld },
    dert: { is: 'discounted expected residual transactions after the calibration end, continuous discounting at the CLV monthly rate', withheld: s.dertWithheld },
    expectedPurchasesInterval: { level: 0.9, method: 'delta method on log E[X] from the Hessian of the log-likelihood in the log parameters (parameter uncertainty only)', withheld: s.purchasesIntervalWithheld },
    clvInterval: {
      level: 0.9,
      method: 'delta method on log CLV: the purchase model\'s and Gamma-Gamma\'s Hessian covariances in their log parameters, independent fits (block-diagonal covariance), so the log-variances add (parameter uncertainty only, not the customer\'s own future randomness)',
      withheld: s.clvIntervalWithheld,
    },
  };
}

/** The fitted models, their health and the comparison, without per-customer arrays (those go to customers.csv). */
export function clvSummaryJson(r: ClvResult): Record<string, unknown> {
  return {
    timeUnit: r.timeUnit,
    customers: r.summary.n,
    fittedOn: r.fitRows,
    horizon: r.horizon,
    best: r.best,
    selection: r.selection,
    pAlive: r.pAlive,
    clvWithheld: r.clvWithheld,
    fitSkipped: r.fitSkipped,
    models: r.models.map((m) => ({
      kind: m.kind,
      name: m.name,
      params: m.params,
      standardErrors: m.standardErrors,
      logLikelihood: m.logLikelihood,
      convergence: m.convergence,
      health: m.health,
    })),
    spend: r.spend && {
      params: r.spend.params,
      standardErrors: r.spend.standardErrors,
      logLikelihood: r.spend.logLikelihood,
      independence: r.spend.independence,
      meanSpend: r.spend.meanSpend,
      excluded: r.spend.excluded,
    },
    comparison: r.comparison,
    warnings: r.warnings,
  };
}

/**
 * Per-customer CLV columns aligned with the customers table (blank for customers outside the
 * summary). P(alive) comes from the model chosen for it, which need not be the best predictor;
 * withheld predictions get no column rather than a column of meaningless numbers, except the
 * scores (P(no purchase), churn risk, next order date), which stay as blank columns.
 */
function clvColumns(columns: ClvRowColumn[], tableRows: Int32Array, customers: number): Extension['customerColumns'] {
  return columns.map(({ name, values }) => {
    // A numeric column as doubles, NaN where blank (written as blank, read as missing): a million boxed numbers per
    // column would cost three times the memory, and twenty such columns are held until the outputs are written.
    if (values.every((v) => v === null || typeof v === 'number')) {
      const out = new Float64Array(customers).fill(NaN);
      for (let i = 0; i < values.length; i++) if (tableRows[i] >= 0 && values[i] !== null) out[tableRows[i]] = values[i] as number;
      return { name, values: out };
    }
    const out: (number | string | null)[] = new Array(customers).fill(null);
    for (let i = 0; i < values.length; i++) if (tableRows[i] >= 0) out[tableRows[i]] = values[i];
    return { name, values: out };
  });
}


export async function segmentStage(a: Analysis, options: SegmentOptions & { thread?: SegmentThread } = {}): Promise<{ result: SegmentationResult; extension: Extension }> {
  return segmentTable(await customerFeatureTable(a), options);
}

/** The segmentation of a customer feature table, on `thread` when given (it overlaps whatever runs here meanwhile). */
export async function segmentTable(t: Table, options: SegmentOptions & { thread?: SegmentThread } = {}): Promise<{ result: SegmentationResult; extension: Extension }> {
  const { thread, ...segment } = options;
  const opts = { seed: 42, ...segment };
  const job = thread ? await thread.run(t, opts) : runSegmentJob(t, opts);
  return { result: job.result, extension: segmentExtension(job, t.rows) };
}

/** The report section, saved models, customers.csv columns and summary of a finished segmentation job. */
export function segmentExtension(job: SegmentJob, customers: number): Extension {
  const { result, rules } = job;
  const names = result.profiles.map((p) => p.name);
  const sub = result.recluster;
  return {
    models: { segmentation: SegmentationModel.fromJSON(result.model), rules: RuleSetModel.fromJSON(rules.json) },
    reconcile: { placements: [{ part: 'k-means segments', customers, mismatched: job.mismatched }] },
    sections: [segmentsSection(result)],
    customerColumns: [
      { name: 'segment', values: result.labels.map((l) => names[l] ?? String(l)) },
      ...(sub ? [{ name: 'subsegment', values: sub.labels.map((l) => (l < 0 ? null : (sub.profiles[l]?.name ?? String(l)))) }] : []),
    ],
    summary: { segments: { k: result.k, reason: result.reason, silhouette: result.silhouette, sample: segmentSample(result), profiles: result.profiles, separation: result.separation, excluded: result.excluded, warnings: result.warnings, rules: { text: rules.text, agreement: rules.agreement, depth: SEGMENT_RULE_DEPTH } } },
  };
}

/** How many customers each part of the segmentation saw: above K_SEARCH_ROWS the fits use a seeded sample, yet every customer is assigned. */
function segmentSample(r: SegmentationResult) {
  return { customers: r.rows, assigned: r.labels.length, fittedOn: r.fitRows, silhouetteOn: r.choice?.silhouetteRows ?? null, secondStageFittedOn: r.recluster?.fitRows ?? null };
}

/** The rows a drivers scan reads, and which of them are cancelled or returned lines. */
export interface DriversRows {
  readonly table: Table;
  /** 1 for a line that earned nothing: a cancelled, returned, refunded or voided status, a 'C' invoice, or a negative quantity or amount. */
  readonly cancelled: Uint8Array | null;
  /** Cancelled lines by marker: status, invoice, quantity. */
  readonly markers: { readonly status: number; readonly invoice: number; readonly quantity: number };
  /** Lines in the log when the scan reads a seeded sample of DRIVERS_LINES of them, else null. */
  readonly sampledFrom: number | null;
}

/**
 * Above this many lines the drivers scan tests a seeded random sample of this many: its tests reject
 * far smaller effects than any worth a sentence with half a million lines, while ten million lines
 * pulled into memory as rows cost gigabytes.
 */
export const DRIVERS_LINES = 500_000;

const CANCEL_FLAGS = ['__cancel_status', '__cancel_invoice', '__cancel_quantity'];

/**
 * The rows a hypothesis test runs on: for an order log, the (deduplicated) lines with the timestamp
 * parsed and season/month/weekend, add-on and age-band factors derived; for a customer table, its rows.
 */
export async function driversTable(a: Analysis, maxLines: number = DRIVERS_LINES): Promise<DriversRows> {
  const d = a.detection;
  const none = { status: 0, invoice: 0, quantity: 0 };
  if (d.shape === 'customer-table' || !a.cleaning) {
    const raw = await a.engine.query(`SELECT * FROM ${a.load.table}`);
    const ages = d.roles.age ? [d.roles.age] : [];
    return { table: deriveFactors(tableFromQuery(raw, [d.roles.customer as string]), { ages }), cancelled: null, markers: none, sampledFrom: null };
  }
  const ts = d.roles.timestamp as string;
  const type = (c: string) => a.load.schema.find((s) => s.name === c)?.type ?? 'VARCHAR';
  // The same three markers cleaning uses for the lines table, on the raw columns the scan keeps.
  const flags = cancelMarkersSql(d.roles, type).map((sql, i) => `${sql}::INTEGER::DOUBLE AS ${CANCEL_FLAGS[i]}`);
  if (!(Number.isInteger(maxLines) && maxLines > 0)) throw new InputError('drivers-sample', `The drivers sample must be a whole number of lines, got ${maxLines}`);
  const sampled = a.load.rows > maxLines;
  const sample = sampled ? ` USING SAMPLE reservoir(${maxLines} ROWS) REPEATABLE (42)` : '';
  const raw = await a.engine.query(
    `SELECT * REPLACE (epoch_ms(${a.cleaning.timestampSql})::DOUBLE AS ${ident(ts)}), ${flags.join(', ')} FROM ${a.load.table}${sample}`,
  );
  const marks = CANCEL_FLAGS.map((f) => numbers(raw, f));
  const cancelled = Uint8Array.from(marks[0], (_, i) => (marks[0][i] || marks[1][i] || marks[2][i] ? 1 : 0));
  const count = (m: Float64Array) => m.reduce((s, v) => s + v, 0);
  const t = tableFromQuery(raw, [d.roles.customer as string, ...CANCEL_FLAGS], [ts]);
  const addOns = t.columns.filter((c) => c.kind === 'category' && /add.?on/i.test(c.name) && c.levels.some((l) => l.includes(','))).map((c) => c.name);
  return {
    table: deriveFactors(t, { dates: [ts], addOns, ages: d.roles.age ? [d.roles.age] : [] }),
    cancelled,
    markers: { status: count(marks[0]), invoice: count(marks[1]), quantity: count(marks[2]) },
    sampledFrom: sampled ? a.load.rows : null,
  };
}

export interface DriversStageOptions extends DriversOptions {
  /** Keep cancelled and returned lines in a spend outcome (default: a cancelled order is no spend). */
  includeCancelled?: boolean;
  /** Above this many lines a seeded sample of this many is tested (default DRIVERS_LINES). */
  sampleLines?: number;
}

/**
 * Is the outcome money or units a cancelled line never earned: the log's amount, price or quantity, or a
 * column tied to the amount by construction (profit, cost)?
 */
function isSpendOutcome(a: Analysis, t: Table, outcome: string): boolean {
  const r = a.detection.roles;
  const c = findColumn(t, outcome);
  if (!c || c.kind !== 'number') return false;
  if ([r.amount, r.price, r.quantity, r.spend].includes(outcome)) return true;
  const amount = r.amount ? findColumn(t, r.amount) : undefined;
  return amount?.kind === 'number' && findTautologies({ kind: 'numeric', name: amount.name, values: amount.values }, [c]).length > 0;
}

export async function driversStage(a: Analysis, options: DriversStageOptions): Promise<{ result: DriversResult; extension: Extension }> {
  const rows = await driversTable(a, options.sampleLines);
  let t = rows.table;
  let excluded: DriversResult['excluded'];
  const { includeCancelled, sampleLines = DRIVERS_LINES, ...scan } = options;
  if (rows.cancelled && isSpendOutcome(a, t, options.outcome)) {
    const n = rows.cancelled.reduce((s, v) => s + v, 0);
    const m = rows.markers;
    const by = [
      m.status ? `${m.status.toLocaleString('en-US')} by status` : '',
      m.invoice ? `${m.invoice.toLocaleString('en-US')} by a 'C' invoice` : '',
      m.quantity ? `${m.quantity.toLocaleString('en-US')} by a negative quantity or amount` : '',
    ].filter(Boolean);
    if (includeCancelled) {
      excluded = { rows: 0, of: t.rows, why: `${n.toLocaleString('en-US')} cancelled or returned lines kept in ${options.outcome} (--include-cancelled)` };
    } else if (n > 0) {
      const keep: number[] = [];
      rows.cancelled.forEach((c, i) => c || keep.push(i));
      excluded = { rows: n, of: t.rows, why: `${n.toLocaleString('en-US')} of ${t.rows.toLocaleString('en-US')} lines are cancelled or returned (${by.join(', ')}${by.length > 1 ? '; a line may carry more than one mark' : ''}) and earned no ${options.outcome}; excluded (keep them with --include-cancelled)` };
      t = selectRows(t, keep);
    }
  }
  const result: DriversResult = { ...driversScan(t, scan), excluded };
  const sampleNote = rows.sampledFrom === null ? null : `The drivers were tested on a random sample of ${sampleLines.toLocaleString('en-US')} of the ${rows.sampledFrom.toLocaleString('en-US')} lines`;
  const section = driversSection(result);
  // What was left out, and why, stands above the findings so no reader mistakes a tautology for a finding.
  const notes: Block[] = [
    ...(sampleNote ? [{ kind: 'callout' as const, level: 'info' as const, text: `${sampleNote}.` }] : []),
    ...(excluded?.rows ? [{ kind: 'callout' as const, level: 'info' as const, text: `${excluded.why}.` }] : []),
    ...(result.tautologies.length
      ? [{ kind: 'callout' as const, level: 'info' as const, text: `Not drivers, tied to ${result.outcome} by construction: ${result.tautologies.map((x) => x.sentence).join(' ')}` }]
      : []),
  ];
  return { result, extension: { sections: [{ ...section, blocks: [...notes, ...section.blocks] }], summary: { drivers: { ...result, sample: rows.sampledFrom === null ? null : { lines: sampleLines, of: rows.sampledFrom } } } } };
}

/** Run an optional stage of `analyze`; a data problem becomes a note in the report instead of failing the run. */
export async function optionalStage(name: string, run: () => Promise<Extension> | Extension): Promise<Extension> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof ClienteleError)) throw err;
    return {
      sections: [{ id: name.toLowerCase().replace(/\W+/g, '-'), title: name, findings: [], blocks: [{ kind: 'callout', level: 'info', text: `${name} was skipped: ${formatError(err)}.` }] }],
      summary: { skipped: { [name]: formatError(err) } },
    };
  }
}
