import { categoryColumn, numberColumn, table, type Table } from '../data/table.js';
import { Random } from '../random.js';

/**
 * Synthetic 60-day customer aggregates with planted segments, for testing that segmentation finds
 * structure that is really there. Four groups differ in purchase frequency, order value, browsing and
 * reviewing; the top group ("vip") hides a smaller "loyal core" that only a second clustering pass,
 * restricted to the vips, separates.
 */
export interface AggregateGroup {
  readonly name: string;
  /** Share of customers. */
  readonly share: number;
  /** Mean purchases in 60 days: 1 + Poisson(purchases - 1), since every customer in the window bought at least once. */
  readonly purchases: number;
  /** Median order value; each order is log-normal around it with log-SD 0.25. */
  readonly orderValue: number;
  /** Mean session length in minutes (normal, SD 10% of the mean). */
  readonly sessionMinutes: number;
  readonly wishlistAdds: number;
  readonly reviews: number;
}

export const AGGREGATE_GROUPS: readonly AggregateGroup[] = [
  { name: 'browsers', share: 0.25, purchases: 1.2, orderValue: 25, sessionMinutes: 24, wishlistAdds: 9, reviews: 0.1 },
  { name: 'occasional', share: 0.3, purchases: 1.8, orderValue: 30, sessionMinutes: 4, wishlistAdds: 1, reviews: 0.2 },
  { name: 'regular', share: 0.25, purchases: 8, orderValue: 70, sessionMinutes: 10, wishlistAdds: 3, reviews: 1 },
  { name: 'vip', share: 0.2, purchases: 18, orderValue: 200, sessionMinutes: 17, wishlistAdds: 4, reviews: 3 },
];

/** Sub-groups of the vip group: the loyal core buys more often, at lower order values, and reviews more. */
export const VIP_SUBGROUPS: readonly AggregateGroup[] = [
  { name: 'vip-core', share: 0.5, purchases: 22, orderValue: 170, sessionMinutes: 17, wishlistAdds: 4, reviews: 4 },
  { name: 'vip-big-ticket', share: 0.5, purchases: 14, orderValue: 240, sessionMinutes: 17, wishlistAdds: 4, reviews: 2.5 },
];

export interface AggregatesTruth {
  /** Index into AGGREGATE_GROUPS per row. */
  readonly group: Int32Array;
  /** Index of the top (vip) group. */
  readonly topGroup: number;
  /** True for rows in the vip loyal core. */
  readonly loyalCore: Uint8Array;
  readonly groups: readonly AggregateGroup[];
}

/**
 * `syntheticAggregates({ rows: 2000, seed: 1 })` → columns customer_id, total_spend, purchase_count,
 * avg_order_value, avg_session_length, wishlist_adds, product_reviews, and the planted truth.
 */
export function syntheticAggregates(options: { rows?: number; seed?: number } = {}): { table: Table; truth: AggregatesTruth } {
  const { rows = 2000, seed = 42 } = options;
  const rng = new Random(seed);
  const group = new Int32Array(rows);
  const loyalCore = new Uint8Array(rows);
  const cols = {
    spend: new Float64Array(rows),
    count: new Float64Array(rows),
    aov: new Float64Array(rows),
    session: new Float64Array(rows),
    wishlist: new Float64Array(rows),
    reviews: new Float64Array(rows),
  };
  const topGroup = AGGREGATE_GROUPS.length - 1;
  for (let i = 0; i < rows; i++) {
    const g = pick(rng, AGGREGATE_GROUPS);
    group[i] = g;
    let spec = AGGREGATE_GROUPS[g];
    if (g === topGroup) {
      const s = pick(rng, VIP_SUBGROUPS);
      loyalCore[i] = s === 0 ? 1 : 0;
      spec = VIP_SUBGROUPS[s];
    }
    const n = 1 + rng.poisson(spec.purchases - 1);
    let spend = 0;
    for (let p = 0; p < n; p++) spend += spec.orderValue * Math.exp(rng.normal(0, 0.25));
    cols.spend[i] = Math.round(spend * 100) / 100;
    cols.count[i] = n;
    cols.aov[i] = Math.round((spend / n) * 100) / 100;
    cols.session[i] = Math.max(0.5, Math.round(rng.normal(spec.sessionMinutes, 0.1 * spec.sessionMinutes) * 10) / 10);
    cols.wishlist[i] = rng.poisson(spec.wishlistAdds);
    cols.reviews[i] = rng.poisson(spec.reviews);
  }
  const ids = Array.from({ length: rows }, (_, i) => `C${String(i + 1).padStart(6, '0')}`);
  return {
    table: table([
      categoryColumn('customer_id', ids),
      numberColumn('total_spend', cols.spend),
      numberColumn('purchase_count', cols.count),
      numberColumn('avg_order_value', cols.aov),
      numberColumn('avg_session_length', cols.session),
      numberColumn('wishlist_adds', cols.wishlist),
      numberColumn('product_reviews', cols.reviews),
    ]),
    truth: { group, topGroup, loyalCore, groups: AGGREGATE_GROUPS },
  };
}

/** Index drawn with probability proportional to `share`. */
export function pick(rng: Random, options: readonly { share: number }[]): number {
  let u = rng.uniform() * options.reduce((s, o) => s + o.share, 0);
  for (let i = 0; i < options.length; i++) {
    u -= options[i].share;
    if (u < 0) return i;
  }
  return options.length - 1;
}
