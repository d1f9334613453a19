/**
 * Pareto/NBD maximum-likelihood fit on CDNOW master (23,570 customers, weeks, calibration end
 * 1997-09-30) against a SciPy reference doing the same fit (bench/pnbd-fit.py: scipy.special.hyp2f1,
 * Nelder-Mead + L-BFGS-B). Both time the fit only, on the same summary convention.
 * Run: npx tsx bench/pnbd-fit.ts [data/cdnow-master.txt.gz]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { ParetoNbd } from '../src/clv/pnbd.js';
import { clvSummary, dayNumber, type TransactionLog } from '../src/clv/summary.js';

const file = process.argv[2] ?? new URL('../data/cdnow-master.txt.gz', import.meta.url).pathname;

/** CDNOW text: master is `id date cds amount` with a header, the sample `id masterId date cds amount`. */
function readCdnow(path: string): TransactionLog {
  const ids = new Map<string, number>();
  const customer: number[] = [];
  const days: number[] = [];
  const amount: number[] = [];
  for (const line of gunzipSync(readFileSync(path)).toString('utf8').split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4 || !/^\d+$/.test(f[0])) continue;
    const d = f[f.length === 5 ? 2 : 1];
    let c = ids.get(f[0]);
    if (c === undefined) ids.set(f[0], (c = ids.size));
    customer.push(c);
    days.push(dayNumber(+d.slice(0, 4), +d.slice(4, 6), +d.slice(6, 8)));
    amount.push(+f[f.length - 1]);
  }
  return { customer: Int32Array.from(customer), days: Float64Array.from(days), amount: Float64Array.from(amount), customers: ids.size };
}

const log = readCdnow(file);
const summary = clvSummary(log, {
  timeUnit: 'weeks',
  calibrationEnd: dayNumber(1997, 9, 30),
  observationEnd: dayNumber(1998, 6, 30),
});

const py = JSON.parse(execFileSync('/usr/bin/python3', [new URL('./pnbd-fit.py', import.meta.url).pathname, file], { encoding: 'utf8' })) as {
  seconds: number;
  logLikelihood: number;
  params: Record<string, number>;
  n: number;
};

// One warm-up fit so the timed run measures compiled code, as the SciPy side runs compiled hyp2f1.
new ParetoNbd().fit(summary);
const start = performance.now();
const model = new ParetoNbd().fit(summary);
const seconds = (performance.now() - start) / 1000;

const fmt = (p: Record<string, number>) => ['r', 'alpha', 's', 'beta'].map((k) => `${k} ${p[k].toFixed(4)}`).join(', ');
console.log(`Pareto/NBD on ${file.split('/').pop()} (${summary.n} customers; SciPy summary ${py.n})`);
console.log(`clientele  ${seconds.toFixed(3)} s  LL ${model.logLikelihood.toFixed(6)}  ${fmt({ ...model.params })}  iterations ${model.convergence.iterations}`);
console.log(`scipy      ${py.seconds.toFixed(3)} s  LL ${py.logLikelihood.toFixed(6)}  ${fmt(py.params)}`);
const rel = Math.abs(model.logLikelihood - py.logLikelihood) / Math.abs(py.logLikelihood);
console.log(`speed-up ${(py.seconds / seconds).toFixed(1)}x (target >= 20x); LL relative difference ${rel.toExponential(2)} (target <= 1e-6)`);
