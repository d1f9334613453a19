import { adjustedRandIndex, f1Score } from '../cluster/agreement.js';
import { segmentCustomers, type SegmentOptions } from '../cluster/segment.js';
import { plantedSegments, type PlantedSegmentsTruth } from './segments.js';
import type { Table } from '../data/table.js';

/**
 * The segment-recovery benchmark: planted tables with 2..8 groups, each count at `perK` seeds.
 * Seeds are derived from `base`, so a second set (another base) checks that results are not tuned to one.
 */
export function benchmarkTables(options: { base?: number; perK?: number; rows?: number } = {}): { name: string; table: Table; truth: PlantedSegmentsTruth }[] {
  const { base = 1, perK = 3, rows = 2000 } = options;
  const out: { name: string; table: Table; truth: PlantedSegmentsTruth }[] = [];
  for (let k = 2; k <= 8; k++) {
    for (let r = 0; r < perK; r++) {
      const seed = base * 1000 + k * 10 + r;
      out.push({ name: `k${k}-s${seed}`, ...plantedSegments({ groups: k, rows, seed }) });
    }
  }
  return out;
}

export interface RecoveryScore {
  name: string;
  plantedK: number;
  foundK: number;
  ari: number;
  /** F1 of the second stage's loyal sub-segment against the planted core (0 when there was no second stage). */
  loyalF1: number;
  ms: number;
}

/** Run the whole automatic segmentation (auto k, second stage on the top spenders) and score it against the plant. */
export function scoreRecovery(name: string, t: Table, truth: PlantedSegmentsTruth, options: SegmentOptions = {}): RecoveryScore {
  const start = performance.now();
  const r = segmentCustomers(t, { seed: 1, recluster: true, ...options });
  const ms = performance.now() - start;
  const sub = r.recluster;
  const loyal = sub ? sub.labels.map((l) => (l === sub.loyal ? 1 : 0)) : [];
  return {
    name,
    plantedK: truth.groups,
    foundK: r.k,
    ari: adjustedRandIndex(r.labels, truth.group),
    loyalF1: sub ? f1Score(loyal, truth.loyalCore) : 0,
    ms,
  };
}

export function summarise(scores: readonly RecoveryScore[]): { tables: number; recovered: number; meanAri: number; meanLoyalF1: number } {
  const n = scores.length;
  return {
    tables: n,
    recovered: scores.filter((s) => s.foundK === s.plantedK).length / n,
    meanAri: scores.reduce((a, s) => a + s.ari, 0) / n,
    meanLoyalF1: scores.reduce((a, s) => a + s.loyalF1, 0) / n,
  };
}
