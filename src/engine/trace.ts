/**
 * CLIENTELE_TRACE_SQL=1 prints each statement's wall time and the process's CPU time meanwhile (every thread's, so
 * the engine's workers are counted; statements that overlap share it) to stderr, to find slow steps (any engine).
 */
export const TRACE = process.env.CLIENTELE_TRACE_SQL === '1';
/** Characters of each statement shown (CLIENTELE_TRACE_WIDTH, default 110). */
const WIDTH = Number(process.env.CLIENTELE_TRACE_WIDTH) || 110;

export interface TraceStart {
  wall: number;
  cpu: NodeJS.CpuUsage;
}

export function traceStart(): TraceStart {
  return { wall: performance.now(), cpu: process.cpuUsage() };
}

export function trace(start: TraceStart, sql: string, engine = 'sql'): void {
  const cpu = process.cpuUsage(start.cpu);
  const ms = (performance.now() - start.wall).toFixed(0);
  process.stderr.write(`[${engine} ${ms} ms, cpu ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms] ${sql.replace(/\s+/g, ' ').slice(0, WIDTH)}\n`);
}
