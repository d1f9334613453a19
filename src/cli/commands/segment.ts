import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { InputError } from '../../errors.js';
import type { SegmentNames, SegmentProfile } from '../../cluster/profile.js';
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
  features?: string;
  exclude?: string;
  recluster?: string | boolean;
  saveModel?: string;
}

export function registerSegment(program: Command, io: CliIO): void {
  dataCommand(program, 'segment', 'Cluster customers with k-means (automatic k by silhouette), print the profiles by index, name the segments')
    .option('--k <k>', 'number of segments, or auto (2..10)', 'auto')
    .option('--seed <n>', 'random seed', '42')
    .option('--scaling <s>', 'standard or robust', 'standard')
    .option('--names <list>', 'segment names by index, e.g. "2=Loyal,0=New" (indices as printed), or one name per segment in order')
    .option('--features <columns>', 'cluster on exactly these columns, comma-separated (no automatic column screening)')
    .option('--exclude <columns>', 'leave these columns out, comma-separated')
    .option('--recluster [segment]', 'recluster the top segment (or the named one) to isolate the most loyal customers')
    .option('--save-model <file>', 'save the segmentation as versioned JSON for `clientele score`')
    .addHelpText('after', `
Examples:
  clientele segment data/ecommerce-customer-behavior.csv --recluster
  clientele segment data/online-retail.csv.gz --k 4 --names "0=Loyal,3=Lapsed" --save-model segments.json
  clientele segment customers.csv --exclude device,region --recluster`)
    .action(async (file: string, flags: SegmentFlags) => {
      if (flags.scaling !== 'standard' && flags.scaling !== 'robust') throw new InputError('bad-option', `--scaling '${flags.scaling}' is not standard or robust`);
      await withAnalysis(file, flags, io, async (a) => {
        const { segmentStage } = await import('../../pipeline/stages.js');
        const { result } = await segmentStage(a, {
          k: parseK(flags.k),
          seed: parseSeed(flags.seed),
          scaling: flags.scaling as 'standard' | 'robust',
          names: parseNames(flags.names),
          design: {
            ...(flags.features !== undefined ? { include: parseList(flags.features, '--features') } : {}),
            ...(flags.exclude !== undefined ? { exclude: parseList(flags.exclude, '--exclude') } : {}),
          },
          recluster: flags.recluster === undefined ? false : flags.recluster,
        });
        if (flags.saveModel) writeFileAtomic(flags.saveModel, JSON.stringify(result.model, null, 2) + '\n');
        if (flags.json) {
          io.stdout(toJsonText({ ...result, labels: undefined, projection: undefined, model: undefined }));
          return;
        }
        const lines = [`${result.k} segments of ${fmtInt(result.rows)} customers: ${result.reason}`];
        lines.push(...profileLines(result.profiles, result.separation.map((x) => x.column), '  '));
        if (result.silhouette !== null) lines.push(`Mean silhouette ${fmtNum(result.silhouette, 3)}${result.silhouetteSampled ? ' (sampled)' : ''}`);
        lines.push(`Clustered on: ${result.separation.map((x) => `${x.column} ${fmtPct(x.share)}`).join(', ')} (share of the separation between segments)`);
        for (const e of result.excluded) lines.push(`  left out ${e.column}: ${e.reason}`);
        if (result.recluster) {
          const r = result.recluster;
          lines.push(`Second stage on segment ${r.parent} "${r.parentName}": ${r.reason}`);
          if (r.dropped.length > 0) lines.push(`    (inside the segment, ${r.dropped.join(', ')} separate nothing and were left out)`);
          lines.push(...profileLines(r.profiles, result.separation.map((x) => x.column), '    ', r.loyal));
        }
        for (const w of result.warnings) lines.push(`Warning: ${w}`);
        if (flags.saveModel) lines.push(`Saved model to ${flags.saveModel}`);
        io.stdout(lines.join('\n') + '\n');
      });
    });
}

/**
 * One line per segment, index first so `--names "2=Loyal"` can refer to it: size, name and the means
 * of the clustered columns that differ most from all customers.
 */
function profileLines(profiles: readonly SegmentProfile[], columns: readonly string[], indent: string, loyal?: number): string[] {
  const width = Math.max(...profiles.map((p) => p.name.length));
  return profiles.map((p) => {
    const key = p.features
      .filter((f) => columns.includes(f.feature))
      .sort((a, b) => Math.abs(b.shift ?? b.z) - Math.abs(a.shift ?? a.z))
      .slice(0, 4)
      .map((f) => `${f.feature} ${fmtNum(f.mean, 3)} (all ${fmtNum(f.overallMean, 3)})`);
    const name = p.id === loyal ? `${p.name} [most loyal]` : p.name;
    return `${indent}${String(p.id).padStart(2)}  ${fmtInt(p.size).padStart(7)} (${fmtPct(p.share).padStart(6)})  ${name.padEnd(width + (loyal === undefined ? 0 : 13))}  ${key.join('; ')}`;
  });
}

/** `--names`: "2=Loyal,0=New" by index, or the older "Loyal,New,Lapsed" in segment order. */
export function parseNames(v: string | undefined): SegmentNames | undefined {
  if (v === undefined) return undefined;
  const parts = v.split(',').map((s) => s.trim());
  if (parts.some((p) => p === '')) throw new InputError('bad-names', `--names '${v}' has an empty name`, 'For example --names "2=Loyal,0=New"');
  if (!parts.some((p) => /^\d+\s*=/.test(p))) return parts;
  const map: Record<number, string> = {};
  for (const p of parts) {
    const m = /^(\d+)\s*=\s*(.+)$/.exec(p);
    if (!m) throw new InputError('bad-names', `--names '${p}' is not index=Name`, 'Map every name to a segment index, e.g. --names "2=Loyal,0=New"');
    if (map[Number(m[1])] !== undefined) throw new InputError('bad-names', `--names gives segment ${m[1]} two names`);
    map[Number(m[1])] = m[2];
  }
  return map;
}

function parseList(v: string, flag: string): string[] {
  const names = v.split(',').map((s) => s.trim());
  if (names.some((n) => n === '')) throw new InputError('bad-columns', `${flag} '${v}' has an empty name`, `Separate names with commas, e.g. ${flag} Total_Spend,Items_Purchased`);
  return names;
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
      const { parseModel, loadScorer } = await import('../../models/registry.js');
      let text: string;
      try {
        text = readFileSync(flags.model, 'utf8');
      } catch (err) {
        throw new InputError('model-unreadable', `Cannot read model ${flags.model} (${(err as Error).message.split('\n')[0]})`, 'Pass the model.json analyze writes, or a file saved with --save-model');
      }
      const scorer = loadScorer(parseModel(text, `Model ${flags.model}`).toJSON());
      await withAnalysis(file, flags, io, async (a) => {
        const { customerInput } = await import('../../pipeline/customer-input.js');
        const { scoreInput } = await import('../../scoring/score.js');
        const s = scoreInput(scorer, await customerInput(a, scorer.inputs));
        const csv = toCsv(s.names, s.columns);
        if (flags.output) writeFileAtomic(flags.output, csv);
        else io.stdout(flags.json ? toJsonText(Object.fromEntries(s.names.map((n, j) => [n, s.columns[j]]))) : csv);
        for (const [column, why] of Object.entries(s.notes)) if (!flags.quiet && !flags.json) io.stderr(`${column}: ${why}\n`);
      });
    });
}
