import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { escapeHtml, jsonForScript } from './escape.js';
import { formatCell } from './format.js';
import type { Block, ReportSection } from './section.js';

export interface ReportDocument {
  readonly title: string;
  readonly subtitle: string;
  /** Key numbers shown as tiles at the top. */
  readonly keyNumbers: { label: string; value: string }[];
  /** The executive summary, one plain-language sentence each. */
  readonly summary: string[];
  readonly sections: ReportSection[];
  readonly generatedBy: string;
  /** Currency of every money cell, when known. */
  readonly currency?: string | null;
}

const require = createRequire(import.meta.url);
let runtime: string | undefined;

/** Vega and Vega-Lite runtimes inlined once, so the report renders its charts offline with no network access. */
function chartRuntime(): string {
  runtime ??= [
    ['vega', 'vega.min.js'],
    ['vega-lite', 'vega-lite.min.js'],
  ]
    .map(([pkg, file]) => readFileSync(join(packageRoot(pkg), 'build', file), 'utf8').replace(/<\/script/gi, '<\\/script'))
    .join('\n;\n');
  return runtime;
}

/** The packages' exports maps hide their browser builds, so locate them from the package root. */
function packageRoot(pkg: string): string {
  let dir = dirname(require.resolve(pkg));
  while (!existsSync(join(dir, 'package.json')) || basename(dir) !== pkg) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot locate the ${pkg} package`);
    dir = up;
  }
  return dir;
}

/** One self-contained HTML file. Every string from the data is escaped here and nowhere else. */
export function renderReport(doc: ReportDocument): string {
  const charts: { id: string; spec: Record<string, unknown> }[] = [];
  const sectionHtml = doc.sections.map((s) => renderSection(s, charts, doc.currency ?? null)).join('\n');
  const toc = doc.sections.map((s) => `<a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
  <h1>${escapeHtml(doc.title)}</h1>
  <p class="subtitle">${escapeHtml(doc.subtitle)}</p>
  <nav>${toc}</nav>
</header>
<main>
<section id="summary" class="summary">
  <h2>Executive summary</h2>
  <div class="tiles">${doc.keyNumbers.map((k) => `<div class="tile"><div class="v">${escapeHtml(k.value)}</div><div class="l">${escapeHtml(k.label)}</div></div>`).join('')}</div>
  <ul class="findings">${doc.summary.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul>
</section>
${sectionHtml}
</main>
<footer>${escapeHtml(doc.generatedBy)}</footer>
<noscript><p class="note">Charts need JavaScript; the tables and findings above are complete without it.</p></noscript>
<script>${chartRuntime()}</script>
<script id="chart-specs" type="application/json">${jsonForScript(charts)}</script>
<script>${BOOT}</script>
</body>
</html>
`;
}

function renderSection(s: ReportSection, charts: { id: string; spec: Record<string, unknown> }[], currency: string | null): string {
  const findings = s.findings.length ? `<ul class="findings">${s.findings.map((f) => `<li>${escapeHtml(f)}</li>`).join('')}</ul>` : '';
  return `<section id="${escapeHtml(s.id)}">
<h2>${escapeHtml(s.title)}</h2>
${findings}
<div class="blocks">${s.blocks.map((b) => renderBlock(b, charts, currency)).join('\n')}</div>
</section>`;
}

function renderBlock(b: Block, charts: { id: string; spec: Record<string, unknown> }[], currency: string | null): string {
  switch (b.kind) {
    case 'text':
      return `<p>${escapeHtml(b.text)}</p>`;
    case 'callout':
      return `<div class="callout ${b.level}">${escapeHtml(b.text)}</div>`;
    case 'chart': {
      const id = `chart-${charts.length}`;
      charts.push({ id, spec: b.spec });
      return `<figure class="chart-block${b.wide ? ' wide' : ''}"><figcaption>${escapeHtml(b.title)}</figcaption><div class="chart" id="${id}"></div>${
        b.caption ? `<p class="caption">${escapeHtml(b.caption)}</p>` : ''
      }</figure>`;
    }
    case 'table': {
      const head = b.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
      const body = b.rows
        .map(
          (r) =>
            `<tr>${r
              .map((v, j) => `<td class="${typeof v === 'number' ? 'num' : ''}">${escapeHtml(formatCell(v, b.formats?.[j], currency))}</td>`)
              .join('')}</tr>`,
        )
        .join('');
      // Tables with many columns or sentences in their cells take the full width and wrap.
      const wide = b.columns.length > 5 || b.rows.some((r) => r.some((v) => typeof v === 'string' && v.length > 40));
      return `<figure class="table-block${wide ? ' wide' : ''}"><figcaption>${escapeHtml(b.title)}</figcaption><div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>${
        b.caption ? `<p class="caption">${escapeHtml(b.caption)}</p>` : ''
      }</figure>`;
    }
  }
}

const BOOT = `
(function () {
  var specs = JSON.parse(document.getElementById('chart-specs').textContent);
  specs.forEach(function (c) {
    var el = document.getElementById(c.id);
    try {
      var spec = Object.assign({ $schema: 'https://vega.github.io/schema/vega-lite/v6.json', width: 'container', config: { font: 'system-ui, sans-serif', view: { stroke: null } } }, c.spec);
      var view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'svg', container: el, hover: true });
      view.runAsync().then(function () { el.setAttribute('data-rendered', 'true'); });
    } catch (e) {
      el.textContent = 'Chart could not be drawn: ' + e.message;
      el.setAttribute('data-rendered', 'error');
    }
  });
})();
`;

const CSS = `
:root { --ink: #1d2330; --muted: #5b6475; --line: #e3e6ec; --accent: #2f6fde; --warn: #b45309; --bg: #f7f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--bg); }
header { background: #fff; border-bottom: 1px solid var(--line); padding: 24px 32px 12px; position: sticky; top: 0; z-index: 2; }
h1 { margin: 0; font-size: 24px; }
.subtitle { margin: 4px 0 8px; color: var(--muted); }
nav { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 14px; }
nav a { color: var(--accent); text-decoration: none; }
main { max-width: 1180px; margin: 0 auto; padding: 16px 32px 48px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 20px 24px; margin: 20px 0; }
h2 { margin: 0 0 12px; font-size: 20px; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin-bottom: 12px; }
.tile { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.tile .v { font-size: 22px; font-weight: 600; }
.tile .l { color: var(--muted); font-size: 13px; }
.findings { padding-left: 20px; }
.findings li { margin: 4px 0; }
.blocks { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 20px; }
figure { margin: 0; min-width: 0; }
figcaption { font-weight: 600; margin-bottom: 6px; }
.chart { width: 100%; min-height: 60px; }
.caption { color: var(--muted); font-size: 13px; margin: 4px 0 0; }
.scroll { overflow-x: auto; max-height: 520px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; white-space: nowrap; }
th { position: sticky; top: 0; background: #fff; }
figure.wide { grid-column: 1 / -1; overflow-x: auto; }
.blocks > p { grid-column: 1 / -1; margin: 0; color: var(--muted); }
figure.wide td { white-space: normal; min-width: 60px; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.callout { border-left: 4px solid var(--accent); background: #eef3fd; padding: 10px 14px; border-radius: 4px; grid-column: 1 / -1; }
.callout.warning { border-color: var(--warn); background: #fff4e5; font-weight: 600; }
footer { text-align: center; color: var(--muted); font-size: 12px; padding: 24px; }
@media print { header { position: static; } section { break-inside: avoid; } }
`;
