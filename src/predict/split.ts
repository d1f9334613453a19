import { InputError } from '../errors.js';
import { Random } from '../random.js';

/**
 * Seeded stratified splits: every class keeps its share in train and test (and in every fold), so a
 * rare target class cannot vanish from an evaluation set. Regression targets are split unstratified.
 */
export interface TrainTest {
  train: Int32Array;
  test: Int32Array;
}

/** Stratified when `classes` (codes per row) is given; testSize is a fraction in (0, 1). */
export function trainTestSplit(n: number, testSize: number, seed: number, classes?: ArrayLike<number>): TrainTest {
  if (!(testSize > 0 && testSize < 1)) throw new InputError('split-size', `testSize must be between 0 and 1, got ${testSize}`, 'Use e.g. 0.25');
  const rng = new Random(seed);
  const groups = groupRows(n, classes);
  const train: number[] = [];
  const test: number[] = [];
  // As scikit-learn: ceil(testSize · n) test rows in total, shared across classes by largest remainder.
  const total = Math.ceil(testSize * n);
  const quota = groups.map((g) => Math.floor((g.length * total) / n));
  const order = groups.map((g, c) => c).sort((a, b) => (groups[b].length * total) % n - (groups[a].length * total) % n || a - b);
  for (let left = total - quota.reduce((a, b) => a + b, 0), k = 0; left > 0; left--, k++) quota[order[k % order.length]]++;
  groups.forEach((g, c) => {
    rng.shuffle(g);
    for (let i = 0; i < g.length; i++) (i < quota[c] ? test : train).push(g[i]);
  });
  if (train.length === 0 || test.length === 0) throw new InputError('split-empty', `Too few rows (${n}) for a ${testSize} test split`, 'Use more rows or a different testSize');
  return { train: Int32Array.from(train).sort(), test: Int32Array.from(test).sort() };
}

/** k folds; fold f is the test set of split f. Stratified when `classes` is given. */
export function kFold(n: number, folds: number, seed: number, classes?: ArrayLike<number>): TrainTest[] {
  if (!(folds >= 2 && folds <= n)) throw new InputError('cv-folds', `folds must be between 2 and the row count (${n}), got ${folds}`, 'Use e.g. 5');
  const rng = new Random(seed);
  const foldOf = new Int32Array(n);
  let offset = 0;
  for (const g of groupRows(n, classes)) {
    rng.shuffle(g);
    // Continue the round-robin across classes so fold sizes stay within one of each other.
    for (let i = 0; i < g.length; i++) foldOf[g[i]] = (offset + i) % folds;
    offset += g.length;
  }
  const out: TrainTest[] = [];
  for (let f = 0; f < folds; f++) {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < n; i++) (foldOf[i] === f ? test : train).push(i);
    out.push({ train: Int32Array.from(train), test: Int32Array.from(test) });
  }
  return out;
}

function groupRows(n: number, classes?: ArrayLike<number>): number[][] {
  if (!classes) return [Array.from({ length: n }, (_, i) => i)];
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const g = groups.get(classes[i]);
    if (g) g.push(i);
    else groups.set(classes[i], [i]);
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
}
