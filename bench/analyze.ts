/**
 * Question: is `clientele analyze` (report included) faster than the pandas notebook computing the same
 * cleaning, RFM and cohort tables? Runs both on Online Retail, alternating, 3 rounds each, and prints
 * median wall times, peak memory and the ratio. Needs `npm run build` and Debian's python3-pandas.
 *   npx tsx bench/analyze.ts [file]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const file = process.argv[2] ?? 'data/online-retail.csv.gz';
const out = mkdtempSync(join(tmpdir(), 'clientele-bench-'));
const ROUNDS = 3;

interface Runs {
  times: number[];
  peakKB: number;
  stdout: string;
}

function once(cmd: string, args: string[], acc: Runs): void {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'peakKB=%M', cmd, ...args], { encoding: 'utf8' });
  acc.times.push((performance.now() - t0) / 1000);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
  acc.peakKB = Math.max(acc.peakKB, Number(/peakKB=(\d+)/.exec(r.stderr)?.[1] ?? NaN));
  acc.stdout = r.stdout;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const clientele: Runs = { times: [], peakKB: 0, stdout: '' };
const full: Runs = { times: [], peakKB: 0, stdout: '' };
const pandas: Runs = { times: [], peakKB: 0, stdout: '' };
// Alternate so a burst of load on the machine hits all alike. The like-for-like run computes what the pandas
// script computes (cleaning, features, RFM, cohorts, revenue tables) plus the HTML report; the full run adds CLV
// models, k-means with automatic k and the drivers scan, which the pandas script does not do.
for (let i = 0; i < ROUNDS; i++) {
  once(process.execPath, ['dist/cli/main.js', 'analyze', file, '--out', out, '-q', '--no-clv', '--no-segments', '--no-drivers'], clientele);
  once('/usr/bin/python3', ['bench/analyze_pandas.py', file, join(out, 'pandas.csv')], pandas);
  once(process.execPath, ['dist/cli/main.js', 'analyze', file, '--out', out, '-q'], full);
}
const c = median(clientele.times);
const p = median(pandas.times);
const f = median(full.times);
const mb = (kb: number) => (kb / 1024).toFixed(0);
console.log(`file: ${file}; ${ROUNDS} rounds each, alternating; load: ${execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).trim()}`);
console.log(`clientele analyze, same tables + report (end to end):  median ${c.toFixed(3)} s, peak ${mb(clientele.peakKB)} MB, runs ${clientele.times.map((t) => t.toFixed(2)).join(' ')}`);
console.log(`clientele analyze, full (adds CLV, k-means, drivers):  median ${f.toFixed(3)} s, peak ${mb(full.peakKB)} MB, runs ${full.times.map((t) => t.toFixed(2)).join(' ')}`);
console.log(`pandas script (same tables, no report):          median ${p.toFixed(3)} s, peak ${mb(pandas.peakKB)} MB, runs ${pandas.times.map((t) => t.toFixed(2)).join(' ')}`);
console.log(`  ${pandas.stdout.trim()}`);
console.log(`ratio pandas / clientele: ${(p / c).toFixed(2)}x (target >= 2x); clientele peak memory ${clientele.peakKB < 1024 * 1024 ? 'under' : 'OVER'} 1 GB`);
