// zod's functional build with its English messages: the classic build was three quarters of a megabyte of the
// program's start-up code (~22 ms of loading on every run) for these few schemas; the messages are the same.
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { InputError } from '../errors.js';

z.config(en());

/**
 * The RFM segment map: rules on score ranges. Every one of the 125 (R, F, M) combinations must land in
 * exactly one segment, checked when a map is loaded — overlapping rule lists leave customers in "Others".
 */
const score = z.int().check(z.minimum(1), z.maximum(5));
const range = z.tuple([score, score]).check(z.refine(([lo, hi]) => lo <= hi, 'range must be [low, high]'));

export const SegmentRuleSchema = z.object({
  name: z.string().check(z.minLength(1)),
  r: range,
  f: range,
  m: z._default(range, [1, 5]),
  action: z._default(z.string(), ''),
});

export const SegmentMapSchema = z.object({ segments: z.array(SegmentRuleSchema).check(z.minLength(1)) });
export type SegmentMap = z.infer<typeof SegmentMapSchema>;

/**
 * Default map on recency (rows) and frequency (columns); monetary is reported per segment but does not
 * move customers between segments, so the grid stays readable:
 *
 *   R\F  1               2                 3                 4                5
 *   5    New             Potential Loyal.  Potential Loyal.  Loyal            Champions
 *   4    Promising       Potential Loyal.  Potential Loyal.  Loyal            Champions
 *   3    About to Sleep  About to Sleep    Need Attention    Loyal            Loyal
 *   2    Hibernating     Hibernating       At Risk           At Risk          Can't Lose Them
 *   1    Lost            Lost              At Risk           Can't Lose Them  Can't Lose Them
 */
export const DEFAULT_SEGMENT_MAP: SegmentMap = {
  segments: [
    { name: 'Champions', r: [4, 5], f: [5, 5], m: [1, 5], action: 'Reward them: early access, loyalty perks and referral asks; no discounts needed.' },
    { name: 'Loyal', r: [4, 5], f: [4, 4], m: [1, 5], action: 'Upsell higher-value products, ask for reviews, enrol them in the loyalty programme.' },
    { name: 'Loyal', r: [3, 3], f: [4, 5], m: [1, 5], action: 'Upsell higher-value products, ask for reviews, enrol them in the loyalty programme.' },
    { name: 'Potential Loyalists', r: [4, 5], f: [2, 3], m: [1, 5], action: 'Offer membership or a loyalty programme; recommend related products.' },
    { name: 'New', r: [5, 5], f: [1, 1], m: [1, 5], action: 'Onboard well: welcome series, first-repeat incentive within 30 days.' },
    { name: 'Promising', r: [4, 4], f: [1, 1], m: [1, 5], action: 'Build the habit: free-shipping threshold or a time-limited second-order offer.' },
    { name: 'Need Attention', r: [3, 3], f: [3, 3], m: [1, 5], action: 'Reactivate with personalised recommendations and a limited-time offer.' },
    { name: 'About to Sleep', r: [3, 3], f: [1, 2], m: [1, 5], action: 'Share popular products and a modest discount before they lapse.' },
    { name: 'At Risk', r: [1, 2], f: [3, 3], m: [1, 5], action: 'Win back with personalised emails, a survey and a meaningful offer.' },
    { name: 'At Risk', r: [2, 2], f: [4, 4], m: [1, 5], action: 'Win back with personalised emails, a survey and a meaningful offer.' },
    { name: "Can't Lose Them", r: [1, 2], f: [5, 5], m: [1, 5], action: 'Call or email personally; strongest win-back offer; find out what went wrong.' },
    { name: "Can't Lose Them", r: [1, 1], f: [4, 4], m: [1, 5], action: 'Call or email personally; strongest win-back offer; find out what went wrong.' },
    { name: 'Hibernating', r: [2, 2], f: [1, 2], m: [1, 5], action: 'Low-cost reactivation: seasonal campaign; stop spending if no response.' },
    { name: 'Lost', r: [1, 1], f: [1, 2], m: [1, 5], action: 'Exclude from paid campaigns; one last win-back email at most.' },
  ],
};

/** Index of the rule for each (r, f, m), as r*25 + f*5 + m - 31 → rule index. Throws when the map has gaps or overlaps. */
export function compileSegmentMap(map: SegmentMap, source = 'the segment map'): Int32Array {
  const lookup = new Int32Array(125).fill(-1);
  for (let r = 1; r <= 5; r++)
    for (let f = 1; f <= 5; f++)
      for (let m = 1; m <= 5; m++) {
        const hits: number[] = [];
        map.segments.forEach((s, i) => {
          if (r >= s.r[0] && r <= s.r[1] && f >= s.f[0] && f <= s.f[1] && m >= s.m[0] && m <= s.m[1]) hits.push(i);
        });
        if (hits.length === 0) {
          throw new InputError('segment-map-gap', `In ${source}, no segment covers R=${r} F=${f} M=${m}`, 'Every score combination must land in exactly one segment');
        }
        if (hits.length > 1) {
          const names = hits.map((i) => map.segments[i].name).join(' and ');
          throw new InputError('segment-map-overlap', `In ${source}, R=${r} F=${f} M=${m} is in both ${names}`, 'Make the rules not overlap');
        }
        lookup[rfmIndex(r, f, m)] = hits[0];
      }
  return lookup;
}

export function rfmIndex(r: number, f: number, m: number): number {
  return (r - 1) * 25 + (f - 1) * 5 + (m - 1);
}

export function parseSegmentMap(json: unknown, source: string): SegmentMap {
  const parsed = SegmentMapSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError('segment-map-invalid', `${source} is not a valid segment map: ${issue.path.join('.')}: ${issue.message}`, 'See docs/rfm.md for the format');
  }
  return parsed.data;
}
