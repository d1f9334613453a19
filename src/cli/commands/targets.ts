import { InputError } from '../../errors.js';
import type { Analysis } from '../../pipeline/analyze.js';
import type { Table } from '../../data/table.js';
import { findColumn, selectRows } from '../../data/table.js';
import { clusterTarget, medianSplitTarget, type Target } from '../../predict/targets.js';
import { segmentCustomers } from '../../cluster/index.js';
import { findTautologies } from '../../stats/tautology.js';

export interface TargetTables {
  /** The customer features segmentation sees (what `cluster` is computed on). */
  base: Table;
  /** The features a model may use: `base` plus behavioural features, same rows. */
  features: Table;
  /** Raw columns each feature of `features` is computed from. */
  sources: ReadonlyMap<string, readonly string[]>;
}

/**
 * Resolve `--target`: a column name; `high-value` (spend above its median); or `cluster` (k-means segments
 * of the same customers). A derived target lists the columns it is computed from and the features tied to
 * its definition, so the model can leave them out.
 */
export async function resolveTarget(a: Analysis, tables: TargetTables, target: string, opts: { cluster?: string; seed?: number }): Promise<string | Target> {
  const t = tables.features;
  if (target === 'high-value') {
    const spend = a.detection.shape === 'order-log' ? 'monetary' : a.detection.roles.spend ?? a.detection.roles.amount;
    if (!spend || !findColumn(t, spend)) throw new InputError('no-spend', 'high-value needs a spend column', 'Map one with --map spend=COLUMN');
    const target = medianSplitTarget(t, spend);
    return { ...target, related: await definitionRelated(a, tables, target.derivedFrom) };
  }
  if (target === 'cluster') {
    const seg = segmentCustomers(tables.base, { seed: opts.seed ?? 42 });
    const names = seg.profiles.map((p) => p.name);
    let cluster: number | undefined;
    if (opts.cluster !== undefined) {
      cluster = /^\d+$/.test(opts.cluster) ? Number(opts.cluster) : names.indexOf(opts.cluster);
      if (cluster < 0 || cluster >= seg.k) throw new InputError('bad-cluster', `--cluster '${opts.cluster}' is not one of the ${seg.k} segments`, `Segments: ${names.join('; ')}`);
    }
    // One-hot features ("City=Chicago") stand for their column: the column is what must stay out of the inputs.
    const columnOf = (f: string) => tables.base.columns.find((c) => f === c.name || f.startsWith(`${c.name}=`))?.name ?? f;
    const target = clusterTarget(seg.labels, [...new Set(seg.features.map(columnOf))], { cluster, names });
    return { ...target, related: await definitionRelated(a, tables, target.derivedFrom) };
  }
  if (!findColumn(t, target)) {
    throw new InputError('unknown-target', `--target '${target}' is not a column`, `Use a column (${t.columns.map((c) => c.name).join(', ')}), high-value, or cluster`);
  }
  return target;
}

/**
 * Features tied to a derived target's definition: computed from a raw column its defining features are
 * computed from (for spend, the line amount; for clusters, every clustering input's columns), or from a
 * component of the line amount by construction (unit price, quantity, the product that fixes the price);
 * and, for a numeric defining column, its copies, bands and components at the customer level.
 */
async function definitionRelated(a: Analysis, tables: TargetTables, defining: readonly string[]): Promise<{ column: string; reason: string }[]> {
  const t = tables.features;
  const definition = new Map<string, string>();
  for (const f of defining) for (const c of tables.sources.get(f) ?? [f]) if (!definition.has(c)) definition.set(c, `computed from ${c}, as ${f} is`);
  const amount = a.detection.roles.amount;
  if (a.detection.shape === 'order-log' && amount && definition.has(amount)) {
    const { driversTable } = await import('../../pipeline/stages.js');
    const lines = await driversTable(a);
    const sold: number[] = [];
    lines.cancelled?.forEach((c, i) => c || sold.push(i));
    const l = lines.cancelled ? selectRows(lines.table, sold) : lines.table;
    const y = findColumn(l, amount);
    if (y?.kind === 'number') {
      for (const x of findTautologies({ kind: 'numeric', name: amount, values: y.values }, l.columns)) {
        if (!definition.has(x.factor)) definition.set(x.factor, `computed from ${x.factor}, a component of ${amount}: ${x.reason}`);
      }
    }
  }
  const own = new Set(defining);
  const related = new Map<string, string>();
  for (const c of t.columns) {
    if (own.has(c.name)) continue;
    const hit = (tables.sources.get(c.name) ?? [c.name]).find((s) => definition.has(s));
    if (hit) related.set(c.name, definition.get(hit) as string);
  }
  // An order log's features all have known sources, so only copies and bands remain to be found there.
  const pairs = a.detection.shape !== 'order-log';
  for (const f of defining) {
    const s = findColumn(t, f);
    if (s?.kind !== 'number') continue;
    const rest = t.columns.filter((c) => !related.has(c.name) && !own.has(c.name));
    for (const x of findTautologies({ kind: 'numeric', name: f, values: s.values }, rest, { pairs })) related.set(x.factor, x.reason);
  }
  return [...related].map(([column, reason]) => ({ column, reason }));
}
