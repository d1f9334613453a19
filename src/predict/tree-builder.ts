import type { Matrix } from '../data/matrix.js';
import type { Random } from '../random.js';
import { argsortFloat64 } from '../data/argsort.js';

/**
 * CART growing on presorted typed arrays (Breiman et al. 1984, as scikit-learn's best splitter):
 * every feature is sorted once; each node owns the same [start, end) range in every feature's sorted
 * order, and a split partitions those ranges stably, so no node ever sorts again. Forests and boosting
 * share one presort across all their trees.
 */

export type Criterion = 'gini' | 'entropy' | 'squared_error';

export interface GrowConfig {
  criterion: Criterion;
  /** Classes for classification; 1 for regression. */
  nClasses: number;
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  /** Features tried per node (all when ≥ p); fewer draws a random subset per node, as random forests. */
  maxFeatures: number;
}

/** The grown tree as parallel typed arrays; node 0 is the root, leaves have feature −1. */
export interface TreeArrays {
  nodeCount: number;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** nodeCount × nClasses: class probabilities (classification) or the mean (regression). */
  value: Float64Array;
  nSamples: Int32Array;
  weightedN: Float64Array;
  impurity: Float64Array;
  /** Largest training value sent left and smallest sent right: the gap any equivalent threshold may take. */
  gapLow: Float64Array;
  gapHigh: Float64Array;
}

/** Features presorted once: values column-major and, per feature, row indices in ascending value order. */
export interface SortedColumns {
  n: number;
  p: number;
  order: Int32Array;
  values: Float64Array;
}

export function presort(X: Matrix): SortedColumns {
  const { rows: n, cols: p } = X;
  const order = new Int32Array(n * p);
  const values = new Float64Array(n * p);
  const col = new Float64Array(n);
  for (let f = 0; f < p; f++) {
    for (let i = 0; i < n; i++) col[i] = X.data[i * p + f];
    const idx = argsortFloat64(col);
    order.set(idx, f * n);
    for (let i = 0; i < n; i++) values[f * n + i] = col[idx[i]];
  }
  return { n, p, order, values };
}

/**
 * Grow one tree. `y` holds class codes or regression targets; rows with weight 0 (out of a bootstrap)
 * are left out. Returns the tree and, per row, the leaf it landed in (−1 for weight-0 rows).
 */
export function growTree(
  cols: SortedColumns,
  y: ArrayLike<number>,
  weights: Float64Array,
  cfg: GrowConfig,
  rng: Random | null,
): { tree: TreeArrays; leafOf: Int32Array } {
  const { n, p } = cols;
  let m = 0;
  for (let i = 0; i < n; i++) if (weights[i] > 0) m++;
  // Working copies of the sorted orders restricted to the active rows.
  const ord = new Int32Array(m * p);
  const val = new Float64Array(m * p);
  for (let f = 0; f < p; f++) {
    let w = f * m;
    const base = f * n;
    for (let s = 0; s < n; s++) {
      const idx = cols.order[base + s];
      if (weights[idx] > 0) {
        ord[w] = idx;
        val[w] = cols.values[base + s];
        w++;
      }
    }
  }
  const k = cfg.nClasses;
  const classification = cfg.criterion !== 'squared_error';
  const yc = classification ? Int32Array.from(y as ArrayLike<number>) : null;
  const yr = classification ? null : Float64Array.from(y as ArrayLike<number>);
  const out = new NodeStore(k, Math.min(2 * m + 1, 1024));
  const leafOf = new Int32Array(n).fill(-1);
  const goesLeft = new Uint8Array(n);
  const tmpOrd = new Int32Array(m);
  const tmpVal = new Float64Array(m);
  const featOrder = Int32Array.from({ length: p }, (_, f) => f);
  // Per-node statistics buffers.
  const nodeCounts = new Float64Array(k);
  const leftCounts = new Float64Array(k);
  const rightCounts = new Float64Array(k);

  interface Pending {
    start: number;
    end: number;
    depth: number;
    parent: number;
    isLeft: boolean;
  }
  const stack: Pending[] = [{ start: 0, end: m, depth: 0, parent: -1, isLeft: false }];
  while (stack.length) {
    const { start, end, depth, parent, isLeft } = stack.pop()!;
    const count = end - start;
    // Node statistics from feature 0's range (any feature's range holds the same rows).
    let wN = 0;
    let sum = 0;
    let sumSq = 0;
    nodeCounts.fill(0);
    for (let s = start; s < end; s++) {
      const idx = ord[s];
      const w = weights[idx];
      wN += w;
      if (yc) nodeCounts[yc[idx]] += w;
      else {
        const v = yr![idx];
        sum += w * v;
        sumSq += w * v * v;
      }
    }
    let impurity: number;
    if (cfg.criterion === 'gini') {
      let sq = 0;
      for (let c = 0; c < k; c++) sq += nodeCounts[c] * nodeCounts[c];
      impurity = 1 - sq / (wN * wN);
    } else if (cfg.criterion === 'entropy') {
      impurity = 0;
      for (let c = 0; c < k; c++) if (nodeCounts[c] > 0) impurity -= (nodeCounts[c] / wN) * Math.log2(nodeCounts[c] / wN);
    } else {
      impurity = Math.max(0, sumSq / wN - (sum / wN) * (sum / wN));
    }
    const node = out.add(parent, isLeft, count, wN, impurity);
    if (yc) for (let c = 0; c < k; c++) out.value[node * k + c] = nodeCounts[c] / wN;
    else out.value[node] = sum / wN;

    let bestFeature = -1;
    let bestPos = -1;
    let bestProxy = -Infinity;
    const splittable =
      depth < cfg.maxDepth && count >= cfg.minSamplesSplit && count >= 2 * cfg.minSamplesLeaf && impurity > 1e-12 * (yr ? Math.max(1, sumSq / wN) : 1);
    if (splittable) {
      const minLeaf = cfg.minSamplesLeaf;
      let nVisited = 0;
      let remaining = p;
      // Random subsets draw without replacement and keep going past constant features, as scikit-learn.
      for (let fi = 0; fi < p && (nVisited < cfg.maxFeatures || bestFeature < 0); fi++) {
        let f = fi;
        if (cfg.maxFeatures < p && rng) {
          const j = fi + rng.int(remaining);
          const t = featOrder[fi];
          featOrder[fi] = featOrder[j];
          featOrder[j] = t;
          f = featOrder[fi];
          remaining--;
        }
        const off = f * m;
        if (val[off + start] === val[off + end - 1]) continue;
        nVisited++;
        let pos = -1;
        let proxy = -Infinity;
        // One scan loop per criterion, so the per-row hot loop carries no criterion branch.
        if (cfg.criterion === 'gini') {
          leftCounts.fill(0);
          rightCounts.set(nodeCounts);
          let sqL = 0;
          let sqR = 0;
          for (let c = 0; c < k; c++) sqR += nodeCounts[c] * nodeCounts[c];
          let wL = 0;
          let wR = wN;
          for (let s = start; s < end - 1; s++) {
            const idx = ord[off + s];
            const c = yc![idx];
            const w = weights[idx];
            const lc = leftCounts[c];
            leftCounts[c] = lc + w;
            sqL += w * (2 * lc + w);
            const rc = rightCounts[c];
            rightCounts[c] = rc - w;
            sqR -= w * (2 * rc - w);
            wL += w;
            wR -= w;
            const nL = s - start + 1;
            if (nL < minLeaf) continue;
            if (count - nL < minLeaf) break;
            if (val[off + s + 1] <= val[off + s]) continue;
            const q = sqL / wL + sqR / wR;
            if (q > proxy) {
              proxy = q;
              pos = s;
            }
          }
        } else if (cfg.criterion === 'entropy') {
          leftCounts.fill(0);
          rightCounts.set(nodeCounts);
          let eL = 0;
          let eR = 0;
          for (let c = 0; c < k; c++) eR += xlogx(nodeCounts[c]);
          let wL = 0;
          let wR = wN;
          for (let s = start; s < end - 1; s++) {
            const idx = ord[off + s];
            const c = yc![idx];
            const w = weights[idx];
            const lc = leftCounts[c];
            leftCounts[c] = lc + w;
            eL += xlogx(lc + w) - xlogx(lc);
            const rc = rightCounts[c];
            rightCounts[c] = rc - w;
            eR += xlogx(rc - w) - xlogx(rc);
            wL += w;
            wR -= w;
            const nL = s - start + 1;
            if (nL < minLeaf) continue;
            if (count - nL < minLeaf) break;
            if (val[off + s + 1] <= val[off + s]) continue;
            // Minus the weighted child entropy (natural log), up to a constant.
            const q = eL - xlogx(wL) + eR - xlogx(wR);
            if (q > proxy) {
              proxy = q;
              pos = s;
            }
          }
        } else {
          let sL = 0;
          let wL = 0;
          for (let s = start; s < end - 1; s++) {
            const idx = ord[off + s];
            const w = weights[idx];
            sL += w * yr![idx];
            wL += w;
            const nL = s - start + 1;
            if (nL < minLeaf) continue;
            if (count - nL < minLeaf) break;
            if (val[off + s + 1] <= val[off + s]) continue;
            const sR = sum - sL;
            const q = (sL * sL) / wL + (sR * sR) / (wN - wL);
            if (q > proxy) {
              proxy = q;
              pos = s;
            }
          }
        }
        if (pos >= 0 && proxy > bestProxy) {
          bestProxy = proxy;
          bestFeature = f;
          bestPos = pos;
        }
      }
    }
    if (bestFeature < 0) {
      for (let s = start; s < end; s++) leafOf[ord[s]] = node;
      continue;
    }
    const off = bestFeature * m;
    const lo = val[off + bestPos];
    const hi = val[off + bestPos + 1];
    let threshold = lo / 2 + hi / 2;
    // As scikit-learn: a midpoint that rounds up to the right value would send it left.
    if (threshold === hi || !Number.isFinite(threshold)) threshold = lo;
    out.t.feature[node] = bestFeature;
    out.t.threshold[node] = threshold;
    out.t.gapLow[node] = lo;
    out.t.gapHigh[node] = hi;
    const mid = bestPos + 1;
    for (let s = start; s < end; s++) goesLeft[ord[off + s]] = s < mid ? 1 : 0;
    for (let f = 0; f < p; f++) {
      if (f === bestFeature) continue;
      const fo = f * m;
      let l = start;
      let r = 0;
      for (let s = start; s < end; s++) {
        const idx = ord[fo + s];
        if (goesLeft[idx]) {
          ord[fo + l] = idx;
          val[fo + l] = val[fo + s];
          l++;
        } else {
          tmpOrd[r] = idx;
          tmpVal[r] = val[fo + s];
          r++;
        }
      }
      ord.set(tmpOrd.subarray(0, r), fo + l);
      val.set(tmpVal.subarray(0, r), fo + l);
    }
    // Right pushed first so the left subtree is numbered first, as scikit-learn.
    stack.push({ start: mid, end, depth: depth + 1, parent: node, isLeft: false });
    stack.push({ start, end: mid, depth: depth + 1, parent: node, isLeft: true });
  }
  return { tree: out.finish(), leafOf };
}

function xlogx(x: number): number {
  return x > 0 ? x * Math.log(x) : 0;
}

/** Tree arrays with room for `capacity` nodes, each array's first `copy.nodeCount` nodes copied from `copy`. */
export function allocTree(capacity: number, k: number, copy?: TreeArrays): TreeArrays {
  const t: TreeArrays = {
    nodeCount: copy ? Math.min(copy.nodeCount, capacity) : 0,
    feature: new Int32Array(capacity),
    threshold: new Float64Array(capacity),
    left: new Int32Array(capacity),
    right: new Int32Array(capacity),
    value: new Float64Array(capacity * k),
    nSamples: new Int32Array(capacity),
    weightedN: new Float64Array(capacity),
    impurity: new Float64Array(capacity),
    gapLow: new Float64Array(capacity),
    gapHigh: new Float64Array(capacity),
  };
  if (copy) {
    const c = t.nodeCount;
    t.feature.set(copy.feature.subarray(0, c));
    t.threshold.set(copy.threshold.subarray(0, c));
    t.left.set(copy.left.subarray(0, c));
    t.right.set(copy.right.subarray(0, c));
    t.value.set(copy.value.subarray(0, c * k));
    t.nSamples.set(copy.nSamples.subarray(0, c));
    t.weightedN.set(copy.weightedN.subarray(0, c));
    t.impurity.set(copy.impurity.subarray(0, c));
    t.gapLow.set(copy.gapLow.subarray(0, c));
    t.gapHigh.set(copy.gapHigh.subarray(0, c));
  }
  return t;
}

/** Growable node storage: capacity doubles as the tree grows; finish() trims to the node count. */
class NodeStore {
  t: TreeArrays;
  private capacity: number;

  constructor(
    private readonly k: number,
    capacity: number,
  ) {
    this.capacity = capacity;
    this.t = allocTree(capacity, k);
  }

  get value(): Float64Array {
    return this.t.value;
  }

  add(parent: number, isLeft: boolean, count: number, wN: number, impurity: number): number {
    if (this.t.nodeCount === this.capacity) {
      this.capacity *= 2;
      this.t = allocTree(this.capacity, this.k, this.t);
    }
    const t = this.t;
    const id = t.nodeCount++;
    t.feature[id] = -1;
    t.threshold[id] = NaN;
    t.left[id] = -1;
    t.right[id] = -1;
    t.nSamples[id] = count;
    t.weightedN[id] = wN;
    t.impurity[id] = impurity;
    t.gapLow[id] = NaN;
    t.gapHigh[id] = NaN;
    if (parent >= 0) {
      if (isLeft) t.left[parent] = id;
      else t.right[parent] = id;
    }
    return id;
  }

  finish(): TreeArrays {
    return allocTree(this.t.nodeCount, this.k, this.t);
  }
}
