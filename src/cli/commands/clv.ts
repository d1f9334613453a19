import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import type { ClvModelKind } from '../../clv/index.js';
import { fmtMoney, fmtNum } from '../../report/format.js';
import { parseNumber } from '../options.js';
import type { CliIO } from '../io.js';
import { dataCommand, toJsonText, withAnalysis, type LoadFlags } from './load-flags.js';

interface ClvFlags extends LoadFlags {
  timeUnit: string;
  calibrationEnd?: string;
  model: string;
  months: string;
  discount: string;
  margin: string;
  penalizer: string;
  out?: string;
}

export function registerClv(program: Command, io: CliIO): void {
  dataCommand(program, 'clv', 'Fit BG/NBD, Pareto/NBD, MBG/NBD and Gamma-Gamma; predict purchases, P(alive) and CLV per customer')
    .option('--time-unit <unit>', 'days or weeks', 'weeks')
    .option('--calibration-end <date>', 'end of the calibration period YYYY-MM-DD; later purchases are the holdout')
    .option('--model <m>', 'bgnbd, pnbd, mbgnbd or all', 'all')
    .option('--months <n>', 'CLV horizon in months', '12')
    .option('--discount <rate>', 'monthly discount rate', '0.01')
    .option('--margin <m>', 'profit margin applied to spend (0..1)', '1')
    .option('--penalizer <l2>', 'L2 penalty on the model parameters, as in lifetimes (0 = plain maximum likelihood)', '0')
    .option('--out <file>', 'write a per-customer CSV: customer_id, P(alive), expected purchases and CLV with 90% intervals, P(no purchase in 90 days), churn risk, next order date, DERT')
    .addHelpText('after', `
--as-of is the last observed day (inclusive).

Examples:
  clientele clv data/cdnow-sample.txt.gz --columns customer,_,date,quantity,amount --time-unit weeks --calibration-end 1997-09-30 --as-of 1998-06-30 --json
  clientele clv data/online-retail.csv.gz --model bgnbd --months 6 --margin 0.3`)
    .action(async (file: string, flags: ClvFlags) => {
      if (flags.timeUnit !== 'days' && flags.timeUnit !== 'weeks') throw new InputError('bad-option', `--time-unit '${flags.timeUnit}' is not days or weeks`);
      const kinds = ['bgnbd', 'pnbd', 'mbgnbd'];
      if (flags.model !== 'all' && !kinds.includes(flags.model)) throw new InputError('bad-option', `--model '${flags.model}' is not one of bgnbd, pnbd, mbgnbd, all`);
      await withAnalysis(file, flags, io, async (a) => {
        const { clvStage, clvSummaryJson, scoresSummaryJson } = await import('../../pipeline/stages.js');
        const { CLV_MODEL_NAMES } = await import('../../clv/index.js');
        const { result, scores, rows } = await clvStage(a, {
          timeUnit: flags.timeUnit as 'days' | 'weeks',
          observationEnd: a.asOf ?? undefined,
          calibrationEnd: flags.calibrationEnd,
          models: flags.model === 'all' ? undefined : [flags.model as ClvModelKind],
          months: parseNumber(flags.months, '--months', 1, 600),
          monthlyDiscountRate: parseNumber(flags.discount, '--discount', 0, 1),
          margin: parseNumber(flags.margin, '--margin', 0, 1),
          penalizer: parseNumber(flags.penalizer, '--penalizer', 0, 1e6),
        });
        if (flags.out) {
          const { toCsv } = await import('../../io/csv.js');
          const { writeFileAtomic } = await import('../../io/atomic.js');
          // The columns analyze adds to customers.csv, for every modelled customer (also those whose purchases were all free).
          writeFileAtomic(resolve(flags.out), toCsv(['customer_id', ...rows.columns.map((c) => c.name)], [rows.ids, ...rows.columns.map((c) => c.values)]));
        }
        if (flags.json) {
          io.stdout(toJsonText({ ...clvSummaryJson(result), scores: scoresSummaryJson(scores) }));
          return;
        }
        const chosen = result.best ? `model used: ${CLV_MODEL_NAMES[result.best]} (${result.selection.reason})` : `no model used: ${result.selection.reason}`;
        const lines = [`${result.summary.n} customers, time unit ${result.timeUnit}; ${chosen}`];
        for (const m of result.models) {
          const edge = new Set(m.health.boundary?.params ?? []);
          const shown = Object.entries(m.params).filter(([k]) => !edge.has(k)).map(([k, v]) => `${k} = ${fmtNum(v, 4)}`);
          const verdict = m.health.healthy ? 'healthy' : 'NOT USED';
          lines.push(`${m.name.padEnd(11)} ${shown.join(', ')}${m.health.boundary ? `; ${m.health.boundary.reason}` : ''}; log-likelihood ${fmtNum(m.logLikelihood, 2)}; ${verdict}`);
        }
        if (result.spend) lines.push(`Gamma-Gamma ${Object.entries(result.spend.params).map(([k, v]) => `${k} = ${fmtNum(v, 4)}`).join(', ')}; mean spend ${fmtMoney(result.spend.meanSpend, a.currency)}`);
        // A skipped fit's reason is already the first line; repeating it as a P(alive) note and a warning adds nothing.
        if (!result.fitSkipped) {
          if (result.pAlive.note) lines.push(`P(alive): ${result.pAlive.note}`);
          for (const w of result.warnings) lines.push(`Warning: ${w}`);
        }
        if (flags.out) lines.push(`Per-customer scores written to ${flags.out}${scores.withheld ? ` (blank: ${scores.withheld})` : ''}`);
        io.stdout(lines.join('\n') + '\n');
      });
    });
}
