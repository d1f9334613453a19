import { describe, expect, it } from 'vitest';
import { clvSummary, dayNumber } from '../../src/clv/summary.js';
import { InputError } from '../../src/errors.js';
import reference from '../fixtures/clv/reference.json' with { type: 'json' };
import { cdnowSummary, readCdnow, sum, CALIBRATION_END, OBSERVATION_END } from './cdnow.js';

const log = (rows: [number, number, number][], customers: number) => ({
  customer: Int32Array.from(rows.map((r) => r[0])),
  days: Float64Array.from(rows.map((r) => r[1])),
  amount: Float64Array.from(rows.map((r) => r[2])),
  customers,
});

describe('clvSummary', () => {
  it('reproduces the pandas summary of CDNOW sample and master', () => {
    for (const [name, key] of [
      ['cdnow-sample.txt.gz', 'cdnowSample'],
      ['cdnow-master.txt.gz', 'cdnowMaster'],
    ] as const) {
      const s = cdnowSummary(name);
      const ref = reference[key].summary;
      expect(s.n).toBe(ref.n);
      expect(sum(s.x)).toBe(ref.sumX);
      expect(sum(s.tx)).toBeCloseTo(ref.sumTx, 6);
      expect(sum(s.T)).toBeCloseTo(ref.sumT, 6);
      expect(s.x.filter((v) => v > 0).length).toBe(ref.repeatBuyers);
      expect(sum(s.monetary.filter((v) => !Number.isNaN(v)))).toBeCloseTo(ref.sumMonetary, 6);
      expect(sum(s.holdoutX!)).toBe(ref.sumHoldoutX);
      expect(s.holdoutT![0]).toBe(39);
    }
  });

  it('merges same-day purchases, measures in weeks and excludes the first purchase from monetary', () => {
    const d0 = dayNumber(2020, 1, 1);
    const s = clvSummary(
      log(
        [
          [0, d0, 10],
          [0, d0 + 0.5, 5], // same calendar day as the first purchase
          [0, d0 + 7, 20],
          [0, d0 + 7.9, 30], // same day as the previous one: one transaction worth 50
          [0, d0 + 14, 10],
          [1, d0 + 3, 99],
        ],
        2,
      ),
      { timeUnit: 'weeks', observationEnd: d0 + 28 },
    );
    expect(Array.from(s.x)).toEqual([2, 0]);
    expect(Array.from(s.tx)).toEqual([2, 0]);
    expect(Array.from(s.T)).toEqual([4, 25 / 7]);
    expect(s.monetary[0]).toBe(30);
    expect(s.monetary[1]).toBeNaN();
    expect(s.holdoutX).toBeUndefined();
  });

  it('never lets holdout purchases change calibration values', () => {
    const base = readCdnow('cdnow-sample.txt.gz');
    const opts = { timeUnit: 'weeks' as const, observationEnd: OBSERVATION_END, calibrationEnd: CALIBRATION_END };
    const a = clvSummary(base, opts);
    // Scramble every holdout-period amount and add extra holdout purchases for the first 100 customers.
    const extra = 100;
    const m = base.customer.length;
    const customer = new Int32Array(m + extra);
    const days = new Float64Array(m + extra);
    const amount = new Float64Array(m + extra);
    customer.set(base.customer);
    days.set(base.days);
    for (let i = 0; i < m; i++) amount[i] = base.days[i] > CALIBRATION_END ? 1e6 + i : base.amount![i];
    for (let i = 0; i < extra; i++) {
      customer[m + i] = i;
      days[m + i] = CALIBRATION_END + 1 + (i % 200);
      amount[m + i] = 12345;
    }
    const b = clvSummary({ customer, days, amount, customers: base.customers }, opts);
    expect(b.n).toBe(a.n);
    expect(b.x).toEqual(a.x);
    expect(b.tx).toEqual(a.tx);
    expect(b.T).toEqual(a.T);
    expect(b.monetary).toEqual(a.monetary);
    expect(sum(b.holdoutX!)).toBeGreaterThan(sum(a.holdoutX!));
  });

  it('only includes customers whose first purchase is on or before the calibration end', () => {
    const d0 = dayNumber(2020, 1, 1);
    const s = clvSummary(
      log(
        [
          [0, d0, 1],
          [1, d0 + 10, 1],
          [2, d0 + 11, 1],
        ],
        3,
      ),
      { timeUnit: 'days', observationEnd: d0 + 20, calibrationEnd: d0 + 10 },
    );
    expect(Array.from(s.customerIndex)).toEqual([0, 1]);
    expect(Array.from(s.T)).toEqual([10, 0]);
    expect(Array.from(s.holdoutT!)).toEqual([10, 10]);
  });

  it('rejects purchases after the observation end with a clear message', () => {
    const d0 = dayNumber(2020, 1, 1);
    const run = () => clvSummary(log([[0, d0 + 40, 1]], 1), { timeUnit: 'days', observationEnd: d0 + 30 });
    expect(run).toThrow(InputError);
    expect(run).toThrow('A purchase at row 0 is dated 2020-02-10, after the observation end 2020-01-31');
  });
});
