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
}

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
export function profileSegments(t: Table, transform: DesignTransform, labels: ArrayLike<number>, k: number, names?: readonly string[]): SegmentProfile[] {
  if (names && (names.length !== k || new Set(names).size !== k)) {
    throw new InputError('segment-names', `Got ${names.length} segment names for ${k} segments, or duplicates`, `Pass ${k} distinct names, in segment order`);
  }
  const sizes = new Float64Array(k);
  let included = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] < 0) continue;
    sizes[labels[i]]++;
    included++;
  }
  const profiles: SegmentProfile[] = Array.from({ length: k }, (_, c) => ({ id: c, name: '', size: sizes[c], share: sizes[c] / included, features: [] }));

  const addFeature = (feature: string, value: (i: number) => number): void => {
    const sums = new Float64Array(k);
    const counts = new Float64Array(k);
    let total = 0;
    let n = 0;
    for (let i = 0; i < labels.length; i++) {
      if (labels[i] < 0) continue;
      const v = value(i);
      if (Number.isNaN(v)) continue;
      sums[labels[i]] += v;
      counts[labels[i]]++;
      total += v;
      n++;
    }
    const overall = total / n;
    let ss = 0;
    for (let i = 0; i < labels.length; i++) {
      if (labels[i] < 0) continue;
      const v = value(i);
      if (!Number.isNaN(v)) ss += (v - overall) ** 2;
    }
    const sd = Math.sqrt(ss / n);
    for (let c = 0; c < k; c++) {
      const mean = counts[c] > 0 ? sums[c] / counts[c] : NaN;
      profiles[c].features.push({ feature, mean, overallMean: overall, z: sd > 0 && counts[c] > 0 ? (mean - overall) / sd : 0 });
    }
  };

  for (const step of transform.steps) {
    const col = findColumn(t, step.column);
    if (!col) throw new InputError('missing-column', `Column "${step.column}" is not in the data`, 'Profile the table the segmentation was fitted on');
    if (step.kind === 'number' && col.kind === 'number') {
      addFeature(step.column, (i) => col.values[i]);
    } else if (step.kind === 'category' && col.kind === 'category') {
      step.levels.forEach((level, l) => {
        const code = col.levels.indexOf(level);
        addFeature(step.features[l], (i) => (col.codes[i] < 0 ? NaN : col.codes[i] === code ? 1 : 0));
      });
    }
  }
  const generated = nameSegments(profiles);
  profiles.forEach((p, c) => (p.name = names ? names[c] : generated[c]));
  return profiles;
}

/**
 * Readable, unique names from each segment's largest deviations, e.g. "High spend, frequent, recent".
 * Numeric features lead (two of them, three when no category qualifies); a category level is named
 * only when most of the segment has it ("mostly Gold"), so one-hot columns do not crowd out behaviour.
 */
export function nameSegments(profiles: readonly SegmentProfile[]): string[] {
  const byDeviation = (a: FeatureProfile, b: FeatureProfile): number => Math.abs(b.z) - Math.abs(a.z);
  const ranked = profiles.map((p) => {
    const numeric = p.features.filter((f) => !f.feature.includes('=') && Math.abs(f.z) >= NAME_THRESHOLD_SD).sort(byDeviation);
    const levels = p.features.filter((f) => f.feature.includes('=') && f.z >= NAME_THRESHOLD_SD && f.mean >= 0.5).sort(byDeviation);
    const lead = levels.length > 0 ? 2 : 3;
    return [...numeric.slice(0, lead), ...levels.slice(0, 1), ...numeric.slice(lead), ...levels.slice(1)]
      .map((f) => describe(f.feature, f.z > 0))
      .filter((w, i, all) => all.indexOf(w) === i);
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

const VOCABULARY: [RegExp, string, string][] = [
  [/spend|revenue|monetary|sales|amount/i, 'high spend', 'low spend'],
  [/order_?value|aov|basket|ticket/i, 'big baskets', 'small baskets'],
  [/days_?since|recency|last_?purchase/i, 'lapsed', 'recent'],
  [/count|frequency|purchases|orders|items|transactions/i, 'frequent', 'infrequent'],
  [/session|time_?on_?site|duration/i, 'long sessions', 'short sessions'],
  [/wishlist/i, 'wishlisting', 'few wishlist adds'],
  [/review/i, 'reviewers', 'rarely review'],
  [/satisf|rating|nps/i, 'satisfied', 'dissatisfied'],
  [/engagement|open|click/i, 'engaged', 'disengaged'],
  [/discount|coupon|promo/i, 'discount-driven', 'full-price'],
  [/tenure|age_?days|customer_?age|lifetime/i, 'long-standing', 'new'],
  [/^age$|_age$/i, 'older', 'younger'],
];

function describe(feature: string, high: boolean): string {
  const eq = feature.indexOf('=');
  if (eq > 0) return `mostly ${feature.slice(eq + 1)}`;
  for (const [pattern, up, down] of VOCABULARY) if (pattern.test(feature)) return high ? up : down;
  const words = feature.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_\s]+/g, ' ').trim().toLowerCase();
  return `${high ? 'high' : 'low'} ${words}`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
