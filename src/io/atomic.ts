import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync, writeSync, accessSync, constants, statSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { InputError } from '../errors.js';

/**
 * Write a set of files all-or-nothing: each goes to a temp file beside its target first, and only when
 * every one is written are they renamed into place. A failure leaves no partial output behind.
 */
export function writeOutputs(dir: string, files: Record<string, string | readonly string[]>): string[] {
  ensureWritableDir(dir);
  const temps: [string, string][] = [];
  try {
    for (const [name, content] of Object.entries(files)) {
      const target = join(dir, name);
      const tmp = join(dir, `.${basename(name)}.${process.pid}.tmp`);
      temps.push([tmp, target]);
      if (typeof content === 'string') writeFileSync(tmp, content);
      else writePieces(tmp, content);
    }
  } catch (err) {
    for (const [tmp] of temps) rmSync(tmp, { force: true });
    const e = err as NodeJS.ErrnoException;
    throw new InputError('unwritable-output', `Cannot write to ${dir} (${e.code ?? e.message})`, 'Choose another --out directory');
  }
  for (const [tmp, target] of temps) renameSync(tmp, target);
  return temps.map(([, t]) => t);
}

/** A file too long for one string, written piece by piece. */
function writePieces(path: string, pieces: readonly string[]): void {
  const fd = openSync(path, 'w');
  try {
    for (const p of pieces) writeSync(fd, p);
  } finally {
    closeSync(fd);
  }
}

function ensureWritableDir(dir: string): void {
  try {
    const st = statSync(dir, { throwIfNoEntry: false });
    if (st && !st.isDirectory()) {
      throw new InputError('unwritable-output', `--out ${dir} is a file, not a directory`, 'Choose a directory for the outputs');
    }
    if (!st) mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    if (err instanceof InputError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new InputError('unwritable-output', `Cannot write to ${dir} (${e.code ?? e.message})`, `Choose another --out directory or fix the permissions of ${dirname(dir) || dir}`);
  }
}

/** One file, written to a temp file beside it and renamed. */
export function writeFileAtomic(path: string, content: string): void {
  writeOutputs(dirname(path) || '.', { [basename(path)]: content });
}
