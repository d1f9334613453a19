/** Small Vega-Lite spec builders shared by the report sections, so every chart looks alike. */
type Row = Record<string, unknown>;

export function barChart(values: Row[], x: string, y: string, opts: { xTitle?: string; yTitle?: string; format?: string; sort?: 'y' | 'none'; horizontal?: boolean; color?: string } = {}): Record<string, unknown> {
  const cat = { field: x, type: 'nominal', title: opts.xTitle ?? x, sort: opts.sort === 'none' ? null : '-x' };
  const val = { field: y, type: 'quantitative', title: opts.yTitle ?? y, axis: opts.format ? { format: opts.format } : {} };
  const horizontal = opts.horizontal ?? true;
  return {
    data: { values },
    mark: { type: 'bar', color: opts.color ?? '#2f6fde', tooltip: true },
    height: horizontal ? Math.max(120, values.length * 20) : 240,
    encoding: horizontal ? { y: { ...cat, sort: opts.sort === 'none' ? null : '-x' }, x: val } : { x: { ...cat, sort: null }, y: val },
  };
}

export function heatmap(values: Row[], x: string, y: string, color: string, opts: { xTitle?: string; yTitle?: string; colorTitle?: string; format?: string; scheme?: string; xType?: string; yType?: string } = {}): Record<string, unknown> {
  return {
    data: { values },
    height: { step: 18 },
    layer: [
      {
        mark: { type: 'rect', tooltip: true },
        encoding: {
          x: { field: x, type: opts.xType ?? 'ordinal', title: opts.xTitle ?? x },
          y: { field: y, type: opts.yType ?? 'ordinal', title: opts.yTitle ?? y },
          color: { field: color, type: 'quantitative', title: opts.colorTitle ?? color, scale: { scheme: opts.scheme ?? 'blues' }, legend: { format: opts.format } },
        },
      },
    ],
  };
}

export function lineChart(values: Row[], x: string, y: string, opts: { xTitle?: string; yTitle?: string; format?: string; color?: string; xType?: string; point?: boolean } = {}): Record<string, unknown> {
  const encoding: Record<string, unknown> = {
    x: { field: x, type: opts.xType ?? 'quantitative', title: opts.xTitle ?? x },
    y: { field: y, type: 'quantitative', title: opts.yTitle ?? y, axis: opts.format ? { format: opts.format } : {} },
  };
  if (opts.color) encoding.color = { field: opts.color, type: 'nominal', title: opts.color };
  return { data: { values }, height: 240, mark: { type: 'line', point: opts.point ?? true, tooltip: true }, encoding };
}

export function stackedBar(values: Row[], x: string, y: string, color: string, opts: { xTitle?: string; yTitle?: string } = {}): Record<string, unknown> {
  return {
    data: { values },
    height: 240,
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: { field: x, type: 'ordinal', title: opts.xTitle ?? x, axis: { labelAngle: -45, labelLimit: 80 } },
      y: { field: y, type: 'quantitative', title: opts.yTitle ?? y, stack: true },
      color: { field: color, type: 'nominal', title: color },
    },
  };
}

export function histogram(values: Row[], from: string, to: string, count: string, opts: { xTitle?: string } = {}): Record<string, unknown> {
  return {
    data: { values },
    height: 180,
    mark: { type: 'bar', color: '#2f6fde', tooltip: true },
    encoding: {
      x: { field: from, type: 'quantitative', bin: { binned: true }, title: opts.xTitle ?? from },
      x2: { field: to },
      y: { field: count, type: 'quantitative', title: 'customers' },
    },
  };
}
