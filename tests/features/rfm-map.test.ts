import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileSegmentMap, DEFAULT_SEGMENT_MAP, rfmIndex } from '../../src/features/rfm-map.js';
import { DuckDbEngine } from '../../src/engine/duckdb.js';
import { cli, DATA, tempDir } from '../helpers/cli.js';

describe('RFM segment map', () => {
  it('the default map puts every (R, F, M) in exactly one of 11 segments', () => {
    const lookup = compileSegmentMap(DEFAULT_SEGMENT_MAP);
    expect(Array.from(lookup).every((i) => i >= 0)).toBe(true);
    const names = new Set(Array.from(lookup, (i) => DEFAULT_SEGMENT_MAP.segments[i].name));
    expect([...names].sort()).toEqual(
      ['About to Sleep', 'At Risk', 'Champions', "Can't Lose Them", 'Hibernating', 'Lost', 'Loyal', 'Need Attention', 'New', 'Potential Loyalists', 'Promising'].sort(),
    );
    const at = (r: number, f: number) => DEFAULT_SEGMENT_MAP.segments[lookup[rfmIndex(r, f, 3)]].name;
    expect(at(5, 5)).toBe('Champions');
    expect(at(5, 1)).toBe('New');
    expect(at(1, 1)).toBe('Lost');
    expect(at(1, 5)).toBe("Can't Lose Them");
    expect(DEFAULT_SEGMENT_MAP.segments.every((s) => s.action.length > 10)).toBe(true);
  });

  it('a custom map from a file replaces the segments', async () => {
    const dir = tempDir();
    const map = join(dir, 'vip.json');
    writeFileSync(map, JSON.stringify({ segments: [{ name: 'VIP', r: [4, 5], f: [4, 5], action: 'Call them' }, { name: 'Others', r: [1, 3], f: [1, 5] }, { name: 'Others', r: [4, 5], f: [1, 3] }] }));
    const r = await cli('analyze', join(DATA, 'ecommerce-customer-behavior.csv'), '--segment-map', map, '--out', join(dir, 'out'), '--json', '--no-segments', '--no-drivers');
    expect(r.code).toBe(0);
    const segs = JSON.parse(r.stdout).rfm.segments as { segment: string; customers: number; action: string }[];
    expect(segs.map((s) => s.segment).sort()).toEqual(['Others', 'VIP']);
    expect(segs.reduce((n, s) => n + s.customers, 0)).toBe(350);
    expect(segs.find((s) => s.segment === 'VIP')!.action).toBe('Call them');
  });
});

describe('engine safety', () => {
  it('DuckDB never installs or auto-loads extensions at run time', async () => {
    const e = await DuckDbEngine.open();
    const r = await e.query(`SELECT current_setting('autoinstall_known_extensions')::VARCHAR, current_setting('autoload_known_extensions')::VARCHAR`);
    await e.close();
    expect(r.columns.map((c) => c[0])).toEqual(['false', 'false']);
  });
});
