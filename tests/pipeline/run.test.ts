import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DuckDbEngine } from '../../src/engine/duckdb.js';
import type { Engine } from '../../src/engine/engine.js';
import { duckdb } from '../../src/sql/dialect.js';
import { analyze } from '../../src/pipeline/analyze.js';
import { extendAnalysis } from '../../src/pipeline/full.js';
import { checkPlan, orderLogPlan, runPipeline, runStages, type PipelineState, type Stage } from '../../src/pipeline/run.js';
import type { Analysis } from '../../src/pipeline/analyze.js';

const SHAPES = join(import.meta.dirname, '../fixtures/shapes');

/** An engine that records every statement, to prove a bad plan is refused before any SQL runs. */
function recordingEngine(): Engine & { statements: string[] } {
  const statements: string[] = [];
  return {
    dialect: 'duckdb',
    sql: duckdb,
    statements,
    async exec(sql) {
      statements.push(sql);
    },
    async query(sql) {
      statements.push(sql);
      return { names: [], columns: [], rows: 0 };
    },
    async close() {},
  };
}

describe('typed pipeline stages', () => {
  it('the order-log plan is in a valid order with every later stage on or off', () => {
    for (const clv of [undefined, false] as const)
      for (const segments of [undefined, false] as const)
        for (const drivers of [undefined, false] as const) expect(() => checkPlan(orderLogPlan({ clv, segments, drivers }))).not.toThrow();
    expect(orderLogPlan().map((s) => s.name)).toEqual(['load', 'roles', 'clean', 'customer features', 'segments', 'rfm', 'clv data', 'cohorts', 'clv', 'drivers', 'checks']);
  });

  it('a stage placed before the stage that produces its input is refused before any SQL runs', async () => {
    const plan = orderLogPlan({ segments: false });
    const swapped = [plan[0], plan[1], plan[2], plan[4], plan[3], ...plan.slice(5)];
    expect(swapped.map((s) => s.name).slice(3, 5)).toEqual(['rfm', 'customer features']);
    const engine = recordingEngine();
    await expect(runPipeline(engine, { kind: 'table', name: 'orders' }, {}, swapped)).rejects.toThrow('stage rfm needs customers, which no earlier stage produces');
    expect(engine.statements).toEqual([]);
  });

  it('a column no earlier stage produces is named', () => {
    const plan = orderLogPlan({ clv: false, segments: false, drivers: false, checks: false });
    const loyalty: Stage = { name: 'drivers', needs: [{ table: 'lines', columns: ['customer_id', 'loyalty_tier'] }], produces: [], run: async () => {} };
    expect(() => checkPlan([...plan, loyalty])).toThrow('stage drivers needs lines.loyalty_tier, which no earlier stage produces');
    expect(() => checkPlan([...plan, plan[3]])).toThrow('stage customer features appears twice');
  });

  it('a background stage runs beside the next ones and is awaited before a stage that needs what it produces', async () => {
    const events: string[] = [];
    const tick = () => new Promise((r) => setTimeout(r, 20));
    const bg: Stage = { name: 'segments', needs: [], produces: [{ table: 'segments', columns: ['segment'] }], background: { label: 'segmentation' }, run: async () => { events.push('bg start'); await tick(); await tick(); events.push('bg end'); } };
    const beside: Stage = { name: 'rfm', needs: [], produces: [], run: async () => { events.push('beside'); } };
    const reader: Stage = { name: 'drivers', needs: [{ table: 'segments', columns: ['segment'] }], produces: [], run: async (st) => { events.push('reader'); st.analysis = {} as Analysis; } };
    const state: PipelineState = { engine: recordingEngine(), source: { kind: 'table', name: 't' }, options: { onStage: (x) => events.push(`progress ${x}`) }, cautions: [], skipped: [], extensions: [] };
    const r = await runStages(state, [bg, beside, reader]);
    expect(events).toEqual(['bg start', 'beside', 'progress segmentation', 'bg end', 'reader']);
    expect(r.timings.map((t) => t.stage)).toEqual(['segments', 'rfm', 'drivers']);
    expect(r.timings[0].seconds).toBeGreaterThan(0.03);
  });

  it('releases the engine once the stages that use it are done, while an engine-free background stage still runs', async () => {
    const events: string[] = [];
    const tick = () => new Promise((r) => setTimeout(r, 20));
    const thread: Stage = { name: 'segments', needs: [], produces: [], background: { label: 'segmentation' }, engineFree: true, run: async () => { events.push('thread start'); await tick(); await tick(); events.push('thread end'); } };
    const queries: Stage = { name: 'cohorts', needs: [], produces: [], background: { label: 'cohorts' }, run: async () => { await tick(); events.push('queries end'); } };
    const last: Stage = { name: 'clv', needs: [], produces: [], run: async (st) => { events.push('clv'); st.analysis = {} as Analysis; } };
    const engine = recordingEngine();
    const state: PipelineState = { engine, source: { kind: 'table', name: 't' }, options: { onEngineDone: async (e) => void events.push(e === engine ? 'engine done' : 'another engine') }, cautions: [], skipped: [], extensions: [] };
    await runStages(state, [thread, queries, last]);
    expect(events).toEqual(['thread start', 'clv', 'queries end', 'engine done', 'thread end']);
  });

  it('closes the embedded engine from the hook, with the same outputs as a run that does not, and a second close does nothing', async () => {
    const file = join(SHAPES, 'status-cancellations.csv');
    let closedAt = -1;
    const { analyzeWithLater } = await import('../../src/pipeline/analyze.js');
    const r = await analyzeWithLater(file, { segments: { seed: 42 }, onEngineDone: async (e) => { await e.close(); closedAt = performance.now(); } });
    expect(closedAt).toBeGreaterThan(0);
    await r.analysis.engine.close();
    await expect(r.analysis.engine.query('SELECT 1')).rejects.toThrow();
    const again = await analyzeWithLater(file, { segments: { seed: 42 } });
    try {
      expect(r.analysis.customers).toEqual(again.analysis.customers);
      expect(r.extensions.map((e) => e.summary)).toEqual(again.extensions.map((e) => e.summary));
    } finally {
      await again.analysis.engine.close();
    }
  });

  it('runs every stage on a file, timed in order, and gives what analyze and its later stages give', async () => {
    const file = join(SHAPES, 'status-cancellations.csv');
    const engine = await DuckDbEngine.open();
    const r = await runPipeline(engine, { kind: 'file', path: file }, { segments: { seed: 42 } });
    const a = await analyze(file);
    try {
      expect(r.timings.map((t) => t.stage)).toEqual(['load', 'roles', 'clean', 'customer features', 'segments', 'rfm', 'clv data', 'cohorts', 'clv', 'drivers', 'checks']);
      expect(r.timings.every((t) => t.seconds >= 0)).toBe(true);
      expect(r.analysis.customers).toEqual(a.customers);
      expect(r.analysis.rfm?.segment).toEqual(a.rfm?.segment);
      expect(r.analysis.cohorts).toEqual(a.cohorts);
      const ext = await extendAnalysis(a, { clv: { observationEnd: a.asOf ?? undefined }, segments: { seed: 42 } });
      expect(r.extensions.map((e) => Object.keys(e.summary ?? {}))).toEqual(ext.map((e) => Object.keys(e.summary ?? {})));
      const summary = JSON.parse(r.files!['summary.json']) as { checks: { ok: boolean; name: string }[] };
      expect(summary.checks.length).toBeGreaterThan(3);
      expect(summary.checks.filter((c) => !c.ok)).toEqual([]);
    } finally {
      await engine.close();
      await a.engine.close();
    }
  });
});
