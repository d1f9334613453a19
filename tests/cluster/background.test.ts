import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * The worker thread only exists in the compiled build (the test runner works from the TypeScript
 * sources, where startSegmentation runs on the calling thread), so these run the built modules.
 */
const dist = new URL('../../dist/cluster/', import.meta.url);

describe('segmentation on a worker thread (built modules)', () => {
  it('gives the result of the calling thread, and carries input errors across with their class and code', async () => {
    expect(existsSync(new URL('segment-worker.js', dist)), 'dist/ is missing: run `npm run build`').toBe(true);
    const { startSegmentation } = (await import(new URL('background.js', dist).href)) as typeof import('../../src/cluster/background.js');
    const { segmentCustomers } = (await import(new URL('segment.js', dist).href)) as typeof import('../../src/cluster/segment.js');
    const { Random } = (await import(new URL('../random.js', dist).href)) as typeof import('../../src/random.js');
    const rng = new Random(7);
    const n = 400;
    const spend = Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 500 : 50) * Math.exp(0.3 * rng.normal()));
    const orders = Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 12 : 2) + rng.int(3));
    const recency = Float64Array.from({ length: n }, () => 1 + rng.int(300));
    const t = {
      rows: n,
      columns: [
        { kind: 'number' as const, name: 'monetary', values: spend },
        { kind: 'number' as const, name: 'frequency', values: orders },
        { kind: 'number' as const, name: 'recency_days', values: recency },
      ],
    };
    const options = { seed: 42, recluster: true };
    const there = await startSegmentation(t, options).result();
    const here = segmentCustomers(t, options);
    expect(there.k).toBe(here.k);
    expect(there.labels).toEqual(here.labels);
    expect(there.profiles).toEqual(here.profiles);
    expect(there.recluster?.labels).toEqual(here.recluster?.labels);
    expect(there.silhouette).toBe(here.silhouette);

    // Handed over instead of copied: the same result, and the caller's arrays are gone.
    const copy = { rows: n, columns: t.columns.map((c) => ({ ...c, values: Float64Array.from(c.values) })) };
    const moved = await startSegmentation(copy, options, { transfer: true }).result();
    expect(moved.labels).toEqual(here.labels);
    expect(copy.columns[0].values.length).toBe(0);

    const failed = await startSegmentation(t, { k: 0 }).result().then(() => null, (e: Error & { code?: string }) => e);
    expect(failed?.name).toBe('InputError');
    expect(failed?.code).toBe('segment-k');
  });
});
