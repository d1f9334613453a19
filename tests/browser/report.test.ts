import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { cli, DATA, tempDir } from '../helpers/cli.js';
import { chromiumPath } from '../helpers/chromium.js';

/**
 * The report opened in real Chromium (Debian's binary, installed by the test when missing) as a marketer would:
 * offline, every chart drawn, no errors or Vega warnings, readable on a phone, sortable and downloadable tables,
 * a print layout that clips nothing. Screenshots go to test-output/ to be looked at.
 */
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SHOTS = new URL('../../test-output/', import.meta.url).pathname;

let browser: Browser;
let dir: string;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: chromiumPath(), args: ARGS });
  dir = tempDir();
  mkdirSync(SHOTS, { recursive: true });
}, 600_000);
afterAll(async () => {
  await browser?.close();
});

async function open(report: string, width = 1280) {
  const page = await browser.newPage({ viewport: { width, height: 900 }, acceptDownloads: true });
  const errors: string[] = [];
  const warnings: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
    if (m.type() === 'warning') warnings.push(m.text());
  });
  page.on('dialog', (d) => {
    errors.push(`a dialog opened: ${d.message()}`);
    void d.dismiss();
  });
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (!url.startsWith('file:') && !url.startsWith('blob:')) requests.push(url);
    return url.startsWith('file:') || url.startsWith('blob:') ? route.continue() : route.abort();
  });
  await page.goto(pathToFileURL(report).href);
  await page.waitForFunction(() => [...document.querySelectorAll('.chart')].every((c) => c.getAttribute('data-rendered')), null, { timeout: 60_000 });
  return { page, errors, warnings, requests };
}

const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

const REPORTS: { name: string; args: string[]; sections: string[] }[] = [
  { name: 'online-retail', args: [join(DATA, 'online-retail.csv.gz')], sections: ['summary', 'recommendations', 'rfm', 'revenue', 'cohorts', 'clv', 'segments', 'data', 'checks'] },
  { name: 'cdnow-sample', args: [join(DATA, 'cdnow-sample.txt.gz'), '--columns', 'customer,_,date,quantity,amount'], sections: ['summary', 'rfm', 'revenue', 'cohorts', 'clv', 'segments', 'data', 'checks'] },
  { name: 'cdnow-master', args: [join(DATA, 'cdnow-master.txt.gz')], sections: ['summary', 'rfm', 'cohorts', 'clv', 'checks'] },
  { name: 'electronic-sales', args: [join(DATA, 'electronic-sales.csv.gz')], sections: ['summary', 'rfm', 'revenue', 'cohorts', 'clv', 'drivers', 'checks'] },
  { name: 'customer-table', args: [join(DATA, 'ecommerce-customer-behavior.csv')], sections: ['summary', 'rfm', 'segments', 'drivers', 'checks'] },
];

describe('reports in a real browser', () => {
  for (const r of REPORTS) {
    it(`${r.name}: offline, every chart drawn, no errors or warnings, no overflow at 390 px`, async () => {
      const out = join(dir, r.name);
      const run = await cli('analyze', ...r.args, '--out', out, '-q');
      expect(run.code, run.stderr).toBe(0);
      const report = join(out, 'report.html');
      for (const width of [1440, 390]) {
        const { page, errors, warnings, requests } = await open(report, width);
        const charts = await page.$$eval('.chart', (els) => els.map((e) => [e.getAttribute('data-rendered'), e.querySelectorAll('svg path, svg text').length]));
        expect(charts.length).toBeGreaterThan(3);
        expect(charts.filter(([state, marks]) => state !== 'true' || marks === 0)).toEqual([]);
        expect(errors).toEqual([]);
        expect(warnings).toEqual([]);
        expect(requests).toEqual([]);
        expect(await overflow(page), `horizontal overflow at ${width} px`).toBeLessThanOrEqual(0);
        const sections = await page.$$eval('main > section', (els) => els.map((e) => e.id));
        expect(sections).toEqual(expect.arrayContaining(r.sections));
        await page.screenshot({ path: join(SHOTS, `${r.name}-${width}.png`), fullPage: true });
        await page.close();
      }
    });
  }

  it('tables sort by a click and download as CSV, offline', async () => {
    const { page, errors } = await open(join(dir, 'online-retail', 'report.html'));
    const table = page.locator('#rfm table').first();
    const customers = () => table.locator('tbody tr td:nth-child(2)').evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-v'))));
    await table.locator('th').nth(1).click();
    const up = await customers();
    expect(up).toEqual([...up].sort((x, y) => x - y));
    await table.locator('th').nth(1).click();
    const down = await customers();
    expect(down).toEqual([...up].sort((x, y) => y - x));
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#rfm figure.table-block button.csv').first().click()]);
    const csv = readFileSync(await download.path(), 'utf8').trim().split('\n');
    expect(csv[0]).toMatch(/^segment,customers,share of customers/);
    expect(csv).toHaveLength(up.length + 1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('long tables page, and print shows every row with no table wider than the page', async () => {
    const { page } = await open(join(dir, 'online-retail', 'report.html'));
    const hidden = await page.$$eval('tbody tr', (rows) => rows.filter((r) => (r as HTMLElement).offsetParent === null).length);
    expect(hidden).toBeGreaterThan(0);
    expect(await page.locator('.pager button').count()).toBeGreaterThan(0);
    await page.emulateMedia({ media: 'print' });
    const clipped = await page.evaluate(() => {
      const width = document.querySelector('main')!.getBoundingClientRect().right + 1;
      const rows = [...document.querySelectorAll('tbody tr')].filter((r) => (r as HTMLElement).offsetParent === null).length;
      const wide = [...document.querySelectorAll('table')].filter((t) => t.getBoundingClientRect().right > width).length;
      return { rows, wide };
    });
    expect(clipped).toEqual({ rows: 0, wide: 0 });
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.length).toBeGreaterThan(10_000);
    await page.close();
  });

  it('dark mode restyles the page and the charts', async () => {
    const { page } = await open(join(dir, 'cdnow-sample', 'report.html'));
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.reload();
    await page.waitForFunction(() => [...document.querySelectorAll('.chart')].every((c) => c.getAttribute('data-rendered')));
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(18, 21, 27)');
    const label = await page.$eval('.chart svg .role-axis-label text', (t) => getComputedStyle(t).fill || t.getAttribute('fill'));
    expect(label).toMatch(/230, 233, 239|#e6e9ef/i);
    await page.screenshot({ path: join(SHOTS, 'cdnow-sample-dark.png'), fullPage: false });
    await page.close();
  });

  it('markup in the data is shown as text and runs nothing', async () => {
    const evil = ['<script>window.__pwned=1</script>', '"><img src=x onerror="window.__pwned=2">', 'javascript:window.__pwned=3'];
    const header = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country,"<b onmouseover=alert(1)>Tier</b>"';
    const rows: string[] = [];
    for (let c = 0; c < 60; c++) {
      for (let o = 0; o < 3; o++) {
        const name = evil[(c + o) % evil.length].replace(/"/g, '""');
        rows.push(`${c * 10 + o},${1000 + o},"${name}",${1 + o},2024-0${1 + o}-1${c % 9} 10:00,${(2 + c % 7).toFixed(2)},${500 + c},"${evil[c % 3].replace(/"/g, '""')}","${evil[o].replace(/"/g, '""')}"`);
      }
    }
    const file = join(dir, 'evil.csv');
    writeFileSync(file, [header, ...rows].join('\n') + '\n');
    // Segment names come from a user's segment map: the same three strings name the segments.
    const map = join(dir, 'evil-map.json');
    writeFileSync(map, JSON.stringify({ segments: [
      { name: evil[0], r: [1, 2], f: [1, 5], action: evil[1] },
      { name: evil[1], r: [3, 4], f: [1, 5], action: evil[2] },
      { name: evil[2], r: [5, 5], f: [1, 5], action: evil[0] },
    ] }));
    const out = join(dir, 'evil');
    const run = await cli('analyze', file, '--out', out, '-q', '--segment-map', map, '--no-clv');
    expect(run.code, run.stderr).toBe(0);
    const { page, errors } = await open(join(out, 'report.html'));
    await page.mouse.move(200, 200);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.$$eval('img', (imgs) => imgs.length)).toBe(0);
    expect(await page.$$eval('a[href^="javascript:"]', (as) => as.length)).toBe(0);
    expect(await page.$$eval('script', (s) => s.filter((x) => x.textContent?.includes('__pwned') && x.id !== 'chart-specs').length)).toBe(0);
    const text = await page.evaluate(() => document.body.innerText);
    expect(text).toContain('<script>window.__pwned=1</script>');
    expect(errors).toEqual([]);
    await page.close();
  });
});
