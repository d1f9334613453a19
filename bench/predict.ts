/**
 * Does clientele fit logistic regression and a depth-8 CART as fast as scikit-learn?
 * 1,000,000 rows x 10 features, generated once here and written to a temp file that bench/predict.py
 * reads, so both sides fit identical data; only the fit is timed. Run: npx tsx bench/predict.ts [rows]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Random } from '../src/random.js';
import { LogisticRegression } from '../src/predict/logistic.js';
import { DecisionTreeClassifier } from '../src/predict/tree.js';

const n = Number(process.argv[2] ?? 1_000_000);
const p = 10;
const rng = new Random(2024);
const X = new Float64Array(n * p);
const y = new Float64Array(n);
const beta = [0.8, -0.5, 0.3, 0, 0.2, -0.9, 0.05, 0.4, 0, -0.3];
for (let i = 0; i < n; i++) {
  let z = -0.3;
  for (let j = 0; j < p; j++) {
    // Half the columns are counts (many ties, as purchase counts), half continuous.
    const v = j % 2 === 0 ? rng.normal() : (rng.poisson(4) - 4) / 2;
    X[i * p + j] = v;
    z += beta[j] * v;
  }
  z += 0.7 * (X[i * p] > 0.5 && X[i * p + 1] > 0 ? 1 : 0);
  y[i] = rng.uniform() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
}
const dir = mkdtempSync(join(tmpdir(), 'clientele-bench-'));
writeFileSync(join(dir, 'X.f64'), new Uint8Array(X.buffer));
writeFileSync(join(dir, 'y.f64'), new Uint8Array(y.buffer));
const data = { rows: n, cols: p, data: X };

function time(f: () => void): number {
  const t0 = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

// Warm up the JIT on a small slice, as the Python side has its compiled extensions ready.
const warm = { rows: 20_000, cols: p, data: X.subarray(0, 20_000 * p) };
new LogisticRegression().fit(warm, y.subarray(0, 20_000));
new DecisionTreeClassifier({ maxDepth: 8 }).fit(warm, y.subarray(0, 20_000));

let coef: Float64Array = new Float64Array();
const tLogistic = time(() => {
  coef = new LogisticRegression({ C: 1 }).fit(data, y).coef;
});
let leaves = 0;
const tTree = time(() => {
  leaves = new DecisionTreeClassifier({ maxDepth: 8 }).fit(data, y).leafCount;
});

const py = spawnSync('/usr/bin/python3', [new URL('./predict.py', import.meta.url).pathname, dir, String(n), String(p)], { encoding: 'utf8' });
rmSync(dir, { recursive: true, force: true });
if (py.status !== 0) {
  console.error(py.stderr);
  process.exit(1);
}
const ref = JSON.parse(py.stdout) as { logistic: number; tree: number; coef: number[]; leaves: number };
let maxDiff = 0;
for (let j = 0; j < p; j++) maxDiff = Math.max(maxDiff, Math.abs(coef[j] - ref.coef[j]));

const row = (name: string, ours: number, theirs: number) =>
  console.log(`${name.padEnd(34)} clientele ${ours.toFixed(3).padStart(7)} s   scikit-learn ${theirs.toFixed(3).padStart(7)} s   ratio ${(ours / theirs).toFixed(2)}x`);
console.log(`predict bench: ${n.toLocaleString('en')} rows x ${p} features, fit only`);
row('logistic regression (L2, C=1)', tLogistic, ref.logistic);
row('decision tree (gini, depth 8)', tTree, ref.tree);
console.log(`check: max |coef diff| ${maxDiff.toExponential(2)} (sklearn lbfgs default tol), tree leaves ${leaves} vs ${ref.leaves}`);
