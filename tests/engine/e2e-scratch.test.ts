import { test } from 'vitest';
import { postgresAvailable, startPostgres } from '../helpers/postgres.js';
import { clickhouseAvailable, startClickHouse } from '../helpers/clickhouse.js';
import { loadClickHouse, loadPostgres, tempDir, typedExtract } from '../helpers/warehouse-data.js';
import { cli } from '../helpers/cli.js';
test('e2e', async () => {
  const tmp = tempDir('x-');
  const ex = await typedExtract(tmp.dir);
  const p = postgresAvailable(); const c = clickhouseAvailable();
  if (!p.ok || !c.ok) return;
  const [pg, ch] = await Promise.all([startPostgres(p.bin), startClickHouse(c.bin)]);
  await loadPostgres(pg, ex.csv); await loadClickHouse(ch, ex.json);
  for (const [i, url] of [pg.url, ch.url].entries()) {
    const t0 = Date.now();
    const r = await cli('analyze', '--engine', url, '--table', 'orders', '--out', '/tmp/e2e-out' + i, '--quiet');
    process.stderr.write(`${url} code ${r.code} ${(Date.now() - t0) / 1000}s\n${r.stdout.slice(0, 1500)}\n${r.stderr.slice(0, 3000)}\n`);
  }
  const t0 = Date.now();
  const r = await cli('analyze', 'data/online-retail.csv.gz', '--out', '/tmp/e2e-out2', '--quiet');
  process.stderr.write(`file code ${r.code} ${(Date.now() - t0) / 1000}s\n`);
  await pg.stop(); await ch.stop(); tmp.remove();
}, 600000);
