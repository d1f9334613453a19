import { formatCell } from './format.js';
import { humanLabel } from './labels.js';
import type { ReportDocument } from './render.js';
import type { TableBlock } from './section.js';

/** Rows of a table kept in the Markdown summary: enough to paste into a ticket, not the whole table. */
const MAX_ROWS = 15;

/** Text from the data made inert in Markdown: no HTML, no table breaks, no emphasis or links by accident. */
export function mdText(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#])/g, '\\$1')
    .replace(/\r?\n/g, ' ');
}

function table(b: TableBlock, currency: string | null): string {
  const head = `| ${b.columns.map((c) => mdText(humanLabel(c))).join(' | ')} |`;
  const rule = `| ${b.columns.map((_, j) => (b.rows.some((r) => typeof r[j] === 'number') ? '---:' : '---')).join(' | ')} |`;
  const rows = b.rows.slice(0, MAX_ROWS).map((r) => `| ${r.map((v, j) => mdText(formatCell(v, b.formats?.[j], currency))).join(' | ')} |`);
  const more = b.rows.length > MAX_ROWS ? [`\n_${b.rows.length - MAX_ROWS} more rows in report.html._`] : [];
  return [`**${mdText(b.title)}**`, '', head, rule, ...rows, ...more].join('\n');
}

/**
 * The executive summary, recommendations and each section's findings and first table, as Markdown to paste into a
 * ticket or a chat. Charts stay in report.html.
 */
export function renderMarkdown(doc: ReportDocument): string {
  const currency = doc.currency ?? null;
  const out: string[] = [`# ${mdText(doc.title)}`, '', `_${mdText(doc.subtitle)}_`, ''];
  out.push('## Executive summary', '');
  out.push(...doc.keyNumbers.map((k) => `- **${mdText(k.value)}** ${mdText(k.label)}`), '');
  out.push(...doc.summary.map((s) => `- ${mdText(s)}`), '');
  for (const s of doc.sections) {
    out.push(`## ${mdText(s.title)}`, '');
    if (s.findings.length) out.push(...s.findings.map((f) => `- ${mdText(f)}`), '');
    for (const b of s.blocks) if (b.kind === 'callout') out.push(`> ${mdText(b.text)}`, '');
    const first = s.blocks.find((b): b is TableBlock => b.kind === 'table');
    if (first) out.push(table(first, currency), '');
  }
  out.push(`_${mdText(doc.generatedBy)}_`, '');
  return out.join('\n');
}
