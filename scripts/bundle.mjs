/**
 * Bundles the CLI after tsc: dist/cli/main.js (tsc's output) is replaced by an esbuild bundle of src/cli/main.ts,
 * with the segmentation worker beside it and the lazily imported stages as chunks. Loading ~300 small modules one
 * by one took 0.25 s of every command's start (0.1 s as chunks); the library build (dist/index.js and the rest of
 * dist/) is tsc's, unbundled. Packages that are native, or imported only by some commands, stay external.
 */
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const out = 'dist/cli';
for (const f of readdirSync(out)) if (/^part-.*\.js$/.test(f)) rmSync(join(out, f));

await build({
  // segment-thread.ts starts './segment-worker.js' beside itself: in the bundle that is dist/cli/.
  entryPoints: { main: 'src/cli/main.ts', 'segment-worker': 'src/pipeline/segment-worker.ts' },
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'part-[name]-[hash]',
  allowOverwrite: true,
  logLevel: 'warning',
  external: ['@duckdb/node-bindings', 'pg', 'pg-native', '@clickhouse/client', 'exceljs', 'fastify', 'vega', 'vega-lite', 'ajv', 'secure-json-parse', 'tsx'],
  // Bundled CommonJS packages (commander) call require for Node's own modules.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});
