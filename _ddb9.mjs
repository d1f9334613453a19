import { DuckDBInstance } from '@duckdb/node-api';
const inst = await DuckDBInstance.create(':memory:', { threads: '2' });
const c = await inst.connect();
const q = async (sql) => { const r = await c.run(sql); return JSON.stringify(await r.getRows(), (k,v)=>typeof v==='bigint'?Number(v):v); };
console.log(await q(`SELECT TRY_CAST(' 1.5 ' AS DOUBLE), TRY_CAST(E'\\t1.5\\n' AS DOUBLE), TRY_CAST('\u00a01.5\u00a0' AS DOUBLE), length(trim('\u00a0x\u00a0')), length(trim(E'\\tx\\t')), TRY_CAST(trim('\u00a01.5') AS DOUBLE)`));
const T = async (sql) => { const t = performance.now(); const c0 = process.cpuUsage(); const r = await c.run(sql); await r.getRows(); const cu = process.cpuUsage(c0); return [performance.now() - t, (cu.user + cu.system) / 1000]; };
await c.run(`CREATE TABLE loaded AS SELECT * FROM read_csv('/tmp/or.csv', all_varchar=true)`);
const V = {
  distinctTrim: `SELECT count(*) FROM (SELECT DISTINCT trim(CAST("UnitPrice" AS VARCHAR)) AS v FROM loaded WHERE "UnitPrice" IS NOT NULL)`,
  distinctThenTrim: `SELECT count(*) FROM (SELECT DISTINCT trim(v) AS v FROM (SELECT DISTINCT CAST("UnitPrice" AS VARCHAR) AS v FROM loaded WHERE "UnitPrice" IS NOT NULL))`,
  codes: `SELECT CAST(count(DISTINCT code) FILTER (WHERE regexp_matches(code, '[0-9]')) AS DOUBLE) AS "digits", CAST(count(DISTINCT code) AS DOUBLE) AS "n" FROM (SELECT trim(CAST("StockCode" AS VARCHAR)) AS code FROM loaded WHERE "StockCode" IS NOT NULL) AS "codes"`,
  codesDistinct: `SELECT CAST(count(DISTINCT code) FILTER (WHERE regexp_matches(code, '[0-9]')) AS DOUBLE) AS "digits", CAST(count(DISTINCT code) AS DOUBLE) AS "n" FROM (SELECT DISTINCT trim(v) AS code FROM (SELECT DISTINCT CAST("StockCode" AS VARCHAR) AS v FROM loaded WHERE "StockCode" IS NOT NULL)) AS "codes"`,
  trimCast: `SELECT count(TRY_CAST(trim(CAST("CustomerID" AS VARCHAR)) AS DOUBLE)) FROM loaded`,
  cast: `SELECT count(TRY_CAST(CAST("CustomerID" AS VARCHAR) AS DOUBLE)) FROM loaded`,
};
const res = {};
for (let i = 0; i < 5; i++) for (const [k, v] of Object.entries(V)) (res[k] ??= []).push(await T(v));
for (const [k, v] of Object.entries(res)) { const med = (a) => a.sort((x, y) => x - y)[2]; console.log(k.padEnd(18), med(v.map((x) => x[0])).toFixed(1), 'ms cpu', med(v.map((x) => x[1])).toFixed(0)); }
