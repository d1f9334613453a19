import { InputError } from '../errors.js';
import type { Engine } from './engine.js';

/**
 * The engine an `--engine URL` names: postgres://user:pass@host:port/db or clickhouse://user:pass@host:port/db
 * (ClickHouse's HTTP port). The clients are loaded only when asked for, so a file run never pays for them.
 */
export async function connectEngine(spec: string): Promise<Engine> {
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    throw new InputError('bad-engine', `--engine '${redact(spec)}' is not a URL`, 'Use postgres://user:password@host:5432/database or clickhouse://user:password@host:8123/database');
  }
  if (url.protocol === 'postgres:' || url.protocol === 'postgresql:') {
    const { PostgresEngine } = await import('./postgres.js');
    return PostgresEngine.open(url);
  }
  if (url.protocol === 'clickhouse:' || url.protocol === 'clickhouses:') {
    const { ClickHouseEngine } = await import('./clickhouse.js');
    return ClickHouseEngine.open(url);
  }
  throw new InputError('bad-engine', `--engine '${redact(spec)}' names no engine clientele speaks (${url.protocol.replace(/:$/, '')})`, 'Use a postgres:// or clickhouse:// URL');
}

/** A URL fit for a message: the password never appears. */
export function redact(spec: string): string {
  return spec.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@');
}
