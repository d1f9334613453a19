/** CLIENTELE_TRACE_SQL=1 prints each statement's time to stderr, to find slow steps (any engine). */
export const TRACE = process.env.CLIENTELE_TRACE_SQL === '1';

export function trace(t0: number, sql: string, engine = 'sql'): void {
  process.stderr.write(`[${engine} ${(performance.now() - t0).toFixed(0)} ms] ${sql.replace(/\s+/g, ' ').slice(0, 110)}\n`);
}
