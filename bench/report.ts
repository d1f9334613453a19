/**
 * Question: is the Online Retail report light enough to open on a laptop or phone? Prints its size against the
 * 3 MB target and its time to first render in headless Chromium (navigation to every chart drawn, median of 5)
 * against the 1 s target. Needs `npm run build` and Debian's chromium.
 *   npx tsx bench/report.ts [file]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const file = process.argv[2] ?? 'data/online-retail.csv.gz';
const out = mkdtempSync(join(tmpdir(), 'clientele-report-bench-'));
execFileSync(process.execPath, ['dist/cli/main.js', 'analyze', file, '--out', out, '-q'], { stdio: 'inherit' });
const report = join(out, 'report.html');
const bytes = statSync(report).size;

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const times: number[] = [];
let charts = 0;
try {
  for (let i = 0; i < 6; i++) {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const t0 = performance.now();
    await page.goto(pathToFileURL(report).href);
    await page.waitForFunction(() => [...document.querySelectorAll('.chart')].every((c) => c.getAttribute('data-rendered')), null, { timeout: 60_000 });
    const ms = performance.now() - t0;
    charts = await page.$$eval('.chart svg', (s) => s.length);
    // The first load warms the browser's caches; it is reported apart.
    if (i === 0) console.log(`cold first render: ${(ms / 1000).toFixed(2)} s`);
    else times.push(ms);
    await page.close();
  }
} finally {
  await browser.close();
}
const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)] / 1000;
const mb = bytes / 1024 / 1024;
console.log(`report.html: ${mb.toFixed(2)} MB (target 3 MB: ${(mb / 3).toFixed(2)}x of it), ${charts} charts`);
console.log(`first render, median of ${times.length}: ${median.toFixed(2)} s (target 1 s: ${median.toFixed(2)}x of it)`);
