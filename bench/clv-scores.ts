/**
 * Question: are the per-customer CLV scores fast enough for whole files? DERT for every healthy
 * model, on fixed exp-sinh nodes, against DERT by its definition (δ∫e^{-δt} E[X(T, T+t)] dt by
 * adaptive integration of the conditional expectation, the form scored before), on CDNOW (sample,
 * weeks, calibration end 1997-09-30) and Online Retail (weeks, no holdout). The definition takes
 * about a second per customer, so it runs on the first SAMPLE customers and is scaled to all of
 * them; the maximum relative difference on that sample is printed beside it. Then the whole
 * customerScores step (scores, intervals, DERT) against the CLV fit it follows.
 * Run: npx tsx bench/clv-scores.ts
 */
import { dert } from '../src/clv/dert.js';
import { MONTH_DAYS } from '../src/clv/predict.js';
import { runClv, type ClvResult } from '../src/clv/run.js';
import { scoreModelOf } from '../src/clv/score-model.js';
import { customerScores } from '../src/clv/scores.js';
import { DAYS_PER_UNIT, type TransactionLog } from '../src/clv/summary.js';
import { analyze } from '../src/pipeline/analyze.js';
import { transactionLog } from '../src/pipeline/stages.js';
import { CALIBRATION_END, OBSERVATION_END, readCdnow } from '../tests/clv/cdnow.js';
import { dertByDefinition } from '../tests/clv/integrate.js';

const SAMPLE = 12;

function median(f: () => void, runs = 3): number {
  f();
  const times: number[] = [];
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)] / 1000;
}

async function onlineRetail(): Promise<TransactionLog> {
  const a = await analyze('data/online-retail.csv.gz');
  try {
    return await transactionLog(a.lines!);
  } finally {
    await a.engine.close();
  }
}

const rows: string[][] = [['dataset', 'model', 'customers', 'DERT s', 'definition s (scaled)', 'ratio', 'max rel. diff (sample)']];
const steps: string[][] = [['dataset', 'CLV fit (runClv) s', 'customerScores s', 'scores / fit']];

function bench(name: string, result: ClvResult): void {
  const { x, tx, T } = result.summary;
  const n = result.summary.n;
  const delta = (Math.log1p(result.horizon.monthlyDiscountRate) * DAYS_PER_UNIT[result.timeUnit]) / MONTH_DAYS;
  for (const [kind, pred] of Object.entries(result.predictions)) {
    const model = scoreModelOf(result, kind as keyof typeof result.predictions);
    let fast: Float64Array = new Float64Array(0);
    const fastSeconds = median(() => void (fast = dert(model, delta, pred.pAlive, x, T)));
    const t0 = performance.now();
    let worst = 0;
    for (let i = 0; i < SAMPLE; i++) worst = Math.max(worst, Math.abs(fast[i] / dertByDefinition(model, delta, x[i], tx[i], T[i]) - 1));
    const slowSeconds = ((performance.now() - t0) / 1000 / SAMPLE) * n;
    rows.push([name, kind, String(n), fastSeconds.toFixed(3), slowSeconds.toFixed(0), `${(slowSeconds / fastSeconds).toFixed(0)}x`, worst.toExponential(1)]);
  }
}

const cdnowLog = readCdnow('cdnow-sample.txt.gz');
const orLog = await onlineRetail();
const datasets: [string, TransactionLog, Parameters<typeof runClv>[1]][] = [
  ['cdnow-sample', cdnowLog, { timeUnit: 'weeks', observationEnd: OBSERVATION_END, calibrationEnd: CALIBRATION_END }],
  ['online-retail', orLog, { timeUnit: 'weeks', observationEnd: orLog.days.reduce((m, d) => Math.max(m, d), -Infinity) }],
];
for (const [name, log, options] of datasets) {
  let result!: ClvResult;
  const fitSeconds = median(() => void (result = runClv(log, options)), 1);
  const scoreSeconds = median(() => void customerScores(result));
  steps.push([name, fitSeconds.toFixed(3), scoreSeconds.toFixed(3), `${(scoreSeconds / fitSeconds).toFixed(2)}`]);
  bench(name, result);
}
for (const table of [rows, steps]) {
  const widths = table[0].map((_, j) => Math.max(...table.map((r) => r[j].length)));
  for (const r of table) console.log(r.map((c, j) => c.padStart(widths[j])).join('  '));
  console.log('');
}
console.log('Targets: DERT for every healthy model on whole files in well under a second, equal to its definition to < 2% (1e-6 expected); customerScores a fraction of the fit.');
