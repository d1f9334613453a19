import { afterEach, describe, expect, it } from 'vitest';
import { KMeans, type FittedKMeans } from '../../src/cluster/kmeans.js';
import { silhouetteSamplesMany } from '../../src/cluster/silhouette.js';
import { kernelChoice, WasmArena } from '../../src/cluster/wasm-kernels.js';
import type { Matrix } from '../../src/data/matrix.js';
import { Random } from '../../src/random.js';

/** Groups of uneven spread, columns of uneven scale, some rows repeated, some values tied. */
function data(rows: number, cols: number, seed: number): Matrix {
  const rng = new Random(seed);
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    if (i > 0 && rng.uniform() < 0.05) {
      out.copyWithin(i * cols, (i - 1) * cols, i * cols);
      continue;
    }
    const g = rng.int(5);
    for (let j = 0; j < cols; j++) out[i * cols + j] = (j % 4 === 0 ? Math.round(rng.normal() * 2) : rng.normal() * (1 + j)) + g * (j % 3);
  }
  return { rows, cols, data: out };
}

function fitBoth(x: Matrix, k: number, seed: number): [FittedKMeans, FittedKMeans] {
  kernelChoice.wasm = false;
  const js = new KMeans({ k, seed, nInit: 4 }).fit(x);
  kernelChoice.wasm = true;
  const wasm = new KMeans({ k, seed, nInit: 4 }).fit(x);
  return [js, wasm];
}

afterEach(() => {
  kernelChoice.wasm = true;
});

describe('Wasm k-means kernels', () => {
  // The Wasm kernels repeat the JavaScript kernels' arithmetic term by term, so a fit is the same to the bit: labels,
  // centres, inertia and the number of iterations.
  it.each([
    [1, 1], [2, 3], [3, 2], [7, 5], [11, 10], [11, 9], [32, 4],
  ])('%i features, k = %i: the same fit as the JavaScript kernels, to the bit', (cols, k) => {
    const x = data(1500, cols, cols * 31 + k);
    const [js, wasm] = fitBoth(x, k, 7);
    expect(Array.from(wasm.labels)).toEqual(Array.from(js.labels));
    expect(Array.from(wasm.centers.data)).toEqual(Array.from(js.centers.data));
    expect(wasm.inertia).toBe(js.inertia);
    expect(wasm.iterations).toBe(js.iterations);
  });

  it('spans several chunks of rows, and relocates empty clusters, as the JavaScript kernels do', () => {
    // 9,000 rows are two chunks; 12 clusters over 4 distinct points leave clusters empty at every pass.
    const big = data(9000, 6, 5);
    const [js, wasm] = fitBoth(big, 6, 3);
    expect(Array.from(wasm.labels)).toEqual(Array.from(js.labels));
    expect(wasm.inertia).toBe(js.inertia);
    const few: Matrix = { rows: 40, cols: 2, data: Float64Array.from({ length: 80 }, (_, q) => [0, 0, 5, 5, 0, 5, 5, 0][q % 8]) };
    const [a, b] = fitBoth(few, 12, 1);
    expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
    expect(b.inertia).toBe(a.inertia);
    expect(b.warnings).toEqual(a.warnings);
  });

  it('fits of other shapes in between reuse and grow the arena without changing a fit', () => {
    const x = data(800, 4, 2);
    kernelChoice.wasm = true;
    const first = new KMeans({ k: 3, seed: 1 }).fit(x);
    new KMeans({ k: 9, seed: 1 }).fit(data(20000, 30, 9));
    new KMeans({ k: 2, seed: 1 }).fit(data(50, 1, 4));
    const again = new KMeans({ k: 3, seed: 1 }).fit(x);
    expect(Array.from(again.labels)).toEqual(Array.from(first.labels));
    expect(again.inertia).toBe(first.inertia);
  });

  it('gives a second user at the same time an arena of its own', () => {
    const one = WasmArena.acquire(3, 1024);
    const two = WasmArena.acquire(3, 1024);
    expect(one && two).toBeTruthy();
    const a = one!.arena.f64(4);
    const b = two!.arena.f64(4);
    a.fill(1);
    b.fill(2);
    expect(Array.from(a)).toEqual([1, 1, 1, 1]);
    expect(() => one!.arena.f64(1000)).toThrow(/short/);
    one!.arena.release();
    two!.arena.release();
  });

  it('gives the silhouettes of several labelings the JavaScript kernel gives, to the bit', () => {
    const x = data(1200, 11, 8);
    const labelings = [2, 3, 5, 8].map((k) => new KMeans({ k, seed: 2, nInit: 2 }).fit(x).labels);
    kernelChoice.wasm = false;
    const js = silhouetteSamplesMany(x, labelings);
    kernelChoice.wasm = true;
    const wasm = silhouetteSamplesMany(x, labelings);
    wasm.forEach((s, l) => expect(Array.from(s)).toEqual(Array.from(js[l])));
    // Again, after the arena held other sums: the per-cluster sums start from zero each time.
    silhouetteSamplesMany(data(700, 11, 9), labelings.map((lab) => lab.subarray(0, 700)));
    const again = silhouetteSamplesMany(x, labelings);
    again.forEach((s, l) => expect(Array.from(s)).toEqual(Array.from(js[l])));
  });
});
