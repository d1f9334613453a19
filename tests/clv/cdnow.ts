/** Test helper: parse the bundled CDNOW logs (gzip, whitespace-separated, date YYYYMMDD, dollars last). */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { clvSummary, dayNumber, type ClvSummary, type TransactionLog } from '../../src/clv/summary.js';

export const CALIBRATION_END = dayNumber(1997, 9, 30);
export const OBSERVATION_END = dayNumber(1998, 6, 30);

export function readCdnow(name: 'cdnow-sample.txt.gz' | 'cdnow-master.txt.gz'): TransactionLog {
  const text = gunzipSync(readFileSync(new URL(`../../data/${name}`, import.meta.url))).toString('latin1');
  const lines = text.split('\n');
  const ids = new Map<string, number>();
  const customer: number[] = [];
  const days: number[] = [];
  const amount: number[] = [];
  for (const line of lines) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4 || !/^\d{8}$/.test(f[f.length - 3])) continue; // blank line or header
    const d = f[f.length - 3];
    let id = ids.get(f[0]);
    if (id === undefined) ids.set(f[0], (id = ids.size));
    customer.push(id);
    days.push(dayNumber(+d.slice(0, 4), +d.slice(4, 6), +d.slice(6, 8)));
    amount.push(+f[f.length - 1]);
  }
  return { customer: Int32Array.from(customer), days: Float64Array.from(days), amount: Float64Array.from(amount), customers: ids.size };
}

export function cdnowSummary(name: 'cdnow-sample.txt.gz' | 'cdnow-master.txt.gz'): ClvSummary {
  return clvSummary(readCdnow(name), { timeUnit: 'weeks', observationEnd: OBSERVATION_END, calibrationEnd: CALIBRATION_END });
}

export const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0);
