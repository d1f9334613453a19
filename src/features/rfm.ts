import { numbers, type Engine } from '../engine/engine.js';
import { compileSegmentMap, DEFAULT_SEGMENT_MAP, rfmIndex, type SegmentMap } from './rfm-map.js';

export interface RfmSegmentStats {
  readonly segment: string;
  readonly customers: number;
  readonly customerShare: number;
  readonly revenue: number;
  readonly revenueShare: number;
  /** Averages are null for a segment with no customers: "none", not a number. */
  readonly avgRecencyDays: number | null;
  readonly avgFrequency: number | null;
  readonly avgMonetary: number | null;
  readonly action: string;
}

export interface RfmResult {
  readonly r: Int8Array;
  readonly f: Int8Array;
  readonly m: Int8Array;
  /** Segment name per customer, in the customers table's order. */
  readonly segment: string[];
  readonly segments: RfmSegmentStats[];
  /** Customers per (R, F) cell for the grid chart. */
  readonly grid: { r: number; f: number; customers: number; avgMonetary: number }[];
}

/**
 * Quintile scores where equal values always share a score: a customer's score is
 * 1 + floor(5 × share of customers with a strictly worse value). Recency: fewer days is better.
 */
export function rfmScoresSql(table: string): string {
  return `SELECT
      (1 + floor(5 * (rank() OVER (ORDER BY recency_days DESC) - 1) / count(*) OVER ()))::INTEGER AS r,
      (1 + floor(5 * (rank() OVER (ORDER BY frequency) - 1) / count(*) OVER ()))::INTEGER AS f,
      (1 + floor(5 * (rank() OVER (ORDER BY monetary) - 1) / count(*) OVER ()))::INTEGER AS m,
      customer_id, recency_days, frequency, monetary
    FROM ${table} ORDER BY customer_id`;
}

/** Score and segment the customers of a table with recency_days, frequency and monetary columns. */
export async function rfm(engine: Engine, table: string, map: SegmentMap = DEFAULT_SEGMENT_MAP): Promise<RfmResult> {
  const lookup = compileSegmentMap(map);
  const q = await engine.query(rfmScoresSql(table));
  const n = q.rows;
  const rs = numbers(q, 'r');
  const fs = numbers(q, 'f');
  const ms = numbers(q, 'm');
  const recency = numbers(q, 'recency_days');
  const frequency = numbers(q, 'frequency');
  const monetary = numbers(q, 'monetary');
  const r = Int8Array.from(rs);
  const f = Int8Array.from(fs);
  const m = Int8Array.from(ms);
  const segment: string[] = new Array(n);
  const names = [...new Set(map.segments.map((s) => s.name))];
  const actionOf = new Map(map.segments.map((s) => [s.name, s.action]));
  const k = names.length;
  const count = new Float64Array(k);
  const rev = new Float64Array(k);
  const rec = new Float64Array(k);
  const freq = new Float64Array(k);
  const grid = new Float64Array(25);
  const gridMoney = new Float64Array(25);
  const nameIndex = new Map(names.map((s, i) => [s, i]));
  let total = 0;
  for (let i = 0; i < n; i++) {
    const name = map.segments[lookup[rfmIndex(r[i], f[i], m[i])]].name;
    segment[i] = name;
    const s = nameIndex.get(name) as number;
    count[s]++;
    rev[s] += monetary[i];
    rec[s] += recency[i];
    freq[s] += frequency[i];
    total += monetary[i];
    const g = (r[i] - 1) * 5 + (f[i] - 1);
    grid[g]++;
    gridMoney[g] += monetary[i];
  }
  const segments: RfmSegmentStats[] = names
    .map((name, s) => ({
      segment: name,
      customers: count[s],
      customerShare: n ? count[s] / n : 0,
      revenue: rev[s],
      revenueShare: total ? rev[s] / total : 0,
      avgRecencyDays: count[s] ? rec[s] / count[s] : null,
      avgFrequency: count[s] ? freq[s] / count[s] : null,
      avgMonetary: count[s] ? rev[s] / count[s] : null,
      action: actionOf.get(name) ?? '',
    }))
    .sort((a, b) => b.revenue - a.revenue);
  const gridCells = [];
  for (let ri = 1; ri <= 5; ri++)
    for (let fi = 1; fi <= 5; fi++) {
      const g = (ri - 1) * 5 + (fi - 1);
      gridCells.push({ r: ri, f: fi, customers: grid[g], avgMonetary: grid[g] ? gridMoney[g] / grid[g] : 0 });
    }
  return { r, f, m, segment, segments, grid: gridCells };
}
