import { ident, literal, rowObjects, type Engine, type QueryResult } from '../engine/engine.js';

const firstRow = (q: QueryResult) => rowObjects(q)[0];
import { InputError } from '../errors.js';
import { COPIES, type LoadedTable, type SchemaColumn } from '../ingest/load.js';
import { timestampSql } from '../ingest/dates.js';
import { customerIdSql, numericSql, type RoleMap } from '../ingest/roles.js';

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

/**
 * A description that is wholly a fee word (docs/cleaning.md §5), never a substring: "Manual" is a fee line,
 * "Manual Binding Machine" a product.
 */
const FEE = '(postage|carriage|shipping|delivery|freight|handling|manual|discounts?|fees?|service charges?|bank charges?|commission|adjustments?|samples?|tip|surcharge)';
export const FEE_DESCRIPTION = `^\\s*${FEE}(\\s+(charges?|fees?|costs?))?(\\s*(&|and|\\+|/)\\s*${FEE}(\\s+(charges?|fees?|costs?))?)*\\s*$`;
/** Codes are "off-pattern" when at least this share of the distinct codes contain a digit and they contain none. */
const DIGIT_CODE_SHARE = 0.8;

/** A status that means the line earned nothing: cancelled, returned, refunded or voided (case-insensitive). */
export const CANCEL_STATUS = '^\\s*(cancel|return|refund|void)';
/** An invoice number that marks a cancellation or return ('C536379'). */
export const RETURN_INVOICE = '^[Cc][0-9]';

/** A line that counts towards customer analytics. */
export const ANALYTIC_LINE = 'customer_id IS NOT NULL AND NOT bad_price AND NOT non_product';

export async function buildLines(
  engine: Engine,
  load: LoadedTable,
  schema: SchemaColumn[],
  roles: RoleMap,
  options: CleaningOptions = {},
): Promise<CleaningLog> {
  const steps: CleaningStep[] = [];
  const raw = load.table;
  const type = (c: string) => schema.find((s) => s.name === c)?.type ?? 'VARCHAR';

  const rowsRead = load.rows;
  steps.push({ step: 'read', rows: rowsRead, action: 'read', why: 'rows in the input file' });

  // 1. Exact duplicates, counted when the file was read: only lines that carry an order id have an identity to
  // repeat. Without one (customer, date, quantity, amount), identical lines are separate purchases.
  const dedupe = !options.keepDuplicates && Boolean(roles.order);
  const source = dedupe ? raw : `(SELECT * EXCLUDE (${COPIES}) FROM ${load.grouped}, range(${COPIES}))`;
  const repeats = load.rows - load.distinctRows;
  if (dedupe) {
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

  // 2. Typed canonical columns.
  const ts = roles.timestamp as string;
  const { sql: tsExpr, format } = await timestampSql(engine, raw, ts, type(ts), options.dateFormat);

  const num = (role: keyof RoleMap) => (roles[role] ? numericSql(roles[role] as string, type(roles[role] as string)) : null);
  // Ids are trimmed (a stray space must not split a customer); descriptive text is kept as read, which on a
  // large log saves a string copy per line and column.
  const id = (role: keyof RoleMap) => (roles[role] ? `NULLIF(trim(CAST(${ident(roles[role] as string)} AS VARCHAR)), '')` : 'NULL::VARCHAR');
  const text = (role: keyof RoleMap) => (roles[role] ? `CAST(${ident(roles[role] as string)} AS VARCHAR)` : 'NULL::VARCHAR');
  const customer = customerIdSql(roles.customer as string, type(roles.customer as string));
  const quantity = num('quantity') ?? '1.0';
  const price = num('price');
  const hasAmounts = Boolean(roles.amount || roles.price);
  const amount = num('amount') ?? (price ? `(${quantity}) * (${price})` : 'NULL::DOUBLE');
  const unitPrice = price ?? (hasAmounts ? `(${amount}) / NULLIF(${quantity}, 0)` : 'NULL::DOUBLE');
  const order = roles.order ? id('order') : `${customer} || '|' || CAST(${tsExpr} AS VARCHAR)`;

  // 3. Flags. Cancellations: 'C' invoices, a cancelled/returned status, or negative quantities.
  const cancelByStatus = roles.status ? `coalesce(regexp_matches(status, '${CANCEL_STATUS}', 'i'), false)` : 'false';
  const cancelByInvoice = roles.order ? `coalesce(regexp_matches(order_id, '${RETURN_INVOICE}'), false)` : 'false';
  const offPattern = roles.product ? await digitCodesDominate(engine, raw, roles.product) : false;
  const nonProduct =
    [
      offPattern ? `coalesce(NOT regexp_matches(product, '[0-9]'), false)` : null,
      roles.description ? `coalesce(regexp_full_match(description, '(?i)${FEE_DESCRIPTION}'), false)` : null,
    ]
      .filter(Boolean)
      .join(' OR ') || 'false';
  await engine.exec(`CREATE OR REPLACE TABLE lines AS
    WITH typed AS (SELECT
        ${customer} AS customer_id,
        ${order} AS order_id,
        ${tsExpr} AS ts,
        CAST(${ident(ts)} AS VARCHAR) AS ts_raw,
        ${quantity} AS quantity,
        ${unitPrice} AS unit_price,
        ${amount} AS amount,
        ${id('product')} AS product,
        ${text('description')} AS description,
        ${text('category')} AS category,
        ${text('country')} AS country,
        ${text('status')} AS status
      FROM ${source}),
    flagged AS (SELECT *,
        ${cancelByStatus} AS status_cancel,
        (${cancelByInvoice} OR coalesce(quantity < 0, false)) AS return_line,
        ${options.keepNonProduct ? 'false' : `(${nonProduct})`} AS non_product
      FROM typed),
    marked AS (SELECT *,
        status_cancel OR return_line AS is_cancel,
        ${hasAmounts ? 'NOT (status_cancel OR return_line) AND coalesce(unit_price <= 0 OR amount <= 0, true)' : 'false'} AS bad_price,
        false AS outlier
      FROM flagged)
    SELECT * FROM marked`);

  const missing = firstRow(
    await engine.query(`SELECT count(*) FILTER (WHERE ts IS NULL AND ts_raw IS NOT NULL)::DOUBLE AS bad_dates,
        min(ts_raw) FILTER (WHERE ts IS NULL AND ts_raw IS NOT NULL) AS example,
        count(*) FILTER (WHERE ts IS NULL)::DOUBLE AS missing_dates,
        count(*) FILTER (WHERE amount IS NULL)::DOUBLE AS missing_amounts
      FROM lines`),
  );
  if (Number(missing.bad_dates) > 0) {
    throw new InputError(
      'unparseable-date',
      `${Number(missing.bad_dates).toLocaleString('en-US')} values in column ${ts} are not ${format.label} dates, e.g. '${String(missing.example)}'`,
      'Fix them, or pass --date-format with the right pattern (e.g. %d/%m/%Y %H:%M)',
    );
  }
  const missingDates = Number(missing.missing_dates);
  const missingAmounts = hasAmounts ? Number(missing.missing_amounts) : 0;
  if (missingDates > 0 || missingAmounts > 0) {
    await engine.exec(`DELETE FROM lines WHERE ts IS NULL${hasAmounts ? ' OR amount IS NULL' : ''}`);
    steps.push({ step: 'missing values', rows: missingDates + missingAmounts, action: 'removed', why: `rows without a date (${missingDates}) or without an amount (${missingAmounts})` });
  }
  if (!hasAmounts) {
    steps.push({ step: 'no amounts', rows: 0, action: 'read', why: 'the log has no amount or unit price column: recency, frequency, cohorts and the purchase-count models run; revenue figures are skipped' });
  }
  if (options.asOf) {
    const first = String((await engine.query(`SELECT strftime(min(ts), '%Y-%m-%d') FROM lines`)).columns[0][0]);
    if (options.asOf < first) {
      throw new InputError('bad-as-of', `--as-of ${options.asOf} is before the first line (${first})`, 'Pick a day within the data');
    }
    const cut = Number((await engine.query(`SELECT count(*)::DOUBLE FROM lines WHERE CAST(ts AS DATE) > DATE ${literal(options.asOf)}`)).columns[0][0]);
    await engine.exec(`DELETE FROM lines WHERE CAST(ts AS DATE) > DATE ${literal(options.asOf)}`);
    steps.push({ step: 'after --as-of', rows: cut, action: 'removed', why: `lines dated after ${options.asOf}, the last observed day: everything is computed as if the data ended there` });
  }

  const flagCounts = await engine.query(`SELECT
      count(*) FILTER (WHERE customer_id IS NULL)::DOUBLE AS no_customer,
      count(*) FILTER (WHERE return_line)::DOUBLE AS returns,
      count(*) FILTER (WHERE status_cancel)::DOUBLE AS status_cancel,
      count(*) FILTER (WHERE bad_price)::DOUBLE AS bad_price,
      count(*) FILTER (WHERE non_product)::DOUBLE AS non_product,
      count(*) FILTER (WHERE ${ANALYTIC_LINE})::DOUBLE AS analytic,
      count(*)::DOUBLE AS total
    FROM lines`);
  const f = (name: string) => Number(flagCounts.columns[flagCounts.names.indexOf(name)][0]);
  steps.push({
    step: 'missing customer id',
    rows: f('no_customer'),
    action: 'excluded from customer analytics',
    why: 'lines without a customer id still count in revenue totals and by country, but cannot be attributed to a customer',
  });
  steps.push({
    step: 'cancellations and returns',
    rows: f('returns') + f('status_cancel'),
    action: 'netted',
    why: `${f('returns').toLocaleString('en-US')} return lines ('C' invoices or negative quantities) are netted against their customer's revenue; ${f('status_cancel').toLocaleString('en-US')} lines with a cancelled status earn no revenue; both count in the customer's return rate`,
  });
  steps.push({
    step: 'zero or negative price',
    rows: f('bad_price'),
    action: 'excluded from customer analytics',
    why: 'sale lines with a unit price or amount of zero or less (free samples, write-offs, bad-debt adjustments)',
  });
  const np = await engine.query(`SELECT coalesce(product, '') AS code, coalesce(description, '') AS description, count(*)::DOUBLE AS lines, coalesce(sum(amount::DECIMAL(38, 8)), 0) AS revenue
    FROM lines WHERE non_product GROUP BY ALL ORDER BY lines DESC, code, description LIMIT 25`);
  const rules = [offPattern ? 'product codes with no digit among codes that mostly have digits' : null, roles.description ? 'descriptions that are wholly a fee word (postage, shipping, manual, discount...)' : null].filter(Boolean).join('; ');
  steps.push({
    step: 'non-product lines',
    rows: f('non_product'),
    action: options.keepNonProduct ? 'flagged' : 'excluded from customer analytics',
    why: options.keepNonProduct
      ? 'fee-like lines kept as revenue because of --keep-non-product'
      : `${rules || 'no product code or description column, so no line is taken for a fee'}; each excluded code and description is listed with its lines and revenue; keep them with --keep-non-product`,
    examples: Array.from({ length: np.rows }, (_, i) => np.columns.map((c) => c[i] as string | number | null)),
  });

  const rule = options.outlierRule ?? 'mad';
  if (rule !== 'none') {
    const outliers = await flagOutliers(engine, rule);
    steps.push(outliers);
  }
  return { rowsRead, rowsAfterCleaning: f('total'), analyticLines: f('analytic'), dateFormat: format.label, timestampSql: tsExpr, hasAmounts, steps };
}

/** Whether product codes mostly carry digits, so a code without any (POST, M, BANK CHARGES) breaks the pattern. */
async function digitCodesDominate(engine: Engine, table: string, column: string): Promise<boolean> {
  const r = await engine.query(`SELECT avg(CASE WHEN regexp_matches(code, '[0-9]') THEN 1.0 ELSE 0.0 END) AS share, count(*)::DOUBLE AS n
    FROM (SELECT DISTINCT trim(CAST(${ident(column)} AS VARCHAR)) AS code FROM ${table} WHERE ${ident(column)} IS NOT NULL)`);
  return Number(r.columns[1][0]) > 0 && Number(r.columns[0][0]) >= DIGIT_CODE_SHARE;
}

/**
 * Flag sale lines whose amount is far from typical, on the log scale (amounts are heavily skewed):
 * MAD: modified z-score above 3.5 (Iglewicz & Hoaglin); IQR: beyond 3 × IQR from the quartiles. Flagged, never dropped.
 */
async function flagOutliers(engine: Engine, rule: 'mad' | 'iqr'): Promise<CleaningStep> {
  const base = `${ANALYTIC_LINE} AND NOT is_cancel AND amount > 0`;
  let test: string;
  if (rule === 'mad') {
    const q = firstRow(await engine.query(`SELECT median(ln(amount)) AS med, mad(ln(amount)) AS mad FROM lines WHERE ${base}`));
    // Modified z-score 0.6745 (x - median) / MAD > 3.5.
    const reach = (3.5 * Number(q.mad)) / 0.6745;
    test = reach > 0 ? `abs(ln(amount) - ${Number(q.med)}) > ${reach}` : 'false';
  } else {
    const q = firstRow(await engine.query(`SELECT quantile_cont(ln(amount), 0.25) AS q1, quantile_cont(ln(amount), 0.75) AS q3 FROM lines WHERE ${base}`));
    const iqr = Number(q.q3) - Number(q.q1);
    test = `(ln(amount) < ${Number(q.q1) - 3 * iqr} OR ln(amount) > ${Number(q.q3) + 3 * iqr})`;
  }
  await engine.exec(`UPDATE lines SET outlier = true WHERE ${base} AND ${test}`);
  const r = await engine.query(`SELECT count(*) FILTER (WHERE outlier)::DOUBLE FROM lines`);
  const ex = await engine.query(
    `SELECT order_id, coalesce(description, product), quantity, unit_price, amount FROM lines WHERE outlier ORDER BY amount DESC LIMIT 5`,
  );
  const examples = Array.from({ length: ex.rows }, (_, i) => ex.columns.map((c) => c[i] as string | number | null));
  return {
    step: 'outlying amounts',
    rows: Number(r.columns[0][0]),
    action: 'flagged',
    why:
      rule === 'mad'
        ? 'line amounts with a modified z-score above 3.5 on the log scale (median/MAD rule); kept in all figures, listed here so you can check them'
        : 'line amounts more than 3 interquartile ranges beyond the quartiles on the log scale; kept in all figures, listed here so you can check them',
    examples,
  };
}
