/**
 * Worker-thread entry of startSegmentation: loads the segmentation code, then segments the one table it
 * is sent and posts the result, or the error as data (class, code, message, hint), since an Error loses
 * its class crossing threads. Started early (prewarmSegmentation), it has its modules loaded by then.
 */
import { parentPort } from 'node:worker_threads';
import { ClienteleError } from '../errors.js';
import type { Table } from '../data/table.js';
import { segmentCustomers, type SegmentOptions } from './segment.js';

parentPort?.once('message', ({ table, options }: { table: Table; options: SegmentOptions }) => {
  try {
    parentPort?.postMessage({ ok: true, result: segmentCustomers(table, options) });
  } catch (err) {
    const e = err as Error;
    const clientele = err instanceof ClienteleError;
    parentPort?.postMessage({ ok: false, error: { kind: e?.name, code: clientele ? err.code : undefined, message: e?.message ?? String(err), hint: clientele ? err.hint : undefined, stack: e?.stack } });
  }
  parentPort?.close();
});
