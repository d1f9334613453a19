/**
 * A squarified treemap (Bruls, Huizing & van Wijk 2000) laid out here, because Vega-Lite has no treemap mark:
 * the layout becomes plain rectangles with x/x2/y/y2, drawn like any other chart.
 */
export interface TreemapItem {
  readonly name: string;
  /** Area of the tile. */
  readonly size: number;
  /** Colour of the tile. */
  readonly color: number;
}

export interface TreemapTile extends TreemapItem {
  readonly x: number;
  readonly x2: number;
  readonly y: number;
  readonly y2: number;
}

function worst(row: number[], side: number): number {
  const sum = row.reduce((a, b) => a + b, 0);
  const max = Math.max(...row);
  const min = Math.min(...row);
  return Math.max((side * side * max) / (sum * sum), (sum * sum) / (side * side * min));
}

export function squarify(items: readonly TreemapItem[], width: number, height: number): TreemapTile[] {
  const list = items.filter((i) => i.size > 0).sort((a, b) => b.size - a.size);
  const total = list.reduce((a, b) => a + b.size, 0);
  if (total <= 0) return [];
  const scale = (width * height) / total;
  const out: TreemapTile[] = [];
  let x = 0;
  let y = 0;
  let w = width;
  let h = height;
  let row: TreemapItem[] = [];
  const areas = (r: TreemapItem[]) => r.map((i) => i.size * scale);
  const lay = (r: TreemapItem[]) => {
    const sum = areas(r).reduce((a, b) => a + b, 0);
    if (w >= h) {
      const rw = sum / h;
      let cy = y;
      for (const i of r) {
        const ih = (i.size * scale) / rw;
        out.push({ ...i, x, x2: x + rw, y: cy, y2: cy + ih });
        cy += ih;
      }
      x += rw;
      w -= rw;
    } else {
      const rh = sum / w;
      let cx = x;
      for (const i of r) {
        const iw = (i.size * scale) / rh;
        out.push({ ...i, x: cx, x2: cx + iw, y, y2: y + rh });
        cx += iw;
      }
      y += rh;
      h -= rh;
    }
  };
  for (const item of list) {
    const side = Math.min(w, h);
    const next = [...row, item];
    if (row.length === 0 || worst(areas(next), side) <= worst(areas(row), side)) {
      row = next;
    } else {
      lay(row);
      row = [item];
    }
  }
  if (row.length) lay(row);
  return out;
}

/** Tiles sized by `size`, coloured by `color`, labelled where they are large enough to hold a label. */
export function treemapSpec(items: readonly TreemapItem[], opts: { sizeTitle: string; colorTitle: string; colorFormat?: string }): Record<string, unknown> {
  const W = 100;
  const H = 60;
  // A label is drawn only where the tile is wide enough for it at a phone's width (about 3 px a unit, 6.5 px a
  // character); every tile keeps its tooltip.
  const tiles = squarify(items, W, H).map((t) => ({ ...t, cx: (t.x + t.x2) / 2, cy: (t.y + t.y2) / 2, big: (t.x2 - t.x) * 3 >= t.name.length * 6.5 + 6 && (t.y2 - t.y) >= 4 }));
  const scale = (max: number) => ({ domain: [0, max], nice: false, zero: true });
  const hidden = { axis: null };
  return {
    data: { values: tiles },
    height: 300,
    layer: [
      {
        mark: { type: 'rect', stroke: '#fff', strokeWidth: 2, tooltip: true },
        encoding: {
          x: { field: 'x', type: 'quantitative', scale: scale(W), ...hidden },
          x2: { field: 'x2' },
          y: { field: 'y', type: 'quantitative', scale: { ...scale(H), reverse: true }, ...hidden },
          y2: { field: 'y2' },
          color: { field: 'color', type: 'quantitative', title: opts.colorTitle, scale: { scheme: 'blues' }, legend: { format: opts.colorFormat ?? ',.12~g' } },
          tooltip: [
            { field: 'name', title: 'segment' },
            { field: 'size', type: 'quantitative', title: opts.sizeTitle, format: ',.12~g' },
            { field: 'color', type: 'quantitative', title: opts.colorTitle, format: opts.colorFormat ?? ',.12~g' },
          ],
        },
      },
      {
        transform: [{ filter: 'datum.big' }],
        mark: { type: 'text', fontSize: 11, fontWeight: 600, color: '#1d2330', stroke: '#fff', strokeWidth: 3, strokeOpacity: 0.8, paintOrder: 'stroke' },
        encoding: {
          x: { field: 'cx', type: 'quantitative', scale: scale(W), ...hidden },
          y: { field: 'cy', type: 'quantitative', scale: { ...scale(H), reverse: true }, ...hidden },
          text: { field: 'name' },
        },
      },
    ],
  };
}
