/**
 * A report is a list of sections; a section is plain data (sentences, charts as Vega-Lite specs, tables),
 * so analyses build sections without knowing about HTML, and the renderer escapes everything in one place.
 */
export interface ReportSection {
  /** Anchor id, e.g. "rfm". */
  readonly id: string;
  readonly title: string;
  /** Plain-language findings, one sentence each, shown first. */
  readonly findings: readonly string[];
  readonly blocks: readonly Block[];
}

export type Block = ChartBlock | TableBlock | TextBlock | CalloutBlock;

export interface ChartBlock {
  readonly kind: 'chart';
  readonly title: string;
  /** A Vega-Lite v6 spec with inline data (`data: { values: [...] }`); rendered to static SVG. */
  readonly spec: Record<string, unknown>;
  readonly caption?: string;
  /** Take the full width of the section (wide heatmaps, long labels). */
  readonly wide?: boolean;
}

export type Cell = string | number | null;

export interface TableBlock {
  readonly kind: 'table';
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
  /** Optional per-column number format: 'int', 'money', 'pct' (0..1 shown as %), 'num2', 'num4', 'p' (p-value). */
  readonly formats?: readonly (string | undefined)[];
  readonly caption?: string;
}

export interface TextBlock {
  readonly kind: 'text';
  readonly text: string;
}

export interface CalloutBlock {
  readonly kind: 'callout';
  readonly level: 'info' | 'warning';
  readonly text: string;
}
