/**
 * Segmentation on a worker thread, so that an analysis computes its cohorts and fits its CLV models on
 * the main thread meanwhile: both are single-threaded JavaScript, and the machine's other core would
 * otherwise be idle during them. The result is the one segmentCustomers gives on the calling thread (the
 * same code on the same input). From the TypeScript sources (as under the test runner) there is no
 * compiled worker entry; the segmentation then runs on the calling thread when its result is asked for.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ClienteleError, InputError, ModelError } from '../errors.js';
import type { Table } from '../data/table.js';
import { segmentCustomers, type SegmentOptions, type SegmentationResult } from './segment.js';

export interface PendingSegmentation {
  result(): Promise<SegmentationResult>;
  /** Stop the work (when the analysis it belongs to failed); result() then rejects. */
  cancel(): void;
}

interface WorkerReply {
  ok: boolean;
  result?: SegmentationResult;
  error?: { kind?: string; code?: string; message: string; hint?: string; stack?: string };
}

const ENTRY = new URL('./segment-worker.js', import.meta.url);
const compiled = import.meta.url.endsWith('.js') && existsSync(fileURLToPath(ENTRY));

/** A worker started before its table exists, loading its modules meanwhile; used by the next startSegmentation. */
let warm: Worker | null = null;

/**
 * Start the worker now, so that loading its code overlaps the work before segmentation (reading and
 * cleaning the file). It does not keep the process alive; without a startSegmentation it is ended at exit.
 */
export function prewarmSegmentation(): void {
  if (!compiled || warm) return;
  warm = new Worker(ENTRY);
  warm.unref();
  // A failure to start shows when the work is sent; until then it must not be an unhandled error.
  warm.on('error', () => {});
}

/**
 * `transfer` hands the table's arrays to the worker instead of copying them (a table of a million
 * customers is ~100 MB): the caller must not read them afterwards.
 */
export function startSegmentation(t: Table, options: SegmentOptions = {}, { transfer = false }: { transfer?: boolean } = {}): PendingSegmentation {
  if (!compiled) return { result: async () => segmentCustomers(t, options), cancel: () => {} };
  const worker = warm ?? new Worker(ENTRY);
  warm = null;
  worker.ref();
  const done = new Promise<SegmentationResult>((resolve, reject) => {
    let replied = false;
    worker.once('message', (m: WorkerReply) => {
      replied = true;
      if (m.ok && m.result) resolve(m.result);
      else reject(rebuild(m.error ?? { message: 'segmentation worker sent no result' }));
    });
    worker.once('error', (err) => {
      replied = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!replied) reject(new Error(`segmentation worker exited with code ${code} before answering`));
    });
  });
  worker.postMessage({ table: t, options }, transfer ? columnBuffers(t) : []);
  // Awaited later (after the work it overlaps); until then a failure must not count as unhandled.
  done.catch(() => {});
  return { result: () => done, cancel: () => void worker.terminate() };
}

function columnBuffers(t: Table): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const c of t.columns) {
    const b = (c.kind === 'category' ? c.codes : c.values).buffer;
    if (b instanceof ArrayBuffer) out.add(b);
  }
  return [...out];
}

function rebuild(e: NonNullable<WorkerReply['error']>): Error {
  const err =
    e.kind === 'InputError' ? new InputError(e.code ?? 'segment', e.message, e.hint)
    : e.kind === 'ModelError' ? new ModelError(e.code ?? 'segment', e.message, e.hint)
    : e.kind === 'ClienteleError' ? new ClienteleError(e.code ?? 'segment', e.message, e.hint)
    : new Error(e.message);
  if (e.stack) err.stack = e.stack;
  return err;
}
