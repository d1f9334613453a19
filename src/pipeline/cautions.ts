/**
 * Cautions about what an export's shape does to the figures: sentences the summary leads with, so a number that rests
 * on a doubtful reading of the data is never stated without its doubt. Each is decided from counts the cleaning log
 * or one aggregation already holds.
 */
import { rowObjects, type QueryResult } from '../engine/engine.js';
import type { CleaningLog } from '../clean/lines.js';
import type { RoleMap } from '../ingest/roles.js';
import { caseVariantIdsAggregation, repeatedTotalsAggregation, sharedOrdersAggregation } from '../sql/definitions.js';
import type { LineSet } from '../sql/lines.js';

const count = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/**
 * From the cleaning: lines left out for their dates, and duplicates removed where a repeated row and two equal lines
 * cannot be told apart. `onePerOrder`: each order is one distinct row, so a repeat is a duplicate.
 */
export function cleaningCautions(cleaning: CleaningLog, roles: RoleMap, onePerOrder: boolean): string[] {
  const out: string[] = [];
  for (const step of ['dated in the future', 'isolated early dates']) {
    const x = cleaning.steps.find((y) => y.step === step);
    if (x) out.push(`${count(x.rows, 'line is', 'lines are')} left out: ${x.why}`);
  }
  const removed = cleaning.steps.find((x) => x.step === 'duplicates' && x.action === 'removed')?.rows ?? 0;
  // An order id makes a repeated row a duplicate if each order is one row, or if a line names its item; otherwise an
  // order with the same amount on two lines is two identical rows.
  if (removed > 0 && !roles.product && !roles.description && !onePerOrder) {
    out.push(
      `${count(removed, 'row was', 'rows were')} removed as exact duplicates, but the lines name no product: two lines of one order with the same amount cannot be told from a repeated row. If the export lists such lines separately, rerun with --keep-duplicates`,
    );
  }
  return out;
}

/**
 * Orders that are checked before an amount column is called an order total, and the share of them with one amount on
 * every line that makes it one: a line amount repeats across differing lines only by coincidence.
 */
const REPEATED_TOTALS_MIN_ORDERS = 20;
const REPEATED_TOTALS_SHARE = 0.9;

/**
 * From the lines: an amount column that is the order's total on each line (only an amount column can be: quantity ×
 * price is a line's own), order ids that several customers carry (only an order column can), and text customer ids
 * that differ only in letter case. Run beside the cohort queries.
 */
export async function exportShapeCautions(lines: LineSet, roles: RoleMap, ids: { text: boolean }): Promise<string[]> {
  const [repeated, shared, cased] = await Promise.all([
    roles.amount ? lines.aggregate(repeatedTotalsAggregation(lines.d)) : undefined,
    roles.order ? lines.aggregate(sharedOrdersAggregation(lines.d)) : undefined,
    // Only text ids have letters: a numeric id column cannot vary in case.
    ids.text ? lines.aggregate(caseVariantIdsAggregation(lines.d)) : undefined,
  ]);
  const out: string[] = [];
  const first = (q: QueryResult | undefined) => (q ? (rowObjects(q)[0] ?? {}) : {});
  const varied = Number(first(repeated).varied_orders ?? 0);
  const same = Number(first(repeated).one_amount ?? 0);
  if (varied >= REPEATED_TOTALS_MIN_ORDERS && same >= REPEATED_TOTALS_SHARE * varied) {
    const c = roles.amount as string;
    out.push(
      `${c} looks like an order total repeated on each line: in ${same.toLocaleString('en-US')} of ${varied.toLocaleString('en-US')} orders whose lines differ in product or price, every line has the same ${c}, so each order's revenue is counted once per line. Map the line amount instead (--map amount=COLUMN); without one, export the line price, which with the quantity gives it, and leave ${c} out`,
    );
  }
  const n = Number(first(shared).shared_orders ?? 0);
  if (n > 0) {
    out.push(
      `${count(n, 'order id belongs', 'order ids belong')} to more than one customer (${roles.order} restarting by year or store, or merged accounts): the order totals count such an id once, customers.csv once per customer. Make the ids unique in the export (e.g. prefix the year) to count every order`,
    );
  }
  const groups = Number(first(cased).case_groups ?? 0);
  if (groups > 0) {
    out.push(
      `${count(groups, 'customer id has', 'customer ids have')} another spelling that differs only in letter case (e.g. ${String(first(cased).example)}): each spelling is counted as a customer of its own. If they are one customer, write the ids in one case in the export`,
    );
  }
  return out;
}
