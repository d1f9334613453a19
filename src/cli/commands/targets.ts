import { InputError } from '../../errors.js';
import type { Analysis } from '../../pipeline/analyze.js';
import type { Table } from '../../data/table.js';
import { findColumn } from '../../data/table.js';
import { clusterTarget, medianSplitTarget, type Target } from '../../predict/targets.js';
import { segmentCustomers } from '../../cluster/index.js';

/**
 * Resolve `--target`: a column name; `high-value` (spend above its median); or `cluster` (k-means segments
 * of the same customers, which the leakage guard will flag when predicted from the clustering inputs).
 */
export function resolveTarget(a: Analysis, t: Table, target: string, opts: { cluster?: string; seed?: number }): string | Target {
  if (target === 'high-value') {
    const spend = a.detection.shape === 'order-log' ? 'monetary' : a.detection.roles.spend ?? a.detection.roles.amount;
    if (!spend || !findColumn(t, spend)) throw new InputError('no-spend', 'high-value needs a spend column', 'Map one with --map spend=COLUMN');
    return medianSplitTarget(t, spend);
  }
  if (target === 'cluster') {
    const seg = segmentCustomers(t, { seed: opts.seed ?? 42 });
    const names = seg.profiles.map((p) => p.name);
    let cluster: number | undefined;
    if (opts.cluster !== undefined) {
      cluster = /^\d+$/.test(opts.cluster) ? Number(opts.cluster) : names.indexOf(opts.cluster);
      if (cluster < 0 || cluster >= seg.k) throw new InputError('bad-cluster', `--cluster '${opts.cluster}' is not one of the ${seg.k} segments`, `Segments: ${names.join('; ')}`);
    }
    return clusterTarget(seg.labels, seg.features, { cluster, names });
  }
  if (!findColumn(t, target)) {
    throw new InputError('unknown-target', `--target '${target}' is not a column`, `Use a column (${t.columns.map((c) => c.name).join(', ')}), high-value, or cluster`);
  }
  return target;
}
