import type { Analysis } from './analyze.js';
import type { Extension } from './artifacts.js';
import { clvStage, customerFeatureTable, driversStage, optionalStage, segmentTable, type ClvData, type ClvStageOptions } from './stages.js';
import { SegmentThread } from './segment-thread.js';
import { ClienteleError } from '../errors.js';
import type { Table } from '../data/table.js';
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
  /** Run the segmentation on a worker thread while CLV fits on this one (default true); the answer is the same. */
  background?: boolean;
  onStage?: (stage: string) => void;
}

/**
 * The later stages `analyze` adds to the core analysis, each optional and each able to fail on its own
 * data problem without losing the rest of the report: CLV (order logs), segmentation, drivers. The
 * segmentation starts first, on a second thread, and the CLV fits run here meanwhile; the extensions come
 * back in the order CLV, segments, drivers whichever finishes first.
 */
export async function extendAnalysis(a: Analysis, options: FullOptions & { thread?: SegmentThread } = {}): Promise<Extension[]> {
  // A thread the caller started ahead (analyzeWithLater, before it knew the file's shape) is used; else one starts now.
  const thread = (options.background ?? true) && options.segments !== false && a.customers.rows >= SMALL ? (options.thread ?? SegmentThread.start()) : undefined;
  try {
    const segments = segmentsExtension(a, { ...options, thread, onStage: thread ? undefined : options.onStage });
    // Its failure is awaited below; until then it must not count as unhandled.
    segments.catch(() => {});
    const clv = await clvExtension(a, options);
    if (thread) options.onStage?.('segmentation');
    const out = [clv, await segments, await driversExtension(a, options)];
    return out.filter((e): e is Extension => e !== undefined);
  } finally {
    thread?.close();
  }
}

/** CLV on the purchase days of an order log (the days come from the engine; the models fit here). */
export async function clvExtension(a: Analysis, options: FullOptions = {}, data?: ClvData | ClienteleError): Promise<Extension | undefined> {
  if (options.clv === false || a.detection.shape !== 'order-log') return undefined;
  options.onStage?.('lifetime value');
  // The analysis reads the chosen model's predictions and the P(alive) model's, never the other models'.
  const clvOptions: ClvStageOptions = { observationEnd: a.asOf ?? undefined, predictions: 'used', ...(options.clv || {}) };
  return optionalStage('Customer lifetime value', async () => {
    if (data instanceof ClienteleError) throw data;
    return (await clvStage(a, clvOptions, data)).extension;
  });
}

/** k-means on the per-customer rows (from any engine), on `thread` when given. */
export async function segmentsExtension(a: Analysis, options: FullOptions & { thread?: SegmentThread } = {}): Promise<Extension | undefined> {
  if (options.segments === false) return undefined;
  return segmentsOf(await customerFeatureTable(a), options);
}

/** The segments stage on a customer feature table: skipped below SMALL customers, a data problem becomes a note. */
export async function segmentsOf(t: Table, options: FullOptions & { thread?: SegmentThread } = {}): Promise<Extension | undefined> {
  if (options.segments === false) return undefined;
  if (t.rows < SMALL) return skippedStage('Segments', `only ${t.rows} customers; k-means segments need at least ${SMALL}`);
  options.onStage?.('segmentation');
  const segOptions = options.segments || {};
  return optionalStage('Segments', async () => (await segmentTable(t, { recluster: true, ...segOptions, thread: options.thread })).extension);
}

/** The drivers scan reads line rows, which stay in a warehouse: it runs on files only. */
export async function driversExtension(a: Analysis, options: FullOptions = {}): Promise<Extension | undefined> {
  if (options.drivers === false) return undefined;
  const outcome = driversOutcome(a);
  if (!outcome) return undefined;
  if (a.engine.dialect !== 'duckdb') return skippedStage('Drivers', `the drivers scan tests line rows, which are not pulled out of ${a.engine.dialect}; run it on an export`);
  options.onStage?.('drivers');
  return optionalStage('Drivers', async () => (await driversStage(a, { outcome })).extension);
}

/** What the drivers scan explains by default: a customer table's spend, or an order log's line amount when lines carry categories. */
function driversOutcome(a: Analysis): string | undefined {
  const r = a.detection.roles;
  if (a.detection.shape === 'customer-table') return r.spend ?? r.amount;
  if (r.amount && (r.category || r.membership || r.gender)) return r.amount;
  return undefined;
}
