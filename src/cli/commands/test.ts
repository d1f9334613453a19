import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import { fmtP, fmtNum } from '../../report/format.js';
import { parseList, parseNumber } from '../options.js';
import type { CliIO } from '../io.js';
import { dataCommand, toJsonText, withAnalysis, type LoadFlags } from './load-flags.js';

interface TestFlags {
  outcome: string;
  factors?: string;
  exclude?: string;
  includeCancelled?: boolean;
  keepTautologies?: boolean;
  interactions?: string;
  alpha: string;
  correction: string;
}

export function registerTest(program: Command, io: CliIO): void {
  dataCommand(program, 'test', 'Which factors drive an outcome? Chooses the right test, reports effect sizes with multiple-comparison control')
    .requiredOption('--outcome <col>', 'the outcome column (spend, order value, a flag...)')
    .option('--factors <list>', 'comma-separated candidate factors (default: every other column)')
    .option('--interactions <list>', 'comma-separated pairs such as "Product Type*Purchase Date season"')
    .option('--exclude <list>', 'comma-separated columns never to test as factors')
    .option('--include-cancelled', 'keep cancelled and returned lines in a spend outcome (default: excluded, and counted in the output)')
    .option('--keep-tautologies', 'test factors tied to the outcome by construction (its score, band or components) as drivers too')
    .option('--alpha <a>', 'significance level', '0.05')
    .option('--correction <c>', 'holm or bh (Benjamini-Hochberg)', 'holm')
    .addHelpText('after', `
Order logs gain derived factors: "<date column> season", "<date column> month", "<date column> weekend",
add-on count and presence from comma-list columns, and age bands. Cancelled and returned lines (a
cancelled/returned/refunded/void status, a 'C' invoice, or a negative quantity or amount) earned no spend, so a spend
outcome leaves them out. Factors tied to the outcome by construction (its score or band, or components
such as Unit Price and Quantity of a line total) are reported as tautologies, not as drivers.

Examples:
  clientele test data/electronic-sales.csv.gz --outcome "Total Price" --factors "Product Type,Purchase Date season" --interactions "Product Type*Purchase Date season"
  clientele test data/ecommerce-customer-behavior.csv --outcome Total_Spend`)
    .action(async (file: string, flags: LoadFlags & TestFlags) => {
      if (flags.correction !== 'holm' && flags.correction !== 'bh') throw new InputError('bad-option', `--correction '${flags.correction}' is not holm or bh`);
      const { driversStage } = await import('../../pipeline/stages.js');
      const { parseInteraction } = await import('../../stats/index.js');
      await withAnalysis(file, flags, io, async (a) => {
        const { result } = await driversStage(a, {
          outcome: flags.outcome,
          factors: parseList(flags.factors, '--factors'),
          exclude: parseList(flags.exclude, '--exclude'),
          includeCancelled: flags.includeCancelled,
          keepTautologies: flags.keepTautologies,
          interactions: flags.interactions?.split(',').map((s) => parseInteraction(s.trim())),
          alpha: parseNumber(flags.alpha, '--alpha', 1e-10, 0.5),
          correction: flags.correction as 'holm' | 'bh',
        });
        if (flags.json) {
          io.stdout(toJsonText(result));
          return;
        }
        const lines: string[] = [];
        if (result.excluded) lines.push(`Note: ${result.excluded.why}.`, '');
        lines.push(...result.findings.map((f) => `• ${f}`), '');
        if (result.tautologies.length) {
          lines.push(`Tautologies (tied to ${result.outcome} by construction, not drivers):`, ...result.tautologies.map((x) => `• ${x.sentence}`), '');
        }
        for (const d of result.drivers) {
          const eff = d.test.effect ? `${d.test.effect.name} ${fmtNum(d.test.effect.value, 3)}` : '';
          lines.push(`${d.factor.padEnd(28)} ${d.test.test.padEnd(24)} p = ${fmtP(d.test.pValue).padEnd(9)} adjusted ${fmtP(d.pAdjusted).padEnd(9)} ${eff}`);
        }
        for (const s of result.skipped) lines.push(`skipped ${s.factor}: ${s.reason}`);
        io.stdout(lines.join('\n') + '\n');
      });
    });
}
