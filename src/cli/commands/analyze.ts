import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { analyze, analyzeWithLater } from '../../pipeline/analyze.js';
import { analysisOutputs, type OutputFormat } from '../../pipeline/artifacts.js';
import { parseK, parseSeed } from '../options.js';
import { writeOutputs } from '../../io/atomic.js';
import { stageTimer } from '../stage-timer.js';
import { parseSegmentMap } from '../../features/rfm-map.js';
import { InputError } from '../../errors.js';
import { calendarDate } from '../../ingest/dates.js';
import { progressReporter, type CliIO } from '../io.js';
import { commonInputOptions, inputOptions, type InputFlags } from './input-flags.js';
import { inputSource } from './source.js';

interface AnalyzeFlags extends InputFlags {
  out: string;
  engine?: string;
  table?: string;
  format: string;
  asOf?: string;
  calibrationEnd?: string;
  json?: boolean;
  quiet?: boolean;
  segmentMap?: string;
  keepNonProduct?: boolean;
  outliers: 'mad' | 'iqr' | 'none';
  clv: boolean;
  segments: boolean;
  drivers: boolean;
  k: string;
  seed: string;
  timings?: boolean;
}

export function registerAnalyze(program: Command, io: CliIO): void {
  commonInputOptions(
    program
      .command('analyze')
      .description('Clean an order log or customer table and write report.html, customers.csv, summary.json and cleaning-log.json')
      .argument('[file]', 'CSV/TSV (optionally .gz), Parquet, JSON lines or .xlsx (or --engine URL --table NAME)'),
  )
    .option('--engine <url>', 'run on a table in a database instead of a file: postgres://user:pass@host:5432/db or clickhouse://user:pass@host:8123/db')
    .option('--table <name>', 'with --engine: the table or view holding the order lines (schema.table or db.table)')
    .option('-o, --out <dir>', 'output directory', 'out')
    .option('--as-of <date>', 'last observed day YYYY-MM-DD (inclusive): later lines are cut; default the last line\'s day')
    .option('--calibration-end <date>', 'end of the CLV calibration period YYYY-MM-DD; later purchases are the holdout')
    .option('--segment-map <file>', 'JSON file overriding the RFM segment map (see docs/rfm.md)')
    .option('--keep-non-product', 'count postage, fees and adjustments as customer revenue')
    .option('--outliers <rule>', 'rule for flagging outlying line amounts: mad, iqr or none', 'mad')
    .option('--no-clv', 'skip lifetime-value models')
    .option('--no-segments', 'skip k-means segmentation')
    .option('--no-drivers', 'skip the drivers scan')
    .option('--k <k>', 'number of segments, or auto (2..10 by silhouette and elbow)', 'auto')
    .option('--seed <n>', 'random seed for segmentation', '42')
    .option('--format <list>', 'summaries to write: any of html (report.html), md (summary.md), json (summary.json)', 'html,md,json')
    .option('--json', 'print summary.json to stdout instead of a text summary')
    .option('-q, --quiet', 'no progress output')
    .option('--timings', 'print the wall time of each stage to stderr at the end, as one JSON line')
    .addHelpText(
      'after',
      `
Examples:
  clientele analyze data/online-retail.csv.gz --out out
  clientele analyze orders.csv --map customer="Client Ref" --map amount=Total --as-of 2024-01-01
  clientele analyze data/cdnow-sample.txt.gz --columns customer,_,date,quantity,amount
  clientele analyze customers.xlsx --sheet Customers --json
  clientele analyze --engine postgres://analyst:secret@db:5432/shop --table public.order_lines
  clientele analyze --engine clickhouse://default:secret@ch:8123/shop --table order_lines`,
    )
    .action(async (file: string | undefined, flags: AnalyzeFlags) => {
      const source = inputSource(file, flags, 'analyze');
      if (!['mad', 'iqr', 'none'].includes(flags.outliers)) {
        throw new InputError('bad-option', `--outliers '${flags.outliers}' is not one of mad, iqr, none`);
      }
      // Checked before any work: the CLV stage that uses it may not fail the run.
      if (flags.calibrationEnd !== undefined) calendarDate(flags.calibrationEnd, '--calibration-end');
      const formats = parseFormats(flags.format);
      const segmentMap = flags.segmentMap ? loadSegmentMap(flags.segmentMap) : undefined;
      const k = parseK(flags.k);
      const seed = parseSeed(flags.seed);
      const progress = progressReporter(io, Boolean(flags.quiet || flags.json));
      const timer = flags.timings ? stageTimer() : null;
      const onStage = (stage: string) => {
        timer?.mark(stage);
        progress(stage);
      };
      const options = {
        ...inputOptions(flags),
        asOf: flags.asOf,
        segmentMap,
        keepNonProduct: flags.keepNonProduct,
        outlierRule: flags.outliers,
        onStage,
      };
      const later = {
        clv: flags.clv ? { calibrationEnd: flags.calibrationEnd } : (false as const),
        segments: flags.segments ? { k, seed } : (false as const),
        drivers: flags.drivers,
      };
      // A file runs as one plan with its later stages; a warehouse table's later stages follow its core.
      // On a file the engine closes as soon as its last query has run, while the segmentation thread finishes.
      const run = source.kind === 'file' ? await analyzeWithLater(source.file, { ...options, ...later, onEngineDone: (e) => e.close() }) : { analysis: await analyzeWarehouse(source.engine, source.table, options), extensions: null };
      const a = run.analysis;
      let closed = false;
      try {
        // Loaded only when a later stage runs, so a core-only run does not pay for the model code.
        const wanted = flags.clv || flags.segments || flags.drivers;
        const extensions = run.extensions ?? (!wanted ? [] : await (await import('../../pipeline/full.js')).extendAnalysis(a, { ...later, onStage }));
        // Every query has run: the engine's tables and buffers (gigabytes at 10M lines) go before the
        // outputs are built, so the two peaks do not add up.
        await a.engine.close();
        closed = true;
        onStage('writing report');
        const files = analysisOutputs(a, extensions, undefined, onStage);
        const summaryText = files['summary.json'] as string;
        const written = writeOutputs(resolve(flags.out), Object.fromEntries(Object.entries(files).filter(([name]) => wantedFile(name, formats))));
        const summary = JSON.parse(summaryText) as { checks: { name: string; ok: boolean; detail: string }[]; skipped: { analysis: string; reason: string }[] };
        for (const c of summary.checks.filter((x) => !x.ok)) io.stderr(`Warning: data check failed: ${c.name} (${c.detail})\n`);
        if (flags.json) {
          io.stdout(summaryText);
        } else if (!flags.quiet) {
          const s = JSON.parse(summaryText) as { findings: string[] };
          const roles = Object.entries(a.detection.reasons).map(([role, why]) => `${role} ← ${why}`).join(', ');
          io.stdout(`Detected ${a.detection.shape === 'order-log' ? 'an order log' : 'a customer table'} (${a.detection.shapeReason}); columns: ${roles}\n\n`);
          io.stdout(`${s.findings.map((f) => `• ${f}`).join('\n')}\n\nWrote ${written.join(', ')}\n`);
        }
      } finally {
        timer?.mark('closing');
        if (!closed) await a.engine.close();
        if (timer) io.stderr(`timings: ${JSON.stringify(timer.done())}
`);
      }
    });
}

/** Connect, analyse the table, and close the connection if the analysis fails (on success the caller closes it). */
async function analyzeWarehouse(url: string, table: string, options: Parameters<typeof analyze>[1]) {
  const { connectEngine } = await import('../../engine/connect.js');
  const { analyzeTable } = await import('../../pipeline/warehouse.js');
  const engine = await connectEngine(url);
  try {
    return await analyzeTable(engine, table, options);
  } catch (err) {
    await engine.close();
    throw err;
  }
}

const FORMAT_FILES: Record<OutputFormat, string> = { html: 'report.html', md: 'summary.md', json: 'summary.json' };

function parseFormats(list: string): OutputFormat[] {
  const items = list.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean);
  const bad = items.filter((x) => !(x in FORMAT_FILES));
  if (bad.length || items.length === 0) {
    throw new InputError('bad-option', `--format '${list}' names ${bad.length ? `unknown formats (${bad.join(', ')})` : 'no format'}`, 'Use a comma list of html, md and json, e.g. --format html,md');
  }
  return items as OutputFormat[];
}

/** customers.csv and cleaning-log.json are always written; the summaries only when asked for. */
function wantedFile(name: string, formats: OutputFormat[]): boolean {
  const format = (Object.keys(FORMAT_FILES) as OutputFormat[]).find((f) => FORMAT_FILES[f] === name);
  return !format || formats.includes(format);
}

function loadSegmentMap(path: string) {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new InputError('segment-map-unreadable', `Cannot read segment map ${path} (${(err as Error).message.split('\n')[0]})`, 'Pass a JSON file, see docs/rfm.md');
  }
  return parseSegmentMap(json, path);
}
