import { InputError } from '../errors.js';

/** 'balanced' weighs class c by n / (K · n_c), as scikit-learn; an array gives one weight per class code. */
export type ClassWeight = 'balanced' | readonly number[] | undefined;

/** Per-row weights: sample weight (default 1) times the weight of the row's class. */
export function classWeights(y: ArrayLike<number>, k: number, classWeight: ClassWeight, sampleWeight?: ArrayLike<number>): Float64Array {
  const n = y.length;
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = sampleWeight ? sampleWeight[i] : 1;
  if (!classWeight) return w;
  let per: Float64Array;
  if (classWeight === 'balanced') {
    // scikit-learn computes the balanced weights from class counts, ignoring sample weights.
    const counts = new Float64Array(k);
    for (let i = 0; i < n; i++) counts[y[i]]++;
    per = Float64Array.from(counts, (c) => (c > 0 ? n / (k * c) : 0));
  } else {
    if (classWeight.length !== k) {
      throw new InputError('class-weight', `${classWeight.length} class weights for ${k} classes`, 'Pass one weight per class, or "balanced"');
    }
    per = Float64Array.from(classWeight);
  }
  for (let i = 0; i < n; i++) w[i] *= per[y[i]];
  return w;
}
