import { describe, expect, it } from 'vitest';
import { segmentCustomers } from '../../src/cluster/segment.js';
import { adjustedRandIndex, f1Score } from '../../src/cluster/agreement.js';
import { categoryColumn, table } from '../../src/data/table.js';
import { Random } from '../../src/random.js';
import { benchmarkTables, scoreRecovery, summarise } from '../../src/synth/benchmark.js';
import { plantedSegments } from '../../src/synth/segments.js';
import { syntheticAggregates } from '../../src/synth/index.js';

describe('segment recovery on planted tables (the first table per k of bench/segment-recovery.ts, 1,000 rows)', () => {
  const scores = benchmarkTables({ base: 1, perK: 1, rows: 1000 }).map(({ name, table: t, truth }) => scoreRecovery(name, t, truth));
  const summary = summarise(scores);

  it('recovers the planted k in at least 90% of tables, mean ARI >= 0.9, loyal core F1 >= 0.9', () => {
    expect(scores.map((s) => s.plantedK)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(summary.recovered).toBeGreaterThanOrEqual(0.9);
    expect(summary.meanAri).toBeGreaterThanOrEqual(0.9);
    expect(summary.meanLoyalF1).toBeGreaterThanOrEqual(0.9);
  });
});

describe('noise columns do not make segments', () => {
  it('a three-level device column with no effect is left out; the four groups and the loyal core are found', () => {
    const { table: t, truth } = syntheticAggregates({ rows: 2000, seed: 7 });
    const rng = new Random(3);
    const devices = ['mobile', 'desktop', 'tablet'];
    const withDevice = table([...t.columns, categoryColumn('device', Array.from({ length: t.rows }, () => devices[rng.int(3)]))]);
    const r = segmentCustomers(withDevice, { seed: 1, recluster: true });
    expect(r.k).toBe(4);
    expect(adjustedRandIndex(r.labels, truth.group)).toBeGreaterThan(0.9);
    expect(r.excluded.find((e) => e.column === 'device')?.reason).toMatch(/^separates nothing/);
    expect(r.features.some((f) => f.startsWith('device='))).toBe(false);
    const sub = r.recluster!;
    expect(sub.profiles.map((p) => p.name).join(' ')).not.toMatch(/mobile|desktop|tablet/);
    expect(f1Score(sub.labels.map((l) => (l === sub.loyal ? 1 : 0)), truth.loyalCore)).toBeGreaterThan(0.85);
  });

  it('each clustered column reports its share of the separation; the shares add up to 1', () => {
    const { table: t } = plantedSegments({ groups: 4, rows: 800, seed: 5 });
    const r = segmentCustomers(t, { seed: 1 });
    expect(r.separation.reduce((a, s) => a + s.share, 0)).toBeCloseTo(1, 9);
    expect(r.separation.map((s) => s.column).sort()).toEqual(['avg_session_minutes', 'days_since_last_purchase', 'pages_viewed', 'purchase_count', 'total_spend']);
    const reasons = Object.fromEntries(r.excluded.map((e) => [e.column, e.reason]));
    expect(reasons['Unnamed: 0']).toMatch(/^row index/);
    expect(reasons.rfm_code).toMatch(/^code-like/);
    for (const noise of ['age', 'newsletter_opens', 'device', 'region']) expect(reasons[noise]).toMatch(/^separates nothing/);
    expect(r.designNotes.some((n) => /^device dropped: separates nothing/.test(n))).toBe(true);
  });

  it('--features chooses the columns (no screening); --exclude removes one', () => {
    const { table: t } = plantedSegments({ groups: 3, rows: 500, seed: 2 });
    const chosen = segmentCustomers(t, { seed: 1, k: 3, design: { include: ['total_spend', 'age'] } });
    expect(chosen.separation.map((s) => s.column)).toEqual(['total_spend', 'age']);
    const without = segmentCustomers(t, { seed: 1, k: 3, design: { exclude: ['pages_viewed'] } });
    expect(without.separation.map((s) => s.column)).not.toContain('pages_viewed');
  });
});
