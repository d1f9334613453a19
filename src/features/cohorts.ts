import { numbers, strings } from '../engine/engine.js';
import { cohortAggregation } from '../sql/definitions.js';
import { duckdb, type Dialect } from '../sql/dialect.js';
import { aggregationOver, type LineSet } from '../sql/lines.js';

export interface CohortResult {
  /** Acquisition months, 'YYYY-MM', oldest first. */
  readonly cohorts: string[];
  readonly sizes: number[];
  /** retention[c][k]: share of cohort c's customers who bought in month k after their first (k = 0 is 100%). */
  readonly retention: (number | null)[][];
  /** revenueRetention[c][k]: cohort c's revenue in month k relative to its month-0 revenue. */
  readonly revenueRetention: (number | null)[][];
  readonly revenue: (number | null)[][];
  /** Customer-weighted mean retention by months since first purchase, over cohorts observed that long. */
  readonly averageCurve: { month: number; retention: number; cohorts: number }[];
}

/** The cohort matrix's one SQL definition, as DuckDB runs it (other engines: `cohortAggregation` in src/sql). */
export function cohortSql(d: Dialect = duckdb): string {
  return aggregationOver(d, cohortAggregation(d));
}

export async function cohorts(lines: LineSet): Promise<CohortResult> {
  const q = await lines.aggregate(cohortAggregation(lines.d));
  const names = strings(q, 'cohort') as string[];
  const ks = numbers(q, 'k');
  const cust = numbers(q, 'customers');
  const rev = numbers(q, 'revenue');
  const list = [...new Set(names)];
  const index = new Map(list.map((c, i) => [c, i]));
  const span = list.length;
  const counts = list.map((_, c) => new Array<number | null>(span - c).fill(0));
  const revenue = list.map((_, c) => new Array<number | null>(span - c).fill(0));
  for (let i = 0; i < q.rows; i++) {
    const c = index.get(names[i]) as number;
    counts[c][ks[i]] = cust[i];
    revenue[c][ks[i]] = rev[i];
  }
  const sizes = counts.map((row) => row[0] as number);
  const retention = counts.map((row, c) => row.map((v) => (v as number) / sizes[c]));
  const revenueRetention = revenue.map((row) => row.map((v) => ((row[0] as number) > 0 ? (v as number) / (row[0] as number) : null)));
  const averageCurve = [];
  for (let k = 0; k < span; k++) {
    let num = 0;
    let den = 0;
    let n = 0;
    for (let c = 0; c + k < span; c++) {
      num += counts[c][k] as number;
      den += sizes[c];
      n++;
    }
    // The last months rest on one or two small cohorts; stop once fewer than three cohorts are observed that long.
    if (n < 3 && k > 0) break;
    averageCurve.push({ month: k, retention: den ? num / den : 0, cohorts: n });
  }
  return { cohorts: list, sizes, retention, revenueRetention, revenue, averageCurve };
}
