import { allocTree, type TreeArrays } from './tree-builder.js';

/**
 * Minimal cost-complexity pruning (Breiman et al. 1984, ch. 3), step for step as scikit-learn's
 * `ccp_alpha`: repeatedly collapse the internal node with the smallest effective alpha
 * (R(t) − R(T_t)) / (|leaves(T_t)| − 1), with R the weighted impurity share of the training data,
 * while that alpha is at most ccpAlpha. Returns a renumbered tree (depth-first, left first).
 */
export function pruneTree(t: TreeArrays, ccpAlpha: number, k: number): TreeArrays {
  const n = t.nodeCount;
  const total = t.weightedN[0];
  const rNode = new Float64Array(n);
  for (let i = 0; i < n; i++) rNode[i] = (t.impurity[i] * t.weightedN[i]) / total;
  const parent = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    if (t.left[i] >= 0) {
      parent[t.left[i]] = i;
      parent[t.right[i]] = i;
    }
  }
  const rBranch = new Float64Array(n);
  const nLeaves = new Int32Array(n);
  // Children always have larger ids than their parent, so a reverse sweep sees children first.
  for (let i = n - 1; i >= 0; i--) {
    if (t.left[i] < 0) {
      rBranch[i] = rNode[i];
      nLeaves[i] = 1;
    } else {
      rBranch[i] = rBranch[t.left[i]] + rBranch[t.right[i]];
      nLeaves[i] = nLeaves[t.left[i]] + nLeaves[t.right[i]];
    }
  }
  const isLeaf = Uint8Array.from({ length: n }, (_, i) => (t.left[i] < 0 ? 1 : 0));
  const inTree = new Uint8Array(n).fill(1);
  for (;;) {
    let best = -1;
    let bestAlpha = Infinity;
    for (let i = 0; i < n; i++) {
      if (!inTree[i] || isLeaf[i]) continue;
      const a = (rNode[i] - rBranch[i]) / (nLeaves[i] - 1);
      if (a < bestAlpha) {
        bestAlpha = a;
        best = i;
      }
    }
    if (best < 0 || bestAlpha > ccpAlpha) break;
    // Collapse `best`: drop its descendants and update the totals of its ancestors.
    const stack = [t.left[best], t.right[best]];
    while (stack.length) {
      const j = stack.pop()!;
      inTree[j] = 0;
      if (!isLeaf[j]) stack.push(t.left[j], t.right[j]);
    }
    isLeaf[best] = 1;
    const dLeaves = nLeaves[best] - 1;
    const dR = rBranch[best] - rNode[best];
    nLeaves[best] = 1;
    rBranch[best] = rNode[best];
    for (let a = parent[best]; a >= 0; a = parent[a]) {
      nLeaves[a] -= dLeaves;
      rBranch[a] -= dR;
    }
  }
  return subtree(t, isLeaf, k);
}

/** Copy the nodes reachable from the root, treating `isLeaf` nodes as leaves. */
function subtree(t: TreeArrays, isLeaf: Uint8Array, k: number): TreeArrays {
  const keep: number[] = [];
  const stack = [0];
  while (stack.length) {
    const i = stack.pop()!;
    keep.push(i);
    if (!isLeaf[i]) stack.push(t.right[i], t.left[i]);
  }
  const newId = new Map(keep.map((old, j) => [old, j]));
  const out = allocTree(keep.length, k);
  out.nodeCount = keep.length;
  keep.forEach((old, j) => {
    const leaf = isLeaf[old] === 1;
    out.feature[j] = leaf ? -1 : t.feature[old];
    out.threshold[j] = leaf ? NaN : t.threshold[old];
    out.left[j] = leaf ? -1 : newId.get(t.left[old])!;
    out.right[j] = leaf ? -1 : newId.get(t.right[old])!;
    out.value.set(t.value.subarray(old * k, old * k + k), j * k);
    out.nSamples[j] = t.nSamples[old];
    out.weightedN[j] = t.weightedN[old];
    out.impurity[j] = t.impurity[old];
    out.gapLow[j] = leaf ? NaN : t.gapLow[old];
    out.gapHigh[j] = leaf ? NaN : t.gapHigh[old];
  });
  return out;
}
