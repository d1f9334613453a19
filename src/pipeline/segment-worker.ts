/** Worker-thread entry of SegmentThread (segment-thread.ts): waits for its one job, answers, and ends. */
import { parentPort } from 'node:worker_threads';
import type { Table } from '../data/table.js';
import type { SegmentOptions } from '../cluster/index.js';
import { describeFailure, runSegmentJob } from './segment-job.js';

parentPort?.once('message', ({ table, options }: { table: Table; options: SegmentOptions }) => {
  try {
    parentPort?.postMessage({ ok: true, job: runSegmentJob(table, options) });
  } catch (err) {
    parentPort?.postMessage({ ok: false, failure: describeFailure(err) });
  }
});
