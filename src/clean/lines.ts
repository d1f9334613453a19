import { ident, literal, rowObjects, type Engine, type QueryResult } from '../engine/engine.js';

const firstRow = (q: QueryResult) => rowObjects(q)[0];
import { InputError } from '../errors.js';
import { COPIES, type LoadedTable, type SchemaColumn } from '../ingest/load.js';
import { timestampSql } from '../ingest/dates.js';
import { numericSql, type RoleMap } from '../ingest/roles.js';

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
}

export interface CleaningStep {
  readonly step: string;
  readonly rows: number;
  readonly action: 'removed' | 'excluded from customer analytics' | 'flagged' | 'netted' | 'read';
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
  readonly steps: CleaningStep[];
}

/** Stock codes that are not products in common retail exports (Online Retail among them). */
const NON_PRODUCT_CODES = ['POST', 'DOT', 'M', 'C2', 'BANK CHARGES', 'AMAZONFEE', 'CRUK', 'D', 'S', 'PADS', 'B', 'ADJUST', 'ADJUST2', 'TEST001', 'TEST002'];
const NON_PRODUCT_WORDS = 'postage|carriage|shipping charge|delivery charge|manual|bank charges|amazon fee|adjust bad debt|^discount$|commission|^samples$|cruk';

/** A status that means the line earned nothing: cancelled, returned, refunded or voided (case-insensitive). */
export const CANCEL_STATUS = '^\\s*(cancel|return|refund|void)';
/** An invoice number that marks a cancellation or return ('C536379'). */
export const RETURN_INVOICE = '^[Cc][0-9]';

/** The customer id of a raw row as the lines and customers tables spell it. */
export function customerIdSql(column: string, type: string): string {
  // Float-formatted ids ("17850.0") and zero-padded ones ("00004") are the same customer as "17850" / "4".
  return /INT|DOUBLE|DECIMAL|FLOAT/.test(type) ? `CAST(CAST(${ident(column)} AS BIGINT) AS VARCHAR)` : `NULLIF(trim(CAST(${ident(column)} AS VARCHAR)), '')`;
}

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

  // 1. Exact duplicates: the same line exported twice, counted when the file was read. Kept, they are expanded back.
  const source = options.keepDuplicates ? `(SELECT * EXCLUDE (${COPIES}) FROM ${load.grouped}, range(${COPIES}))` : raw;
  if (!options.keepDuplicates) {
    steps.push({ step: 'duplicates', rows: load.rows - load.distinctRows, action: 'removed', why: 'exact duplicate rows (every field equal to an earlier row); keep them with --keep-duplicates' });
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
  const amount = num('amount') ?? `(${quantity}) * (${price})`;
  const unitPrice = price ?? `(${amount}) / NULLIF(${quantity}, 0)`;
  const order = roles.order ? id('order') : `${customer} || '|' || CAST(${tsExpr} AS VARCHAR)`;

  // 3. Flags. Cancellations: 'C' invoices, a cancelled/returned status, or negative quantities.
  const cancelByStatus = roles.status ? `coalesce(regexp_matches(status, '${CANCEL_STATUS}', 'i'), false)` : 'false';
  const cancelByInvoice = roles.order ? `coalesce(regexp_matches(order_id, '${RETURN_INVOICE}'), false)` : 'false';
  const nonProduct =
    [
      // Both cases listed rather than upper() on every line: a string copy per line saved.
      roles.product ? `coalesce(product IN (${NON_PRODUCT_CODES.flatMap((c) => [c, c.toLowerCase()]).map(literal).join(', ')}), false)` : null,
      roles.product ? `coalesce(starts_with(product, 'gift_') OR starts_with(product, 'GIFT_'), false)` : null,
      roles.description ? `coalesce(regexp_matches(description, '${NON_PRODUCT_WORDS}', 'i'), false)` : null,
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
        NOT (status_cancel OR return_line) AND coalesce(unit_price <= 0 OR amount <= 0, true) AS bad_price,
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
  const missingAmounts = Number(missing.missing_amounts);
  if (missingDates > 0 || missingAmounts > 0) {
    await engine.exec(`DELETE FROM lines WHERE ts IS NULL OR amount IS NULL`);
    steps.push({ step: 'missing values', rows: missingDates + missingAmounts, action: 'removed', why: `rows without a date (${missingDates}) or without an amount (${missingAmounts})` });
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
  steps.push({
    step: 'non-product lines',
    rows: f('non_product'),
    action: options.keepNonProduct ? 'flagged' : 'excluded from customer analytics',
    why: options.keepNonProduct
      ? 'postage, fees and manual adjustments (kept as revenue because of --keep-non-product)'
      : 'postage, fees, discounts and manual adjustments are not product sales; keep them with --keep-non-product',
  });

  const rule = options.outlierRule ?? 'mad';
  if (rule !== 'none') {
    const outliers = await flagOutliers(engine, rule);
    steps.push(outliers);
  }
  return { rowsRead, rowsAfterCleaning: f('total'), analyticLines: f('analytic'), dateFormat: format.label, timestampSql: tsExpr, steps };
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
