import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

/** Read a fixture JSON, turning null back into NaN and "Infinity" strings into numbers. */
export function fixture<T = any>(name: string): T {
  const text = readFileSync(new URL(`../fixtures/stats/${name}`, import.meta.url), 'utf8');
  return JSON.parse(text, (_k, v) => (v === null ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v));
}

/** |actual − expected| ≤ rel·|expected| (+ a tiny absolute floor for values that are exactly 0). */
export function expectClose(actual: number, expected: number, rel = 1e-6, label = ''): void {
  if (Number.isNaN(expected)) {
    expect(actual, label).toBeNaN();
    return;
  }
  if (!Number.isFinite(expected)) {
    expect(actual, label).toBe(expected);
    return;
  }
  const err = Math.abs(actual - expected);
  const tol = rel * Math.abs(expected) + 1e-300;
  if (!(err <= tol)) expect.fail(`${label}: ${actual} vs ${expected} (relative error ${(err / Math.abs(expected)).toExponential(2)})`);
}
