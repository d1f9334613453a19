/**
 * Hypothesis tests on the electronic sales log vs scipy/statsmodels: npx tsx bench/stats-tests.ts
 * Spawns /usr/bin/python3 bench/stats-tests.py for the reference timings and prints both with the ratio.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { categoryColumn, numberColumn, table } from '../src/data/table.js';
import { anovaTwoWay, driversScan, kruskalWallis, mannWhitneyU, SEASONS, seasonOfMonth, shapiroWilk, tukeyHsd, welchT } from '../src/stats/index.js';

const root = new URL('../', import.meta.url);
const fx = JSON.parse(readFileSync(new URL('tests/fixtures/stats/electronic-sales-anova.json', root), 'utf8')).inputs;
const price = Float64Array.from(fx.price as (number | null)[], (v) => (v === null ? NaN : v));
const product = Int32Array.from(fx.product as number[]);
const season = Int32Array.from(fx.month as (number | null)[], (m) => (m === null ? -1 : seasonOfMonth(m)));
const groups = Array.from({ length: 5 }, (_, k) => price.filter((v, i) => product[i] === k && season[i] >= 0 && Number.isFinite(v)));
const all = Float64Array.from(groups.flatMap((g) => Array.from(g)));

function timed(fn: () => unknown, reps: number): number {
  fn();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return (performance.now() - t0) / reps;
}

const ours: Record<string, number> = {
  'two-way ANOVA II+III (20k rows, 5x4)': timed(() => anovaTwoWay(price, product, season), 5),
  'Tukey HSD (5 groups, 20k rows)': timed(() => tukeyHsd(groups), 3),
  'Mann-Whitney U (2 x 10k)': timed(() => mannWhitneyU(groups[0], groups[1]), 20),
  'Kruskal-Wallis (5 groups)': timed(() => kruskalWallis(groups), 20),
  'Welch t (2 x 10k)': timed(() => welchT(groups[0], groups[1]), 50),
  'Shapiro-Wilk (n=4000)': timed(() => shapiroWilk(all.subarray(0, 4000)), 50),
};
// The whole scan has no single Python equivalent; it is timed for the record only.
const sales = table([
  numberColumn('Total Price', price),
  categoryColumn('Product Type', Array.from(product, (c) => (c < 0 ? null : fx.productLevels[c]))),
  categoryColumn('season', Array.from(season, (s) => (s < 0 ? null : SEASONS[s]))),
]);
const scanMs = timed(() => driversScan(sales, { outcome: 'Total Price', interactions: [['Product Type', 'season']] }), 3);
const python = JSON.parse(execFileSync('/usr/bin/python3', [new URL('bench/stats-tests.py', root).pathname], { encoding: 'utf8' }));
console.log('workload'.padEnd(40), 'clientele ms'.padStart(13), 'python ms'.padStart(11), 'ratio'.padStart(8));
for (const [name, ms] of Object.entries(ours)) {
  const ref = python[name] as number;
  console.log(name.padEnd(40), ms.toFixed(2).padStart(13), ref.toFixed(2).padStart(11), (ms / ref).toFixed(2).padStart(8));
}
console.log('drivers scan (2 factors, 1 interaction, Tukey)'.padEnd(40), scanMs.toFixed(2).padStart(13), '—'.padStart(11));
