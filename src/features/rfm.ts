import { numbers, type QueryResult } from '../engine/engine.js';
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
 * Quintile scores where equal values always share a score: a customer's score is 1 + floor(5 × share of customers
 * with a strictly worse value); a missing value ranks after every present one. Recency: fewer days is better.
 * Scored here, not in SQL, so every engine's per-customer rows are scored the same way (and ClickHouse 18.16 has
 * no window functions).
 */
export function rfmScores(values: Float64Array, higherIsBetter: boolean): Int8Array {
  const n = values.length;
  // The SQL this replaces ranked NULLs last in both directions: after the best values when higher is better.
  // So a missing value has every present value before it, and a present one those with a worse key.
  const keys = new Float64Array(n);
  let present = 0;
  for (let i = 0; i < n; i++) if (!Number.isNaN(values[i])) keys[present++] = higherIsBetter ? values[i] : -values[i];
  // A native numeric sort and a binary search per customer, not an index sort through a comparator: a million
  // customers take milliseconds instead of a second.
  const sorted = keys.subarray(0, present).sort();
  const out = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const before = Number.isNaN(v) ? present : lowerBound(sorted, higherIsBetter ? v : -v);
    out[i] = 1 + Math.floor((5 * before) / n);
  }
  return out;
}

/** How many of the ascending `sorted` are strictly below `x`. */
function lowerBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Score and segment customers from their recency_days, frequency and monetary columns (rows in customer order). */
export function rfm(customers: QueryResult, map: SegmentMap = DEFAULT_SEGMENT_MAP): RfmResult {
  const lookup = compileSegmentMap(map);
  const n = customers.rows;
  const recency = numbers(customers, 'recency_days');
  const frequency = numbers(customers, 'frequency');
  const monetary = numbers(customers, 'monetary');
  const rs = rfmScores(recency, false);
  const fs = rfmScores(frequency, true);
  const ms = rfmScores(monetary, true);
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
