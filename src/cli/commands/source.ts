import { InputError } from '../../errors.js';

/** What a command reads: a file, or a table in a database (--engine URL --table NAME). */
export type Source = { kind: 'file'; file: string } | { kind: 'engine'; engine: string; table: string };

const VERBS = { analyze: 'analyse', profile: 'profile' } as const;

/** A file, or --engine with --table; never both, never neither. */
export function inputSource(file: string | undefined, flags: { engine?: string; table?: string }, command: keyof typeof VERBS): Source {
  const verb = VERBS[command];
  if (flags.engine !== undefined) {
    if (file !== undefined) throw new InputError('bad-option', `Both a file (${file}) and --engine were given`, `${verb[0].toUpperCase()}${verb.slice(1)} either a file or --engine URL --table NAME`);
    if (!flags.table) throw new InputError('bad-option', '--engine needs --table, the table or view holding the order lines', 'e.g. --table public.order_lines');
    return { kind: 'engine', engine: flags.engine, table: flags.table };
  }
  if (flags.table !== undefined) throw new InputError('bad-option', '--table needs --engine, the database holding the table', 'e.g. --engine postgres://user:pass@host:5432/db');
  if (file === undefined) throw new InputError('bad-option', `No file to ${verb}`, `Pass an order export (e.g. clientele ${command} orders.csv), or --engine URL --table NAME`);
  return { kind: 'file', file };
}
