/**
 * Gzip inputs decompressed to a temporary file. DuckDB reads a gzip file on one thread; decompressed first (by
 * zlib, streaming, on a worker thread) the same text is parsed on all cores, which is faster end to end.
 *
 * The CLI starts the decompression of its file arguments before its own modules load (prefetchPlainText), so the
 * two overlap; the loader then claims the finished file instead of decompressing again. Only node: modules are
 * imported here, for that reason.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';

/** Why a decompression failed: the loader turns each into its own one-line input error. */
export class PlainTextError extends Error {
  constructor(readonly reason: 'no-space' | 'corrupt-gzip') {
    super(reason);
  }
}

interface Pending {
  /** Identity of the file when decompression started: a file changed since is decompressed again. */
  stamp: string;
  dir: string;
  done: Promise<string>;
  stop: () => void;
}

const prefetched = new Map<string, Pending>();

function stampOf(path: string): string | null {
  try {
    const st = statSync(path);
    return st.isFile() ? `${st.size}:${st.mtimeMs}:${st.ino}` : null;
  } catch {
    return null;
  }
}

function isGzip(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const b = Buffer.alloc(2);
    return readSync(fd, b, 0, 2, 0) === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The streaming decompression, as the source of a worker's script (it needs only node: modules). */
const GUNZIP = `
const { createReadStream, createWriteStream } = require('node:fs');
const { pipeline } = require('node:stream/promises');
const { createGunzip } = require('node:zlib');
const { parentPort, workerData } = require('node:worker_threads');
// 1 MB chunks: with the 64 kB defaults the stream overhead triples the decompression time.
const chunk = 1 << 20;
pipeline(createReadStream(workerData.from, { highWaterMark: chunk }), createGunzip({ chunkSize: chunk }), createWriteStream(workerData.to, { highWaterMark: 4 * chunk }))
  .then(() => parentPort.postMessage(null), (err) => parentPort.postMessage(err.code === 'ENOSPC' ? 'no-space' : 'corrupt-gzip'));
`;

/**
 * Decompress on a worker thread of its own: on the main thread the stream's chunks wait for every synchronous step
 * (module loading, a query's result conversion) before moving on.
 */
function decompress(path: string): { dir: string; done: Promise<string>; stop: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'clientele-gunzip-'));
  const plain = join(dir, 'data.txt');
  const worker = new Worker(GUNZIP, { eval: true, workerData: { from: path, to: plain } });
  const done = new Promise<string>((ok, fail) => {
    worker.once('message', (failure: PlainTextError['reason'] | null) => (failure ? fail(new PlainTextError(failure)) : ok(plain)));
    worker.once('error', () => fail(new PlainTextError('corrupt-gzip')));
    worker.once('exit', () => fail(new PlainTextError('corrupt-gzip')));
  });
  return { dir, done, stop: () => void worker.terminate() };
}

let exitHook = false;

/**
 * Start decompressing `path` if it is a gzip file, for a later withPlainText on the same file. Anything else (a
 * missing file, a directory, plain text) is left for the loader to judge. A file nobody claims is removed at exit.
 */
export function prefetchPlainText(path: string): void {
  const key = resolve(path);
  if (prefetched.has(key) || !isGzip(key)) return;
  const stamp = stampOf(key);
  if (stamp === null) return;
  const { dir, done, stop } = decompress(key);
  // Held for the claimant; a failure nobody claims is not an error of the run.
  done.catch(() => undefined);
  prefetched.set(key, { stamp, dir, done, stop });
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const p of prefetched.values()) rmSync(p.dir, { recursive: true, force: true });
    });
  }
}

/**
 * Stop and remove every prefetched file nobody claimed (the command ended first, e.g. on a usage error): a thread
 * still decompressing would otherwise keep the process running until it finished.
 */
export function dropPrefetched(): void {
  for (const p of prefetched.values()) {
    p.stop();
    rmSync(p.dir, { recursive: true, force: true });
  }
  prefetched.clear();
}

/**
 * Run `read` on the decompressed text of a gzip file (a prefetched one when it matches, else decompressed now);
 * the temporary file is removed when `read` settles. Throws PlainTextError when the file cannot be decompressed.
 */
export async function withPlainText<T>(path: string, read: (plain: string) => Promise<T>): Promise<T> {
  const key = resolve(path);
  let p = prefetched.get(key);
  prefetched.delete(key);
  if (p && p.stamp !== stampOf(key)) {
    const stale = p;
    await stale.done.catch(() => undefined);
    rmSync(stale.dir, { recursive: true, force: true });
    p = undefined;
  }
  const { dir, done } = p ?? decompress(key);
  try {
    return await read(await done);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
