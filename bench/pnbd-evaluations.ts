/**
 * Objective evaluations and wall time of Pareto/NBD fits, above all where the likelihood is
 * delicate: homogeneous dropout (the maximum at s, β → ∞, simulated), no dropout (β → ∞), the
 * parameter-recovery simulation and CDNOW master. Evaluations are gradient evaluations of the
 * likelihood, split into those on fitMle's 3,000-row subsample (the starts and their Hessian) and
 * those on all rows (the polish and the standard errors); the time is the estimator's whole fit,
 * median of three after one warm-up.
 * Run: npx tsx bench/pnbd-evaluations.ts [summary.json ...]
 * where each summary.json is {"x": [...], "tx": [...], "T": [...]} (e.g. a CLI run's fit sample).
 */
import { readFileSync } from 'node:fs';
import { collapseRows, fitMle, type WeightedRows } from '../src/clv/fit.js';
import { ParetoNbd, pnbdLogLik, pnbdStarts } from '../src/clv/pnbd.js';
import { simulateSummary } from '../src/clv/simulate.js';
import { cdnowSummary } from '../tests/clv/cdnow.js';

interface Summary {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
}

const homogeneous = (seed: number): Summary => {
  const n = 20_000;
  const T = Float64Array.from({ length: n }, (_, i) => 26 + (i % 79));
  return simulateSummary({ model: 'pnbd', params: { r: 1.5, alpha: 25, s: 1e8, beta: 1e10 } }, { customers: n, T, seed });
};

const sets: [string, () => Summary][] = [
  ...[1, 2, 3].map((seed): [string, () => Summary] => [`homogeneous dropout, 20k simulated, seed ${seed}`, () => homogeneous(seed)]),
  ['no dropout, 20k simulated', () => {
    const n = 20_000;
    const T = Float64Array.from({ length: n }, (_, i) => 26 + (i % 53));
    return simulateSummary({ model: 'pnbd', params: { r: 0.8, alpha: 10, s: 0.5, beta: 1e6 } }, { customers: n, T, seed: 9 });
  }],
  ['recovery, 50k simulated', () => {
    const n = 50_000;
    const T = Float64Array.from({ length: n }, (_, i) => 39 + (i % 40));
    return simulateSummary({ model: 'pnbd', params: { r: 0.55, alpha: 10.6, s: 0.6, beta: 11.7 } }, { customers: n, T, seed: 1 });
  }],
  ['CDNOW master', () => cdnowSummary('cdnow-master.txt.gz')],
  ...process.argv.slice(2).map((file): [string, () => Summary] => [file, () => {
    const j = JSON.parse(readFileSync(file, 'utf8')) as { x: number[]; tx: number[]; T: number[] };
    return { x: Float64Array.from(j.x), tx: Float64Array.from(j.tx), T: Float64Array.from(j.T) };
  }]),
];

for (const [name, make] of sets) {
  const data = make();
  const rows = collapseRows([data.x, data.tx, data.T]);
  let onSample = 0;
  let onAll = 0;
  const count = (p: Float64Array, r: WeightedRows, grad: Float64Array | null) => {
    if (grad) {
      if (r === rows) onAll++;
      else onSample++;
    }
    return pnbdLogLik(p, r, grad);
  };
  const fit = fitMle({ names: ['r', 'alpha', 's', 'beta'], logLik: count, starts: pnbdStarts }, rows);
  const estimate = () => new ParetoNbd().fit(data);
  estimate();
  const times: number[] = [];
  let model = estimate();
  for (let k = 0; k < 3; k++) {
    const start = performance.now();
    model = estimate();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const p = model.params;
  const c = fit.convergence;
  console.log(`${name}: ${data.x.length} customers, ${rows.length} distinct histories`);
  console.log(
    `  ${onSample} + ${onAll} evaluations (subsample + all rows), ${c.restarts} starts, ${times[1].toFixed(0)} ms; ` +
      `${c.converged ? 'converged' : 'NOT converged'} (${c.message}), |g| ${c.gradientNorm.toExponential(1)}`,
  );
  console.log(`  LL ${model.logLikelihood.toFixed(4)}; r ${p.r.toPrecision(5)}, alpha ${p.alpha.toPrecision(5)}, s ${p.s.toPrecision(5)}, beta ${p.beta.toPrecision(5)}`);
}
