/**
 * Render a report in headless Chromium (the system binary; no browser download) and save a full-page PNG.
 * Usage: npx tsx scripts/screenshot.ts out/report.html out/report.png [width, default 1280]
 */
import { chromium } from 'playwright-core';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const [html, png, width = '1280'] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ viewport: { width: Number(width), height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pathToFileURL(resolve(html)).href);
  await page.waitForFunction(() => [...document.querySelectorAll('.chart')].every((c) => c.getAttribute('data-rendered')), null, { timeout: 30_000 });
  const failed = await page.$$eval('.chart[data-rendered="error"]', (els) => els.map((e) => e.textContent));
  await page.screenshot({ path: png, fullPage: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  console.log(`horizontal overflow: ${overflow} px`);
  console.log(`charts: ${await page.$$eval('.chart svg', (s) => s.length)} rendered, ${failed.length} failed ${failed.join('; ')}; page errors: ${errors.length} ${errors.join('; ')}`);
} finally {
  await browser.close();
}
