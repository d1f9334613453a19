import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import { fmtP, fmtNum } from '../../report/format.js';
import { parseNumber } from '../options.js';
import type { CliIO } from '../io.js';
import { dataCommand, toJsonText, withAnalysis, type LoadFlags } from './load-flags.js';

export function registerTest(program: Command, io: CliIO): void {
  dataCommand(program, 'test', 'Which factors drive an outcome? Chooses the right test, reports effect sizes with multiple-comparison control')
    .requiredOption('--outcome <col>', 'the outcome column (spend, order value, a flag...)')
    .option('--factors <list>', 'comma-separated candidate factors (default: every other column)')
    .option('--interactions <list>', 'comma-separated pairs such as "Product Type*Purchase Date season"')
    .option('--alpha <a>', 'significance level', '0.05')
    .option('--correction <c>', 'holm or bh (Benjamini-Hochberg)', 'holm')
    .addHelpText('after', `
Order logs gain derived factors: "<date column> season", "<date column> month", "<date column> weekend",
add-on count and presence from comma-list columns, and age bands.

Examples:
  clientele test data/electronic-sales.csv.gz --outcome "Total Price" --factors "Product Type,Purchase Date season" --interactions "Product Type*Purchase Date season"
  clientele test data/ecommerce-customer-behavior.csv --outcome Total_Spend`)
    .action(async (file: string, flags: LoadFlags & { outcome: string; factors?: string; interactions?: string; alpha: string; correction: string }) => {
      if (flags.correction !== 'holm' && flags.correction !== 'bh') throw new InputError('bad-option', `--correction '${flags.correction}' is not holm or bh`);
      const { driversStage } = await import('../../pipeline/stages.js');
      const { parseInteraction } = await import('../../stats/index.js');
      await withAnalysis(file, flags, io, async (a) => {
        const { result } = await driversStage(a, {
          outcome: flags.outcome,
          factors: flags.factors?.split(',').map((s) => s.trim()),
          interactions: flags.interactions?.split(',').map((s) => parseInteraction(s.trim())),
          alpha: parseNumber(flags.alpha, '--alpha', 1e-10, 0.5),
          correction: flags.correction as 'holm' | 'bh',
        });
        if (flags.json) {
          io.stdout(toJsonText(result));
          return;
        }
        const lines = [...result.findings.map((f) => `• ${f}`), ''];
        for (const d of result.drivers) {
          const eff = d.test.effect ? `${d.test.effect.name} ${fmtNum(d.test.effect.value, 3)}` : '';
          lines.push(`${d.factor.padEnd(28)} ${d.test.test.padEnd(24)} p = ${fmtP(d.test.pValue).padEnd(9)} adjusted ${fmtP(d.pAdjusted).padEnd(9)} ${eff}`);
        }
        for (const s of result.skipped) lines.push(`skipped ${s.factor}: ${s.reason}`);
        io.stdout(lines.join('\n') + '\n');
      });
    });
}
