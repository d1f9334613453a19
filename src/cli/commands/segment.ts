import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { InputError } from '../../errors.js';
import type { SavedPredictor } from '../../predict/train.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { toCsv } from '../../io/csv.js';
import { fmtInt, fmtNum, fmtPct } from '../../report/format.js';
import { parseK, parseSeed } from '../options.js';
import type { CliIO } from '../io.js';
import { dataCommand, toJsonText, withAnalysis, type LoadFlags } from './load-flags.js';

interface SegmentFlags extends LoadFlags {
  k: string;
  seed: string;
  scaling: string;
  names?: string;
  recluster?: string | boolean;
  saveModel?: string;
}

export function registerSegment(program: Command, io: CliIO): void {
  dataCommand(program, 'segment', 'Cluster customers with k-means (automatic k by elbow and silhouette), profile and name the segments')
    .option('--k <k>', 'number of segments, or auto (2..10)', 'auto')
    .option('--seed <n>', 'random seed', '42')
    .option('--scaling <s>', 'standard or robust', 'standard')
    .option('--names <list>', 'comma-separated names for the segments, in segment order')
    .option('--recluster [segment]', 'recluster the top segment (or the named one) to isolate the most loyal customers')
    .option('--save-model <file>', 'save the segmentation as versioned JSON for `clientele score`')
    .addHelpText('after', `
Examples:
  clientele segment data/ecommerce-customer-behavior.csv --recluster
  clientele segment data/online-retail.csv.gz --k 4 --names "Loyal,New,Lapsed,Big spenders" --save-model segments.json`)
    .action(async (file: string, flags: SegmentFlags) => {
      if (flags.scaling !== 'standard' && flags.scaling !== 'robust') throw new InputError('bad-option', `--scaling '${flags.scaling}' is not standard or robust`);
      await withAnalysis(file, flags, io, async (a) => {
        const { segmentStage } = await import('../../pipeline/stages.js');
        const { result } = await segmentStage(a, {
          k: parseK(flags.k),
          seed: parseSeed(flags.seed),
          scaling: flags.scaling as 'standard' | 'robust',
          names: flags.names?.split(',').map((s) => s.trim()),
          recluster: flags.recluster === undefined ? false : flags.recluster,
        });
        if (flags.saveModel) writeFileAtomic(flags.saveModel, JSON.stringify(result.model, null, 2) + '\n');
        if (flags.json) {
          io.stdout(toJsonText({ ...result, labels: undefined, projection: undefined, model: undefined }));
          return;
        }
        const lines = [`${result.k} segments of ${fmtInt(result.rows)} customers: ${result.reason}`];
        for (const p of result.profiles) lines.push(`  ${p.name}: ${fmtInt(p.size)} customers (${fmtPct(p.share)})`);
        if (result.silhouette !== null) lines.push(`Mean silhouette ${fmtNum(result.silhouette, 3)}${result.silhouetteSampled ? ' (sampled)' : ''}`);
        if (result.recluster) {
          lines.push(`Second stage on "${result.recluster.parentName}": ${result.recluster.reason}`);
          for (const p of result.recluster.profiles) lines.push(`    ${p.name}: ${fmtInt(p.size)} customers`);
        }
        for (const w of result.warnings) lines.push(`Warning: ${w}`);
        if (flags.saveModel) lines.push(`Saved model to ${flags.saveModel}`);
        io.stdout(lines.join('\n') + '\n');
      });
    });
}

export function registerScore(program: Command, io: CliIO): void {
  dataCommand(program, 'score', 'Apply a saved segmentation or prediction model to new customers; prints CSV (customer id, prediction)')
    .requiredOption('--model <file>', 'model JSON saved by segment/model --save-model')
    .option('-o, --output <file>', 'write the CSV to a file instead of stdout')
    .addHelpText('after', `
Examples:
  clientele segment last-quarter.csv --save-model segments.json && clientele score this-week.csv --model segments.json
  clientele score customers.csv --model premium.json --output scores.csv`)
    .action(async (file: string, flags: LoadFlags & { model: string; output?: string }) => {
      let saved: { format?: string };
      try {
        saved = JSON.parse(readFileSync(flags.model, 'utf8'));
      } catch (err) {
        throw new InputError('model-unreadable', `Cannot read model ${flags.model} (${(err as Error).message.split('\n')[0]})`, 'Pass a file saved with --save-model');
      }
      await withAnalysis(file, flags, io, async (a) => {
        const { customerFeatureTable } = await import('../../pipeline/stages.js');
        const { scoreSegments } = await import('../../cluster/index.js');
        const { scoreModel } = await import('../../predict/train.js');
        // A prediction model may use an order log's behavioural features; a segmentation never does.
        const predictor = saved?.format === 'clientele-predictor' ? (saved as SavedPredictor) : null;
        const t = await customerFeatureTable(a, { behaviour: Boolean(predictor), expected: predictor?.design?.steps?.map((s) => s.column) });
        const ids = a.customers.columns[a.customers.names.indexOf('customer_id')];
        let names: string[];
        let cols: ArrayLike<string | number | null>[];
        if (saved?.format === 'clientele-predictor') {
          const s = scoreModel(saved as SavedPredictor, t);
          names = ['customer_id', 'prediction', ...(s.classes ?? []).map((c) => `p_${c}`)];
          cols = [ids as (string | number)[], s.predictions, ...(s.classes ?? []).map((_, j) => s.probabilities!.map((row) => row[j]))];
        } else {
          const s = scoreSegments(saved, t);
          names = ['customer_id', 'segment_id', 'segment', 'subsegment_id'];
          cols = [ids as (string | number)[], s.segment, s.name, Array.from(s.subsegment, (v) => (v < 0 ? null : v))];
        }
        const csv = toCsv(names, cols as ArrayLike<string | number | null>[]);
        if (flags.output) writeFileAtomic(flags.output, csv);
        else io.stdout(flags.json ? toJsonText(Object.fromEntries(names.map((n, j) => [n, Array.from(cols[j])]))) : csv);
      });
    });
}
