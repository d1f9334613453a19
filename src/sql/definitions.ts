import type { Dialect } from './dialect.js';
import { LINE_COLUMNS, type Agg, type Aggregation, type LineSet } from './lines.js';
import type { QueryResult } from '../engine/engine.js';
import type { RoleMap } from '../ingest/roles.js';

/**
 * The one definition of every aggregation clientele pushes to an engine: the typed and flagged order line
 * (cleaning), the per-customer feature row (with the RFM inputs), the cohort matrix and the per-customer purchase
 * days CLV fits on. Each is written against a Dialect and a LineSet, so the embedded DuckDB run, PostgreSQL and
 * ClickHouse (one server or a sharded cluster) execute the same SQL, only spelled differently. Only portable
 * constructs are used: nested subqueries instead of CTEs (ClickHouse 18.16 has none), joins instead of window
 * functions, and no `GROUP BY ALL` or `* REPLACE`.
 */

/** A cleaned line counts towards customer analytics. */
export const ANALYTIC_LINE = 'customer_id IS NOT NULL AND NOT bad_price AND NOT non_product';
/** A cleaned line earns revenue, with or without a customer id. */
const EARNING_LINE = 'NOT bad_price AND NOT non_product AND NOT status_cancel';

/** A status that means the line earned nothing: cancelled, returned, refunded or voided (case-insensitive). */
export const CANCEL_STATUS = '^\\s*(cancel|return|refund|void)';
/** An invoice number that marks a cancellation or return ('C536379'). */
export const RETURN_INVOICE = '^[Cc][0-9]';

/**
 * A description that is wholly a fee word (docs/cleaning.md §5), never a substring: "Manual" is a fee line,
 * "Manual Binding Machine" a product.
 */
const FEE = '(postage|carriage|shipping|delivery|freight|handling|manual|discounts?|fees?|service charges?|bank charges?|commission|adjustments?|samples?|tip|surcharge)';
export const FEE_DESCRIPTION = `^\\s*${FEE}(\\s+(charges?|fees?|costs?))?(\\s*(&|and|\\+|/)\\s*${FEE}(\\s+(charges?|fees?|costs?))?)*\\s*$`;

/** SQL expressions over the raw columns, one per canonical line field (null where the log has no such column). */
export interface LineFields {
  readonly customer: string;
  readonly order: string | null;
  readonly ts: string;
  readonly tsRaw: string;
  readonly quantity: string | null;
  readonly price: string | null;
  readonly amount: string | null;
  readonly product: string | null;
  readonly description: string | null;
  readonly category: string | null;
  readonly country: string | null;
  readonly status: string | null;
}

/** How a source spells each kind of raw column as SQL: the customer id and timestamps, numbers, ids, free text. */
export interface FieldSpelling {
  readonly customer: string;
  readonly ts: string;
  readonly tsRaw: string;
  num(column: string): string;
  id(column: string): string;
  text(column: string): string;
}

/** The line fields of a log whose roles are `roles`, each spelled as the source needs. */
export function roleFields(roles: RoleMap, x: FieldSpelling): LineFields {
  const by = (role: keyof RoleMap, f: (c: string) => string) => (roles[role] ? f(roles[role] as string) : null);
  return {
    customer: x.customer,
    order: by('order', x.id),
    ts: x.ts,
    tsRaw: x.tsRaw,
    quantity: by('quantity', x.num),
    price: by('price', x.num),
    amount: by('amount', x.num),
    product: by('product', x.id),
    description: by('description', x.text),
    category: by('category', x.text),
    country: by('country', x.text),
    status: by('status', x.text),
  };
}

export interface LineRules {
  /** Product codes mostly carry digits, so a code without any (POST, M) is a fee line. */
  readonly offPattern: boolean;
  readonly keepNonProduct: boolean;
}

/**
 * The typed, flagged line, as a SELECT over `source` (distinct raw rows, or every copy when duplicates are kept).
 * Cancellations: a cancelled/returned status, a 'C' invoice, a negative quantity, or a negative amount (a refund or
 * credit: a line that pays money back is a return whatever its quantity says). Every rule only flags.
 */
export function lineDefinition(d: Dialect, source: string, f: LineFields, rules: LineRules): string {
  const hasAmounts = Boolean(f.amount || f.price);
  const quantity = f.quantity ?? '1.0';
  const amount = f.amount ?? (f.price ? `(${quantity}) * (${f.price})` : d.nullDouble());
  const unitPrice = f.price ?? (hasAmounts ? `(${amount}) / ${d.nullIf(quantity, '0')}` : d.nullDouble());
  const order = f.order ?? d.concat([f.customer, "'|'", d.toText(f.ts)]);
  const flag = (sql: string) => `coalesce(${sql}, ${d.false})`;
  const typed = `SELECT
      ${f.customer} AS customer_id,
      ${order} AS order_id,
      ${f.ts} AS ts,
      ${f.tsRaw} AS ts_raw,
      ${quantity} AS quantity,
      ${unitPrice} AS unit_price,
      ${amount} AS amount,
      ${f.product ?? d.nullText()} AS product,
      ${f.description ?? d.nullText()} AS description,
      ${f.category ?? d.nullText()} AS category,
      ${f.country ?? d.nullText()} AS country,
      ${f.status ?? d.nullText()} AS status
    FROM ${source}`;
  const nonProduct = [
    rules.offPattern ? flag(`NOT ${d.regex('product', '[0-9]')}`) : null,
    f.description ? flag(d.regex('description', FEE_DESCRIPTION, true)) : null,
  ].filter(Boolean).join(' OR ') || d.false;
  const flagged = `SELECT *,
      ${f.status ? flag(d.regex('status', CANCEL_STATUS, true)) : d.false} AS status_cancel,
      (${f.order ? flag(d.regex('order_id', RETURN_INVOICE)) : d.false} OR ${flag('quantity < 0')}${hasAmounts ? ` OR ${flag('amount < 0')}` : ''}) AS return_line,
      ${rules.keepNonProduct ? d.false : `(${nonProduct})`} AS non_product
    FROM ${d.sub(typed, 'typed')}`;
  const cols = LINE_COLUMNS.slice(0, 15).map((c) => d.ident(c)).join(', ');
  return `SELECT ${cols},
      (status_cancel OR return_line) AS is_cancel,
      ${hasAmounts ? `(NOT (status_cancel OR return_line) AND coalesce(unit_price <= 0 OR amount <= 0, ${d.true}))` : d.false} AS bad_price,
      ${d.false} AS outlier
    FROM ${d.sub(flagged, 'flagged')}`;
}

/** Decimals per-customer money sums are rounded to. */
export const MONEY_DIGITS = 6;

/**
 * The per-customer feature columns, in order. Inside the queries, output names never repeat the name of a column
 * they read: ClickHouse resolves an alias before a column, so `toFloat64(items) AS items` would refer to itself.
 */
export const CUSTOMER_FEATURES = [
  'customer_id', 'first_purchase', 'last_purchase', 'recency_days', 'frequency', 'monetary', 'gross_sales', 'returns_value',
  'avg_order_value', 'items', 'distinct_products', 'tenure_days', 'mean_days_between_orders', 'return_rate', 'weekend_share', 'main_country',
] as const;

/**
 * The per-customer feature row. `asOf` is a DATE expression; recency and tenure are whole days to it. The main
 * country is the one with most sale lines, ties going to the first name in byte order, so every engine agrees.
 * Given `grain` (the order grain as a table the engine keeps), what is counted per order (dates, orders, money, weekend
 * orders, lines per country) is read from it, a few rows per order, whose exact money partials give the same doubles
 * as the lines; items and distinct products read the lines. Without it everything reads the lines in one pass: where
 * the grain would be a subquery (ClickHouse), reading it would evaluate the lines' definition once more per use.
 */
export function customerFeaturesSql(d: Dialect, lines: string, asOf: string, grain?: string): string {
  const sale = 'NOT is_cancel';
  // Money is summed exactly (decimals), then rounded to a millionth, so every engine and every run gives the same
  // double: a last-digit difference would move a customer across an RFM quintile cut.
  const money = (where: string) => d.round(`coalesce(${grain ? d.sumMoneyPartials(GRAIN_AMOUNT, where) : d.sumMoney('amount', where)}, 0)`, MONEY_DIGITS);
  const perOrder = `${d.min('ts', sale)} AS first_ts,
        ${d.max('ts', sale)} AS last_ts,
        ${d.toDouble(d.countDistinct('order_id', sale))} AS frequency,
        ${money(sale)} AS gross_sales,
        ${money('return_line')} AS returns_sum,
        ${money('status_cancel')} AS cancelled_value,
        ${d.toDouble(d.countDistinct('order_id', `${sale} AND ${d.isWeekend('ts')}`))} AS weekend_orders`;
  const perLine = `coalesce(${d.sum('quantity', sale)}, 0) AS items_sum,
        ${d.toDouble(d.countDistinct('product', sale))} AS distinct_products`;
  const perCustomer = (from: string, select: string) => `SELECT customer_id, ${select} FROM ${from} WHERE ${ANALYTIC_LINE} GROUP BY customer_id`;
  // Both halves have a row for every customer with an analytic line.
  const agg = grain
    ? `SELECT * FROM ${d.innerJoin(d.sub(perCustomer(grain, perOrder), 'orders'), d.sub(perCustomer(lines, perLine), 'items'), ['customer_id'])}`
    : perCustomer(lines, `${perOrder}, ${perLine}`);
  const countryLines = d.toDouble(grain ? `sum(${GRAIN_LINES})` : d.count());
  const byCountry = `SELECT customer_id, ${d.bytewise('country')} AS country_name, ${countryLines} AS country_lines
      FROM ${grain ?? lines} WHERE ${ANALYTIC_LINE} AND ${sale} AND country IS NOT NULL GROUP BY customer_id, ${d.bytewise('country')}`;
  const most = `SELECT customer_id, max(country_lines) AS country_lines FROM ${d.sub(byCountry, 'bc')} GROUP BY customer_id`;
  const main = `SELECT customer_id, min(country_name) AS main_country
      FROM ${d.innerJoin(d.sub(byCountry, 'bc2'), d.sub(most, 'most'), ['customer_id', 'country_lines'])} GROUP BY customer_id`;
  const joined = `SELECT * FROM ${d.leftJoinOne(d.sub(agg, 'agg'), d.sub(main, 'main'), ['customer_id'])}`;
  return `SELECT customer_id,
      ${d.formatSecond('first_ts')} AS first_purchase,
      ${d.formatSecond('last_ts')} AS last_purchase,
      ${d.toDouble(d.daysBetween(d.toDate('last_ts'), asOf))} AS recency_days,
      frequency,
      gross_sales + returns_sum AS monetary,
      gross_sales,
      -returns_sum AS returns_value,
      gross_sales / frequency AS avg_order_value,
      ${d.toDouble('items_sum')} AS items,
      distinct_products,
      ${d.toDouble(d.daysBetween(d.toDate('first_ts'), asOf))} AS tenure_days,
      CASE WHEN frequency > 1 THEN ${d.toDouble(`${d.epochSeconds('last_ts')} - ${d.epochSeconds('first_ts')}`)} / 86400.0 / (frequency - 1) END AS mean_days_between_orders,
      (cancelled_value - returns_sum) / (gross_sales + cancelled_value) AS return_rate,
      weekend_orders / frequency AS weekend_share,
      main_country
    FROM ${d.sub(joined, 'joined')}
    WHERE frequency > 0 AND first_ts IS NOT NULL`;
}

/**
 * The feature rows, ordered by customer id byte-wise (the order every per-customer column follows). Where the engine
 * keeps tables the order grain is kept first, for these and the later aggregations that read it.
 */
export async function customerFeatures(lines: LineSet, asOf: string): Promise<QueryResult> {
  await lines.keepGrain();
  const grain = lines.keptGrain() ?? undefined;
  return lines.keep('customers', (l) => customerFeaturesSql(lines.d, l, asOf, grain), [...CUSTOMER_FEATURES], `ORDER BY ${lines.d.bytewise(lines.d.ident('customer_id'))}`);
}

/** The revenue-by-country name of lines without a country. */
export const UNKNOWN_COUNTRY = '(unknown)';

/** The order grain's count of the lines each row stands for. */
export const GRAIN_LINES = 'grain_lines';
/** The order grain's exact money partial (Dialect.moneyPartial) of those lines' amounts. */
export const GRAIN_AMOUNT = 'grain_amount';

/**
 * The order grain: the lines summed per customer, order, moment, country and flags, which is every distinction the
 * cohort, population and revenue aggregations draw. An order's lines mostly collapse into one row (Online Retail:
 * hundreds of thousands of lines, tens of thousands of rows), so those six aggregations read it instead of every
 * line. Counts and exact money partials add up, and distinct counts of orders and customers are the same over it,
 * so every figure equals the one over the lines, to the cent. All of a customer's lines stay on one shard.
 */
export function orderGrainSql(d: Dialect, lines: string): string {
  const keys = ['customer_id', 'order_id', 'ts', 'country', 'status_cancel', 'return_line', 'is_cancel', 'bad_price', 'non_product'];
  return `SELECT ${keys.join(', ')}, ${d.toDouble(d.count())} AS ${GRAIN_LINES}, ${d.moneyPartial('amount')} AS ${GRAIN_AMOUNT}
    FROM ${lines} GROUP BY ${keys.join(', ')}`;
}

/**
 * Customers per acquisition month and months since, with their revenue. Additive over customers, so on a sharded
 * table each shard's matrix is summed.
 */
export function cohortAggregation(d: Dialect): Aggregation {
  const from = (grain: string) => {
    const sales = `SELECT customer_id, ts, ${GRAIN_AMOUNT} FROM ${grain} WHERE ${ANALYTIC_LINE} AND NOT is_cancel`;
    const firsts = `SELECT customer_id, ${d.monthStart('min(ts)')} AS cohort_month FROM ${d.sub(sales, 's1')} GROUP BY customer_id`;
    const activity = `SELECT customer_id, ${d.monthStart('ts')} AS activity_month, ${d.sumMoneyPartials(GRAIN_AMOUNT)} AS month_revenue FROM ${d.sub(sales, 's2')} GROUP BY customer_id, ${d.monthStart('ts')}`;
    return d.sub(`SELECT * FROM ${d.innerJoin(d.sub(activity, 'activity'), d.sub(firsts, 'firsts'), ['customer_id'])}`, 'cm');
  };
  return {
    over: 'grain',
    from,
    keys: [
      { as: 'cohort', expr: d.formatMonth('cohort_month') },
      { as: 'k', expr: d.toDouble(d.monthsBetween('cohort_month', 'activity_month')) },
    ],
    aggs: [
      { as: 'customers', kind: 'count' },
      { as: 'revenue', kind: 'money', of: 'month_revenue' },
    ],
    orderBy: `${d.ident('cohort')}, ${d.ident('k')}`,
  };
}

/**
 * Orders of several sale lines that differ in product or unit price, and how many of them carry one amount on every
 * line: a line amount varies with what the line holds, an order total repeated on each line does not (then every
 * revenue figure counts the order once per line). All of an order's lines are one customer's, so shards add up.
 */
export function repeatedTotalsAggregation(d: Dialect): Aggregation {
  const orders = (lines: string) =>
    d.sub(
      `SELECT order_id, ${d.toDouble(d.countDistinct('amount'))} AS amounts
        FROM ${lines} WHERE ${ANALYTIC_LINE} AND NOT is_cancel AND amount IS NOT NULL
        GROUP BY order_id HAVING ${d.count()} > 1 AND (${d.countDistinct('product')} > 1 OR ${d.countDistinct('unit_price')} > 1)`,
      'orders',
    );
  return {
    from: orders,
    aggs: [
      { as: 'varied_orders', kind: 'count' },
      { as: 'one_amount', kind: 'count', where: 'amounts = 1' },
    ],
  };
}

/**
 * Order ids that more than one customer carries (numbering restarted by year or store, or merged accounts): the order
 * totals count such an id once, customers.csv once per customer. On a sharded table only ids shared within a shard
 * are seen, so the count is a lower bound there.
 */
export function sharedOrdersAggregation(d: Dialect): Aggregation {
  return {
    over: 'grain',
    from: (grain) => d.sub(`SELECT order_id FROM ${grain} WHERE customer_id IS NOT NULL GROUP BY order_id HAVING ${d.countDistinct('customer_id')} > 1`, 'shared'),
    aggs: [{ as: 'shared_orders', kind: 'count' }],
  };
}

/**
 * Customer ids that differ from another only in letter case ('Ann@x.com' and 'ann@x.com'): each is counted as a
 * customer of its own. Groups of such ids, and one group as an example pair. On a sharded table only variants within
 * a shard are seen (customers are sharded by the id as written), so the count is a lower bound there.
 */
export function caseVariantIdsAggregation(d: Dialect): Aggregation {
  const ids = (grain: string) => d.sub(`SELECT customer_id FROM ${grain} WHERE customer_id IS NOT NULL GROUP BY customer_id`, 'ids');
  return {
    over: 'grain',
    from: (grain) =>
      d.sub(
        `SELECT lower(customer_id) AS folded, ${d.concat(['min(customer_id)', "' and '", 'max(customer_id)'])} AS pair FROM ${ids(grain)} GROUP BY lower(customer_id) HAVING count(*) > 1`,
        'variants',
      ),
    aggs: [
      { as: 'case_groups', kind: 'count' },
      { as: 'example', kind: 'min', of: 'pair' },
    ],
  };
}

/**
 * The two populations every figure belongs to (docs/cleaning.md §6): all revenue-earning lines, and identified
 * customers (those with a sale line). Additive per customer, so a sharded table's partials merge exactly.
 */
export function populationsAggregation(d: Dialect): Aggregation {
  // A join, not `customer_id IN (subquery)`: PostgreSQL re-runs an IN subquery per row once its ids outgrow work_mem.
  const buyers = (grain: string) => `SELECT customer_id, max(1) AS buyer FROM ${grain} WHERE ${ANALYTIC_LINE} AND NOT is_cancel GROUP BY customer_id`;
  return {
    over: 'grain',
    from: (grain) =>
      d.sub(`SELECT *, (buyer IS NOT NULL) AS identified FROM ${d.sub(`SELECT * FROM ${d.leftJoinOne(d.sub(`SELECT * FROM ${grain}`, 'all_lines'), d.sub(buyers(grain), 'buyers'), ['customer_id'])}`, 'joined')}`, 'l'),
    aggs: [
      { as: 'all_lines', kind: 'lines', where: EARNING_LINE },
      { as: 'all_orders', kind: 'distinct', of: 'order_id', where: 'NOT bad_price AND NOT non_product AND NOT is_cancel' },
      { as: 'all_revenue', kind: 'moneySum', of: GRAIN_AMOUNT, where: EARNING_LINE },
      { as: 'customers', kind: 'distinct', of: 'customer_id', where: `${ANALYTIC_LINE} AND NOT is_cancel` },
      { as: 'id_lines', kind: 'lines', where: `${ANALYTIC_LINE} AND identified` },
      { as: 'id_orders', kind: 'distinct', of: 'order_id', where: `${ANALYTIC_LINE} AND NOT is_cancel` },
      { as: 'id_revenue', kind: 'moneySum', of: GRAIN_AMOUNT, where: `${ANALYTIC_LINE} AND NOT status_cancel AND identified` },
      { as: 'anon_lines', kind: 'lines', where: `customer_id IS NULL AND ${EARNING_LINE}` },
      { as: 'anon_revenue', kind: 'moneySum', of: GRAIN_AMOUNT, where: `customer_id IS NULL AND ${EARNING_LINE}` },
      { as: 'orphan_lines', kind: 'lines', where: `${ANALYTIC_LINE} AND return_line AND NOT identified` },
      { as: 'orphan_revenue', kind: 'moneySum', of: GRAIN_AMOUNT, where: `${ANALYTIC_LINE} AND return_line AND NOT identified` },
    ],
  };
}

/**
 * Revenue patterns: totals, by country, by weekday × hour (over every revenue-earning line, with or without a
 * customer) and by month with new vs returning customers (identified lines). Four aggregations rather than grouping
 * sets, which ClickHouse 18.16 lacks; each is additive or a distinct count, so shards merge exactly.
 */
export function revenueAggregations(d: Dialect, options: { totalOrders?: boolean } = {}): { totals: Aggregation; byCountry: Aggregation; byWeekdayHour: Aggregation; byMonth: Aggregation } {
  const orders: Agg = { as: 'orders', kind: 'distinct', of: 'order_id', where: 'NOT is_cancel' };
  const month = (grain: string) => {
    const firsts = `SELECT customer_id, ${d.monthStart('min(ts)')} AS first_month FROM ${grain} WHERE ${ANALYTIC_LINE} AND NOT is_cancel GROUP BY customer_id`;
    const m = `SELECT customer_id, ${d.monthStart('ts')} AS month_start, ${d.sumMoneyPartials(GRAIN_AMOUNT)} AS month_revenue FROM ${grain} WHERE ${ANALYTIC_LINE} GROUP BY customer_id, ${d.monthStart('ts')}`;
    return d.sub(`SELECT * FROM ${d.innerJoin(d.sub(m, 'm'), d.sub(firsts, 'firsts'), ['customer_id'])}`, 'mf');
  };
  return {
    totals: {
      over: 'grain',
      where: EARNING_LINE,
      aggs: [
        { as: 'revenue', kind: 'moneySum', of: GRAIN_AMOUNT },
        { as: 'attributed', kind: 'moneySum', of: GRAIN_AMOUNT, where: 'customer_id IS NOT NULL' },
        // Earning and not cancelled is the populations' all_orders filter (is_cancel includes status_cancel): a caller
        // that has that count can spare this distinct count over every line.
        ...(options.totalOrders === false ? [] : [orders]),
        { as: 'first', kind: 'min', of: d.formatDay('ts') },
        { as: 'last', kind: 'max', of: d.formatDay('ts') },
      ],
    },
    byCountry: {
      over: 'grain',
      where: EARNING_LINE,
      keys: [{ as: 'country_name', expr: `coalesce(country, ${d.literal(UNKNOWN_COUNTRY)})` }],
      aggs: [{ as: 'revenue', kind: 'moneySum', of: GRAIN_AMOUNT }, { as: 'customers', kind: 'distinct', of: 'customer_id' }, orders],
    },
    byWeekdayHour: {
      over: 'grain',
      where: EARNING_LINE,
      keys: [
        { as: 'weekday', expr: d.isoWeekday('ts') },
        { as: 'hour', expr: d.hourOfDay('ts') },
      ],
      aggs: [orders, { as: 'sales', kind: 'moneySum', of: GRAIN_AMOUNT, where: 'NOT is_cancel' }],
    },
    byMonth: {
      over: 'grain',
      from: month,
      keys: [{ as: 'month', expr: d.formatMonth('month_start') }],
      aggs: [
        { as: 'revenue', kind: 'money', of: 'month_revenue' },
        { as: 'newCustomers', kind: 'count', where: 'month_start = first_month' },
        { as: 'returningCustomers', kind: 'count', where: 'month_start > first_month' },
        { as: 'newRevenue', kind: 'money', of: 'month_revenue', where: 'month_start = first_month' },
        { as: 'returningRevenue', kind: 'money', of: 'month_revenue', where: 'month_start > first_month' },
      ],
      orderBy: d.ident('month'),
    },
  };
}

/**
 * Per-customer purchase days: a day with a sale line, priced or free (CDNOW has $0 purchases); its spend is the
 * day's sales net of that day's returns, never below zero, rounded like the other money sums (the spend model's
 * likelihood is flat along a ridge, so last-bit differences between engines would move its fit). Ordered by customer
 * id byte-wise, then day. Read from the order grain (`orderGrainSql`): its exact money partials add up to the same
 * double as the lines' amounts, and a grain row has an amount when one of its lines has.
 */
export function transactionLogSql(d: Dialect, grain: string): string {
  const day = d.toDate('ts');
  return `SELECT customer_id, ${d.toDouble(d.epochDay('day'))} AS days, day_amount AS amount FROM ${d.sub(
    `SELECT customer_id, ${day} AS day, CASE WHEN count(${GRAIN_AMOUNT}) > 0 THEN ${d.round(d.greatest(d.sumMoneyPartials(GRAIN_AMOUNT), '0'), MONEY_DIGITS)} END AS day_amount, ${d.boolOr('NOT is_cancel')} AS purchase
      FROM ${grain} WHERE customer_id IS NOT NULL AND NOT non_product AND NOT status_cancel GROUP BY customer_id, ${day}`,
    'days',
  )} WHERE purchase`;
}
