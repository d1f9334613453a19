import type { Command } from 'commander';
import { profile } from '../../pipeline/profile.js';
import { inputSource } from './source.js';
import { fmtInt } from '../../report/format.js';
import type { CliIO } from '../io.js';
import { commonInputOptions, inputOptions, type InputFlags } from './input-flags.js';

export function registerProfile(program: Command, io: CliIO): void {
  commonInputOptions(
    program
      .command('profile')
      .description('Show schema, detected column roles, types, missing values, duplicates and date range, without analysis')
      .argument('[file]', 'CSV/TSV (optionally .gz), Parquet, JSON lines or .xlsx (or --engine URL --table NAME)'),
  )
    .option('--engine <url>', 'profile a table in a database instead of a file: postgres://user:pass@host:5432/db or clickhouse://user:pass@host:8123/db')
    .option('--table <name>', 'with --engine: the table or view to profile (schema.table or db.table)')
    .option('--json', 'print the profile as JSON')
    .addHelpText('after', `
Examples:
  clientele profile data/online-retail.csv.gz
  clientele profile data/cdnow-sample.txt.gz --columns customer,_,date,quantity,amount --json
  clientele profile --engine postgres://analyst:secret@db:5432/shop --table public.order_lines`)
    .action(async (file: string | undefined, flags: InputFlags & { json?: boolean; engine?: string; table?: string }) => {
      const source = inputSource(file, flags, 'profile');
      const p = source.kind === 'file' ? await profile(source.file, inputOptions(flags)) : await profileWarehouse(source.engine, source.table, flags);
      if (flags.json) {
        io.stdout(JSON.stringify(p, null, 2) + '\n');
        return;
      }
      const lines = [
        `${p.file}: ${p.format}${p.encoding === 'n/a' ? '' : `, ${p.encoding}`}, ${fmtInt(p.rows)} rows, ${p.columns.length} columns, ${fmtInt(p.duplicateRows)} exact duplicate rows`,
      ];
      if (p.detection) lines.push(`Shape: ${p.detection.shape} (${p.detection.shapeReason})`);
      if (p.dateRange) lines.push(`Dates: ${p.dateRange.first} to ${p.dateRange.last} (${p.dateRange.format})`);
      if (p.numberFormatLines.length) lines.push(`Numbers: ${p.numberFormatLines.join('; ')}`);
      lines.push(`Currency: ${p.currency ?? 'not stated in the data (pass --currency to name it)'}`);
      if (p.detectionProblem) lines.push(`Problem: ${p.detectionProblem}`);
      lines.push('', pad(['column', 'type', 'role (why)', 'missing', 'distinct', 'min', 'max']));
      for (const c of p.columns) {
        const reason = c.role ? p.detection?.reasons[c.role as keyof typeof p.detection.reasons] : undefined;
        const why = reason ? reason.slice(reason.indexOf('(')) : '';
        lines.push(pad([c.name, c.type, c.role ? `${c.role} ${why}` : '', fmtInt(c.missing), fmtInt(c.distinct), c.min ?? '', c.max ?? '']));
      }
      for (const w of p.warnings) lines.push(`Warning: ${w}`);
      io.stdout(lines.join('\n') + '\n');
    });
}

function pad(cells: string[]): string {
  const widths = [24, 10, 26, 9, 9, 20, 20];
  return cells.map((c, i) => (c.length > widths[i] ? c.slice(0, widths[i] - 1) + '…' : c.padEnd(widths[i]))).join(' ').trimEnd();
}

async function profileWarehouse(url: string, table: string, flags: InputFlags) {
  const { connectEngine } = await import('../../engine/connect.js');
  const { profileTable } = await import('../../pipeline/profile.js');
  const engine = await connectEngine(url);
  try {
    return await profileTable(engine, table, { map: inputOptions(flags).map, currency: flags.currency });
  } finally {
    await engine.close();
  }
}
