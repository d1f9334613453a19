import { analyze } from '../src/pipeline/analyze.js';
import { runSegmentJob } from '../src/pipeline/segment-job.js';
import { customerFeatureTable } from '../src/pipeline/stages.js';
const a = await analyze('data/online-retail.csv.gz', {} as never);
const t = await customerFeatureTable(a);
await a.engine.close();
for (let r = 0; r < 3; r++) { const t0 = performance.now(); runSegmentJob(t, { recluster: true, seed: 42 }); console.log('job', r, (performance.now() - t0).toFixed(0)); }
process.exit(0);
