/**
 * Question (issue 13 item 2): is the whole `clientele analyze` at least 3x faster than the Python notebook
 * doing the same analysis (bench/notebook_online_retail.py), with a peak memory no higher than the notebook's?
 * Runs both on the same file, alternating, ROUNDS times each, and prints median wall time and peak RSS of
 * both, the ratio, and each side's per-stage times (clientele's from `analyze --timings`, the notebook's
 * from its own clock). Needs `npm run build` and Debian's python3-pandas, -scipy and -sklearn.
 *   npx tsx bench/notebook.ts [file] [--rounds N] [--baseline DIR]
 * --baseline DIR also times DIR's built CLI (e.g. a checkout of main) in the same alternation, for before/after.
 * --notebook-threads N caps the notebook's OpenMP and BLAS threads (default: as installed, all cores). On a busy
 * machine scikit-learn's OpenMP threads spin-wait for each other and its k-means takes ten times longer; with
 * N = 1 the notebook is slower on an idle machine but stable on a busy one, a conservative reference.
 * Peak memory is the kernel's maximum resident set of each command (`/usr/bin/time %M`). Both sides are a
 * single process (clientele's worker threads and DuckDB's threads live in it), so that is the peak of the
 * whole process tree.
 *
 * The notebook fits CLV with `lifetimes` when LIFETIMES_PATH names a directory holding the `lifetimes` and
 * `autograd` packages (neither is packaged by Debian; with Debian's python3-dill installed, their public
 * sources run as they are, e.g. `git archive HEAD lifetimes | tar x -C DIR` in a clone of
 * CamDavidsonPilon/lifetimes and `git archive HEAD autograd | tar x -C DIR` in one of HIPS/autograd).
 * Without it, the notebook uses its SciPy rewrite of the same fits, which is faster than lifetimes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const valueOf = (flag: string): string | undefined => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
const ROUNDS = Number(valueOf('--rounds') ?? 5);
const baseline = valueOf('--baseline');
const notebookThreads = valueOf('--notebook-threads');
const file = args.find((a, i) => !a.startsWith('--') && !['--rounds', '--baseline', '--notebook-threads'].includes(args[i - 1])) ?? 'data/online-retail.csv.gz';
if (baseline && !existsSync(join(baseline, 'dist/cli/main.js'))) throw new Error(`--baseline ${baseline} has no dist/cli/main.js: build it first`);
if (!existsSync('dist/cli/main.js')) throw new Error('Run `npm run build` first: the bench times the built CLI');
if (!(ROUNDS >= 1)) throw new Error('--rounds needs a whole number of at least 1');

interface Run {
  wall: number;
  /** User + system CPU seconds of the whole process. */
  cpu: number;
  peakMiB: number;
  stages: Record<string, number>;
  /** Seconds the side accounts for by itself (the rest of the wall time is interpreter start and exit). */
  inside: number;
  note: string;
}

function timed(cmd: string, argv: string[], extraEnv: Record<string, string> = {}): { wall: number; cpu: number; peakMiB: number; stdout: string; stderr: string } {
  const env = { ...process.env, ...extraEnv };
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'peakKB=%M cpu=%U+%S', cmd, ...argv], { encoding: 'utf8', maxBuffer: 64 << 20, env });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed:\n${r.stderr}`);
  const peak = Number(/peakKB=(\d+)/.exec(r.stderr)?.[1]);
  const cpu = /cpu=([\d.]+)\+([\d.]+)/.exec(r.stderr);
  return { wall, cpu: Number(cpu?.[1]) + Number(cpu?.[2]), peakMiB: peak / 1024, stdout: r.stdout, stderr: r.stderr };
}

const out = mkdtempSync(join(tmpdir(), 'clientele-notebook-bench-'));

function clientele(root = '.'): Run {
  // A baseline without --timings is timed from outside only.
  const timings = root === '.';
  const r = timed(process.execPath, [join(root, 'dist/cli/main.js'), 'analyze', file, '--out', join(out, 'clientele'), '-q', ...(timings ? ['--timings'] : [])]);
  if (!timings) return { wall: r.wall, cpu: r.cpu, peakMiB: r.peakMiB, stages: {}, inside: r.wall, note: '' };
  const line = r.stderr.split('\n').find((l) => l.startsWith('timings: '));
  if (!line) throw new Error(`analyze printed no timings:\n${r.stderr}`);
  const t = JSON.parse(line.slice('timings: '.length)) as { startup: number; stages: Record<string, number>; total: number };
  return { wall: r.wall, cpu: r.cpu, peakMiB: r.peakMiB, stages: { startup: t.startup, ...t.stages }, inside: t.total, note: '' };
}

function notebook(): Run {
  const env: Record<string, string> = {};
  if (process.env.LIFETIMES_PATH) env.PYTHONPATH = process.env.LIFETIMES_PATH;
  if (notebookThreads) env.OMP_NUM_THREADS = env.OPENBLAS_NUM_THREADS = notebookThreads;
  const r = timed('/usr/bin/python3', ['bench/notebook_online_retail.py', file, join(out, 'notebook')], env);
  const last = r.stdout.trim().split('\n').pop() ?? '';
  const j = JSON.parse(last) as { stages: Record<string, number>; total: number; customers: number; k: number; k2: number; clvWith: string; bgnbd: Record<string, number>; gg: number[] };
  const note = `CLV with ${j.clvWith}; customers ${j.customers}, k ${j.k} (second stage ${j.k2}), BG/NBD ${Object.entries(j.bgnbd).map(([k, v]) => `${k} ${v}`).join(' ')}, Gamma-Gamma p q v ${j.gg.join(' ')}`;
  return { wall: r.wall, cpu: r.cpu, peakMiB: r.peakMiB, stages: j.stages, inside: j.total, note };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const c: Run[] = [];
const p: Run[] = [];
const b: Run[] = [];
// Alternate so a burst of load from other work on the machine hits both sides alike.
for (let i = 0; i < ROUNDS; i++) {
  c.push(clientele());
  p.push(notebook());
  if (baseline) b.push(clientele(baseline));
}
rmSync(out, { recursive: true, force: true });

const cw = median(c.map((r) => r.wall));
const pw = median(p.map((r) => r.wall));
const cm = Math.max(...c.map((r) => r.peakMiB));
const pm = Math.max(...p.map((r) => r.peakMiB));
const runs = (rs: Run[]) => rs.map((r) => r.wall.toFixed(2)).join(' ');
const cpuOf = (rs: Run[]) => median(rs.map((r) => r.cpu)).toFixed(2);
const load = execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).trim();
console.log(`file ${file}; ${ROUNDS} alternating rounds; ${cpus().length} cores; load ${load}`);
if (Number(load.split(' ')[0]) > 1.5) {
  console.log('  WARNING: the machine is busy; scikit-learn\'s OpenMP threads slow down sharply when they share cores, so the notebook\'s times (and the ratio) overstate');
}
console.log(`clientele analyze (all default stages): median ${cw.toFixed(3)} s wall, ${cpuOf(c)} s CPU, peak ${cm.toFixed(0)} MiB (median ${median(c.map((r) => r.peakMiB)).toFixed(0)}); runs ${runs(c)}`);
console.log(`python notebook (same stages${notebookThreads ? `, ${notebookThreads} thread${notebookThreads === '1' ? '' : 's'}` : ''}):          median ${pw.toFixed(3)} s wall, ${cpuOf(p)} s CPU, peak ${pm.toFixed(0)} MiB (median ${median(p.map((r) => r.peakMiB)).toFixed(0)}); runs ${runs(p)}`);
console.log(`  notebook: ${p[0].note}`);
if (baseline) {
  const bw = median(b.map((r) => r.wall));
  console.log(`baseline ${baseline} analyze:  median ${bw.toFixed(3)} s wall, ${cpuOf(b)} s CPU, peak ${Math.max(...b.map((r) => r.peakMiB)).toFixed(0)} MiB; runs ${runs(b)}; notebook / baseline ${(pw / bw).toFixed(2)}x; this build ${(bw / cw).toFixed(2)}x faster`);
}
console.log(`ratio notebook / clientele: ${(pw / cw).toFixed(2)}x (target >= 3x); clientele peak ${cm <= pm ? '<=' : '>'} notebook peak (${cm.toFixed(0)} vs ${pm.toFixed(0)} MiB)`);

/** Per-stage medians, in the order the run reports them. */
function table(title: string, rs: Run[]): void {
  const names = Object.keys(rs[0].stages);
  console.log(`\n${title} (median of ${rs.length}, seconds)`);
  for (const n of names) console.log(`  ${n.padEnd(20)} ${median(rs.map((r) => r.stages[n] ?? 0)).toFixed(3).padStart(7)}`);
  const inside = median(rs.map((r) => r.inside));
  console.log(`  ${'(accounted)'.padEnd(20)} ${inside.toFixed(3).padStart(7)}`);
  console.log(`  ${'(start + exit)'.padEnd(20)} ${median(rs.map((r) => r.wall - r.inside)).toFixed(3).padStart(7)}`);
}
table('clientele stages', c);
table('notebook stages', p);
