/**
 * k-means, k = 8 on 1,000,000 x 8, against scikit-learn's KMeans (lloyd, same n_init) on the same data,
 * written once to a temporary binary file both sides read. Times cover the fit only; each side reports
 * the median of `repeats` fits (the machine is shared, so single runs are noisy). clientele's first fit
 * also starts the worker pool, which later fits of the same shape reuse; it is printed separately.
 * Run: npx tsx bench/kmeans.ts [rows] [nInit] [repeats]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { KMeans, type FittedKMeans } from '../src/cluster/kmeans.js';
import { Random } from '../src/random.js';

const rows = Number(process.argv[2] ?? 1_000_000);
const nInit = Number(process.argv[3] ?? 3);
const repeats = Number(process.argv[4] ?? 3);
const cols = 8;
const k = 8;

// Eight Gaussian blobs with unit spread around centres drawn in [-3, 3]^8: separated, but close
// enough that Lloyd needs several iterations.
const rng = new Random(2024);
const centres = Float64Array.from({ length: k * cols }, () => rng.uniform() * 6 - 3);
const data = new Float64Array(rows * cols);
for (let i = 0; i < rows; i++) {
  const c = rng.int(k);
  for (let j = 0; j < cols; j++) data[i * cols + j] = centres[c * cols + j] + rng.normal();
}
const dir = mkdtempSync(join(tmpdir(), 'kmeans-bench-'));
const file = join(dir, 'x.f64');
writeFileSync(file, new Uint8Array(data.buffer));

console.log(`${availableParallelism()} cores, load average ${loadavg().map((v) => v.toFixed(2)).join(' ')} before the run`);
try {
  const py = JSON.parse(
    execFileSync('/usr/bin/python3', [new URL('./kmeans.py', import.meta.url).pathname, file, String(rows), String(cols), String(k), String(nInit), String(repeats)], { encoding: 'utf8' }),
  ) as { seconds: number; inertia: number; iterations: number };
  const x = { rows, cols, data };
  for (const algorithm of ['lloyd', 'elkan'] as const) {
    const times: number[] = [];
    let model: FittedKMeans | undefined;
    for (let r = 0; r < repeats; r++) {
      const start = performance.now();
      model = new KMeans({ k, nInit, seed: 1, algorithm }).fit(x);
      times.push((performance.now() - start) / 1000);
    }
    const first = times[0];
    const seconds = times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
    console.log(
      `clientele ${algorithm.padEnd(5)} ${seconds.toFixed(2)} s  inertia ${model!.inertia.toExponential(6)}  iterations ${model!.iterations}` +
        `  ratio vs scikit-learn ${(seconds / py.seconds).toFixed(2)}x  (first fit ${first.toFixed(2)} s)`,
    );
  }
  console.log(`scikit-learn lloyd ${py.seconds.toFixed(2)} s  inertia ${py.inertia.toExponential(6)}  iterations ${py.iterations}  (${rows} x ${cols}, k = ${k}, n_init = ${nInit}, median of ${repeats})`);
  console.log(`load average after the run ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
