/**
 * Agreement between a found partition and a planted one, for benchmarks and tests of segmentation.
 */

/** Adjusted Rand index (Hubert & Arabie 1985), as sklearn.metrics.adjusted_rand_score. Labels must be non-negative integers. */
export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  if (b.length !== n) throw new RangeError('label arrays differ in length');
  if (n < 2) return 1;
  let ka = 0;
  let kb = 0;
  for (let i = 0; i < n; i++) {
    ka = Math.max(ka, a[i] + 1);
    kb = Math.max(kb, b[i] + 1);
  }
  const table = new Float64Array(ka * kb);
  const rowSums = new Float64Array(ka);
  const colSums = new Float64Array(kb);
  for (let i = 0; i < n; i++) {
    table[a[i] * kb + b[i]]++;
    rowSums[a[i]]++;
    colSums[b[i]]++;
  }
  const pairs = (x: number): number => (x * (x - 1)) / 2;
  let index = 0;
  for (let c = 0; c < table.length; c++) index += pairs(table[c]);
  let sumA = 0;
  let sumB = 0;
  for (const r of rowSums) sumA += pairs(r);
  for (const c of colSums) sumB += pairs(c);
  const expected = (sumA * sumB) / pairs(n);
  const max = (sumA + sumB) / 2;
  // Both partitions trivial (one cluster each, or all singletons): identical, as sklearn returns.
  if (max === expected) return 1;
  return (index - expected) / (max - expected);
}

/** F1 of a predicted member set against a true one (both as 0/1 flags per row). */
export function f1Score(predicted: ArrayLike<number | boolean>, truth: ArrayLike<number | boolean>): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < truth.length; i++) {
    const p = Boolean(predicted[i]);
    const t = Boolean(truth[i]);
    if (p && t) tp++;
    else if (p) fp++;
    else if (t) fn++;
  }
  return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
}
