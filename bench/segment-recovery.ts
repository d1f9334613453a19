/**
 * Segment recovery on planted tables (src/synth/segments.ts): 2..8 groups of unequal size, noise
 * columns (numeric with outliers, categorical), a pandas index, an RFM code, and a loyal core inside
 * the top-spending group. Per table: was the planted k found, adjusted Rand index of the segments
 * against the groups, F1 of the loyal core. clientele runs its default automatic segmentation with
 * the second stage; scikit-learn runs KMeans with the silhouette-chosen k on the same tables, written
 * once as CSV to a temporary directory (bench/segment-recovery.py), on all columns but the ids and on
 * the behaviour columns only (an oracle that knows which columns matter).
 * Run: npx tsx bench/segment-recovery.ts [base seed set, default 1] [tables per k, default 3] [rows, default 2000]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableToCsv } from '../src/io/table-csv.js';
import { benchmarkTables, scoreRecovery, summarise, type RecoveryScore } from '../src/synth/benchmark.js';

const base = Number(process.argv[2] ?? 1);
const perK = Number(process.argv[3] ?? 3);
const rows = Number(process.argv[4] ?? 2000);

interface PyScore {
  k: number;
  ari: number;
  loyalF1: number;
}

const tables = benchmarkTables({ base, perK, rows });
const dir = mkdtempSync(join(tmpdir(), 'segment-recovery-'));
try {
  for (const { name, table, truth } of tables) {
    writeFileSync(join(dir, `${name}.csv`), tableToCsv(table));
    writeFileSync(join(dir, `${name}.json`), JSON.stringify({ group: Array.from(truth.group), loyalCore: Array.from(truth.loyalCore), behaviour: truth.behaviour }));
  }
  const ours: RecoveryScore[] = tables.map(({ name, table, truth }) => scoreRecovery(name, table, truth));
  const py = JSON.parse(
    execFileSync('/usr/bin/python3', [new URL('./segment-recovery.py', import.meta.url).pathname, dir], { encoding: 'utf8', maxBuffer: 64 << 20 }),
  ) as Record<string, { all: PyScore; oracle: PyScore }>;

  const f = (v: number): string => v.toFixed(3);
  console.log(`${tables.length} planted tables (seed set ${base}, ${rows} rows each); load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  console.log('table        planted | clientele k  ARI    F1     ms | sklearn k  ARI    F1 | sklearn oracle k  ARI    F1');
  for (const s of ours) {
    const p = py[s.name];
    console.log(
      `${s.name.padEnd(12)} ${String(s.plantedK).padStart(7)} | ${String(s.foundK).padStart(11)} ${f(s.ari)} ${f(s.loyalF1)} ${s.ms.toFixed(0).padStart(6)} |` +
        ` ${String(p.all.k).padStart(9)} ${f(p.all.ari)} ${f(p.all.loyalF1)} | ${String(p.oracle.k).padStart(16)} ${f(p.oracle.ari)} ${f(p.oracle.loyalF1)}`,
    );
  }
  const sum = summarise(ours);
  const side = (key: 'all' | 'oracle'): { recovered: number; ari: number; f1: number } => {
    const v = ours.map((s) => py[s.name][key]);
    return {
      recovered: ours.filter((s, i) => v[i].k === s.plantedK).length / ours.length,
      ari: v.reduce((a, b) => a + b.ari, 0) / v.length,
      f1: v.reduce((a, b) => a + b.loyalF1, 0) / v.length,
    };
  };
  const all = side('all');
  const oracle = side('oracle');
  const pct = (v: number): string => `${(100 * v).toFixed(0)}%`;
  const medianMs = ours.map((s) => s.ms).sort((a, b) => a - b)[Math.floor(ours.length / 2)];
  console.log('');
  console.log('                         planted k found   mean ARI   mean loyal-core F1');
  console.log(`clientele                ${pct(sum.recovered).padStart(15)} ${f(sum.meanAri).padStart(10)} ${f(sum.meanLoyalF1).padStart(20)}   (median ${medianMs.toFixed(0)} ms per table)`);
  console.log(`scikit-learn             ${pct(all.recovered).padStart(15)} ${f(all.ari).padStart(10)} ${f(all.f1).padStart(20)}`);
  console.log(`scikit-learn (oracle)    ${pct(oracle.recovered).padStart(15)} ${f(oracle.ari).padStart(10)} ${f(oracle.f1).padStart(20)}`);
  console.log(`clientele loyal core F1 >= 0.9 in ${ours.filter((s) => s.loyalF1 >= 0.9).length} of ${ours.length} tables`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
