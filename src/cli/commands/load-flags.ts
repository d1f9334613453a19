import type { Command } from 'commander';
import { analyze, type Analysis } from '../../pipeline/analyze.js';
import { progressReporter, type CliIO } from '../io.js';
import { commonInputOptions, inputOptions, type InputFlags } from './input-flags.js';

export interface LoadFlags extends InputFlags {
  asOf?: string;
  json?: boolean;
  quiet?: boolean;
}

/** A command that reads a data file into the core pipeline first: input flags plus --as-of, --json, --quiet. */
export function dataCommand(program: Command, name: string, description: string): Command {
  return commonInputOptions(program.command(name).description(description).argument('<file>', 'order log or customer table (CSV/TSV/.gz, Parquet, JSON lines, .xlsx)'))
    .option('--as-of <date>', 'last observed day YYYY-MM-DD (inclusive): later lines are cut')
    .option('--json', 'print the result as JSON')
    .option('-q, --quiet', 'no progress output');
}

/** Run the core pipeline for a command, closing the engine whatever happens. */
export async function withAnalysis<T>(file: string, flags: LoadFlags, io: CliIO, body: (a: Analysis) => Promise<T>): Promise<T> {
  const a = await analyze(file, { ...inputOptions(flags), asOf: flags.asOf, onStage: progressReporter(io, Boolean(flags.quiet || flags.json)) });
  try {
    return await body(a);
  } finally {
    await a.engine.close();
  }
}

/** JSON with typed arrays as plain arrays and non-finite numbers as null. */
export function toJsonText(value: unknown): string {
  return (
    JSON.stringify(
      value,
      (_k, v) => {
        if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>, (x) => (Number.isFinite(x) ? x : null));
        if (typeof v === 'number' && !Number.isFinite(v)) return null;
        return v;
      },
      2,
    ) + '\n'
  );
}
