import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import type { TrainResult } from '../../predict/train.js';
import type { ModelName } from '../../predict/registry.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { fmtNum } from '../../report/format.js';
import { parseNumber, parseSeed } from '../options.js';
import type { CliIO } from '../io.js';
import { dataCommand, toJsonText, withAnalysis, type LoadFlags } from './load-flags.js';

/** Kept here, not imported from the model registry, so loading the CLI does not load every estimator. */
export const MODEL_NAMES: readonly ModelName[] = ['logistic', 'linear', 'tree', 'forest', 'boosting'];

interface ModelFlags extends LoadFlags {
  target: string;
  positive?: string;
  cluster?: string;
  model: string;
  testSize: string;
  folds: string;
  seed: string;
  maxDepth?: string;
  minLeaf?: string;
  saveModel?: string;
}

function addModelOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--target <col>', 'column to predict, or high-value (spend above median), or cluster (k-means segment)')
    .option('--positive <level>', 'predict this level of a categorical target against the rest')
    .option('--cluster <segment>', 'with --target cluster: this segment (number or name) against the rest')
    .option('--test-size <share>', 'held-out share', '0.25')
    .option('--folds <k>', 'cross-validation folds (0 to skip)', '5')
    .option('--seed <n>', 'random seed', '42')
    .option('--max-depth <d>', 'tree depth')
    .option('--min-leaf <n>', 'minimum customers per tree leaf')
    .option('--save-model <file>', 'save the fitted model as versioned JSON for `clientele score`');
}

/** Train and validate a model on the customer table: shared by `model` and `rules`. */
export async function train(file: string, flags: ModelFlags, io: CliIO, model: ModelName | 'auto'): Promise<TrainResult> {
  return withAnalysis(file, flags, io, async (a) => {
    const { customerFeatureTable } = await import('../../pipeline/stages.js');
    const { trainModel } = await import('../../predict/train.js');
    const { resolveTarget } = await import('./targets.js');
    const t = await customerFeatureTable(a);
    const seed = parseSeed(flags.seed);
    const target = resolveTarget(a, t, flags.target, { cluster: flags.cluster, seed });
    const result = trainModel(t, {
      target,
      positive: flags.positive,
      model,
      testSize: parseNumber(flags.testSize, '--test-size', 0.05, 0.9),
      folds: parseNumber(flags.folds, '--folds', 0, 20),
      seed,
      params: {
        maxDepth: flags.maxDepth ? parseNumber(flags.maxDepth, '--max-depth', 1, 30) : undefined,
        minSamplesLeaf: flags.minLeaf ? parseNumber(flags.minLeaf, '--min-leaf', 1, 1e9) : undefined,
      },
    });
    if (flags.saveModel) writeFileAtomic(flags.saveModel, JSON.stringify(result.saved, null, 2) + '\n');
    return result;
  });
}

export function registerModel(program: Command, io: CliIO): void {
  addModelOptions(dataCommand(program, 'model', 'Train and validate a classifier or regressor on the customer table, with a leakage guard'))
    .option('--model <m>', `${MODEL_NAMES.join(', ')} or auto (best by cross-validation)`, 'auto')
    .addHelpText('after', `
Examples:
  clientele model data/ecommerce-customer-behavior.csv --target Membership_Type --positive Gold
  clientele model data/online-retail.csv.gz --target high-value --model tree --save-model value.json
  clientele model data/ecommerce-customer-behavior.csv --target cluster   # warns: clusters come from the same features`)
    .action(async (file: string, flags: ModelFlags) => {
      if (flags.model !== 'auto' && !(MODEL_NAMES as readonly string[]).includes(flags.model)) {
        throw new InputError('bad-option', `--model '${flags.model}' is not one of ${MODEL_NAMES.join(', ')}, auto`);
      }
      const r = await train(file, flags, io, flags.model as ModelName | 'auto');
      if (flags.json) {
        io.stdout(toJsonText({ ...r, saved: undefined }));
        return;
      }
      const lines: string[] = [];
      for (const w of r.leakage) lines.push(`WARNING: ${w.message}`);
      lines.push(`Target: ${r.target.description} (${r.task}); model: ${r.model}; ${r.rows.train} training and ${r.rows.test} test customers`);
      lines.push(
        `Test: ${Object.entries(r.metrics)
          .filter(([, v]) => typeof v === 'number')
          .map(([k, v]) => `${k} ${fmtNum(v as number, 3)}`)
          .join(', ')}`,
      );
      if (r.cv) lines.push(`${r.cv.folds}-fold CV ${r.cv.metric}: ${fmtNum(r.cv.mean, 3)} ± ${fmtNum(r.cv.std, 3)}; training ${fmtNum(r.trainScore, 3)}`);
      lines.push(`Most important: ${r.importance.slice(0, 5).map((i) => `${i.feature} (${fmtNum(i.importance, 3)})`).join(', ')}`);
      if (r.rules) lines.push('', r.rules.text);
      if (flags.saveModel) lines.push(`Saved model to ${flags.saveModel}`);
      io.stdout(lines.join('\n') + '\n');
    });
}

export function registerRules(program: Command, io: CliIO): void {
  addModelOptions(dataCommand(program, 'rules', 'Turn a decision tree into business rules: readable text, a SQL CASE WHEN, or JSON'))
    .option('--format <f>', 'text, sql or json', 'text')
    .addHelpText('after', `
Examples:
  clientele rules data/ecommerce-customer-behavior.csv --target Membership_Type --positive Gold --max-depth 3
  clientele rules data/online-retail.csv.gz --target high-value --format sql`)
    .action(async (file: string, flags: ModelFlags & { format: string }) => {
      if (!['text', 'sql', 'json'].includes(flags.format)) throw new InputError('bad-option', `--format '${flags.format}' is not text, sql or json`);
      const r = await train(file, { ...flags, maxDepth: flags.maxDepth ?? '3' }, io, 'tree');
      if (!r.rules) throw new InputError('no-rules', `Rules need a classification target; ${r.target.name} is numeric`, 'Use --target high-value or a categorical column');
      const warn = r.leakage.map((w) => `WARNING: ${w.message}`).join('\n');
      if (warn) io.stderr(warn + '\n');
      if (flags.format === 'json') io.stdout(toJsonText(r.rules.json));
      else if (flags.format === 'sql') io.stdout(r.rules.sql + '\n');
      else io.stdout(r.rules.text + '\n');
    });
}
