import type { Command } from 'commander';
import { collect, parseColumns, parseMap } from '../options.js';
import { parseDecimalFlag } from '../../ingest/numbers.js';

export interface InputFlags {
  map?: string[];
  columns?: string;
  dateFormat?: string;
  skipBadRows?: boolean;
  sheet?: string;
  decimal?: string;
  currency?: string;
  keepDuplicates?: boolean;
}

/** Flags every command that reads a data file shares. */
export function commonInputOptions(cmd: Command): Command {
  return cmd
    .option('--map <role=Column>', 'assign a column to a role (repeatable), e.g. --map customer="Customer ID"', collect)
    .option('--columns <names>', 'names for a headerless file, comma-separated; _ skips a field')
    .option('--date-format <fmt>', 'date pattern when values cannot tell day from month, e.g. %d/%m/%Y, or DMY/MDY/YMD')
    .option('--skip-bad-rows', 'skip rows with the wrong number of fields or unclosed quotes (counted) instead of refusing the file')
    .option('--sheet <name>', 'worksheet of an .xlsx file (name or 1-based number; default the first)')
    .option('--decimal <mark>', "decimal mark when the values cannot settle it (e.g. only 1,050): ',' or '.'")
    .option('--currency <code>', 'currency of the amounts when the data do not say, e.g. EUR or $')
    .option('--keep-duplicates', 'keep exact duplicate rows even when lines carry an order id');
}

/** The load/role options a library call takes, from the shared flags. */
export function inputOptions(flags: InputFlags) {
  return {
    map: parseMap(flags.map),
    columns: parseColumns(flags.columns),
    dateFormat: flags.dateFormat,
    skipBadRows: flags.skipBadRows,
    sheet: flags.sheet,
    decimal: parseDecimalFlag(flags.decimal),
    currency: flags.currency,
    keepDuplicates: flags.keepDuplicates,
  };
}

