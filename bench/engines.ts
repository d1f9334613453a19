/**
 * Question: what does pushing the analysis down cost or save? Times `clientele analyze` on the same order lines
 * three ways in one run: the embedded engine on the file, a real PostgreSQL server and a real two-shard ClickHouse
 * cluster (both started here on free loopback ports, as the engine tests do), and prints each wall time, the
 * ratio to the embedded run, and the server load time (not counted). Default: a generated 1M-line log
 * (`clientele synth orders`); or pass a file in the Online Retail shape.
 *   npx tsx bench/engines.ts [--lines 1000000] [--file data/online-retail.csv.gz] [--rounds 2] [--full]
 * `--full` adds CLV and segmentation (run in clientele on the rows that come back); the default times the core
 * pushed down: cleaning, features, RFM, cohorts.
 * bench/scale.ts can call `engineScale(file)` for its 1M-line row.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { run } from '../src/cli/program.js';
import { postgresAvailable, startPostgres } from '../tests/helpers/postgres.js';
import { clickhouseAvailable, startClickHouse } from '../tests/helpers/clickhouse.js';
import { loadClickHouse, loadPostgres, tempDir, typedExtract } from '../tests/helpers/warehouse-data.js';

export interface EngineTiming {
  readonly engine: 'embedded (file)' | 'postgres' | 'clickhouse, 2 shards';
  readonly seconds: number[];
  readonly loadSeconds?: number;
}

const quiet = { stdout: () => {}, stderr: (t: string) => process.stderr.write(t), progress: false };

async function timed(argv: string[]): Promise<number> {
  const t0 = performance.now();
  const code = await run(argv, quiet);
  if (code !== 0) throw new Error(`clientele ${argv.join(' ')} exited ${code}`);
  return (performance.now() - t0) / 1000;
}

/** Time analyze on `file` embedded, in PostgreSQL and in two-shard ClickHouse, alternating rounds. */
export async function engineScale(file: string, options: { rounds?: number; full?: boolean } = {}): Promise<EngineTiming[]> {
  const rounds = options.rounds ?? 2;
  const stages = options.full ? [] : ['--no-clv', '--no-segments', '--no-drivers'];
  const tmp = tempDir('clientele-bench-engines-');
  const pgOk = postgresAvailable();
  const chOk = clickhouseAvailable();
  if (!pgOk.ok) throw new Error(pgOk.reason);
  if (!chOk.ok) throw new Error(chOk.reason);
  const extract = await typedExtract(tmp.dir, file);
  const rows = Number(execFileSync('wc', ['-l', extract.csv], { encoding: 'utf8' }).trim().split(/\s+/)[0]) - 1;
  console.log(`${rows.toLocaleString('en-US')} order lines in the table each server holds`);
  const [pg, ch] = await Promise.all([startPostgres(pgOk.bin), startClickHouse(chOk.bin)]);
  try {
    let t0 = performance.now();
    await loadPostgres(pg, extract.csv);
    const pgLoad = (performance.now() - t0) / 1000;
    t0 = performance.now();
    await loadClickHouse(ch, extract.json);
    const chLoad = (performance.now() - t0) / 1000;
    const out = join(tmp.dir, 'out');
    const results: EngineTiming[] = [
      { engine: 'embedded (file)', seconds: [] },
      { engine: 'postgres', seconds: [], loadSeconds: pgLoad },
      { engine: 'clickhouse, 2 shards', seconds: [], loadSeconds: chLoad },
    ];
    for (let r = 0; r < rounds; r++) {
      results[0].seconds.push(await timed(['analyze', file, '--out', out, '-q', ...stages]));
      results[1].seconds.push(await timed(['analyze', '--engine', pg.url, '--table', 'orders', '--out', out, '-q', ...stages]));
      results[2].seconds.push(await timed(['analyze', '--engine', ch.url, '--table', 'orders', '--out', out, '-q', ...stages]));
    }
    return results;
  } finally {
    await Promise.all([pg.stop(), ch.stop()]);
    tmp.remove();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const rounds = Number(flag('--rounds') ?? 2);
  let file = flag('--file');
  const gen = tempDir('clientele-bench-orders-');
  try {
    if (!file) {
      const lines = flag('--lines') ?? '1000000';
      file = join(gen.dir, `orders-${lines}.csv.gz`);
      const t0 = performance.now();
      await timed(['synth', 'orders', '--lines', lines, '--seed', '7', '--out', file, '-q']);
      console.log(`generated ${lines} lines (clientele synth orders --seed 7) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    const results = await engineScale(file, { rounds, full: args.includes('--full') });
    const base = median(results[0].seconds);
    console.log(`file: ${file}; ${rounds} rounds each, alternating; ${args.includes('--full') ? 'full analyze' : 'core pushed down (cleaning, features, RFM, cohorts) + report'}`);
    for (const r of results) {
      const m = median(r.seconds);
      console.log(
        `${r.engine.padEnd(22)} median ${m.toFixed(2)} s (runs ${r.seconds.map((s) => s.toFixed(2)).join(' ')}), ${(m / base).toFixed(2)}x the embedded time${r.loadSeconds !== undefined ? `; loading the table took ${r.loadSeconds.toFixed(1)} s (not counted)` : ''}`,
      );
    }
  } finally {
    gen.remove();
  }
}

if (process.argv[1]?.endsWith('engines.ts')) await main();
