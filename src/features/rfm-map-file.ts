import { z } from 'zod';
import { InputError } from '../errors.js';
import type { SegmentMap } from './rfm-map.js';

/** The segment map a user supplies as JSON (docs/rfm.md), validated with precise messages. */
const range = z.tuple([z.number().int().min(1).max(5), z.number().int().min(1).max(5)]).refine(([lo, hi]) => lo <= hi, 'range must be [low, high]');

export const SegmentRuleSchema = z.object({
  name: z.string().min(1),
  r: range,
  f: range,
  m: range.default([1, 5]),
  action: z.string().default(''),
});

export const SegmentMapSchema = z.object({ segments: z.array(SegmentRuleSchema).min(1) });

export function parseSegmentMap(json: unknown, source: string): SegmentMap {
  const parsed = SegmentMapSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError('segment-map-invalid', `${source} is not a valid segment map: ${issue.path.join('.')}: ${issue.message}`, 'See docs/rfm.md for the format');
  }
  return parsed.data;
}
