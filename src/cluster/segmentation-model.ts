import { ModelError } from '../errors.js';
import type { Table } from '../data/table.js';
import { applyDesign, type DesignTransform } from '../features/design.js';
import { checkModelJSON, modelJSON, type ModelJSON } from '../models/estimator.js';
import { designInputs } from '../predict/predictor-model.js';
import type { CustomerInput, Scorer, ScorerInputs, ScoreTable } from '../scoring/contract.js';
import { FittedKMeans } from './kmeans.js';
import { featureBlocks } from './separation.js';
import { clipBounds, restandardise } from './two-stage.js';

export const SEGMENTATION_KIND = 'segmentation';

export interface SegmentScores {
  segment: Int32Array;
  /** Segment name per row. */
  name: string[];
  /** Sub-segment per row (-1 outside the reclustered segment, or when there was no second stage). */
  subsegment: Int32Array;
}

export interface SavedSegmentation {
  design: DesignTransform;
  k: number;
  centers: number[];
  names: string[];
  recluster: { parent: number; k: number; center: number[]; scale: number[]; columns?: number[]; clip?: number; centers: number[]; names: string[]; loyal: number } | null;
}

/** Assign new customers (e.g. this week's aggregates) to the segments of a saved segmentation model. */
export function scoreSegments(json: unknown, t: Table): SegmentScores {
  return SegmentationModel.fromJSON(json).assign(t);
}

/** A saved segmentation as `score` and the service use it: the design, the centres and the second stage. */
export class SegmentationModel implements Scorer {
  readonly kind = SEGMENTATION_KIND;
  readonly inputs: ScorerInputs;

  private constructor(
    private readonly json: ModelJSON,
    readonly saved: SavedSegmentation,
  ) {
    this.inputs = { features: designInputs(saved.design), purchases: 'optional' };
  }

  static fromJSON(json: unknown): SegmentationModel {
    const j = checkModelJSON(json, SEGMENTATION_KIND);
    const saved = j.params as unknown as SavedSegmentation;
    const d = saved.design as DesignTransform | undefined;
    if (!d || !Array.isArray(d.steps) || !Array.isArray(saved.centers) || !Array.isArray(saved.names) || saved.names.length !== saved.k || saved.centers.length !== saved.k * d.featureNames.length) {
      throw new ModelError('model-corrupt', 'Saved segmentation model is incomplete', 'Re-run the segmentation and save it again');
    }
    return new SegmentationModel(j, saved);
  }

  toJSON(): ModelJSON {
    return structuredClone(this.json);
  }

  score(input: CustomerInput): ScoreTable {
    const s = this.assign(input.features);
    const subNames = this.saved.recluster?.names;
    return {
      names: ['segment_id', 'segment', 'subsegment_id', 'subsegment'],
      columns: [Array.from(s.segment), s.name, Array.from(s.subsegment, (v) => (v < 0 ? null : v)), Array.from(s.subsegment, (v) => (v < 0 || !subNames ? null : subNames[v]))],
      notes: {},
    };
  }

  assign(t: Table): SegmentScores {
    const saved = this.saved;
    const x = applyDesign(saved.design, t);
    const stage1 = loadCenters(saved.k, x.cols, saved.centers);
    const segment = stage1.predict(x);
    const subsegment = new Int32Array(t.rows).fill(-1);
    const r = saved.recluster;
    if (r) {
      const index: number[] = [];
      for (let i = 0; i < t.rows; i++) if (segment[i] === r.parent) index.push(i);
      if (index.length > 0) {
        const rows = new Float64Array(index.length * x.cols);
        index.forEach((row, q) => rows.set(x.data.subarray(row * x.cols, (row + 1) * x.cols), q * x.cols));
        const sub = restandardise({ rows: index.length, cols: x.cols, data: rows }, r.center, r.scale, r.columns, r.clip === undefined ? undefined : clipBounds(featureBlocks(saved.design), r.clip));
        const labels = loadCenters(r.k, sub.cols, r.centers).predict(sub);
        index.forEach((row, q) => (subsegment[row] = labels[q]));
      }
    }
    return { segment, name: Array.from(segment, (c) => saved.names[c]), subsegment };
  }
}

function loadCenters(k: number, cols: number, centers: number[]): FittedKMeans {
  return FittedKMeans.fromJSON(modelJSON('kmeans', { k, dimensions: cols, centers }));
}
