import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
const inst = await DuckDBInstance.create(':memory:');
const c = await inst.connect();
await c.run(`CREATE TABLE lines AS SELECT * FROM '/tmp/lines.parquet'`);
const qs = readFileSync(process.argv[2] ?? '/tmp/bg.sql', 'utf8').split(';;').map((q) => q.trim()).filter(Boolean);
for (const pre of (process.env.PRE ?? '').split(';;').filter(Boolean)) { const t0 = performance.now(); const u0 = process.cpuUsage(); await c.run(pre); const u = process.cpuUsage(u0); console.log('pre', (performance.now() - t0).toFixed(0), 'ms', ((u.user + u.system) / 1000).toFixed(0), 'cpu'); }
let tot = 0;
for (let r = 0; r < 2; r++) { tot = 0; for (const q of qs) {
  const t0 = performance.now(); const u0 = process.cpuUsage();
  const res = await c.runAndReadAll(q);
  const u = process.cpuUsage(u0); tot += (u.user + u.system) / 1000;
  if (r === 1) console.log((performance.now() - t0).toFixed(0).padStart(4), 'ms', ((u.user + u.system) / 1000).toFixed(0).padStart(4), 'cpu', res.getRows().length, 'rows', q.slice(0, 80));
} }
console.log('total cpu', tot.toFixed(0));
