import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Table } from '../data/table.js';
import type { SegmentOptions } from '../cluster/index.js';
import type { JobFailure, SegmentJob } from './segment-job.js';

/**
 * A worker thread for one segmentation job, started ahead of it: the thread loads the clustering code while the
 * file is read and cleaned, then runs the job beside the CLV fits on the calling thread (k-means and CLV each keep
 * one core busy). The table is copied into the thread (typed arrays and level names, ~100 MB for a million
 * customers). From TypeScript sources the thread loads through tsx, as the tests run; the built package runs plain
 * JavaScript. If the thread cannot start or dies, the job runs on the calling thread: the answer is the same.
 */
export class SegmentThread {
  private used = false;
  /** The thread failed or ended before a job reached it: the job then runs here. */
  private lost = false;
  private constructor(private readonly worker: Worker | null) {
    // Without a listener a thread that fails to start would throw in this process, even if never used.
    worker?.on('error', () => void (this.lost = true));
    worker?.on('exit', () => void (this.lost = true));
  }

  static start(): SegmentThread {
    try {
      return new SegmentThread(import.meta.url.endsWith('.ts') ? sourceWorker() : new Worker(new URL('./segment-worker.js', import.meta.url)));
    } catch {
      return new SegmentThread(null);
    }
  }

  /** Run the job (once per thread); the thread ends with its answer. */
  run(t: Table, options: SegmentOptions): Promise<SegmentJob> {
    if (this.used) throw new Error('a SegmentThread runs one job');
    this.used = true;
    const worker = this.worker;
    if (!worker || this.lost) return inlineJob(t, options);
    return new Promise<SegmentJob>((resolve, reject) => {
      let settled = false;
      const inline = () => {
        if (settled) return;
        settled = true;
        inlineJob(t, options).then(resolve, reject);
      };
      worker.once('message', (m: { ok: true; job: SegmentJob } | { ok: false; failure: JobFailure }) => {
        settled = true;
        void worker.terminate();
        if (m.ok) return resolve(m.job);
        import('./segment-job.js').then((j) => j.rethrow(m.failure)).catch(reject);
      });
      worker.once('error', inline);
      worker.once('exit', inline);
      worker.postMessage({ table: t, options });
    });
  }

  /** End an unused thread (the stage was skipped, or the run failed first). */
  close(): void {
    if (!this.used) void this.worker?.terminate();
    this.used = true;
  }
}

/** Run the job on a thread of its own (started now). */
export function segmentJobInBackground(t: Table, options: SegmentOptions): Promise<SegmentJob> {
  return SegmentThread.start().run(t, options);
}

/** From TypeScript sources (the tests), the thread loads its entry through tsx, resolved from this package. */
function sourceWorker(): Worker {
  const entry = new URL('./segment-worker.ts', import.meta.url).href;
  // tsx's ESM entry, as its package exports name it (a CommonJS require would pick the CommonJS build).
  const pkg = createRequire(import.meta.url).resolve('tsx/package.json');
  const exported = (JSON.parse(readFileSync(pkg, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports['./esm/api'].import.default;
  const api = new URL(exported, pathToFileURL(pkg)).href;
  const code = `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}));`;
  return new Worker(code, { eval: true });
}

/** The job on this thread; the clustering code is loaded only then (on the thread path, only the thread loads it). */
async function inlineJob(t: Table, options: SegmentOptions): Promise<SegmentJob> {
  const { runSegmentJob } = await import('./segment-job.js');
  return runSegmentJob(t, options);
}
