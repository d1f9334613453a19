import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { dropPrefetched, PlainTextError, prefetchPlainText, withPlainText } from '../../src/ingest/plain-text.js';

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).pathname;
const MULTI_YEAR = new URL('../fixtures/shapes/multi-year.csv.gz', import.meta.url).pathname;

let work: string;
let temp: string;
let savedTmp: string | undefined;

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'clientele-plain-test-'));
  // The decompressed copies go to os.tmpdir(), which reads TMPDIR on every call: a private one shows what is left.
  savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = mkdtempSync(join(work, 't'));
  temp = process.env.TMPDIR;
});

afterEach(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  rmSync(work, { recursive: true, force: true });
});

/** What clientele left in the temporary directory (tsx, which runs the command in the last tests, keeps a cache there). */
const left = (): string[] => readdirSync(temp).filter((n) => n.startsWith('clientele-'));

const gz = (name: string, text: string): string => {
  const p = join(work, name);
  writeFileSync(p, gzipSync(text));
  return p;
};

describe('gzip inputs decompressed to a temporary file', () => {
  it('reads the decompressed text and removes the copy when the reader settles', async () => {
    const p = gz('a.csv.gz', 'id,x\n1,2\n');
    let seen = '';
    const got = await withPlainText(p, async (plain) => {
      seen = plain;
      return readFileSync(plain, 'utf8');
    });
    expect(got).toBe('id,x\n1,2\n');
    expect(dirname(seen).startsWith(temp)).toBe(true);
    expect(left()).toEqual([]);
  });

  it('a prefetched file is claimed, not decompressed again, and removed after reading', async () => {
    const p = gz('b.csv.gz', 'id,x\n3,4\n');
    prefetchPlainText(p);
    const started = left();
    expect(started).toHaveLength(1);
    let seen = '';
    const got = await withPlainText(p, async (plain) => ((seen = plain), readFileSync(plain, 'utf8')));
    expect(got).toBe('id,x\n3,4\n');
    expect(dirname(seen)).toBe(join(temp, started[0]));
    expect(left()).toEqual([]);
  });

  it('a file rewritten after the prefetch is decompressed again', async () => {
    const p = gz('c.csv.gz', 'id,x\n5,6\n');
    prefetchPlainText(p);
    writeFileSync(p, gzipSync('id,x\n7,8,changed\n'));
    utimesSync(p, new Date(), new Date(Date.now() + 5000));
    expect(await withPlainText(p, async (plain) => readFileSync(plain, 'utf8'))).toBe('id,x\n7,8,changed\n');
    expect(left()).toEqual([]);
  });

  it('a corrupt file fails as corrupt, prefetched or not, and leaves nothing', async () => {
    const whole = gzipSync('id,x\n' + '1,2\n'.repeat(20_000));
    const p = join(work, 'cut.csv.gz');
    writeFileSync(p, whole.subarray(0, whole.length >> 1));
    for (const prefetch of [false, true]) {
      if (prefetch) prefetchPlainText(p);
      const err = await withPlainText(p, async () => 'read').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PlainTextError);
      expect((err as PlainTextError).reason).toBe('corrupt-gzip');
      expect(left()).toEqual([]);
    }
  });

  it('a prefetch nobody claims is stopped and removed when the command ends, not at exit', async () => {
    const p = gz('unclaimed.csv.gz', 'id,x\n' + '1,2\n'.repeat(2_000_000));
    prefetchPlainText(p);
    expect(left()).toHaveLength(1);
    dropPrefetched();
    expect(left()).toEqual([]);
    // Claiming it afterwards decompresses it anew.
    expect((await withPlainText(p, async (plain) => readFileSync(plain, 'utf8'))).length).toBe(5 + 4 * 2_000_000);
    expect(left()).toEqual([]);
  });

  it('leaves plain text, directories and missing files alone', () => {
    writeFileSync(join(work, 'plain.csv'), 'id\n1\n');
    prefetchPlainText(join(work, 'plain.csv'));
    prefetchPlainText(work);
    prefetchPlainText(join(work, 'missing.csv.gz'));
    expect(left()).toEqual([]);
  });
});

describe('the clientele command', () => {
  const run = promisify(execFile);
  const cli = (args: string[]) =>
    run(process.execPath, ['--import', 'tsx', MAIN, ...args], { env: { ...process.env, TMPDIR: temp } }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );

  it('analyses a .csv.gz it decompressed while loading and leaves no temporary file', async () => {
    const out = join(work, 'out');
    const r = await cli(['analyze', MULTI_YEAR, '--out', out, '--quiet', '--no-segments', '--no-clv']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(out, 'customers.csv'), 'utf8').split('\n').length).toBeGreaterThan(10);
    expect(left()).toEqual([]);
  }, 60_000);

  it('removes a prefetched file nobody claims when the command fails', async () => {
    const extra = gz('extra.csv.gz', 'id,x\n1,2\n');
    const r = await cli(['analyze', join(work, 'missing.csv'), extra]);
    expect(r.code).toBe(2);
    expect(left()).toEqual([]);
  }, 60_000);
});
