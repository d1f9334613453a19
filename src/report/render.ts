import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { escapeHtml, jsonForScript } from './escape.js';
import { formatCell } from './format.js';
import { humanLabel } from './labels.js';
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
      const label = b.caption ? `${b.title}. ${b.caption}` : b.title;
      return `<figure class="chart-block${b.wide ? ' wide' : ''}"><figcaption>${escapeHtml(b.title)}</figcaption><div class="chart" id="${id}" role="img" aria-label="${escapeHtml(label)}"></div>${
        b.caption ? `<p class="caption">${escapeHtml(b.caption)}</p>` : ''
      }</figure>`;
    }
    case 'table': {
      const head = b.columns.map((c, j) => `<th scope="col" aria-sort="none" data-col="${j}">${escapeHtml(humanLabel(c))}</th>`).join('');
      // Each cell keeps its raw value for sorting and the CSV download; the text shown is formatted.
      const body = b.rows
        .map(
          (r) =>
            `<tr>${r
              .map((v, j) => `<td class="${typeof v === 'number' ? 'num' : ''}"${typeof v === 'number' && Number.isFinite(v) ? ` data-v="${v}"` : ''}>${escapeHtml(formatCell(v, b.formats?.[j], currency))}</td>`)
              .join('')}</tr>`,
        )
        .join('');
      // Tables with many columns or sentences in their cells take the full width and wrap.
      const wide = b.columns.length > 5 || b.rows.some((r) => r.some((v) => typeof v === 'string' && v.length > 40));
      const file = `${b.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'table'}.csv`;
      return `<figure class="table-block${wide ? ' wide' : ''}"><figcaption>${escapeHtml(b.title)}<button type="button" class="csv" data-file="${escapeHtml(file)}" aria-label="Download ${escapeHtml(b.title)} as CSV">CSV</button></figcaption><div class="scroll"><table data-page="${PAGE_ROWS}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>${
        b.caption ? `<p class="caption">${escapeHtml(b.caption)}</p>` : ''
      }</figure>`;
    }
  }
}

/** Rows shown before a table pages; print shows them all. */
const PAGE_ROWS = 25;

const BOOT = `
(function () {
  var dark = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches;
  var ink = dark ? '#e6e9ef' : '#1d2330';
  var grid = dark ? '#3a4150' : '#e3e6ec';
  var theme = { font: 'system-ui, sans-serif', view: { stroke: null }, background: null,
    axis: { labelColor: ink, titleColor: ink, gridColor: grid, domainColor: grid, tickColor: grid },
    legend: { labelColor: ink, titleColor: ink }, title: { color: ink }, text: { color: ink } };
  var specs = JSON.parse(document.getElementById('chart-specs').textContent);
  specs.forEach(function (c) {
    var el = document.getElementById(c.id);
    try {
      // Charts on a continuous x fill their box; grids laid out by cell steps keep their own width.
      var fill = c.spec.width === undefined ? { width: 'container', autosize: { type: 'fit-x', contains: 'padding' } } : {};
      var spec = Object.assign({ $schema: 'https://vega.github.io/schema/vega-lite/v6.json' }, fill, c.spec);
      spec.config = Object.assign({}, theme, c.spec.config || {});
      var view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'svg', container: el, hover: true });
      view.runAsync().then(function () { el.setAttribute('data-rendered', 'true'); });
    } catch (e) {
      el.textContent = 'Chart could not be drawn: ' + e.message;
      el.setAttribute('data-rendered', 'error');
    }
  });

  function cellValue(td) { return td.hasAttribute('data-v') ? Number(td.getAttribute('data-v')) : td.textContent; }
  function paginate(table) {
    var size = Number(table.getAttribute('data-page'));
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var pager = table.parentNode.parentNode.querySelector('.pager');
    if (rows.length <= size) { if (pager) pager.remove(); return; }
    var shown = Number(table.getAttribute('data-shown') || size);
    rows.forEach(function (r, i) { r.hidden = i >= shown; });
    if (!pager) {
      pager = document.createElement('p');
      pager.className = 'pager';
      var button = document.createElement('button');
      button.type = 'button';
      pager.appendChild(button);
      table.parentNode.after(pager);
      button.addEventListener('click', function () {
        var next = Number(table.getAttribute('data-shown') || size);
        table.setAttribute('data-shown', String(next >= rows.length ? size : next + size * 4));
        paginate(table);
      });
    }
    var all = shown >= rows.length;
    pager.firstChild.textContent = all ? 'Show fewer rows' : 'Show more rows (' + Math.min(shown, rows.length) + ' of ' + rows.length + ' shown)';
  }
  Array.prototype.forEach.call(document.querySelectorAll('table[data-page]'), function (table) {
    paginate(table);
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, j) {
      th.tabIndex = 0;
      function sort() {
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.setAttribute('aria-sort', 'none'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        var rows = Array.prototype.slice.call(table.tBodies[0].rows);
        rows.sort(function (a, b) {
          var x = cellValue(a.cells[j]), y = cellValue(b.cells[j]);
          var d = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
          return asc ? d : -d;
        });
        rows.forEach(function (r) { table.tBodies[0].appendChild(r); });
        paginate(table);
      }
      th.addEventListener('click', sort);
      th.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(); } });
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll('button.csv'), function (button) {
    button.addEventListener('click', function () {
      var table = button.closest('figure').querySelector('table');
      var lines = Array.prototype.map.call(table.rows, function (row) {
        return Array.prototype.map.call(row.cells, function (cell) {
          var v = cell.hasAttribute('data-v') ? cell.getAttribute('data-v') : cell.textContent;
          // A spreadsheet runs cells starting with = + - @ as formulas; numbers stay numbers.
          if (!cell.hasAttribute('data-v') && /^[=+\\-@\\t\\r]/.test(v)) v = "'" + v;
          return /[",\\n\\r]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
        }).join(',');
      });
      var url = URL.createObjectURL(new Blob([lines.join('\\n') + '\\n'], { type: 'text/csv' }));
      var a = document.createElement('a');
      a.href = url;
      a.download = button.getAttribute('data-file');
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 0);
    });
  });
})();
`;

const CSS = `
:root { color-scheme: light dark; --ink: #1d2330; --muted: #525b6b; --line: #e3e6ec; --accent: #1f5fcf; --warn: #9a4a06; --bg: #f7f8fa; --card: #fff; --callout: #eef3fd; --callout-warn: #fff4e5; }
@media (prefers-color-scheme: dark) {
  :root { --ink: #e6e9ef; --muted: #a9b1bf; --line: #3a4150; --accent: #8ab4ff; --warn: #ffb35c; --bg: #12151b; --card: #1b1f27; --callout: #1d2a44; --callout-warn: #3a2a12; }
}
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--bg); overflow-wrap: break-word; }
header { background: var(--card); border-bottom: 1px solid var(--line); padding: 24px 32px 12px; position: sticky; top: 0; z-index: 2; }
h1 { margin: 0; font-size: 24px; }
.subtitle { margin: 4px 0 8px; color: var(--muted); }
nav { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 14px; }
nav a { color: var(--accent); text-decoration: none; }
main { max-width: 1180px; margin: 0 auto; padding: 16px 32px 48px; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 20px 24px; margin: 20px 0; }
h2 { margin: 0 0 12px; font-size: 20px; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin-bottom: 12px; }
.tile { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.tile .v { font-size: 22px; font-weight: 600; }
.tile .l { color: var(--muted); font-size: 13px; }
.findings { padding-left: 20px; }
.findings li { margin: 4px 0; }
.blocks { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 440px), 1fr)); gap: 20px; }
figure { margin: 0; min-width: 0; }
figcaption { font-weight: 600; margin-bottom: 6px; display: flex; gap: 8px; align-items: baseline; justify-content: space-between; }
button { font: inherit; font-size: 12px; color: var(--accent); background: transparent; border: 1px solid var(--line); border-radius: 4px; padding: 1px 8px; cursor: pointer; }
.chart { width: 100%; min-height: 60px; overflow-x: auto; }
.caption { color: var(--muted); font-size: 13px; margin: 4px 0 0; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; white-space: nowrap; }
th { background: var(--card); cursor: pointer; user-select: none; }
th[aria-sort="ascending"]::after { content: " ▲"; }
th[aria-sort="descending"]::after { content: " ▼"; }
.pager { margin: 6px 0 0; }
figure.wide { grid-column: 1 / -1; }
.blocks > p { grid-column: 1 / -1; margin: 0; color: var(--muted); }
figure.wide td { white-space: normal; min-width: 60px; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.callout { border-left: 4px solid var(--accent); background: var(--callout); padding: 10px 14px; border-radius: 4px; grid-column: 1 / -1; }
.callout.warning { border-color: var(--warn); background: var(--callout-warn); font-weight: 600; }
footer { text-align: center; color: var(--muted); font-size: 12px; padding: 24px; }
@media (max-width: 700px) {
  header { position: static; padding: 14px 16px 8px; }
  h1 { font-size: 20px; }
  main { padding: 8px 10px 32px; }
  section { padding: 14px 12px; margin: 12px 0; }
  .tiles { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  /* Wide tables scroll inside their box; sentences in cells keep a readable width. */
  th { white-space: normal; min-width: 5.5em; }
  figure.wide td:not(.num) { min-width: 12em; }
}
@media print {
  :root { --ink: #000; --bg: #fff; --card: #fff; }
  header { position: static; }
  nav, button, .pager { display: none; }
  section { break-inside: auto; border: none; padding: 0; }
  figure { break-inside: avoid; }
  tr[hidden] { display: table-row; }
  .scroll { overflow: visible; }
  th, td { white-space: normal; }
  .blocks { display: block; }
  .blocks > * { margin-bottom: 16px; }
}
`;
