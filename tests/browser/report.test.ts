import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { cli, DATA, tempDir } from '../helpers/cli.js';
import { chromiumPath } from '../helpers/chromium.js';

/** The report opened in real Chromium (Debian's binary, installed by the test when missing): offline, every chart drawn, no errors. */
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let browser: Browser;
let dir: string;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: chromiumPath(), args: ARGS });
  dir = tempDir();
}, 600_000);
afterAll(async () => {
  await browser?.close();
});

async function open(report: string) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (!url.startsWith('file:')) requests.push(url);
    return url.startsWith('file:') ? route.continue() : route.abort();
  });
  await page.goto(pathToFileURL(report).href);
  await page.waitForFunction(() => [...document.querySelectorAll('.chart')].every((c) => c.getAttribute('data-rendered')), null, { timeout: 30_000 });
  return { page, errors, requests };
}

describe('report in a real browser', () => {
  it('an order log report draws every chart offline, with no errors', async () => {
    const out = join(dir, 'cdnow');
    const r = await cli('analyze', join(DATA, 'cdnow-sample.txt.gz'), '--columns', 'customer,_,date,quantity,amount', '--out', out, '-q');
    expect(r.code).toBe(0);
    const { page, errors, requests } = await open(join(out, 'report.html'));
    const charts = await page.$$eval('.chart', (els) => els.map((e) => [e.getAttribute('data-rendered'), e.querySelectorAll('svg').length]));
    expect(charts.length).toBeGreaterThan(10);
    expect(charts.filter(([state, svgs]) => state !== 'true' || svgs === 0)).toEqual([]);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    const sections = await page.$$eval('main > section', (els) => els.map((e) => e.id));
    expect(sections).toEqual(expect.arrayContaining(['summary', 'rfm', 'revenue', 'cohorts', 'clv', 'segments', 'data']));
    await page.screenshot({ path: join(out, 'report.png'), fullPage: true });
    await page.close();
  });

  it('a customer-table report draws its charts too', async () => {
    const out = join(dir, 'behaviour');
    expect((await cli('analyze', join(DATA, 'ecommerce-customer-behavior.csv'), '--out', out, '-q')).code).toBe(0);
    const { page, errors } = await open(join(out, 'report.html'));
    expect(await page.$$eval('.chart[data-rendered="true"] svg', (s) => s.length)).toBeGreaterThan(8);
    expect(errors).toEqual([]);
    await page.close();
  });
});
