/**
 * Question: how do `analyze`'s wall time, CPU time and peak memory grow with the size of the order log, and does
 * 10,000,000 lines (about 1,000,000 customers) fit in 60 s and 4 GB on this machine? For each size it generates
 * the log with the project's own generator (`synth orders --lines N --seed 1`, .csv.gz, kept in --dir for the
 * next run), then times `analyze` with every stage under /usr/bin/time (wall, user+system CPU, peak RSS of the
 * process) and prints the per-stage table from `analyze --timings`. Needs `npm run build`.
 *   npx tsx bench/scale.ts [--sizes 1000000,3000000,10000000] [--dir /tmp/clientele-scale] [--keep-outputs] [--no-engines]
 * With a 1M-line size it then times the same log embedded, in a real PostgreSQL and in a real two-shard ClickHouse
 * cluster started on loopback ports (bench/engines.ts's `engineScale`; the core pushed down plus the report, one
 * round), unless --no-engines or the servers are not installed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000000,3000000,10000000' },
    dir: { type: 'string', default: '/tmp/clientele-scale' },
    'keep-outputs': { type: 'boolean', default: false },
    'no-engines': { type: 'boolean', default: false },
  },
});
const sizes = args.sizes.split(',').map((s) => Number(s.replace(/_/g, '')));
if (sizes.some((n) => !Number.isInteger(n) || n < 1000)) {
  console.error('--sizes: give whole numbers of order lines of at least 1000, comma-separated, e.g. 1000000,10000000');
  process.exit(2);
}
if (!existsSync('/usr/bin/time')) {
  console.error('/usr/bin/time is missing: install GNU time (apt-get install -y time) to measure peak memory');
  process.exit(2);
}
const cli = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
if (!existsSync(cli)) {
  console.error('dist/cli/main.js is missing: run npm run build first');
  process.exit(2);
}
mkdirSync(args.dir, { recursive: true });

interface Timed {
  wall: number;
  cpu: number;
  peakMiB: number;
  stderr: string;
}

function timed(argv: string[]): Timed {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'peakKB=%M cpu=%U+%S', process.execPath, cli, ...argv], { encoding: 'utf8', maxBuffer: 256 << 20 });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`clientele ${argv.join(' ')} failed (exit ${r.status}):\n${r.stderr.slice(-4000)}`);
  const m = /peakKB=(\d+) cpu=([\d.]+)\+([\d.]+)/.exec(r.stderr);
  if (!m) throw new Error(`no /usr/bin/time line in:\n${r.stderr.slice(-2000)}`);
  return { wall, cpu: Number(m[2]) + Number(m[3]), peakMiB: Number(m[1]) / 1024, stderr: r.stderr };
}

/**
 * Stage durations from analyze's `timings: {...}` line (--timings; Node's start-up as its own row), else from the
 * progress lines `  stage… (12.3 s)`, each to the next stage's start, the last to `end`.
 */
function stages(stderr: string, end: number): [string, number][] {
  const line = stderr.split('\n').find((l) => l.startsWith('timings: '));
  if (line) {
    const t = JSON.parse(line.slice('timings: '.length)) as { startup: number; stages: Record<string, number> };
    return [['start-up', t.startup], ...Object.entries(t.stages)];
  }
  const marks = [...stderr.matchAll(/^ {2}(.+?)… \(([\d.]+) s\)$/gm)].map((m) => [m[1], Number(m[2])] as const);
  return marks.map(([name, at], i) => [name, (i + 1 < marks.length ? marks[i + 1][1] : end) - at]);
}

const fmt = (x: number, digits = 1) => x.toFixed(digits);
console.log(`clientele analyze at scale: ${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}, node ${process.version}`);
const rows: { lines: number; customers: string; gen: Timed; run: Timed; stages: [string, number][] }[] = [];
for (const lines of sizes) {
  const file = join(args.dir, `orders-${lines}.csv.gz`);
  let gen: Timed = { wall: NaN, cpu: NaN, peakMiB: NaN, stderr: '' };
  if (!existsSync(file)) gen = timed(['synth', 'orders', '--lines', String(lines), '--seed', '1', '--out', file]);
  const out = join(args.dir, `out-${lines}`);
  const run = timed(['analyze', file, '--out', out, '--timings']);
  // The last stage (writing report) runs to the end: the report, customers.csv, the checks and node's exit.
  const inside = stages(run.stderr, run.wall);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as {
    populations?: { identified?: { customers?: number } };
    clv?: { customers?: number; fittedOn?: number };
    segments?: { sample?: { fittedOn?: number; customers?: number } };
    checks?: { ok: boolean }[];
  };
  const customers = summary.clv?.customers ?? summary.segments?.sample?.customers ?? NaN;
  const failed = (summary.checks ?? []).filter((c) => !c.ok).length;
  rows.push({ lines, customers: Number(customers).toLocaleString('en-US'), gen, run, stages: inside });
  console.log(
    `\n${lines.toLocaleString('en-US')} lines, ${Number(customers).toLocaleString('en-US')} customers` +
      ` (CLV fitted on ${summary.clv?.fittedOn?.toLocaleString('en-US') ?? '?'}, segments on ${summary.segments?.sample?.fittedOn?.toLocaleString('en-US') ?? '?'}; ${failed} failed checks)`,
  );
  if (Number.isFinite(gen.wall)) console.log(`  synth orders: ${fmt(gen.wall)} s wall, ${fmt(gen.cpu)} s CPU, peak ${fmt(gen.peakMiB, 0)} MiB`);
  console.log(`  analyze:      ${fmt(run.wall)} s wall, ${fmt(run.cpu)} s CPU, peak ${fmt(run.peakMiB, 0)} MiB`);
  for (const [name, s] of inside) console.log(`    ${name.padEnd(20)} ${fmt(s).padStart(6)} s`);
  if (!args['keep-outputs']) rmSync(out, { recursive: true, force: true });
}

console.log('\n| lines | customers | wall s | CPU s | peak MiB | wall per 1M lines |');
console.log('|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.lines.toLocaleString('en-US')} | ${r.customers} | ${fmt(r.run.wall)} | ${fmt(r.run.cpu)} | ${fmt(r.run.peakMiB, 0)} | ${fmt(r.run.wall / (r.lines / 1e6))} |`);
const names = [...new Set(rows.flatMap((r) => r.stages.map(([n]) => n)))];
console.log(`\n| stage | ${rows.map((r) => `${(r.lines / 1e6).toLocaleString('en-US')}M lines`).join(' | ')} |`);
console.log(`|---|${rows.map(() => '---:').join('|')}|`);
for (const n of names) console.log(`| ${n} | ${rows.map((r) => fmt(r.stages.find(([m]) => m === n)?.[1] ?? NaN)).join(' | ')} |`);
const big = rows.find((r) => r.lines >= 10_000_000);
if (big) console.log(`\n10M target (60 s, 4 GB): ${fmt(big.run.wall)} s ${big.run.wall < 60 ? 'met' : 'NOT met'}, ${fmt(big.run.peakMiB / 1024, 2)} GB ${big.run.peakMiB < 4096 ? 'met' : 'NOT met'}`);

const million = rows.find((r) => r.lines === 1_000_000);
if (million && !args['no-engines']) {
  const { engineScale } = await import('./engines.js');
  const { postgresAvailable } = await import('../tests/helpers/postgres.js');
  const { clickhouseAvailable } = await import('../tests/helpers/clickhouse.js');
  const missing = [postgresAvailable(), clickhouseAvailable()].filter((a) => !a.ok).map((a) => (a as { reason: string }).reason);
  if (missing.length) console.log(`\nEmbedded vs PostgreSQL vs two-shard ClickHouse skipped: ${missing.join('; ')}`);
  else {
    const file = join(args.dir, 'orders-1000000.csv.gz');
    console.log(`\nThe 1M-line log embedded, in PostgreSQL and in two-shard ClickHouse (core pushed down + report, one round):`);
    const results = await engineScale(file, { rounds: 1 });
    const base = results[0].seconds[0];
    for (const r of results) {
      console.log(`  ${r.engine.padEnd(22)} ${fmt(r.seconds[0], 2).padStart(6)} s, ${(r.seconds[0] / base).toFixed(2)}x the embedded time${r.loadSeconds !== undefined ? `; loading the table took ${fmt(r.loadSeconds)} s (not counted)` : ''}`);
    }
  }
}
