/**
 * Worker-thread entry of startSegmentation: segments the table it is given and posts the result, or the
 * error as data (its class, code, message and hint), since an Error loses its class crossing threads.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ClienteleError } from '../errors.js';
import type { Table } from '../data/table.js';
import { segmentCustomers, type SegmentOptions } from './segment.js';

const { table, options } = workerData as { table: Table; options: SegmentOptions };
try {
  parentPort?.postMessage({ ok: true, result: segmentCustomers(table, options) });
} catch (err) {
  const e = err as Error;
  parentPort?.postMessage({
    ok: false,
    error: { kind: e?.name, code: err instanceof ClienteleError ? err.code : undefined, message: e?.message ?? String(err), hint: err instanceof ClienteleError ? err.hint : undefined, stack: e?.stack },
  });
}
