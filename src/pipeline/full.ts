import type { Analysis } from './analyze.js';
import type { Extension } from './artifacts.js';
import { clvStage, driversStage, optionalStage, orderLogFeatureTable, segmentationOptions, startSegmentStage, type ClvStageOptions } from './stages.js';
import { startSegmentation, type PendingSegmentation } from '../cluster/background.js';
import type { QueryResult } from '../engine/engine.js';
import type { SegmentOptions } from '../cluster/index.js';
import { SMALL } from './analyze.js';

/** A stage the data are too small for: one callout saying why, and the reason in summary.json. */
export function skippedStage(name: string, reason: string): Extension {
  return {
    sections: [{ id: name.toLowerCase().replace(/\W+/g, '-'), title: name, findings: [], blocks: [{ kind: 'callout', level: 'info', text: `${name} skipped: ${reason}.` }] }],
    summary: { skipped: { [name]: reason } },
  };
}

export interface FullOptions {
  clv?: false | ClvStageOptions;
  segments?: false | SegmentOptions;
  drivers?: boolean;
  onStage?: (stage: string) => void;
  /** The segmentation already begun from the customer features (see startSegmentsEarly). */
  segmentsStarted?: Promise<PendingSegmentation | undefined>;
}

/** The options the Segments stage runs with. */
function laterSegmentOptions(segments: SegmentOptions | undefined): SegmentOptions {
  return { recluster: true, ...(segments || {}) };
}

/**
 * Begin an order log's segmentation from its customer features, before the core analysis has finished
 * (for AnalyzeOptions.onCustomers); pass the result as FullOptions.segmentsStarted.
 */
export function startSegmentsEarly(customers: QueryResult, segments: SegmentOptions | undefined): PendingSegmentation | undefined {
  if (customers.rows < SMALL) return undefined;
  return startSegmentation(orderLogFeatureTable(customers), segmentationOptions(laterSegmentOptions(segments)), { transfer: true });
}

/**
 * The later stages `analyze` adds to the core analysis, each optional and each able to fail on its own
 * data problem without losing the rest of the report: CLV (order logs), segmentation, drivers.
 */
export async function extendAnalysis(a: Analysis, options: FullOptions = {}): Promise<Extension[]> {
  const stage = options.onStage ?? (() => {});
  const out: Extension[] = [];
  const segmentsWanted = options.segments !== false && a.customers.rows >= SMALL;
  // Segmentation runs on a worker thread while CLV fits on this one; its section still comes after CLV's.
  const started = segmentsWanted ? await options.segmentsStarted : undefined;
  const segments = segmentsWanted ? startSegmentStage(a, laterSegmentOptions(options.segments || undefined), started) : null;
  segments?.catch(() => {});
  if (options.clv !== false && a.detection.shape === 'order-log') {
    stage('lifetime value');
    const clvOptions = options.clv || {};
    out.push(await optionalStage('Customer lifetime value', async () => (await clvStage(a, clvOptions)).extension));
  }
  if (options.segments !== false && !segments) {
    out.push(skippedStage('Segments', `only ${a.customers.rows} customers; k-means segments need at least ${SMALL}`));
  } else if (segments) {
    stage('segmentation');
    out.push(await optionalStage('Segments', async () => (await (await segments).finish()).extension));
  }
  if (options.drivers !== false) {
    const outcome = driversOutcome(a);
    if (outcome) {
      stage('drivers');
      out.push(await optionalStage('Drivers', async () => (await driversStage(a, { outcome })).extension));
    }
  }
  return out;
}

/** What the drivers scan explains by default: a customer table's spend, or an order log's line amount when lines carry categories. */
function driversOutcome(a: Analysis): string | undefined {
  const r = a.detection.roles;
  if (a.detection.shape === 'customer-table') return r.spend ?? r.amount;
  if (r.amount && (r.category || r.membership || r.gender)) return r.amount;
  return undefined;
}
