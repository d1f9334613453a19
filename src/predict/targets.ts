import { InputError } from '../errors.js';
import { findColumn, type Table } from '../data/table.js';
import type { Task } from './model.js';
import { readableThreshold } from '../rules/extract.js';

/**
 * What a model predicts, with its provenance: the columns it was computed from. The leakage guard
 * compares `derivedFrom` with the model inputs, so a target built from the features themselves
 * (a median split of spend, k-means labels) is caught however good its accuracy looks.
 */
export interface Target {
  name: string;
  task: Task;
  /** Class codes 0..K-1 (classification) or values (regression); NaN where the target is missing. */
  values: Float64Array;
  /** Class labels by code (classification only). */
  classes?: string[];
  /** Columns the target was computed from (a plain column target: the column itself). */
  derivedFrom: string[];
  /** How it was built, for reports: "Total_Spend above its median (775.2)". */
  description: string;
  /** Other columns tied to the target's definition (computed from the same raw column, or a copy of it), with why. */
  related?: { column: string; reason: string }[];
  /** A threshold the target is defined by (`column > value`), so rules on that column can state it in the same words. */
  cut?: { column: string; value: number };
}

/**
 * A column as the target: categories become classes; numbers are a regression target unless they hold
 * at most `maxClasses` distinct integers (flags, ratings). With `positive`, the target is that level vs the rest.
 */
export function columnTarget(t: Table, column: string, options: { positive?: string; task?: Task; maxClasses?: number } = {}): Target {
  const c = findColumn(t, column);
  if (!c) throw new InputError('missing-column', `Target column "${column}" is not in the data`, `Available columns: ${t.columns.map((x) => x.name).join(', ')}`);
  if (c.kind === 'date') throw new InputError('target-date', `Target column "${column}" holds dates`, 'Derive a number (e.g. days since) or a flag first');
  if (c.kind === 'category') {
    if (options.task === 'regression') throw new InputError('target-kind', `Target column "${column}" is categorical and cannot be a regression target`);
    if (options.positive !== undefined) {
      const level = c.levels.indexOf(options.positive);
      if (level < 0) throw new InputError('target-level', `"${options.positive}" is not a value of ${column}`, `Values: ${c.levels.join(', ')}`);
      const values = Float64Array.from(c.codes, (code) => (code < 0 ? NaN : code === level ? 1 : 0));
      return { name: `${column} = ${options.positive}`, task: 'classification', values, classes: [`not ${options.positive}`, options.positive], derivedFrom: [column], description: `${column} is ${options.positive}` };
    }
    return { name: column, task: 'classification', values: Float64Array.from(c.codes, (code) => (code < 0 ? NaN : code)), classes: [...c.levels], derivedFrom: [column], description: column };
  }
  const distinct = [...new Set(Array.from(c.values).filter((v) => !Number.isNaN(v)))].sort((a, b) => a - b);
  const asClasses = options.task === 'classification' || (options.task === undefined && distinct.length <= (options.maxClasses ?? 2) && distinct.every(Number.isInteger));
  if (!asClasses) return { name: column, task: 'regression', values: Float64Array.from(c.values), derivedFrom: [column], description: column };
  if (distinct.length > 50) throw new InputError('target-many-classes', `Target column "${column}" has ${distinct.length} distinct values, too many for classes`, 'Use it as a regression target or bin it');
  const code = new Map(distinct.map((v, i) => [v, i]));
  return {
    name: column,
    task: 'classification',
    values: Float64Array.from(c.values, (v) => (Number.isNaN(v) ? NaN : code.get(v)!)),
    classes: distinct.map(String),
    derivedFrom: [column],
    description: column,
  };
}

/**
 * High vs low: 1 when the column is above its median (the seed notebooks' "high-value customer"). The cut is
 * written at the data's precision: between the two middle values, with the fewest decimals that separate
 * them (646.59, not 646.5899999999999), so the class labels, the rules and the SQL all show one number.
 */
export function medianSplitTarget(t: Table, column: string): Target {
  const c = findColumn(t, column);
  if (!c || c.kind !== 'number') throw new InputError('target-median', `Median split needs a numeric column; "${column}" is ${c ? c.kind : 'missing'}`, 'Pick a money or count column');
  const present = Float64Array.from(Array.from(c.values).filter((v) => !Number.isNaN(v))).sort();
  if (present.length === 0) throw new InputError('target-median', `Column "${column}" has no values`);
  // Above the median ⇔ above the lower middle value; any cut between it and the next distinct value splits alike.
  const low = present[Math.ceil(present.length / 2) - 1];
  let next = present.length;
  for (let i = Math.ceil(present.length / 2); i < present.length; i++) {
    if (present[i] > low) {
      next = i;
      break;
    }
  }
  const cut = next < present.length ? readableThreshold((low + present[next]) / 2, low, present[next]) : low;
  return {
    name: `high ${column}`,
    task: 'classification',
    values: Float64Array.from(c.values, (v) => (Number.isNaN(v) ? NaN : v > cut ? 1 : 0)),
    classes: [`${column} ≤ ${cut}`, `${column} > ${cut}`],
    derivedFrom: [column],
    description: `${column} above its median (${cut})`,
    cut: { column, value: cut },
  };
}

/**
 * Cluster labels as the target: all clusters, or with `cluster` one cluster vs the rest (e.g. "loyal").
 * `inputs` are the columns the clustering used.
 */
export function clusterTarget(labels: ArrayLike<number>, inputs: readonly string[], options: { cluster?: number; names?: readonly string[] } = {}): Target {
  let k = 0;
  for (let i = 0; i < labels.length; i++) k = Math.max(k, labels[i] + 1);
  const names = Array.from({ length: k }, (_, c) => options.names?.[c] ?? `cluster ${c}`);
  if (options.cluster !== undefined) {
    const target = options.cluster;
    if (!(target >= 0 && target < k)) throw new InputError('target-cluster', `There is no cluster ${target} (clusters 0..${k - 1})`);
    return {
      name: `in ${names[target]}`,
      task: 'classification',
      values: Float64Array.from(labels, (l) => (l === target ? 1 : 0)),
      classes: [`not ${names[target]}`, names[target]],
      derivedFrom: [...inputs],
      description: `membership of ${names[target]} (k-means on ${inputs.join(', ')})`,
    };
  }
  return { name: 'cluster', task: 'classification', values: Float64Array.from(labels), classes: names, derivedFrom: [...inputs], description: `k-means cluster (on ${inputs.join(', ')})` };
}
