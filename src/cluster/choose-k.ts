import { InputError } from '../errors.js';
import type { Matrix } from '../data/matrix.js';
import { KMeans, type FittedKMeans, type KMeansOptions } from './kmeans.js';
import { silhouetteScores, EXACT_SILHOUETTE_LIMIT } from './silhouette.js';

export interface KCandidate {
  k: number;
  inertia: number;
  silhouette: number;
}

export interface KChoice {
  k: number;
  /** One sentence saying why. */
  reason: string;
  /** Knee of the inertia curve (maximum distance below the chord), or null when the curve has none. */
  elbowK: number | null;
  /** k with the highest mean silhouette. */
  silhouetteK: number;
  candidates: KCandidate[];
  /** Rows the silhouettes were computed on; fewer than the data when sampled. */
  silhouetteRows: number;
  silhouetteSampled: boolean;
}

export interface ChooseKOptions extends Omit<KMeansOptions, 'k'> {
  kMin?: number;
  kMax?: number;
  silhouetteSampleSize?: number;
}

/** Silhouettes closer than this are treated as a tie, broken towards the elbow, then the smaller k. */
export const SILHOUETTE_TIE = 0.01;

/**
 * Automatic k: fit k-means for every k in kMin..kMax (default 2..10), then pick the k with the highest
 * mean silhouette; among ks within SILHOUETTE_TIE of the best, the inertia elbow wins if it is one of
 * them, else the smallest. Returns the choice and every fitted model so the caller need not refit.
 */
export function chooseK(x: Matrix, options: ChooseKOptions = {}): { choice: KChoice; models: Map<number, FittedKMeans> } {
  const { kMin = 2, silhouetteSampleSize = EXACT_SILHOUETTE_LIMIT, ...kmeans } = options;
  const kMax = Math.min(options.kMax ?? 10, x.rows - 1);
  if (!Number.isInteger(kMin) || kMin < 2 || kMax < kMin) {
    throw new InputError('choose-k-range', `Cannot search k from ${kMin} to ${kMax} on ${x.rows} rows`, 'Use kMin >= 2 and at least kMin + 1 rows');
  }
  const models = new Map<number, FittedKMeans>();
  const candidates: KCandidate[] = [];
  let rows = 0;
  let sampled = false;
  const scored: number[] = [];
  for (let k = kMin; k <= kMax; k++) {
    const model = new KMeans({ ...kmeans, k }).fit(x);
    models.set(k, model);
    if (new Set(model.labels).size >= 2) scored.push(k);
    candidates.push({ k, inertia: model.inertia, silhouette: -1 });
  }
  // All ks' silhouettes in one pass over the row pairs.
  const scores = silhouetteScores(x, scored.map((k) => (models.get(k) as FittedKMeans).labels), { sampleSize: silhouetteSampleSize, seed: kmeans.seed });
  scored.forEach((k, i) => {
    (candidates.find((c) => c.k === k) as KCandidate).silhouette = scores[i].score;
    rows = scores[i].rows;
    sampled = scores[i].sampled;
  });
  const elbowK = elbow(candidates.map((c) => c.k), candidates.map((c) => c.inertia));
  const best = candidates.reduce((a, b) => (b.silhouette > a.silhouette ? b : a));
  const tied = candidates.filter((c) => c.silhouette >= best.silhouette - SILHOUETTE_TIE);
  const chosen = tied.find((c) => c.k === elbowK) ?? tied[0];
  return {
    choice: { k: chosen.k, reason: explain(chosen, best, elbowK, candidates), elbowK, silhouetteK: best.k, candidates, silhouetteRows: rows, silhouetteSampled: sampled },
    models,
  };
}

/**
 * Knee of a decreasing curve as the point farthest below the straight line joining its ends, after
 * scaling both axes to [0, 1] (the peak of Kneedle's difference curve, without its sensitivity
 * threshold). Null when no interior point lies below the chord.
 */
export function elbow(ks: number[], inertias: number[]): number | null {
  if (ks.length < 3) return null;
  const k0 = ks[0];
  const kSpan = ks[ks.length - 1] - k0;
  const hi = Math.max(...inertias);
  const lo = Math.min(...inertias);
  if (!(hi > lo)) return null;
  let best: number | null = null;
  let bestGap = 1e-9;
  for (let i = 1; i < ks.length - 1; i++) {
    const xn = (ks[i] - k0) / kSpan;
    const yn = (inertias[i] - lo) / (hi - lo);
    const chord = 1 + ((inertias[ks.length - 1] - lo) / (hi - lo) - 1) * xn;
    const gap = chord - yn;
    if (gap > bestGap) {
      bestGap = gap;
      best = ks[i];
    }
  }
  return best;
}

function explain(chosen: KCandidate, best: KCandidate, elbowK: number | null, all: KCandidate[]): string {
  const s = (c: KCandidate): string => c.silhouette.toFixed(2);
  const elbowText = elbowK === null ? 'the inertia curve has no clear elbow' : `the inertia curve bends at k = ${elbowK}`;
  if (chosen.k === best.k) {
    if (elbowK === chosen.k) return `k = ${chosen.k} has the highest mean silhouette (${s(chosen)}) and is where the inertia curve bends.`;
    const e = all.find((c) => c.k === elbowK);
    return `k = ${chosen.k} has the highest mean silhouette (${s(chosen)}); ${elbowText}${e ? `, but its silhouette is lower (${s(e)})` : ''}.`;
  }
  const why = chosen.k === elbowK ? 'is where the inertia curve bends' : 'is the simplest of the near-ties';
  return `k = ${chosen.k} is within ${SILHOUETTE_TIE} of the best mean silhouette (${s(chosen)} vs ${s(best)} at k = ${best.k}) and ${why}.`;
}
