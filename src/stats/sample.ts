/**
 * Small sample helpers shared by the tests: dropping missing values, moments, mid-ranks and the tie term.
 * Inputs are array-likes of numbers with NaN for missing; outputs are typed arrays.
 */

/** The finite values of `x` and how many were dropped (NaN, ±Infinity). */
export function dropMissing(x: ArrayLike<number>): { values: Float64Array; missing: number } {
  let kept = 0;
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i])) kept++;
  const values = new Float64Array(kept);
  let j = 0;
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i])) values[j++] = x[i];
  return { values, missing: x.length - kept };
}

/** Pairs (x[i], y[i]) where both are finite. */
export function dropMissingPairs(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
): { x: Float64Array; y: Float64Array; missing: number } {
  if (x.length !== y.length) throw new RangeError(`paired samples differ in length: ${x.length} vs ${y.length}`);
  let kept = 0;
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i]) && Number.isFinite(y[i])) kept++;
  const a = new Float64Array(kept);
  const b = new Float64Array(kept);
  let j = 0;
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(x[i]) && Number.isFinite(y[i])) {
      a[j] = x[i];
      b[j++] = y[i];
    }
  }
  return { x: a, y: b, missing: x.length - kept };
}

export function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

/** Sum of squared deviations from the mean (two-pass, so large offsets do not cancel). */
export function sumSquares(x: ArrayLike<number>, m = mean(x)): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i] - m;
    s += d * d;
    c += d;
  }
  return s - (c * c) / x.length;
}

/** Sample variance (ddof = 1). */
export function variance(x: ArrayLike<number>): number {
  return sumSquares(x) / (x.length - 1);
}

export function median(x: ArrayLike<number>): number {
  const s = Float64Array.from(x).sort();
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** True when every value equals the first (zero spread). */
export function isConstant(x: ArrayLike<number>): boolean {
  for (let i = 1; i < x.length; i++) if (x[i] !== x[0]) return false;
  return true;
}

/** Mid-ranks (1-based, ties averaged) and Σ(t³ − t) over tie groups. */
export function rank(x: ArrayLike<number>): { ranks: Float64Array; tieTerm: number } {
  const n = x.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => x[a] - x[b]);
  const ranks = new Float64Array(n);
  let tieTerm = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && x[order[j + 1]] === x[order[i]]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]] = r;
    const t = j - i + 1;
    tieTerm += t * t * t - t;
    i = j + 1;
  }
  return { ranks, tieTerm };
}

/** Concatenate groups into one array, with the start offset of each group. */
export function concat(groups: readonly Float64Array[]): { values: Float64Array; offsets: Uint32Array } {
  let total = 0;
  for (const g of groups) total += g.length;
  const values = new Float64Array(total);
  const offsets = new Uint32Array(groups.length + 1);
  let o = 0;
  groups.forEach((g, i) => {
    offsets[i] = o;
    values.set(g, o);
    o += g.length;
  });
  offsets[groups.length] = o;
  return { values, offsets };
}
