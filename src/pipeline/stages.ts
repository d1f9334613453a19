import { ident, numbers, type Engine } from '../engine/engine.js';
import { InputError, ClienteleError, formatError } from '../errors.js';
import { ANALYTIC_LINE } from '../clean/lines.js';
import { calendarDate } from '../ingest/dates.js';
import { tableFromQuery } from '../data/from-query.js';
import type { Table } from '../data/table.js';
import { runClv, CLV_MODEL_NAMES, type ClvResult, type RunClvOptions, type ClvModelKind } from '../clv/index.js';
import { segmentCustomers, type SegmentOptions, type SegmentationResult } from '../cluster/index.js';
import { driversScan, type DriversOptions, type DriversResult } from '../stats/index.js';
import { deriveFactors } from '../stats/derive.js';
import { clvSection } from '../report/sections/clv.js';
import { segmentsSection } from '../report/sections/segments.js';
import { driversSection } from '../report/sections/drivers.js';
import type { Analysis } from './analyze.js';
import type { Extension } from './artifacts.js';

const DAY_MS = 86_400_000;

/**
 * Customer features as a Table for models, one row per customer in the customers table's order. A customer
 * table keeps its own column names (so `--target Membership_Type` works); ids and dates are not features.
 */
export async function customerFeatureTable(a: Analysis): Promise<Table> {
  if (a.detection.shape === 'customer-table') {
    const id = a.detection.roles.customer as string;
    const q = await a.engine.query(`SELECT * FROM ${a.load.table} ORDER BY CAST(${ident(id)} AS VARCHAR)`);
    return tableFromQuery(q, [id]);
  }
  return tableFromQuery(a.customers, ['customer_id', 'first_purchase', 'last_purchase', 'main_country']);
}

/**
 * Per-customer purchase days from the cleaned lines. A purchase is a day with a sale line, priced or free
 * (CDNOW has $0 purchases); its spend is the day's sales net of that day's returns, never below zero.
 * `ids` gives the customer id of each dense code, for joining predictions back to the customers table.
 */
export async function transactionLog(engine: Engine): Promise<{ customer: Int32Array; days: Float64Array; amount: Float64Array; customers: number; ids: string[] }> {
  const q = await engine.query(`
    WITH d AS (
      SELECT customer_id, CAST(ts AS DATE) AS day, CASE WHEN count(amount) > 0 THEN greatest(sum(amount), 0) END AS amount, bool_or(NOT is_cancel) AS purchase
      FROM lines WHERE customer_id IS NOT NULL AND NOT non_product AND NOT status_cancel GROUP BY ALL)
    SELECT (dense_rank() OVER (ORDER BY customer_id) - 1)::DOUBLE AS code, customer_id, (epoch(CAST(day AS TIMESTAMP)) / 86400)::DOUBLE AS days, amount
    FROM d WHERE purchase ORDER BY code, days`);
  const code = Int32Array.from(numbers(q, 'code'));
  const idCol = q.columns[q.names.indexOf('customer_id')];
  const ids: string[] = [];
  for (let i = 0; i < code.length; i++) if (code[i] === ids.length) ids.push(String(idCol[i]));
  return { customer: code, days: numbers(q, 'days'), amount: numbers(q, 'amount'), customers: ids.length, ids };
}

export interface ClvStageOptions extends Partial<Omit<RunClvOptions, 'observationEnd' | 'calibrationEnd'>> {
  /** Last observed day 'YYYY-MM-DD' (inclusive); default the last purchase day. */
  observationEnd?: string;
  calibrationEnd?: string;
}

export function dayOf(date: string, flag: string): number {
  return Date.parse(calendarDate(date, flag) + 'T00:00:00Z') / DAY_MS;
}

/** CLV needs each customer's purchase dates: only an order log has them. */
export async function clvStage(a: Analysis, options: ClvStageOptions = {}): Promise<{ result: ClvResult; extension: Extension }> {
  if (a.detection.shape !== 'order-log') {
    throw new InputError('clv-needs-log', 'CLV needs an order log with one row per order or line and its date; this file has one row per customer', 'Run clv on the order export instead');
  }
  const log = await transactionLog(a.engine);
  const lastDay = Number((await a.engine.query(`SELECT (epoch(CAST(max(ts) AS DATE)::TIMESTAMP) / 86400)::DOUBLE FROM lines`)).columns[0][0]);
  const observationEnd = options.observationEnd ? dayOf(options.observationEnd, '--as-of') : lastDay;
  const calibrationEnd = options.calibrationEnd ? dayOf(options.calibrationEnd, '--calibration-end') : undefined;
  const result = runClv(log, { timeUnit: 'weeks', ...options, observationEnd, calibrationEnd });
  const segment = a.rfm?.segment;
  const tableIds = a.customers.columns[a.customers.names.indexOf('customer_id')].map(String);
  const rowOf = new Map(tableIds.map((id, i) => [id, i]));
  // Customers whose every purchase was free are in the purchase-count models but have no revenue, hence no RFM score.
  const segmentOf = segment ? (c: number) => segment[rowOf.get(log.ids[c]) ?? -1] ?? 'Only free purchases' : undefined;
  const freeOnly = Number((await a.engine.query(`SELECT count(DISTINCT customer_id)::DOUBLE FROM lines
    WHERE customer_id IS NOT NULL AND NOT non_product AND NOT is_cancel AND bad_price AND customer_id NOT IN (SELECT customer_id FROM customers)`)).columns[0][0]);
  const extension: Extension = {
    sections: [clvSection(result, segmentOf ? { segmentOf } : {})],
    customerColumns: clvColumns(result, log.ids, tableIds),
    summary: { clv: clvSummaryJson(result) },
    // With a holdout, the models see only customers acquired by the calibration end, so counts differ by design.
    reconcile: calibrationEnd === undefined ? { clv: { customers: result.summary.n, freeOnly } } : undefined,
  };
  return { result, extension };
}

/** The fitted models, their health and the comparison, without per-customer arrays (those go to customers.csv). */
export function clvSummaryJson(r: ClvResult): Record<string, unknown> {
  return {
    timeUnit: r.timeUnit,
    customers: r.summary.n,
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
 * withheld predictions get no column rather than a column of meaningless numbers.
 */
function clvColumns(result: ClvResult, logIds: string[], tableIds: string[]): Extension['customerColumns'] {
  const best = result.best;
  const pred = best && result.predictions[best];
  if (!best || !pred) return [];
  const rowOf = new Map(tableIds.map((id, i) => [id, i]));
  const idx = result.summary.customerIndex;
  const col = (values: Float64Array) => {
    const out: (number | null)[] = new Array(tableIds.length).fill(null);
    for (let i = 0; i < idx.length; i++) {
      const row = rowOf.get(logIds[idx[i]]);
      if (row !== undefined) out[row] = Number.isFinite(values[i]) ? values[i] : null;
    }
    return out;
  };
  const tagOf = (kind: ClvModelKind) => CLV_MODEL_NAMES[kind].replace(/\W/g, '').toLowerCase();
  const tag = tagOf(best);
  const aliveKind = result.pAlive.model;
  const alive = aliveKind && result.predictions[aliveKind];
  return [
    ...(aliveKind && alive ? [{ name: `p_alive_${tagOf(aliveKind)}`, values: col(alive.pAlive) }] : []),
    { name: `expected_purchases_${result.horizon.months}m_${tag}`, values: col(pred.expectedPurchases) },
    ...(result.clvWithheld
      ? []
      : [
          { name: 'expected_spend_per_order', values: col(result.expectedSpend) },
          { name: `clv_${result.horizon.months}m_${tag}`, values: col(pred.clv) },
        ]),
  ];
}

export async function segmentStage(a: Analysis, options: SegmentOptions = {}): Promise<{ result: SegmentationResult; extension: Extension }> {
  const t = await customerFeatureTable(a);
  const result = segmentCustomers(t, { seed: 42, ...options });
  const names = result.profiles.map((p) => p.name);
  const sub = result.recluster;
  return {
    result,
    extension: {
      sections: [segmentsSection(result)],
      customerColumns: [
        { name: 'segment', values: result.labels.map((l) => names[l] ?? String(l)) },
        ...(sub ? [{ name: 'subsegment', values: sub.labels.map((l) => (l < 0 ? null : (sub.profiles[l]?.name ?? String(l)))) }] : []),
      ],
      summary: { segments: { k: result.k, reason: result.reason, silhouette: result.silhouette, profiles: result.profiles, separation: result.separation, excluded: result.excluded, warnings: result.warnings } },
    },
  };
}

/**
 * The rows a hypothesis test runs on: for an order log, the (deduplicated) lines with the timestamp
 * parsed and season/month/weekend, add-on and age-band factors derived; for a customer table, its rows.
 */
export async function driversTable(a: Analysis): Promise<Table> {
  const d = a.detection;
  if (d.shape === 'customer-table' || !a.cleaning) {
    const raw = await a.engine.query(`SELECT * FROM ${a.load.table}`);
    const ages = d.roles.age ? [d.roles.age] : [];
    return deriveFactors(tableFromQuery(raw, [d.roles.customer as string]), { ages });
  }
  const ts = d.roles.timestamp as string;
  const raw = await a.engine.query(
    `SELECT * REPLACE (epoch_ms(${a.cleaning.timestampSql})::DOUBLE AS ${ident(ts)}) FROM ${a.load.table}`,
  );
  const t = tableFromQuery(raw, [d.roles.customer as string], [ts]);
  const addOns = t.columns.filter((c) => c.kind === 'category' && /add.?on/i.test(c.name) && c.levels.some((l) => l.includes(','))).map((c) => c.name);
  return deriveFactors(t, { dates: [ts], addOns, ages: d.roles.age ? [d.roles.age] : [] });
}

export async function driversStage(a: Analysis, options: DriversOptions): Promise<{ result: DriversResult; extension: Extension }> {
  const t = await driversTable(a);
  const result = driversScan(t, options);
  return { result, extension: { sections: [driversSection(result)], summary: { drivers: result } } };
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
