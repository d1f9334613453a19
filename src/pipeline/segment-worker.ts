/** Worker-thread entry of SegmentThread (segment-thread.ts): waits for its one job, answers, and ends. */
import { parentPort } from 'node:worker_threads';
import type { Table } from '../data/table.js';
import type { SegmentOptions } from '../cluster/index.js';
import { describeFailure, runSegmentJob } from './segment-job.js';

// The first ArrayBuffer a thread detaches (here the k-means arena's WebAssembly memory, when it grows) discards all
// the thread's optimised code that reads typed arrays: on Online Retail 17 functions of the design and the column
// screen, compiled again later. One detached now, before anything is optimised, costs nothing.
const spent = new ArrayBuffer(0);
structuredClone(spent, { transfer: [spent] });

parentPort?.once('message', ({ table, options }: { table: Table; options: SegmentOptions }) => {
  try {
    parentPort?.postMessage({ ok: true, job: runSegmentJob(table, options) });
  } catch (err) {
    parentPort?.postMessage({ ok: false, failure: describeFailure(err) });
  }
});
