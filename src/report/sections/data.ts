import type { Analysis } from '../../pipeline/analyze.js';
import { fmtInt } from '../format.js';
import type { ReportSection } from '../section.js';

/** What was read, which column plays which role and why, and every cleaning step with its row count. */
export function dataSection(a: Analysis): ReportSection {
  const d = a.detection;
  const findings = [
    `Read ${fmtInt(a.load.rows)} rows and ${a.load.schema.length} columns from ${a.load.sniff.format.toUpperCase()}${a.load.sniff.gzip ? ' (gzip)' : ''}, ${a.load.sniff.encoding}.`,
    `Shape: ${d.shape === 'order-log' ? 'an order-line log' : 'a customer table'} — ${d.shapeReason}.`,
  ];
  if (a.cleaning) findings.push(`Dates read as ${a.cleaning.dateFormat}; ${fmtInt(a.cleaning.analyticLines)} lines feed the customer analytics.`);
  for (const w of a.load.warnings) findings.push(w);
  const blocks: ReportSection['blocks'][number][] = [
    {
      kind: 'table',
      title: 'Detected columns',
      columns: ['role', 'column', 'why'],
      rows: Object.entries(d.reasons).map(([role, why]) => [role, d.roles[role as keyof typeof d.roles] ?? '', why ?? '']),
      caption: 'Override any of them with --map role=Column.',
    },
  ];
  if (a.cleaning) {
    blocks.push({
      kind: 'table',
      title: 'Cleaning log',
      columns: ['step', 'rows', 'action', 'why'],
      rows: a.cleaning.steps.map((s) => [s.step, s.rows, s.action, s.why]),
      formats: [undefined, 'int'],
    });
    const outliers = a.cleaning.steps.find((s) => s.step === 'outlying amounts');
    if (outliers?.examples?.length) {
      blocks.push({
        kind: 'table',
        title: 'Largest flagged line amounts',
        columns: ['order', 'product', 'quantity', 'unit price', 'amount'],
        rows: outliers.examples,
        formats: [undefined, undefined, 'int', 'money', 'money'],
      });
    }
  }
  return { id: 'data', title: 'Data and cleaning', findings, blocks };
}
