import { InputError, ModelError } from '../errors.js';
import { takeRows, type Matrix } from '../data/matrix.js';
import type { Table } from '../data/table.js';
import { applyDesign, fitDesign, type Design, type DesignOptions, type DesignTransform, type Exclusion } from '../features/design.js';
import { checkModelJSON, modelJSON, type ModelJSON } from '../models/estimator.js';
import { Random } from '../random.js';
import { chooseK, type KChoice } from './choose-k.js';
import { FittedKMeans, KMeans } from './kmeans.js';
import { pca2 } from './pca.js';
import { profileSegments, type SegmentNames, type SegmentProfile } from './profile.js';
import { featureBlocks, NO_SEPARATION_ETA2, numericColumns, screenColumns, selectBlocks, separationShares, type Separation } from './separation.js';
import { silhouetteScore } from './silhouette.js';
import { PARENT_CLIP, reclusterSegment, type Recluster } from './two-stage.js';
import { designInputs } from '../predict/predictor-model.js';
export { scoreSegments, SegmentationModel, type SegmentScores } from './segmentation-model.js';

export interface SegmentOptions {
  /** Number of segments, or 'auto' (default) to choose from 2..kMax by silhouette (see chooseK). */
  k?: number | 'auto';
  kMax?: number;
  seed?: number;
  scaling?: DesignOptions['scaling'];
  /** Column selection and log1p choice for the design matrix. */
  design?: Omit<DesignOptions, 'scaling'>;
  /** Names replacing the generated ones: one per segment in segment order, or some segments by index ({ 2: 'Loyal' }). */
  names?: SegmentNames;
  /** Recluster the top segment (true), a named segment, or the segment with the highest mean of a named column. */
  recluster?: boolean | string;
  nInit?: number;
  algorithm?: 'lloyd' | 'elkan';
  /**
   * Rows above which k is searched and the centres fitted on a seeded sample of this many rows, every
   * row then assigned to its nearest centre (default K_SEARCH_ROWS); the second stage likewise.
   */
  kSearchRows?: number;
}

/**
 * Above this many rows, k is searched and the centres fitted on a seeded sample of this size, and every
 * row is assigned to its nearest centre: with a million customers, refitting on every row costs
 * minutes (ten restarts of Lloyd's passes over all rows) and moves the centres by sampling noise only.
 */
export const K_SEARCH_ROWS = 50_000;

/** k-means restarts (default) when the fits run on the K_SEARCH_ROWS sample; 10 otherwise, as scikit-learn. */
export const SAMPLED_N_INIT = 3;

/** At most this many rows are drawn (seeded) into the PCA scatter, to keep reports small. */
export const SCATTER_POINTS = 2000;

export interface SegmentationResult {
  rows: number;
  k: number;
  kSelection: 'auto' | 'fixed';
  /** Why this k, as one sentence. */
  reason: string;
  choice: KChoice | null;
  inertia: number;
  silhouette: number | null;
  silhouetteSampled: boolean;
  /** Rows the centres were fitted on: all rows, or the seeded sample (every row is still assigned). */
  fitRows: number;
  features: string[];
  designNotes: string[];
  /** Columns left out of the clustering, each with its reason. */
  excluded: Exclusion[];
  /** Each clustered column's share of the separation between the segments. */
  separation: Separation[];
  /** Segment per input row. */
  labels: number[];
  profiles: SegmentProfile[];
  projection: { explained: [number, number]; points: { row: number; x: number; y: number; segment: number }[] };
  recluster: {
    parent: number;
    parentName: string;
    rankedBy: string | null;
    loyaltyBy: string;
    k: number;
    reason: string;
    choice: KChoice;
    /** Sub-segment per row, -1 outside the parent segment. */
    labels: number[];
    profiles: SegmentProfile[];
    loyal: number;
    /** Columns left out inside the parent because they separate nothing there. */
    dropped: string[];
    /** Parent rows the second stage was fitted on (all, or a seeded sample; every parent row is assigned). */
    fitRows: number;
  } | null;
  warnings: string[];
  /** Saved model: design transform and centres; `scoreSegments(model, table)` applies it to new customers. */
  model: ModelJSON;
}

/** `segmentCustomers(table, { k: 'auto', seed: 1, recluster: true })`: the whole segmentation, JSON-serialisable. */
export function segmentCustomers(t: Table, options: SegmentOptions = {}): SegmentationResult {
  const { k = 'auto', seed = 42, scaling = 'standard', algorithm = 'lloyd' } = options;
  // A sample of K_SEARCH_ROWS rows seeds k-means++ consistently: fewer restarts find the same optimum there.
  const nInit = options.nInit ?? (t.rows > (options.kSearchRows ?? K_SEARCH_ROWS) ? SAMPLED_N_INIT : 10);
  const kmeansOptions = { seed, nInit, algorithm };
  if (k !== 'auto' && (!Number.isInteger(k) || k < 1)) throw new InputError('segment-k', `k must be "auto" or a whole number of at least 1, got ${k}`);
  const design = segmentationDesign(t, options.design ?? {}, scaling);
  const fit = fitSegments(design, k, options, kmeansOptions);
  const x = design.matrix;
  const { model, choice, reason, silhouette, silhouetteSampled, fitRows } = fit;
  const profiles = profileSegments(t, design.transform, model.labels, model.k, options.names);
  const separation = separationShares(x, model.labels, model.k, featureBlocks(design.transform));
  // Such a column agreed with another, but not along these segments. It stays: a second stage may
  // need it (the loyal core can differ in a column the first-stage segments do not).
  const idle = separation.filter((c) => c.eta2 < NO_SEPARATION_ETA2).map((c) => `${c.column}: only ${(100 * c.eta2).toFixed(1)}% of its variance lies between the segments`);

  const warnings = [...model.warnings];
  let recluster: Recluster | null = null;
  if (options.recluster) {
    try {
      recluster = reclusterSegment(t, x, design.transform, model.labels, profiles, options.recluster, { ...kmeansOptions, seed: seed + 1 }, options.kSearchRows ?? K_SEARCH_ROWS);
    } catch (err) {
      // A top segment too small to split is a finding about the data, not a reason to lose the segmentation.
      if (!(err instanceof InputError && err.code === 'recluster-too-small')) throw err;
      warnings.push(`${err.message}; the second stage was skipped`);
    }
  }

  const projection = scatter(x, model.labels, seed);
  const saved = modelJSON(
    'segmentation',
    {
      design: design.transform,
      k: model.k,
      centers: Array.from(model.centers.data),
      names: profiles.map((p) => p.name),
      recluster: recluster && {
        parent: recluster.parent,
        k: recluster.k,
        center: Array.from(recluster.center),
        scale: Array.from(recluster.scale),
        columns: recluster.columns,
        clip: PARENT_CLIP,
        centers: Array.from(recluster.centers.data),
        names: recluster.profiles.map((p) => p.name),
        loyal: recluster.loyal,
      },
    },
    { features: designInputs(design.transform), diagnostics: { inertia: model.inertia, silhouette, seed } },
  );
  return {
    rows: t.rows,
    k: model.k,
    kSelection: k === 'auto' ? 'auto' : 'fixed',
    reason,
    choice,
    inertia: model.inertia,
    silhouette,
    silhouetteSampled,
    fitRows,
    features: design.featureNames,
    designNotes: [...design.notes, ...idle],
    excluded: design.excluded,
    separation,
    labels: Array.from(model.labels),
    profiles,
    projection,
    recluster: recluster && {
      parent: recluster.parent,
      parentName: recluster.parentName,
      rankedBy: recluster.rankedBy,
      loyaltyBy: recluster.loyaltyBy,
      k: recluster.k,
      reason: recluster.choice.reason,
      choice: recluster.choice,
      labels: Array.from(recluster.labels),
      profiles: recluster.profiles,
      loyal: recluster.loyal,
      dropped: recluster.dropped,
      fitRows: recluster.fitRows,
    },
    warnings,
    model: saved,
  };
}

/**
 * The design for clustering: columns that cannot describe behaviour are skipped, a categorical
 * column weighs as one feature, and (unless the user chose the columns) columns that separate
 * nothing the other columns agree on are dropped, so noise cannot make segments of its own.
 */
export function segmentationDesign(t: Table, options: Omit<DesignOptions, 'scaling'>, scaling: DesignOptions['scaling']): Design {
  const design = fitDesign(t, { strict: true, categoryWeight: 'column', ...options, scaling });
  const blocks = featureBlocks(design.transform);
  if (options.include !== undefined || blocks.length <= 2) return design;
  // Which columns separate anything is a property of the population: above K_SEARCH_ROWS a seeded sample decides it.
  const x = design.matrix;
  const screen = screenColumns(x.rows > K_SEARCH_ROWS ? takeRows(x, sampleRows(x.rows, K_SEARCH_ROWS, 42)) : x, blocks);
  return dropColumns(
    design,
    screen.dropped.map((d) => ({ column: d.column, reason: `separates nothing (no other column's groups hold more than ${(100 * d.eta2).toFixed(1)}% of its variance)` })),
  );
}

interface SegmentFit {
  model: FittedKMeans;
  choice: KChoice | null;
  reason: string;
  silhouette: number | null;
  silhouetteSampled: boolean;
  fitRows: number;
}

/** The first stage: k-means at the user's k, or at the k chooseK picks. */
function fitSegments(design: Design, k: number | 'auto', options: SegmentOptions, kmeansOptions: { seed: number; nInit: number; algorithm: 'lloyd' | 'elkan' }): SegmentFit {
  const x = design.matrix;
  const { seed } = kmeansOptions;
  // Searching nine values of k, or refitting, on every row of a large table costs minutes and changes little.
  const searchRows = options.kSearchRows ?? K_SEARCH_ROWS;
  const sampled = x.rows > searchRows;
  const sample = sampled ? takeRows(x, sampleRows(x.rows, searchRows, seed)) : x;
  const fitRows = sample.rows;
  const onSample = `fitted on a random sample of ${searchRows.toLocaleString('en-US')} customers, every customer assigned to the nearest centre`;
  if (k === 'auto') {
    const auto = chooseK(sample, { ...kmeansOptions, kMax: options.kMax, dequantise: numericColumns(featureBlocks(design.transform)) });
    const choice = auto.choice;
    const fitted = auto.models.get(choice.k)!;
    return {
      model: sampled ? assignAll(x, fitted) : fitted,
      choice,
      reason: sampled ? `${choice.reason.replace(/\.$/, '')} (k searched and the centres ${onSample}).` : choice.reason,
      silhouette: choice.candidates.find((c) => c.k === choice.k)!.silhouette,
      silhouetteSampled: choice.silhouetteSampled || sampled,
      fitRows,
    };
  }
  const fitted = new KMeans({ ...kmeansOptions, k }).fit(sample);
  const model = sampled ? assignAll(x, fitted) : fitted;
  const fit: SegmentFit = { model, choice: null, reason: sampled ? `k = ${k} was set by the user (centres ${onSample}).` : `k = ${k} was set by the user.`, silhouette: null, silhouetteSampled: false, fitRows };
  if (new Set(model.labels).size >= 2 && x.rows > 2) {
    const s = silhouetteScore(x, model.labels, { seed });
    fit.silhouette = s.score;
    fit.silhouetteSampled = s.sampled;
  }
  return fit;
}

/** Every row of `x` assigned to the nearest of `fitted`'s centres, with the inertia over all rows. */
export function assignAll(x: Matrix, fitted: FittedKMeans): FittedKMeans {
  const labels = fitted.predict(x);
  const { cols: d, data: c } = fitted.centers;
  let inertia = 0;
  for (let i = 0; i < x.rows; i++) {
    const ci = labels[i] * d;
    const ri = i * d;
    for (let j = 0; j < d; j++) inertia += (x.data[ri + j] - c[ci + j]) ** 2;
  }
  return new FittedKMeans(fitted.centers, labels, inertia, fitted.iterations, fitted.warnings);
}

/** The design without some columns, each noted with its reason. */
function dropColumns(design: Design, drop: readonly Exclusion[]): Design {
  const gone = new Set(drop.map((d) => d.column));
  const blocks = featureBlocks(design.transform).filter((b) => !gone.has(b.column));
  const steps = design.transform.steps.filter((s) => !gone.has(s.column));
  const featureNames = steps.flatMap((s) => (s.kind === 'number' ? [s.feature] : [...s.features]));
  return {
    matrix: selectBlocks(design.matrix, blocks),
    featureNames,
    transform: { ...design.transform, steps, featureNames },
    notes: [...design.notes, ...drop.map((d) => `${d.column} dropped: ${d.reason}`)],
    excluded: [...design.excluded, ...drop],
  };
}

/** `size` distinct row indices, seeded, in increasing order. */
function sampleRows(rows: number, size: number, seed: number): number[] {
  return new Random(seed).shuffle(Array.from({ length: rows }, (_, i) => i)).slice(0, size).sort((a, b) => a - b);
}


/** PCA scores of a seeded sample of rows (all rows when there are at most SCATTER_POINTS). */
function scatter(x: { rows: number; cols: number; data: Float64Array }, labels: Int32Array, seed: number): SegmentationResult['projection'] {
  const p = pca2(x);
  const rows = x.rows > SCATTER_POINTS ? sampleRows(x.rows, SCATTER_POINTS, seed) : Array.from({ length: x.rows }, (_, i) => i);
  return {
    explained: p.explained,
    points: rows.map((i) => ({ row: i, x: p.scores.data[i * 2], y: p.scores.data[i * 2 + 1], segment: labels[i] })),
  };
}
