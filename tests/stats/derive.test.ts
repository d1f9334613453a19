import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { categoryColumn, dateColumn, numberColumn, table } from '../../src/data/table.js';
import { addOnColumns, ageBandColumn, deriveFactors, monthColumn, seasonColumn, seasonOfMonth, weekendColumn } from '../../src/stats/index.js';

const dates = dateColumn('ordered', [Date.UTC(2024, 0, 15), Date.UTC(2024, 2, 1), Date.UTC(2024, 7, 31), Date.UTC(2023, 10, 30), Date.UTC(2023, 11, 2), NaN, Date.UTC(2024, 5, 8)]);

describe('derived factors', () => {
  it('seasons are meteorological (Dec-Feb winter) in calendar order', () => {
    expect([1, 2, 3, 5, 6, 8, 9, 11, 12].map(seasonOfMonth)).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 0]);
    expect(seasonOfMonth(13)).toBe(-1);
    const s = seasonColumn(dates);
    expect(s.name).toBe('ordered season');
    expect(Array.from(s.codes, (c) => (c < 0 ? null : s.levels[c]))).toEqual(['Winter', 'Spring', 'Summer', 'Autumn', 'Winter', null, 'Summer']);
  });
  it('month and weekend', () => {
    const m = monthColumn(dates);
    expect(Array.from(m.codes, (c) => (c < 0 ? null : m.levels[c]))).toEqual(['Jan', 'Mar', 'Aug', 'Nov', 'Dec', null, 'Jun']);
    // 2024-01-15 Monday, 2024-03-01 Friday, 2024-08-31 Saturday, 2023-11-30 Thursday, 2023-12-02 Saturday, 2024-06-08 Saturday.
    const w = weekendColumn(dates);
    expect(Array.from(w.codes, (c) => (c < 0 ? null : w.levels[c]))).toEqual(['weekday', 'weekday', 'weekend', 'weekday', 'weekend', null, 'weekend']);
  });
  it('add-on count and presence from a comma list; a missing list means none', () => {
    const list = categoryColumn('Add-ons', ['Accessory,Accessory,Accessory', 'Impulse Item', null, 'Impulse Item,Extended Warranty']);
    const { count, presence } = addOnColumns(list);
    expect(Array.from(count.values)).toEqual([3, 1, 0, 2]);
    expect(Array.from(presence.codes, (c) => presence.levels[c])).toEqual(['yes', 'yes', 'no', 'yes']);
  });
  it('age bands with default and custom edges; bad edges throw', () => {
    const age = numberColumn('Age', [15, 18, 24, 25, 64, 65, 80, NaN]);
    const b = ageBandColumn(age);
    expect(Array.from(b.codes, (c) => (c < 0 ? null : b.levels[c]))).toEqual(['<18', '18-24', '18-24', '25-34', '55-64', '65+', '65+', null]);
    expect(ageBandColumn(age, [30, 60]).levels).toEqual(['<30', '30-59', '60+']);
    expect(() => ageBandColumn(age, [40, 30])).toThrow(InputError);
  });
  it('deriveFactors appends the derived columns and rejects wrong column kinds', () => {
    const t = table([dates, numberColumn('Age', [20, 30, 40, 50, 60, 70, 80]), categoryColumn('Add-ons', ['a', 'a,b', null, 'c', 'a', 'b', null])]);
    const d = deriveFactors(t, { dates: ['ordered'], addOns: ['Add-ons'], ages: ['Age'] });
    expect(d.columns.map((c) => c.name)).toEqual(['ordered', 'Age', 'Add-ons', 'ordered season', 'ordered month', 'ordered weekend', 'Add-ons count', 'Add-ons present', 'Age band']);
    expect(() => deriveFactors(t, { dates: ['Age'] })).toThrow(/not a date column/);
    expect(() => deriveFactors(t, { ages: ['nope'] })).toThrow(/not found/);
  });
});
