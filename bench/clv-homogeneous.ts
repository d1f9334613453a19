/**
 * Question: what does BG/NBD's expected-purchases-if-alive cost per customer when the fit runs to homogeneous
 * dropout (a, b → ∞, as on data/electronic-sales.csv.gz, a = 2.6e11, b = 2.6e12), and do the two ways of computing
 * it agree? Times the concentrated-posterior expansion betaGeometricAliveExpectation uses there against the
 * general series it replaced (aliveExpectationSeries: 20,000 terms without converging, then the closed form), on
 * the same 20,000 (x, u) pairs, and prints both, the ratio and the largest relative difference.
 *   npx tsx bench/clv-homogeneous.ts
 */
import { aliveExpectationSeries, betaGeometricAliveExpectation } from '../src/clv/bgnbd.js';

const r = 7.43;
const a = 2.57e11;
const b = 2.57e12;
const n = 20_000;
const xs = Float64Array.from({ length: n }, (_, i) => i % 9);
const us = Float64Array.from({ length: n }, (_, i) => 0.01 + (i % 50) / 200);

function time(f: (R: number, a: number, b: number, m: number, u: number) => number): { ms: number; values: Float64Array } {
  const values = new Float64Array(n);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) values[i] = f(r + xs[i], a, b, xs[i], us[i]);
  return { ms: performance.now() - t0, values };
}

time(betaGeometricAliveExpectation);
const fast = time(betaGeometricAliveExpectation);
const series = time(aliveExpectationSeries);
let worst = 0;
for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(fast.values[i] - series.values[i]) / series.values[i]);
console.log(`BG/NBD E[purchases | alive], a = ${a.toExponential(2)}, b = ${b.toExponential(2)}, ${n.toLocaleString('en-US')} customers`);
console.log(`  concentrated-posterior expansion: ${fast.ms.toFixed(1)} ms`);
console.log(`  general series (then closed form): ${series.ms.toFixed(1)} ms`);
console.log(`  ratio ${(series.ms / fast.ms).toFixed(0)}x; largest relative difference ${worst.toExponential(2)}`);
