/**
 * Wall time per stage of one run, for `analyze --timings` and bench/notebook.ts. A stage lasts from its
 * mark to the next one; a label marked twice adds up. Times are from performance.now(), which counts from
 * process start, so `startup` is Node's boot and module loading before the first stage.
 */
export interface StageTimings {
  /** Seconds before the first stage (Node start, module loading). */
  startup: number;
  /** Seconds per stage label, in first-seen order. */
  stages: Record<string, number>;
  /** Seconds from process start to done(). */
  total: number;
}

export function stageTimer(now: () => number = () => performance.now()): { mark(stage: string): void; done(): StageTimings } {
  const stages = new Map<string, number>();
  let current: string | null = null;
  let since = 0;
  let startup = 0;
  const close = (t: number) => {
    if (current !== null) stages.set(current, (stages.get(current) ?? 0) + (t - since));
  };
  return {
    mark(stage) {
      const t = now();
      if (current === null && stages.size === 0) startup = t;
      close(t);
      current = stage;
      since = t;
    },
    done() {
      const t = now();
      close(t);
      current = null;
      const s = (ms: number) => Math.round(ms) / 1000;
      return { startup: s(startup), stages: Object.fromEntries([...stages].map(([k, v]) => [k, s(v)])), total: s(t) };
    },
  };
}
