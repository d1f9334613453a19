/** Small Vega-Lite spec builders shared by the report sections, so every chart looks alike. */
import { humanLabel } from '../labels.js';

type Row = Record<string, unknown>;

/**
 * Quantitative axes and tooltips with thousands separators unless a format is given. The precision is explicit:
 * without it Vega derives one from the tick step and writes 600 as "6e+2".
 */
export const THOUSANDS = ',.12~g';

export function barChart(values: Row[], x: string, y: string, opts: { xTitle?: string; yTitle?: string; format?: string; sort?: 'y' | 'none'; horizontal?: boolean; color?: string } = {}): Record<string, unknown> {
  const cat = { field: x, type: 'nominal', title: opts.xTitle ?? humanLabel(x), sort: opts.sort === 'none' ? null : '-x' };
  const val = { field: y, type: 'quantitative', title: opts.yTitle ?? humanLabel(y), axis: { format: opts.format ?? THOUSANDS } };
  const horizontal = opts.horizontal ?? true;
  return {
    data: { values },
    mark: { type: 'bar', color: opts.color ?? '#2f6fde', tooltip: true },
    height: horizontal ? Math.max(120, values.length * 20) : 240,
    encoding: horizontal ? { y: { ...cat, sort: opts.sort === 'none' ? null : '-x' }, x: val } : { x: { ...cat, sort: null }, y: val },
  };
}

export interface HeatmapOptions {
  xTitle?: string;
  yTitle?: string;
  colorTitle?: string;
  format?: string;
  scheme?: string;
  xType?: string;
  yType?: string;
  /** Order of the y values: 'descending' puts the highest at the top; a list gives the order outright. */
  ySort?: 'ascending' | 'descending' | string[];
  xSort?: 'ascending' | 'descending' | string[];
  /** Row height in pixels; a few rows get tall cells so the grid stays readable. */
  step?: number;
}

export function heatmap(values: Row[], x: string, y: string, color: string, opts: HeatmapOptions = {}): Record<string, unknown> {
  const rows = new Set(values.map((v) => v[y])).size;
  const cols = new Set(values.map((v) => v[x])).size;
  const step = opts.step ?? Math.max(18, Math.min(44, Math.round(260 / Math.max(1, rows))));
  // Cells are laid out by steps on both axes (a discrete grid cannot "fit" a box): about 460 px wide in all.
  const xStep = Math.max(16, Math.min(64, Math.round(460 / Math.max(1, cols))));
  return {
    data: { values },
    width: { step: xStep },
    height: { step },
    layer: [
      {
        mark: { type: 'rect', tooltip: true },
        encoding: {
          x: { field: x, type: opts.xType ?? 'ordinal', title: opts.xTitle ?? humanLabel(x), ...(opts.xSort ? { sort: opts.xSort } : {}) },
          y: { field: y, type: opts.yType ?? 'ordinal', title: opts.yTitle ?? humanLabel(y), ...(opts.ySort ? { sort: opts.ySort } : {}) },
          color: { field: color, type: 'quantitative', title: opts.colorTitle ?? humanLabel(color), scale: { scheme: opts.scheme ?? 'blues' }, legend: { format: opts.format ?? THOUSANDS } },
          tooltip: [
            { field: y, type: opts.yType ?? 'ordinal', title: opts.yTitle ?? humanLabel(y) },
            { field: x, type: opts.xType ?? 'ordinal', title: opts.xTitle ?? humanLabel(x) },
            { field: color, type: 'quantitative', title: opts.colorTitle ?? humanLabel(color), format: opts.format ?? THOUSANDS },
          ],
        },
      },
    ],
  };
}

export function lineChart(values: Row[], x: string, y: string, opts: { xTitle?: string; yTitle?: string; format?: string; xFormat?: string; color?: string; xType?: string; point?: boolean; rule?: { value: unknown; label: string } } = {}): Record<string, unknown> {
  const xEnc = { field: x, type: opts.xType ?? 'quantitative', title: opts.xTitle ?? humanLabel(x), ...(opts.xFormat ? { axis: { format: opts.xFormat } } : {}) };
  const yEnc = { field: y, type: 'quantitative', title: opts.yTitle ?? humanLabel(y), axis: { format: opts.format ?? THOUSANDS } };
  const rule = opts.rule
    ? [
        { data: { values: [{ at: opts.rule.value, label: opts.rule.label }] }, mark: { type: 'rule', strokeDash: [2, 3], color: '#888' }, encoding: { x: { field: 'at', type: xEnc.type } } },
        { data: { values: [{ at: opts.rule.value, label: opts.rule.label }] }, mark: { type: 'text', align: 'left', dx: 4, dy: -6, baseline: 'top', color: '#888', fontSize: 11 }, encoding: { x: { field: 'at', type: xEnc.type }, y: { value: 0 }, text: { field: 'label' } } },
      ]
    : [];
  if (!opts.color) {
    const line = { mark: { type: 'line', point: opts.point ?? true, tooltip: true }, encoding: { x: xEnc, y: yEnc } };
    return rule.length ? { data: { values }, height: 240, layer: [line, ...rule] } : { data: { values }, height: 240, ...line };
  }
  // Series differ by colour and by dash, and each is labelled at its last point, so they can be told apart
  // where they overlap and in print.
  const series = { field: opts.color, type: 'nominal', title: humanLabel(opts.color) };
  return {
    data: { values },
    height: 240,
    layer: [
      { mark: { type: 'line', point: opts.point ?? false, tooltip: true, strokeWidth: 2 }, encoding: { x: xEnc, y: yEnc, color: series, strokeDash: series } },
      {
        transform: [{ window: [{ op: 'rank', as: 'fromEnd' }], sort: [{ field: x, order: 'descending' }], groupby: [opts.color] }, { filter: 'datum.fromEnd === 1' }],
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 },
        encoding: { x: xEnc, y: yEnc, color: { ...series, legend: null }, text: { field: opts.color } },
      },
      ...rule,
    ],
  };
}

/**
 * Bars side by side within each x category, one per series (e.g. actual vs each model's expectation), told apart
 * by colour with a legend; categories and bars keep the order of the data, and colours follow the series names
 * sorted as in lineChart, so a series has the same colour in both.
 */
export function groupedBarChart(values: Row[], x: string, y: string, series: string, opts: { xTitle?: string; yTitle?: string; format?: string; seriesTitle?: string } = {}): Record<string, unknown> {
  const order = [...new Set(values.map((v) => String(v[series])))];
  return {
    data: { values },
    height: 240,
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: { field: x, type: 'ordinal', title: opts.xTitle ?? humanLabel(x), sort: null, axis: { labelAngle: 0 } },
      xOffset: { field: series, type: 'nominal', sort: order },
      y: { field: y, type: 'quantitative', title: opts.yTitle ?? humanLabel(y), axis: { format: opts.format ?? THOUSANDS } },
      color: { field: series, type: 'nominal', title: opts.seriesTitle ?? humanLabel(series), legend: { orient: 'top', direction: 'horizontal' } },
      tooltip: [
        { field: x, type: 'ordinal', title: opts.xTitle ?? humanLabel(x) },
        { field: series, type: 'nominal', title: opts.seriesTitle ?? humanLabel(series) },
        { field: y, type: 'quantitative', title: opts.yTitle ?? humanLabel(y), format: ',.0f' },
      ],
    },
  };
}

export function stackedBar(values: Row[], x: string, y: string, color: string, opts: { xTitle?: string; yTitle?: string } = {}): Record<string, unknown> {
  return {
    data: { values },
    height: 240,
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: { field: x, type: 'ordinal', title: opts.xTitle ?? humanLabel(x), axis: { labelAngle: -45, labelLimit: 120 } },
      y: { field: y, type: 'quantitative', title: opts.yTitle ?? humanLabel(y), stack: true, axis: { format: THOUSANDS } },
      color: { field: color, type: 'nominal', title: humanLabel(color) },
    },
  };
}

export function histogram(values: Row[], from: string, to: string, count: string, opts: { xTitle?: string } = {}): Record<string, unknown> {
  return {
    data: { values },
    height: 180,
    mark: { type: 'bar', color: '#2f6fde', tooltip: true },
    encoding: {
      x: { field: from, type: 'quantitative', bin: { binned: true }, title: opts.xTitle ?? humanLabel(from), axis: { format: THOUSANDS } },
      x2: { field: to },
      y: { field: count, type: 'quantitative', title: 'customers', axis: { format: THOUSANDS } },
    },
  };
}
