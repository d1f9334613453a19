import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import { tableToCsv } from '../../io/table-csv.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { parseNumber, parseSeed } from '../options.js';
import type { CliIO } from '../io.js';

export function registerSynth(program: Command, io: CliIO): void {
  program
    .command('synth')
    .description('Generate synthetic data with planted relationships: customers (engagement, premium membership) or aggregates (60-day activity)')
    .argument('<kind>', 'customers or aggregates')
    .option('--rows <n>', 'number of customers', '5000')
    .option('--seed <n>', 'random seed', '42')
    .option('-o, --output <file>', 'write CSV to a file instead of stdout')
    .addHelpText('after', `
Examples:
  clientele synth customers --rows 2000 --output premium.csv && clientele model premium.csv --target premium
  clientele synth aggregates --seed 7 --output week.csv && clientele segment week.csv --recluster`)
    .action(async (kind: string, flags: { rows: string; seed: string; output?: string }) => {
      const { syntheticAggregates, syntheticCustomers } = await import('../../synth/index.js');
      const options = { rows: parseNumber(flags.rows, '--rows', 10, 10_000_000), seed: parseSeed(flags.seed) };
      let csv: string;
      if (kind === 'customers') csv = tableToCsv(syntheticCustomers(options).table);
      else if (kind === 'aggregates') csv = tableToCsv(syntheticAggregates(options).table);
      else throw new InputError('bad-kind', `synth '${kind}' is not customers or aggregates`);
      if (flags.output) writeFileAtomic(flags.output, csv);
      else io.stdout(csv);
    });
}
