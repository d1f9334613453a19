import { InputError } from '../errors.js';
import type { Engine } from '../engine/engine.js';
import type { LoadedTable } from './load.js';
import { normaliseCurrency, settleCurrency } from './numbers.js';
import type { RoleMap } from './roles.js';

const MONEY_ROLES = ['amount', 'price', 'spend'] as const;

/**
 * The currency of every money figure: `--currency`, else the symbol or code on the money columns' values, else a
 * currency column holding one code. Two currencies are refused: adding them up would be wrong, and clientele
 * does not convert.
 */
export async function fileCurrency(engine: Engine, load: LoadedTable, roles: RoleMap, flag?: string): Promise<string | null> {
  if (flag !== undefined) {
    const c = flag.trim();
    if (!/^([A-Z]{3}|[$€£¥₹₩₽₺₪₫฿₱₴₦])$/.test(c)) {
      throw new InputError('bad-option', `--currency '${flag}' is not a currency`, 'Use an ISO 4217 code such as EUR or USD, or a symbol such as €');
    }
    return normaliseCurrency(c);
  }
  const money = MONEY_ROLES.map((r) => roles[r]).filter((c): c is string => Boolean(c));
  const tokens = load.numberFormats.filter((f) => f.status === 'numeric' && money.includes(f.column) && f.currency).map((f) => f.currency as string);
  if (roles.currency) {
    const q = engine.sql;
    const c = q.ident(roles.currency);
    const r = await engine.query(`SELECT DISTINCT ${q.trim(q.toText(c))} AS code FROM ${load.table} WHERE ${c} IS NOT NULL ORDER BY code LIMIT 10`);
    tokens.push(...r.columns[0].map(String).filter((v) => v !== ''));
  }
  const settled = settleCurrency(tokens);
  if (settled === 'conflict') {
    throw new InputError(
      'mixed-currency',
      `The amounts are in more than one currency (${[...new Set(tokens)].sort().join(', ')})`,
      'clientele does not convert currencies: filter the export to one currency, or pass --currency to state it',
    );
  }
  return settled;
}
