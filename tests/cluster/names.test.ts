import { describe, expect, it } from 'vitest';
import { nameSegments, type FeatureProfile, type SegmentProfile } from '../../src/cluster/profile.js';
import { segmentCustomers } from '../../src/cluster/segment.js';
import { parseNames } from '../../src/cli/commands/segment.js';
import { numberColumn, table } from '../../src/data/table.js';
import { InputError } from '../../src/errors.js';
import { Random } from '../../src/random.js';
import { benchmarkTables } from '../../src/synth/benchmark.js';

const OPPOSITES: [string, string][] = [
  ['recent', 'lapsed'],
  ['frequent', 'infrequent'],
  ['high spend', 'low spend'],
  ['long sessions', 'short sessions'],
  ['big baskets', 'small baskets'],
];

/** Which way each word says its feature lies, for checking names against the numbers. */
const WORDS: Record<string, { feature: RegExp; high: boolean }> = {
  recent: { feature: /days_since|recency/, high: false },
  lapsed: { feature: /days_since|recency/, high: true },
  frequent: { feature: /purchase_count|^frequency$/, high: true },
  infrequent: { feature: /purchase_count|^frequency$/, high: false },
  'high spend': { feature: /spend/, high: true },
  'low spend': { feature: /spend/, high: false },
  'long sessions': { feature: /session/, high: true },
  'short sessions': { feature: /session/, high: false },
};

function checkName(p: SegmentProfile): void {
  const words = p.name.toLowerCase().replace(/ \(\d+\)$/, '').split(', ');
  for (const [a, b] of OPPOSITES) expect(words.includes(a) && words.includes(b), `${p.name}: ${a} and ${b}`).toBe(false);
  expect(new Set(words).size).toBe(words.length);
  for (const w of words) {
    const rule = WORDS[w];
    if (!rule) continue;
    const f = p.features.find((x) => rule.feature.test(x.feature)) as FeatureProfile;
    const side = (a: number, b: number): boolean => (rule.high ? a > b : a < b);
    expect(side(f.mean, f.overallMean), `${p.name}: mean of ${f.feature}`).toBe(true);
    expect(side(f.median!, f.overallMedian!), `${p.name}: median of ${f.feature}`).toBe(true);
  }
}

describe('segment names agree with the numbers', () => {
  it('on planted tables every word is true of its segment, relative to all customers (and to the parent in stage two)', () => {
    for (const { table: t } of benchmarkTables({ base: 2, perK: 1, rows: 800 })) {
      const r = segmentCustomers(t, { seed: 3, recluster: true, nInit: 3 });
      for (const p of r.profiles) checkName(p);
      for (const p of r.recluster?.profiles ?? []) checkName(p);
    }
  });

  const f = (feature: string, shift: number, mean: number, overallMean: number, median = mean, overallMedian = overallMean): FeatureProfile => ({
    feature,
    mean,
    overallMean,
    z: (mean - overallMean) / 10,
    median,
    overallMedian,
    shift,
  });
  const profile = (id: number, features: FeatureProfile[]): SegmentProfile => ({ id, name: '', size: 10, share: 0.5, features });

  it('a word needs the shift, the mean and the median to agree: a few big spenders do not make "high spend"', () => {
    const [name] = nameSegments([
      profile(0, [f('total_spend', 0.9, 800, 900, 300, 200), f('recency_days', -1.2, 20, 90), f('frequency', 0.7, 5, 3, 3, 2)]),
    ]);
    expect(name).toBe('Recent, frequent');
  });

  it('one concept is named once; columns of one concept that disagree name nothing', () => {
    const [agree, disagree] = nameSegments([
      profile(0, [f('frequency', 1.5, 9, 3), f('mean_days_between_orders', -1, 20, 60), f('recency_days', 1, 200, 90)]),
      profile(1, [f('frequency', 1.5, 9, 3), f('mean_days_between_orders', 1, 90, 60), f('recency_days', 1, 200, 90)]),
    ]);
    expect(agree).toBe('Frequent, lapsed');
    expect(disagree).toBe('Lapsed');
  });

  it('recency reads the right way round: many days since the last purchase is lapsed', () => {
    expect(nameSegments([profile(0, [f('Days_Since_Last_Purchase', -0.8, 10, 30)]), profile(1, [f('Days_Since_Last_Purchase', 0.8, 50, 30)])])).toEqual(['Recent', 'Lapsed']);
  });
});

describe('names given by the user', () => {
  const rng = new Random(4);
  const t = table([
    numberColumn('total_spend', Float64Array.from({ length: 300 }, (_, i) => (i < 150 ? 20 : 400) * Math.exp(0.2 * rng.normal()))),
    numberColumn('recency_days', Float64Array.from({ length: 300 }, (_, i) => (i < 150 ? 200 : 15) + 5 * rng.normal())),
  ]);

  it('--names maps indices to names; unnamed segments keep their generated names', () => {
    expect(parseNames('1=Loyal, 0 = New')).toEqual({ 1: 'Loyal', 0: 'New' });
    expect(parseNames('Loyal,New')).toEqual(['Loyal', 'New']);
    expect(() => parseNames('1=Loyal,New')).toThrow(InputError);
    const generated = segmentCustomers(t, { k: 2, seed: 1 }).profiles.map((p) => p.name);
    const named = segmentCustomers(t, { k: 2, seed: 1, names: { 1: 'Loyal' } }).profiles.map((p) => p.name);
    expect(named).toEqual([generated[0], 'Loyal']);
    expect(() => segmentCustomers(t, { k: 2, seed: 1, names: { 2: 'Loyal' } })).toThrow(/no segment 2/);
    expect(() => segmentCustomers(t, { k: 2, seed: 1, names: { 0: 'A', 1: 'A' } })).toThrow(/two segments/);
  });
});
