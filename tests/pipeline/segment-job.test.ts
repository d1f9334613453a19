import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { analyze } from '../../src/pipeline/analyze.js';
import { customerFeatureTable } from '../../src/pipeline/stages.js';
import { runSegmentJob } from '../../src/pipeline/segment-job.js';
import { segmentJobInBackground } from '../../src/pipeline/segment-thread.js';
import { extendAnalysis } from '../../src/pipeline/full.js';
import { InputError } from '../../src/errors.js';

const RETAIL = join(import.meta.dirname, '../../data/online-retail.csv.gz');

describe('segmentation on a worker thread', () => {
  it('gives exactly the segmentation, rules and placement check of the same job run inline', async () => {
    const a = await analyze(RETAIL);
    try {
      const t = await customerFeatureTable(a);
      const options = { seed: 42, recluster: true };
      const [inline, background] = [runSegmentJob(t, options), await segmentJobInBackground(t, options)];
      expect(background.result.labels).toEqual(inline.result.labels);
      expect(background.result.recluster?.labels).toEqual(inline.result.recluster?.labels);
      expect(background.result.model).toEqual(inline.result.model);
      expect(background.rules).toEqual(inline.rules);
      expect(background.mismatched).toBe(0);
      // The report and outputs built from either are the same too.
      const strip = (e: unknown) => JSON.parse(JSON.stringify(e, (k, v) => (k === 'trainedAt' ? undefined : v)));
      const [bg, fg] = [await extendAnalysis(a, { background: true }), await extendAnalysis(a, { background: false })];
      expect(bg.map((e) => Object.keys(e.summary ?? {}))).toEqual([['clv'], ['segments']]);
      expect(strip(bg)).toEqual(strip(fg));
    } finally {
      await a.engine.close();
    }
  });

  it("a data problem in the thread comes back as the same clientele error, code and all", async () => {
    const err = await segmentJobInBackground({ rows: 0, columns: [] }, { seed: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).code).toBe('design-empty');
  });
});
