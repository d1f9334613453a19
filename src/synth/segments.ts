import { categoryColumn, numberColumn, table, type Column, type Table } from '../data/table.js';
import { Random } from '../random.js';
import { pick } from './aggregates.js';

/**
 * Planted segmentation benchmark tables: `groups` behavioural groups of unequal size that differ in
 * five skewed behaviour columns, a loyal core inside the top-spending group, and columns that carry
 * no group structure at all (numeric noise with outliers, categorical noise, a pandas index, a
 * customer id and an RFM code). A segmentation should recover the groups from the behaviour
 * columns and the core in a second stage, whatever the noise columns do.
 */
export interface PlantedSegmentsOptions {
  /** Number of planted groups (2..8). */
  groups: number;
  rows?: number;
  seed?: number;
}

export interface PlantedSegmentsTruth {
  /** Planted group per row. */
  readonly group: Int32Array;
  readonly groups: number;
  /** Group with the highest spend; it holds the loyal core. */
  readonly topGroup: number;
  /** 1 for rows of the loyal core (all inside topGroup). */
  readonly loyalCore: Uint8Array;
  /** Columns that carry the group structure; every other column is noise or bookkeeping. */
  readonly behaviour: readonly string[];
  readonly shares: readonly number[];
}

/** Behaviour columns: name, log-scale base and within-group log SD (session minutes are on a linear scale). */
const BEHAVIOUR: readonly { name: string; base: number; sd: number; log: boolean }[] = [
  { name: 'total_spend', base: 3, sd: 0.3, log: true },
  { name: 'purchase_count', base: 0, sd: 0.22, log: true },
  { name: 'avg_session_minutes', base: 3, sd: 1.5, log: false },
  { name: 'days_since_last_purchase', base: 1.5, sd: 0.3, log: true },
  { name: 'pages_viewed', base: 2, sd: 0.25, log: true },
];

/** Group centres lie at least this many within-group SDs apart; the loyal core sits CORE_SHIFT SDs from the rest of its group. */
export const MIN_GROUP_DISTANCE = 8;
export const CORE_SHIFT = 2.5;
/** Share of rows with one behaviour value inflated 4-20x. */
export const OUTLIER_SHARE = 0.01;

export function plantedSegments(options: PlantedSegmentsOptions): { table: Table; truth: PlantedSegmentsTruth } {
  const { groups: k, rows = 2000, seed = 1 } = options;
  if (!Number.isInteger(k) || k < 2 || k > 8) throw new RangeError(`groups must be 2..8, got ${k}`);
  const rng = new Random(seed);
  const p = BEHAVIOUR.length;
  const spendJ = 0;
  const countJ = 1;
  const sessionJ = 2;

  // Unequal sizes: gamma(2) weights floored so the smallest group still has a few dozen rows.
  const raw = Array.from({ length: k }, () => Math.max(0.25, rng.gamma(2)));
  const sum = raw.reduce((a, b) => a + b, 0);
  const shares = raw.map((w) => w / sum);

  const centres = placeCentres(rng, k, p);
  // The top group spends most; its loyal core buys more often and browses longer than the rest of it.
  let top = 0;
  for (let g = 1; g < k; g++) if (centres[g][spendJ] > centres[top][spendJ]) top = g;
  const coreShare = 0.35 + 0.3 * rng.uniform();

  const values = BEHAVIOUR.map(() => new Float64Array(rows));
  const group = new Int32Array(rows);
  const loyalCore = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    const g = pick(rng, shares.map((share) => ({ share })));
    group[i] = g;
    const core = g === top && rng.uniform() < coreShare;
    loyalCore[i] = core ? 1 : 0;
    for (let j = 0; j < p; j++) {
      const b = BEHAVIOUR[j];
      const shift = core && (j === countJ || j === sessionJ) ? CORE_SHIFT / 2 : g === top && (j === countJ || j === sessionJ) ? -CORE_SHIFT / 2 : 0;
      const z = centres[g][j] + shift + rng.normal();
      values[j][i] = b.log ? Math.exp(b.base + b.sd * z) : Math.max(0.5, 10 * b.base + b.sd * z);
    }
    if (rng.uniform() < OUTLIER_SHARE) values[rng.int(p)][i] *= 4 + 16 * rng.uniform();
  }
  values[countJ].forEach((v, i) => (values[countJ][i] = Math.max(1, Math.round(v))));
  values[spendJ].forEach((v, i) => (values[spendJ][i] = Math.round(v * 100) / 100));

  const ids = Array.from({ length: rows }, (_, i) => `C${String(i + 1).padStart(6, '0')}`);
  // A pandas export's index, written in shuffled order as after a sort on another column.
  const index = rng.shuffle(Array.from({ length: rows }, (_, i) => i));
  const devices = ['mobile', 'desktop', 'tablet'];
  const regions = ['north', 'south', 'east', 'west', 'central'];
  const device = Array.from({ length: rows }, () => devices[pick(rng, [{ share: 0.5 }, { share: 0.35 }, { share: 0.15 }])]);
  const region = Array.from({ length: rows }, () => regions[rng.int(regions.length)]);
  const age = Float64Array.from({ length: rows }, () => Math.round(Math.min(85, Math.max(18, rng.normal(40, 12)))));
  const opens = Float64Array.from({ length: rows }, () => {
    const v = Math.exp(rng.normal(1, 0.8));
    return Math.round(rng.uniform() < OUTLIER_SHARE ? v * 30 : v);
  });
  const rfm = rfmCode(values[3], values[countJ], values[spendJ]);

  const columns: Column[] = [
    numberColumn('Unnamed: 0', Float64Array.from(index)),
    categoryColumn('customer_id', ids),
    ...BEHAVIOUR.map((b, j) => numberColumn(b.name, values[j])),
    numberColumn('age', age),
    numberColumn('newsletter_opens', opens),
    categoryColumn('device', device),
    categoryColumn('region', region),
    numberColumn('rfm_code', rfm),
  ];
  return {
    table: table(columns),
    truth: { group, groups: k, topGroup: top, loyalCore, behaviour: BEHAVIOUR.map((b) => b.name), shares },
  };
}

/** Group centres in within-group SD units, at least MIN_GROUP_DISTANCE apart (also from the core's sub-centres). */
function placeCentres(rng: Random, k: number, p: number): number[][] {
  const side = 6 + 2.5 * k;
  for (let attempt = 0; ; attempt++) {
    const centres = Array.from({ length: k }, () => Array.from({ length: p }, () => rng.uniform() * side));
    const need = attempt < 2000 ? MIN_GROUP_DISTANCE + CORE_SHIFT / 2 : MIN_GROUP_DISTANCE;
    let ok = true;
    for (let a = 0; a < k && ok; a++) {
      for (let b = a + 1; b < k && ok; b++) {
        let d = 0;
        for (let j = 0; j < p; j++) d += (centres[a][j] - centres[b][j]) ** 2;
        ok = Math.sqrt(d) >= need;
      }
    }
    if (ok) return centres;
  }
}

/** The classic three-digit RFM code: recency, frequency and monetary quintile scores (5 = best) as digits. */
function rfmCode(recency: Float64Array, frequency: Float64Array, monetary: Float64Array): Float64Array {
  const score = (v: Float64Array, higherIsBetter: boolean): Int32Array => {
    const order = Array.from(v.keys()).sort((a, b) => v[a] - v[b]);
    const s = new Int32Array(v.length);
    order.forEach((row, rank) => {
      const q = 1 + Math.floor((5 * rank) / v.length);
      s[row] = higherIsBetter ? q : 6 - q;
    });
    return s;
  };
  const r = score(recency, false);
  const f = score(frequency, true);
  const m = score(monetary, true);
  return Float64Array.from(r, (_, i) => 100 * r[i] + 10 * f[i] + m[i]);
}
