import { InputError } from '../errors.js';
import { findColumn, type Table } from '../data/table.js';
import type { DesignTransform } from '../features/design.js';

/** One input feature of a segment: its mean in original units and the distance from the overall mean in SDs. */
export interface FeatureProfile {
  feature: string;
  mean: number;
  overallMean: number;
  /** (segment mean - overall mean) / overall SD; 0 for a constant feature. */
  z: number;
  /** Medians in original units (numbers only), so a name can be checked against the typical customer too. */
  median?: number;
  overallMedian?: number;
  /**
   * The same difference on the scale the segments were found on (after log1p, in SDs): on a skewed
   * column a few extreme customers move the raw mean and SD, not this.
   */
  shift?: number;
}

/** Names for some or all segments: one per segment in order, or by segment index. */
export type SegmentNames = readonly string[] | Readonly<Record<number, string>>;

export interface SegmentProfile {
  id: number;
  name: string;
  size: number;
  share: number;
  features: FeatureProfile[];
}

/** Deviations smaller than this many SDs are not named. */
export const NAME_THRESHOLD_SD = 0.5;

/**
 * Profiles in original (unscaled, un-logged) units: numeric columns of the design by their mean,
 * categorical columns by the share of each level. Names come from the largest deviations unless
 * `names` (one per segment, unique) overrides them. Rows labelled -1 are left out entirely, so a
 * sub-segmentation is profiled against its parent segment rather than all customers.
 */
export function profileSegments(t: Table, transform: DesignTransform, labels: ArrayLike<number>, k: number, names?: SegmentNames): SegmentProfile[] {
  const given = namesById(names, k);
  const sizes = new Float64Array(k);
  let included = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] < 0) continue;
    sizes[labels[i]]++;
    included++;
  }
  const profiles: SegmentProfile[] = Array.from({ length: k }, (_, c) => ({ id: c, name: '', size: sizes[c], share: sizes[c] / included, features: [] }));

  // One feature's values at a time, in a typed array, and the loops over rows in top-level functions: they compile to
  // small monomorphic code once. With a callback per feature they were recompiled for each new one; as loops of this
  // closure, each profiling's new closure threw the optimised code away ('wrong call target', 11 times a run).
  const value = new Float64Array(labels.length);
  const lab = Int32Array.from(labels);
  /** Adds the feature held in `value`; `scale` (numeric features) is how the design scales it: 'log1p' or 'none'. */
  const addFeature = (feature: string, scale: 'log1p' | 'none' | null): void => {
    const sums = new Float64Array(k);
    const counts = new Float64Array(k);
    const { total, n } = clusterSums(lab, value, sums, counts);
    const overall = total / n;
    const sd = Math.sqrt(squaredDeviations(lab, value, overall) / n);
    const numeric = scale ? medianAndShift(lab, k, value, scale === 'log1p') : null;
    for (let c = 0; c < k; c++) {
      const mean = counts[c] > 0 ? sums[c] / counts[c] : NaN;
      const f: FeatureProfile = { feature, mean, overallMean: overall, z: sd > 0 && counts[c] > 0 ? (mean - overall) / sd : 0 };
      if (numeric) {
        f.median = numeric.medians[c];
        f.overallMedian = numeric.overallMedian;
        f.shift = numeric.shifts[c];
      }
      profiles[c].features.push(f);
    }
  };

  for (const step of transform.steps) {
    const col = findColumn(t, step.column);
    if (!col) throw new InputError('missing-column', `Column "${step.column}" is not in the data`, 'Profile the table the segmentation was fitted on');
    if (step.kind === 'number' && col.kind === 'number') {
      for (let i = 0; i < value.length; i++) value[i] = col.values[i];
      addFeature(step.column, step.log1p ? 'log1p' : 'none');
    } else if (step.kind === 'category' && col.kind === 'category') {
      step.levels.forEach((level, l) => {
        const code = col.levels.indexOf(level);
        for (let i = 0; i < value.length; i++) value[i] = col.codes[i] < 0 ? NaN : col.codes[i] === code ? 1 : 0;
        addFeature(step.features[l], null);
      });
    }
  }
  const generated = nameSegments(profiles);
  profiles.forEach((p, c) => (p.name = given.get(c) ?? generated[c]));
  const all = profiles.map((p) => p.name);
  if (new Set(all).size !== k) {
    const clash = all.find((n, c) => all.indexOf(n) !== c);
    throw new InputError('segment-names', `Segment name "${clash}" would name two segments`, 'Give each segment a distinct name');
  }
  return profiles;
}

/** A name list (in segment order) or an index-to-name map, checked against k. */
function namesById(names: SegmentNames | undefined, k: number): Map<number, string> {
  const out = new Map<number, string>();
  if (!names) return out;
  if (Array.isArray(names)) {
    if (names.length !== k) throw new InputError('segment-names', `Got ${names.length} segment names for ${k} segments`, `Pass ${k} names in segment order, or map indices: --names "0=Loyal,2=New"`);
    names.forEach((n, c) => out.set(c, n));
    return out;
  }
  for (const [key, name] of Object.entries(names as Record<number, string>)) {
    const c = Number(key);
    if (!Number.isInteger(c) || c < 0 || c >= k) throw new InputError('segment-names', `There is no segment ${key}: segments are numbered 0 to ${k - 1}`, 'Map existing segment indices, as printed by `clientele segment`');
    out.set(c, name);
  }
  return out;
}

/** Per-cluster sums and counts of the present values into `sums` and `counts`, and their total and number. Rows labelled -1 are left out. */
function clusterSums(labels: Int32Array, value: Float64Array, sums: Float64Array, counts: Float64Array): { total: number; n: number } {
  let total = 0;
  let n = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] < 0) continue;
    const v = value[i];
    if (Number.isNaN(v)) continue;
    sums[labels[i]] += v;
    counts[labels[i]]++;
    total += v;
    n++;
  }
  return { total, n };
}

/** Σ (v - centre)² over the present values of the labelled rows. */
function squaredDeviations(labels: Int32Array, value: Float64Array, centre: number): number {
  let ss = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] < 0) continue;
    const v = value[i];
    if (!Number.isNaN(v)) ss += (v - centre) ** 2;
  }
  return ss;
}

/** Mean of the values on the clustering scale (log1p of the non-negative part, or as they are). */
function scaledMean(v: Float64Array, log1p: boolean): number {
  let total = 0;
  if (log1p) for (let i = 0; i < v.length; i++) total += Math.log1p(Math.max(0, v[i]));
  else for (let i = 0; i < v.length; i++) total += v[i];
  return total / v.length;
}

/** Σ (scaled v - mu)², on the scale scaledMean uses. */
function scaledSquaredDeviations(v: Float64Array, log1p: boolean, mu: number): number {
  let ss = 0;
  if (log1p) for (let i = 0; i < v.length; i++) ss += (Math.log1p(Math.max(0, v[i])) - mu) ** 2;
  else for (let i = 0; i < v.length; i++) ss += (v[i] - mu) ** 2;
  return ss;
}

/** The median of the values, sorting them in place; NaN for none. */
function medianInPlace(v: Float64Array): number {
  if (v.length === 0) return NaN;
  v.sort();
  const h = v.length >> 1;
  return v.length % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
}

/**
 * Per segment: the median in original units, and the mean difference from all rows on the
 * clustering scale (log1p or none) in SDs of all rows. Rows labelled -1 are left out.
 */
function medianAndShift(labels: Int32Array, k: number, value: Float64Array, log1p: boolean): { medians: number[]; overallMedian: number; shifts: number[] } {
  // Typed arrays sized by a counting pass, not growing arrays: a million customers per feature.
  const sizes = new Int32Array(k);
  let m = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] < 0 || Number.isNaN(value[i])) continue;
    sizes[labels[i]]++;
    m++;
  }
  const byCluster = Array.from(sizes, (size) => new Float64Array(size));
  const filled = new Int32Array(k);
  const all = new Float64Array(m);
  for (let i = 0, j = 0; i < labels.length; i++) {
    if (labels[i] < 0) continue;
    const v = value[i];
    if (Number.isNaN(v)) continue;
    byCluster[labels[i]][filled[labels[i]]++] = v;
    all[j++] = v;
  }
  // Means on the design's scale in row order first, then the medians sort the arrays in place.
  const mu = scaledMean(all, log1p);
  const sd = Math.sqrt(scaledSquaredDeviations(all, log1p, mu) / all.length);
  const shifts = byCluster.map((v) => (v.length > 0 && sd > 0 ? (scaledMean(v, log1p) - mu) / sd : 0));
  return { medians: byCluster.map(medianInPlace), overallMedian: medianInPlace(all), shifts };
}

/**
 * Readable, unique names from each segment's largest deviations, e.g. "High spend, frequent, recent".
 * A word is used only when it is true of the segment: its mean differs from all customers' by at
 * least NAME_THRESHOLD_SD on the clustering scale, and its mean and median in original units lie on
 * the same side of all customers' mean and median, so neither a few extreme customers nor a skewed
 * scale can make it false of the typical member or of the printed means. Each concept (recency, frequency, spend...) is named once: when two columns of one
 * concept point opposite ways ("frequent" by order count, "infrequent" by days between orders) the
 * concept is left out. Numeric features lead (two of them, three when no category qualifies); a
 * category level is named only when most of the segment has it ("mostly Gold").
 */
export function nameSegments(profiles: readonly SegmentProfile[]): string[] {
  const ranked = profiles.map((p) => {
    const words = trueWords(p.features.filter((f) => !f.feature.includes('=')));
    const levels = p.features
      .filter((f) => f.feature.includes('=') && f.z >= NAME_THRESHOLD_SD && f.mean >= 0.5)
      .sort((a, b) => b.z - a.z)
      .map((f) => ({ word: describe(f.feature, true).word, size: f.z }));
    const lead = levels.length > 0 ? 2 : 3;
    return [...words.slice(0, lead), ...levels.slice(0, 1), ...words.slice(lead), ...levels.slice(1)].map((w) => w.word).filter((w, i, all) => all.indexOf(w) === i);
  });
  const words = ranked.map((r) => Math.min(3, r.length));
  const build = (c: number): string => (ranked[c].length === 0 ? 'Average customers' : capitalise(ranked[c].slice(0, words[c]).join(', ')));
  let names = ranked.map((_, c) => build(c));
  // Lengthen clashing names with their next deviation while that helps, then number what still clashes.
  for (let pass = 0; pass < 4; pass++) {
    const clash = names.map((n) => names.filter((m) => m === n).length > 1);
    if (!clash.includes(true)) break;
    clash.forEach((c, i) => c && words[i] < ranked[i].length && words[i]++);
    names = ranked.map((_, c) => build(c));
  }
  const seen = new Map<string, number>();
  return names.map((n) => {
    const count = (seen.get(n) ?? 0) + 1;
    seen.set(n, count);
    return count === 1 ? n : `${n} (${count})`;
  });
}

/** The deviation a name reads from: the clustering-scale shift when the profile has one, else z. */
function deviation(f: FeatureProfile): number {
  return f.shift ?? f.z;
}

/** Words true of a segment's numeric features, strongest first, one per concept. */
function trueWords(features: readonly FeatureProfile[]): { word: string; size: number }[] {
  const byConcept = new Map<string, { word: string; size: number; high: boolean }[]>();
  for (const f of features) {
    const d = deviation(f);
    if (!(Math.abs(d) >= NAME_THRESHOLD_SD)) continue;
    const high = d > 0;
    // The mean and median in original units must point the same way, or the printed profile would contradict the name.
    const agrees = (a: number | undefined, b: number | undefined): boolean => a === undefined || b === undefined || (high ? a > b : a < b);
    if (!agrees(f.median, f.overallMedian) || !agrees(f.mean, f.overallMean)) continue;
    const { word, concept, up } = describe(f.feature, high);
    const list = byConcept.get(concept) ?? [];
    list.push({ word, size: Math.abs(d), high: up });
    byConcept.set(concept, list);
  }
  const out: { word: string; size: number }[] = [];
  for (const list of byConcept.values()) {
    if (new Set(list.map((w) => w.high)).size > 1) continue;
    out.push(list.reduce((a, b) => (b.size > a.size ? b : a)));
  }
  return out.sort((a, b) => b.size - a.size);
}

/**
 * Words for a high and a low value, first match wins: specific patterns come before the general
 * ones they contain ("days between orders" before "orders", "order value" before "value").
 * `inverted` concepts read the other way round: many days between orders is infrequent.
 */
const VOCABULARY: { pattern: RegExp; concept: string; up: string; down: string; inverted?: boolean }[] = [
  { pattern: /days?_?between|inter_?purchase|purchase_?gap/i, concept: 'frequency', up: 'infrequent', down: 'frequent', inverted: true },
  { pattern: /return_?rate|returns?(_|$)|refund/i, concept: 'returns', up: 'many returns', down: 'few returns' },
  { pattern: /weekend/i, concept: 'weekend', up: 'weekend shoppers', down: 'weekday shoppers' },
  { pattern: /order_?value|aov|basket|ticket/i, concept: 'basket', up: 'big baskets', down: 'small baskets' },
  { pattern: /days_?since|recency|last_?purchase/i, concept: 'recency', up: 'lapsed', down: 'recent', inverted: true },
  { pattern: /tenure|age_?days|customer_?age|lifetime|first_?purchase/i, concept: 'tenure', up: 'long-standing', down: 'new' },
  { pattern: /spend|revenue|monetary|sales|amount/i, concept: 'spend', up: 'high spend', down: 'low spend' },
  { pattern: /count|frequency|purchases|orders|transactions/i, concept: 'frequency', up: 'frequent', down: 'infrequent' },
  { pattern: /items|quantity|units/i, concept: 'items', up: 'many items', down: 'few items' },
  { pattern: /session|time_?on_?site|duration/i, concept: 'session', up: 'long sessions', down: 'short sessions' },
  { pattern: /wishlist/i, concept: 'wishlist', up: 'wishlisting', down: 'few wishlist adds' },
  { pattern: /review/i, concept: 'reviews', up: 'reviewers', down: 'rarely review' },
  { pattern: /satisf|rating|nps/i, concept: 'satisfaction', up: 'satisfied', down: 'dissatisfied' },
  { pattern: /engagement|open|click/i, concept: 'engagement', up: 'engaged', down: 'disengaged' },
  { pattern: /discount|coupon|promo/i, concept: 'discount', up: 'discount-driven', down: 'full-price' },
  { pattern: /^age$|_age$/i, concept: 'age', up: 'older', down: 'younger' },
];

/**
 * The word for a feature being high or low, its concept, and whether the word says "more" of the
 * concept (so "frequent" from an order count and "frequent" from few days between orders agree).
 */
function describe(feature: string, high: boolean): { word: string; concept: string; up: boolean } {
  const eq = feature.indexOf('=');
  if (eq > 0) return { word: `mostly ${feature.slice(eq + 1)}`, concept: feature, up: true };
  for (const v of VOCABULARY) {
    if (v.pattern.test(feature)) return { word: high ? v.up : v.down, concept: v.concept, up: v.inverted ? !high : high };
  }
  const words = feature.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_\s]+/g, ' ').trim().toLowerCase();
  return { word: `${high ? 'high' : 'low'} ${words}`, concept: feature, up: high };
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
