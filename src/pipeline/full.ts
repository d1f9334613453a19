import type { Analysis } from './analyze.js';
import type { Extension } from './artifacts.js';
import { clvStage, driversStage, optionalStage, segmentStage, type ClvStageOptions } from './stages.js';
import type { SegmentOptions } from '../cluster/index.js';

export interface FullOptions {
  clv?: false | ClvStageOptions;
  segments?: false | SegmentOptions;
  drivers?: boolean;
  onStage?: (stage: string) => void;
}

/**
 * The later stages `analyze` adds to the core analysis, each optional and each able to fail on its own
 * data problem without losing the rest of the report: CLV (order logs), segmentation, drivers.
 */
export async function extendAnalysis(a: Analysis, options: FullOptions = {}): Promise<Extension[]> {
  const stage = options.onStage ?? (() => {});
  const out: Extension[] = [];
  if (options.clv !== false && a.detection.shape === 'order-log') {
    stage('lifetime value');
    const clvOptions = options.clv || {};
    out.push(await optionalStage('Customer lifetime value', async () => (await clvStage(a, clvOptions)).extension));
  }
  if (options.segments !== false) {
    stage('segmentation');
    const segOptions = options.segments || {};
    out.push(await optionalStage('Segments', async () => (await segmentStage(a, { recluster: true, ...segOptions })).extension));
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
