import { readFileSync } from 'node:fs';
import { fromColumns, type Matrix } from '../../src/data/matrix.js';

/** Reference fixtures written by scripts/fixtures/predict.py (scikit-learn / statsmodels). */
export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/predict/${name}`, import.meta.url), 'utf8')) as T;
}

export function matrixFromRows(rows: number[][]): Matrix {
  const p = rows[0].length;
  return fromColumns(Array.from({ length: p }, (_, j) => rows.map((r) => r[j])));
}

export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1e-300));
  return m;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
