/**
 * Pareto/NBD maximum-likelihood fit on CDNOW master (23,570 customers, weeks, calibration end
 * 1997-09-30) against a SciPy reference doing the same fit (bench/pnbd-fit.py: scipy.special.hyp2f1,
 * Nelder-Mead + L-BFGS-B). Both time the fit only, on the same summary convention.
 * Run: npx tsx bench/pnbd-fit.ts [sample]   (default: CDNOW master)
 */
import { execFileSync } from 'node:child_process';
import { ParetoNbd } from '../src/clv/pnbd.js';
import { cdnowSummary } from '../tests/clv/cdnow.js';

const name = process.argv[2] === 'sample' ? 'cdnow-sample.txt.gz' : 'cdnow-master.txt.gz';
const file = new URL(`../data/${name}`, import.meta.url).pathname;
// The library's summary (weeks, calibration end 1997-09-30), as the CLI would build it.
const summary = cdnowSummary(name);

const py = JSON.parse(execFileSync('/usr/bin/python3', [new URL('./pnbd-fit.py', import.meta.url).pathname, file], { encoding: 'utf8' })) as {
  seconds: number;
  logLikelihood: number;
  params: Record<string, number>;
  n: number;
};

// One warm-up fit so timings measure compiled code (SciPy's hyp2f1 is compiled too); then the
// median of three, since the machine is shared.
let model = new ParetoNbd().fit(summary);
const times: number[] = [];
for (let k = 0; k < 3; k++) {
  const start = performance.now();
  model = new ParetoNbd().fit(summary);
  times.push((performance.now() - start) / 1000);
}
const seconds = times.sort((a, b) => a - b)[1];

const fmt = (p: Record<string, number>) => ['r', 'alpha', 's', 'beta'].map((k) => `${k} ${p[k].toFixed(4)}`).join(', ');
console.log(`Pareto/NBD on ${name} (${summary.n} customers; SciPy summary ${py.n})`);
console.log(`clientele  ${seconds.toFixed(3)} s  LL ${model.logLikelihood.toFixed(6)}  ${fmt({ ...model.params })}  iterations ${model.convergence.iterations}`);
console.log(`scipy      ${py.seconds.toFixed(3)} s  LL ${py.logLikelihood.toFixed(6)}  ${fmt(py.params)}`);
const rel = Math.abs(model.logLikelihood - py.logLikelihood) / Math.abs(py.logLikelihood);
console.log(`speed-up ${(py.seconds / seconds).toFixed(1)}x (target >= 20x); LL relative difference ${rel.toExponential(2)} (target <= 1e-6)`);
