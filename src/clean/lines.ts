import { ident, numbers, rowObjects, type Engine, type QueryResult } from '../engine/engine.js';
import { InputError } from '../errors.js';
import { COPIES, type LoadedTable, type SchemaColumn } from '../ingest/load.js';
import { calendarDay, isoDay, timestampSql } from '../ingest/dates.js';
import { customerIdSql, numericSql, type RoleMap } from '../ingest/roles.js';
import { ANALYTIC_LINE, lineDefinition, roleFields, type LineFields } from '../sql/definitions.js';
import { MaterialisedLines, type LineSet } from '../sql/lines.js';

const firstRow = (q: QueryResult) => rowObjects(q)[0];

/**
 * Cleaning of an order-line log, as SQL over the raw table. Every rule only flags lines; which flags
 * exclude a line from customer analytics is decided in one place (`ANALYTIC_LINE`), so each choice is reversible.
 */
export interface CleaningOptions {
  /** Keep exact duplicate rows (default: drop them). */
  keepDuplicates?: boolean;
  /** Count postage, fees and manual adjustments as customer revenue (default: flag and exclude them). */
  keepNonProduct?: boolean;
  /** Robust rule for flagging outlying line amounts. */
  outlierRule?: 'mad' | 'iqr' | 'none';
  dateFormat?: string;
  /** Last observed day 'YYYY-MM-DD' (inclusive): later lines are cut before anything is computed. */
  asOf?: string;
  /**
   * Without asOf, the last day an order can have been placed ('YYYY-MM-DD': the day of the run, plus one for the time
   * zones ahead of UTC). A later line (a mistyped year) would otherwise set the window's end, and every recency with it.
   */
  latestPossible?: string;
}

export interface CleaningStep {
  readonly step: string;
  readonly rows: number;
  readonly action: 'removed' | 'excluded from customer analytics' | 'flagged' | 'netted' | 'read' | 'kept';
  readonly why: string;
  readonly examples?: (string | number | null)[][];
}

export interface CleaningLog {
  readonly rowsRead: number;
  readonly rowsAfterCleaning: number;
  readonly analyticLines: number;
  readonly dateFormat: string;
  /** SQL turning the raw timestamp column into a TIMESTAMP, for stages that work on the raw rows. */
  readonly timestampSql: string;
  /** False for a minimal log (customer ids and dates only): no revenue figure can be computed. */
  readonly hasAmounts: boolean;
  readonly steps: CleaningStep[];
}

export { ANALYTIC_LINE, CANCEL_STATUS, FEE_DESCRIPTION, RETURN_INVOICE } from '../sql/definitions.js';

/** Codes are "off-pattern" when at least this share of the distinct codes contain a digit and they contain none. */
const DIGIT_CODE_SHARE = 0.8;

/** Where the raw rows are and what is known of them, for any engine. */
export interface CleaningInput {
  readonly lines: LineSet;
  /** Raw rows as a FROM item: distinct rows when duplicates are dropped, every copy otherwise. */
  readonly source: string;
  /** Raw rows as a FROM item, for the product-code check (duplicates do not change the set of codes). */
  readonly codesFrom: string;
  readonly fields: LineFields;
  /** Raw product column (for the digit-code check), as an expression over `distinct`. */
  readonly productColumn: string | null;
  readonly rowsRead: number;
  /** Distinct rows, or null to count the lines once defined (with `dedupe`, one line per distinct row). */
  readonly distinctRows: number | null;
  /** Drop exact duplicates (only lines with an order id have an identity to repeat). */
  readonly dedupe: boolean;
  readonly dateFormat: string;
}

export async function buildLines(
  engine: Engine,
  load: LoadedTable,
  schema: SchemaColumn[],
  roles: RoleMap,
  options: CleaningOptions = {},
): Promise<CleaningLog & { lines: LineSet; lastDay: string | null }> {
  const raw = load.table;
  const type = (c: string) => schema.find((s) => s.name === c)?.type ?? 'VARCHAR';
  const dedupe = !options.keepDuplicates && Boolean(roles.order);
  const ts = roles.timestamp as string;
  const { sql: tsExpr, format } = await timestampSql(engine, raw, ts, type(ts), options.dateFormat);
  const fields = fileLineFields(roles, type, tsExpr);
  const input: CleaningInput = {
    lines: new MaterialisedLines(engine, engine.sql),
    source: dedupe ? raw : `(SELECT * EXCLUDE (${COPIES}) FROM ${load.grouped}, range(${COPIES}))`,
    codesFrom: raw,
    fields,
    productColumn: roles.product ? ident(roles.product) : null,
    rowsRead: load.rows,
    distinctRows: load.distinctRows,
    dedupe,
    dateFormat: format.label,
  };
  const { distinctRows: _, ...log } = await cleanLines(input, roles, options);
  return { ...log, timestampSql: tsExpr };
}

/** The line fields of a file read into DuckDB: text numbers that survived number-format detection are read if plain. */
function fileLineFields(roles: RoleMap, type: (c: string) => string, tsExpr: string): LineFields {
  return roleFields(roles, {
    customer: customerIdSql(roles.customer as string, type(roles.customer as string)),
    ts: tsExpr,
    tsRaw: `CAST(${ident(roles.timestamp as string)} AS VARCHAR)`,
    num: (c) => numericSql(c, type(c)),
    // Ids are trimmed (a stray space must not split a customer); descriptive text is kept as read, which on a
    // large log saves a string copy per line and column.
    id: (c) => `NULLIF(trim(CAST(${ident(c)} AS VARCHAR)), '')`,
    text: (c) => `CAST(${ident(c)} AS VARCHAR)`,
  });
}

/**
 * Clean an order log on any engine: the lines are built from the one definition (src/sql/definitions.ts), every
 * rule flags, and the cleaning log counts what each rule did. `lastDay` is the last line's day ('YYYY-MM-DD'),
 * counted with the cleaning totals after every removal, so the stages after need no query of their own for it.
 */
export async function cleanLines(input: CleaningInput, roles: RoleMap, options: CleaningOptions = {}): Promise<Omit<CleaningLog, 'timestampSql'> & { lines: LineSet; distinctRows: number; lastDay: string | null }> {
  const { lines, fields } = input;
  const d = lines.d;
  const steps: CleaningStep[] = [];
  const rowsRead = input.rowsRead;
  steps.push({ step: 'read', rows: rowsRead, action: 'read', why: 'rows in the input file' });

  // Typed canonical columns and flags, from the one definition.
  const hasAmounts = Boolean(roles.amount || roles.price);
  const offPattern = input.productColumn ? await digitCodesDominate(lines, input.codesFrom, input.productColumn) : false;
  await lines.define(lineDefinition(d, input.source, fields, { offPattern, keepNonProduct: Boolean(options.keepNonProduct) }));
  if (input.distinctRows === null && !input.dedupe) throw new Error('distinct rows must be counted when duplicates are kept');
  const distinctRows = input.distinctRows ?? Number(firstRow(await lines.aggregate({ aggs: [{ as: 'n', kind: 'count' }] })).n);

  // Exact duplicates: only lines that carry an order id have an identity to repeat. Without one (customer, date,
  // quantity, amount), identical lines are separate purchases.
  const repeats = rowsRead - distinctRows;
  if (input.dedupe) {
    steps.push({ step: 'duplicates', rows: repeats, action: 'removed', why: 'exact duplicate rows (every field equal to an earlier row, order id included); keep them with --keep-duplicates' });
  } else {
    steps.push({
      step: 'duplicates',
      rows: 0,
      action: 'kept',
      why: options.keepDuplicates
        ? `${repeats.toLocaleString('en-US')} identical rows kept (--keep-duplicates)`
        : `no order id, so ${repeats.toLocaleString('en-US')} identical rows are separate purchases and all are kept`,
    });
  }

  const missing = firstRow(
    await lines.aggregate({
      aggs: [
        { as: 'bad_dates', kind: 'count', where: 'ts IS NULL AND ts_raw IS NOT NULL' },
        { as: 'example', kind: 'min', of: 'ts_raw', where: 'ts IS NULL AND ts_raw IS NOT NULL' },
        { as: 'missing_dates', kind: 'count', where: 'ts IS NULL' },
        { as: 'missing_amounts', kind: 'count', where: 'amount IS NULL' },
      ],
    }),
  );
  const ts = roles.timestamp as string;
  if (Number(missing.bad_dates) > 0) {
    throw new InputError(
      'unparseable-date',
      `${Number(missing.bad_dates).toLocaleString('en-US')} values in column ${ts} are not ${input.dateFormat} dates, e.g. '${String(missing.example)}'`,
      'Fix them, or pass --date-format with the right pattern (e.g. %d/%m/%Y %H:%M)',
    );
  }
  const missingDates = Number(missing.missing_dates);
  const missingAmounts = hasAmounts ? Number(missing.missing_amounts) : 0;
  if (missingDates > 0 || missingAmounts > 0) {
    await lines.remove(`ts IS NULL${hasAmounts ? ' OR amount IS NULL' : ''}`);
    steps.push({ step: 'missing values', rows: missingDates + missingAmounts, action: 'removed', why: `rows without a date (${missingDates}) or without an amount (${missingAmounts})` });
  }
  if (!hasAmounts) {
    steps.push({ step: 'no amounts', rows: 0, action: 'read', why: 'the log has no amount or unit price column: recency, frequency, cohorts and the purchase-count models run; revenue figures are skipped' });
  }
  // One histogram of lines per day serves the window checks: the first day, the lines after --as-of or after any
  // possible order, and early lines that stand apart.
  const hist = await dayHistogram(lines);
  const after = (ymd: string) => `${d.toDate('ts')} > ${d.date(ymd)}`;
  const linesAfter = (ymd: string) => hist.counts.reduce((t, n, i) => (hist.days[i] > epochDayOf(ymd) ? t + n : t), 0);
  const end = options.asOf ?? options.latestPossible;
  if (options.asOf) {
    const first = hist.days.length > 0 ? isoDay(hist.days[0]) : String(null);
    if (options.asOf < first) {
      throw new InputError('bad-as-of', `--as-of ${options.asOf} is before the first line (${first})`, 'Pick a day within the data');
    }
    const cut = linesAfter(options.asOf);
    await lines.remove(after(options.asOf));
    steps.push({ step: 'after --as-of', rows: cut, action: 'removed', why: `lines dated after ${options.asOf}, the last observed day: everything is computed as if the data ended there` });
  } else if (options.latestPossible) {
    const cut = linesAfter(options.latestPossible);
    if (cut > 0) {
      const example = firstRow(await lines.aggregate({ aggs: [{ as: 'example', kind: 'min', of: 'ts_raw', where: after(options.latestPossible) }] })).example;
      await lines.remove(after(options.latestPossible));
      steps.push({
        step: 'dated in the future',
        rows: cut,
        action: 'removed',
        why: `dated after ${options.latestPossible} (e.g. '${String(example)}'): no order can have been placed by the day of this run (a mistyped year, or a scheduled date); pass --as-of to set the last observed day yourself`,
      });
    }
  }

  const kept = end === undefined ? hist : keepDays(hist, epochDayOf(end));
  const isolated = isolatedEarlyDays(kept);
  if (isolated) {
    await lines.remove(`${d.toDate('ts')} < ${d.date(isolated.next)}`);
    steps.push({
      step: 'isolated early dates',
      rows: isolated.lines,
      action: 'removed',
      why: `dated ${isolated.first === isolated.last ? isolated.first : `${isolated.first} to ${isolated.last}`}, ${isolated.gapDays.toLocaleString('en-US')} days before the next line (${isolated.next}), a gap longer than all the data after it: a placeholder for a missing date (1970-01-01, 1900-01-01) or a mistyped year, which would set those customers' tenure and a cohort of their own`,
    });
  }

  const fc = firstRow(
    await lines.aggregate({
      aggs: [
        { as: 'n_no_customer', kind: 'count', where: 'customer_id IS NULL' },
        { as: 'n_returns', kind: 'count', where: 'return_line' },
        { as: 'n_status_cancel', kind: 'count', where: 'status_cancel' },
        { as: 'n_bad_price', kind: 'count', where: 'bad_price' },
        { as: 'n_non_product', kind: 'count', where: 'non_product' },
        { as: 'n_analytic', kind: 'count', where: ANALYTIC_LINE },
        { as: 'n_total', kind: 'count' },
        // As a day number, formatted once: formatting every line's timestamp cost more than the rest of this pass.
        { as: 'last_day', kind: 'max', of: d.toDouble(d.epochDay(d.toDate('ts'))) },
      ],
    }),
  );
  // Output names never repeat a column name: ClickHouse resolves an alias before a column of the same name.
  const f = (name: string) => Number(fc[name] ?? 0);
  steps.push({
    step: 'missing customer id',
    rows: f('n_no_customer'),
    action: 'excluded from customer analytics',
    why: 'lines without a customer id still count in revenue totals and by country, but cannot be attributed to a customer',
  });
  steps.push({
    step: 'cancellations and returns',
    rows: f('n_returns') + f('n_status_cancel'),
    action: 'netted',
    why: `${f('n_returns').toLocaleString('en-US')} return lines ('C' invoices, negative quantities or negative amounts) are netted against their customer's revenue; ${f('n_status_cancel').toLocaleString('en-US')} lines with a cancelled status earn no revenue; both count in the customer's return rate`,
  });
  steps.push({
    step: 'zero or negative price',
    rows: f('n_bad_price'),
    action: 'excluded from customer analytics',
    why: 'sale lines with a unit price or amount of zero or less (free samples, write-offs, bad-debt adjustments)',
  });
  const np = await lines.aggregate({
    where: 'non_product',
    keys: [
      { as: 'code', expr: "coalesce(product, '')" },
      { as: 'item_description', expr: "coalesce(description, '')" },
    ],
    aggs: [
      { as: 'lines', kind: 'count' },
      { as: 'revenue', kind: 'money', of: 'amount' },
    ],
    orderBy: `${d.ident('lines')} DESC, ${d.bytewise(d.ident('code'))}, ${d.bytewise(d.ident('item_description'))}`,
    limit: 25,
  });
  const revenueCol = np.names.indexOf('revenue');
  const rules = [offPattern ? 'product codes with no digit among codes that mostly have digits' : null, roles.description ? 'descriptions that are wholly a fee word (postage, shipping, manual, discount...)' : null].filter(Boolean).join('; ');
  steps.push({
    step: 'non-product lines',
    rows: f('n_non_product'),
    action: options.keepNonProduct ? 'flagged' : 'excluded from customer analytics',
    why: options.keepNonProduct
      ? 'fee-like lines kept as revenue because of --keep-non-product'
      : `${rules || 'no product code or description column, so no line is taken for a fee'}; each excluded code and description is listed with its lines and revenue; keep them with --keep-non-product`,
    examples: Array.from({ length: np.rows }, (_, i) => np.columns.map((c, j) => (j === revenueCol ? Number(c[i] ?? 0) : (c[i] as string | number | null)))),
  });

  const rule = options.outlierRule ?? 'mad';
  if (rule !== 'none') steps.push(await flagOutliers(lines, rule));
  const lastDay = fc.last_day === null || fc.last_day === undefined ? null : isoDay(Number(fc.last_day));
  return { rowsRead, rowsAfterCleaning: f('n_total'), analyticLines: f('n_analytic'), dateFormat: input.dateFormat, hasAmounts, steps, lines, distinctRows, lastDay };
}

/** Whether product codes mostly carry digits, so a code without any (POST, M, BANK CHARGES) breaks the pattern. */
async function digitCodesDominate(lines: LineSet, rows: string, column: string): Promise<boolean> {
  const d = lines.d;
  const r = firstRow(
    await lines.aggregate({
      // Trimmed and matched once per distinct code, not once per line (Online Retail: 29 -> 8 ms).
      from: () => d.sub(`SELECT ${d.trim('v')} AS code FROM ${d.sub(`SELECT DISTINCT ${d.toText(column)} AS v FROM ${rows} WHERE ${column} IS NOT NULL`, 'raw_codes')}`, 'codes'),
      aggs: [
        { as: 'digits', kind: 'distinct', of: 'code', where: d.regex('code', '[0-9]') },
        { as: 'n', kind: 'distinct', of: 'code' },
      ],
    }),
  );
  const n = Number(r.n);
  return n > 0 && Number(r.digits) / n >= DIGIT_CODE_SHARE;
}

/**
 * Flag sale lines whose amount is far from typical, on the log scale (amounts are heavily skewed):
 * MAD: modified z-score above 3.5 (Iglewicz & Hoaglin); IQR: beyond 3 × IQR from the quartiles. Flagged, never dropped.
 * The quantiles (interpolated, as DuckDB's quantile_cont) come from the histogram of distinct amounts, which every
 * engine and a sharded table can give exactly.
 */
async function flagOutliers(lines: LineSet, rule: 'mad' | 'iqr'): Promise<CleaningStep> {
  const d = lines.d;
  const base = `${ANALYTIC_LINE} AND NOT is_cancel AND amount > 0`;
  const h = await lines.aggregate({ where: base, keys: [{ as: 'amount', expr: 'amount' }], aggs: [{ as: 'n', kind: 'count' }], orderBy: d.ident('amount') });
  const amounts = numbers(h, 'amount');
  const weights = numbers(h, 'n');
  const logs = amounts.map(Math.log);
  let test: string;
  const ln = d.ln('amount');
  if (rule === 'mad') {
    const med = quantileCont(logs, weights, 0.5);
    const dev = logs.map((x) => Math.abs(x - med));
    const order = Array.from(dev.keys()).sort((a, b) => dev[a] - dev[b]);
    const mad = quantileCont(Float64Array.from(order, (i) => dev[i]), Float64Array.from(order, (i) => weights[i]), 0.5);
    // Modified z-score 0.6745 (x - median) / MAD > 3.5.
    const reach = (3.5 * mad) / 0.6745;
    test = Number.isFinite(reach) && reach > 0 ? `abs(${ln} - ${d.number(med)}) > ${d.number(reach)}` : d.false;
  } else {
    const q1 = quantileCont(logs, weights, 0.25);
    const q3 = quantileCont(logs, weights, 0.75);
    const iqr = q3 - q1;
    test = Number.isFinite(iqr) ? `(${ln} < ${d.number(q1 - 3 * iqr)} OR ${ln} > ${d.number(q3 + 3 * iqr)})` : d.false;
  }
  await lines.flag('outlier', `${base} AND ${test}`);
  const r = firstRow(await lines.aggregate({ aggs: [{ as: 'n', kind: 'count', where: 'outlier' }] }));
  const ex = await lines.rows(
    // Ties (the same large order line repeated) are broken by order and item, or each run could list other examples.
    (l) => `SELECT order_id, coalesce(description, product) AS item, quantity, unit_price, amount FROM ${l} WHERE outlier ORDER BY amount DESC, order_id, item LIMIT 5`,
    ['order_id', 'item', 'quantity', 'unit_price', 'amount'],
    `ORDER BY ${d.ident('amount')} DESC, ${d.ident('order_id')}, ${d.ident('item')} LIMIT 5`,
  );
  const examples = Array.from({ length: ex.rows }, (_, i) => ex.columns.map((c) => c[i] as string | number | null));
  return {
    step: 'outlying amounts',
    rows: Number(r.n),
    action: 'flagged',
    why:
      rule === 'mad'
        ? 'line amounts with a modified z-score above 3.5 on the log scale (median/MAD rule); kept in all figures, listed here so you can check them'
        : 'line amounts more than 3 interquartile ranges beyond the quartiles on the log scale; kept in all figures, listed here so you can check them',
    examples,
  };
}

/** Quantile with linear interpolation between order statistics (quantile_cont) of sorted values with counts. */
export function quantileCont(sorted: Float64Array, weights: Float64Array, p: number): number {
  let n = 0;
  for (let i = 0; i < weights.length; i++) n += weights[i];
  if (n === 0) return NaN;
  const pos = (n - 1) * p;
  const lo = Math.floor(pos);
  const at = (k: number) => {
    let seen = 0;
    for (let i = 0; i < sorted.length; i++) {
      seen += weights[i];
      if (k < seen) return sorted[i];
    }
    return sorted[sorted.length - 1];
  };
  const a = at(lo);
  return pos === lo ? a : a + (pos - lo) * (at(lo + 1) - a);
}

/** At most this share of the lines may lie before the gap for them to count as isolated. */
const ISOLATED_SHARE = 0.001;

interface DayHistogram {
  /** Days since 1970-01-01 with at least one line, ascending, and the lines on each. */
  readonly days: Float64Array;
  readonly counts: Float64Array;
}

async function dayHistogram(lines: LineSet): Promise<DayHistogram> {
  const d = lines.d;
  const q = await lines.aggregate({ keys: [{ as: 'day', expr: d.toDouble(d.epochDay(d.toDate('ts'))) }], aggs: [{ as: 'n', kind: 'count' }], orderBy: d.ident('day') });
  return { days: numbers(q, 'day'), counts: numbers(q, 'n') };
}

/** The days up to `last` (inclusive). */
function keepDays(h: DayHistogram, last: number): DayHistogram {
  let n = 0;
  while (n < h.days.length && h.days[n] <= last) n++;
  return { days: h.days.subarray(0, n), counts: h.counts.subarray(0, n) };
}

/** Days since the epoch of a 'YYYY-MM-DD'; NaN (no day is after or before it) for one that is not a calendar day. */
const epochDayOf = (ymd: string) => calendarDay(ymd) ?? NaN;

/**
 * The earliest lines, if they stand apart: at most ISOLATED_SHARE of all lines, followed by a gap with no line that is
 * longer than the whole span of the data after it. Real histories start with their first customers and grow; a few
 * lines decades before the rest are a date placeholder or a typo. Null when there are none.
 */
function isolatedEarlyDays({ days, counts }: DayHistogram): { first: string; last: string; next: string; gapDays: number; lines: number } | null {
  const total = counts.reduce((s, v) => s + v, 0);
  let before = 0;
  let cut = -1;
  let isolated = 0;
  for (let i = 0; i + 1 < days.length; i++) {
    before += counts[i];
    if (before > ISOLATED_SHARE * total) break;
    if (days[i + 1] - days[i] > days[days.length - 1] - days[i + 1]) {
      cut = i;
      isolated = before;
    }
  }
  if (cut < 0) return null;
  return { first: isoDay(days[0]), last: isoDay(days[cut]), next: isoDay(days[cut + 1]), gapDays: days[cut + 1] - days[cut], lines: isolated };
}
