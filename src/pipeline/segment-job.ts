import type { Table } from '../data/table.js';
import { ClienteleError, InputError, ModelError } from '../errors.js';
import { segmentCustomers, type SegmentOptions, type SegmentationResult } from '../cluster/index.js';
import { SegmentationModel } from '../cluster/segmentation-model.js';
import { segmentRules } from '../cluster/segment-rules.js';
import type { ModelJSON } from '../models/estimator.js';

/** Everything the segments stage computes from the customer table: plain data, so it can cross a thread. */
export interface SegmentJob {
  result: SegmentationResult;
  rules: { json: ModelJSON; text: string; agreement: number };
  /** Customers the saved design and centres place elsewhere than the fit did (0 when the saved model is faithful). */
  mismatched: number;
}

/** The segmentation, its depth-3 rules and the check that the saved model re-places every customer. */
export function runSegmentJob(t: Table, options: SegmentOptions): SegmentJob {
  const result = segmentCustomers(t, options);
  const names = result.profiles.map((p) => p.name);
  const sub = result.recluster;
  const segmentation = SegmentationModel.fromJSON(result.model);
  const rules = segmentRules(t, segmentation.saved.design, Int32Array.from(result.labels), names, 42);
  const again = segmentation.assign(t);
  let mismatched = 0;
  for (let i = 0; i < t.rows; i++) if (again.segment[i] !== result.labels[i] || (sub && again.subsegment[i] !== sub.labels[i])) mismatched++;
  return { result, rules: { json: rules.model.toJSON(), text: rules.text, agreement: rules.agreement }, mismatched };
}

/** How a job's failure crosses the thread: a clientele error keeps its class, code and hint. */
export type JobFailure = { kind: 'input' | 'model' | 'clientele'; code: string; message: string; hint?: string } | { kind: 'bug'; message: string; stack?: string };

export function describeFailure(err: unknown): JobFailure {
  if (err instanceof ClienteleError) {
    return { kind: err instanceof InputError ? 'input' : err instanceof ModelError ? 'model' : 'clientele', code: err.code, message: err.message, hint: err.hint };
  }
  const e = err instanceof Error ? err : new Error(String(err));
  return { kind: 'bug', message: e.message, stack: e.stack };
}

export function rethrow(f: JobFailure): never {
  if (f.kind === 'bug') {
    const e = new Error(`segmentation thread: ${f.message}`);
    if (f.stack) e.stack = f.stack;
    throw e;
  }
  throw f.kind === 'input' ? new InputError(f.code, f.message, f.hint) : f.kind === 'model' ? new ModelError(f.code, f.message, f.hint) : new ClienteleError(f.code, f.message, f.hint);
}

