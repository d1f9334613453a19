import { expect } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/program.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the CLI in-process and capture what it printed. */
export async function cli(...argv: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), progress: false });
  return { code, stdout, stderr };
}

export function tempDir(prefix = 'clientele-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export const DATA = new URL('../../data/', import.meta.url).pathname;

/** A refused command: exit 2 and one line on stderr matching `pattern`, with no stack trace. */
export function expectOneLine(r: { code: number; stderr: string }, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/at .*\.(ts|js):\d+/);
}
