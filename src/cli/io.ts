/** Where a command writes: injectable so tests run the CLI in-process and read what it printed. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether progress lines are wanted (a TTY, or forced). */
  readonly progress: boolean;
}

// A reader that closes early (`clientele score … | head`) is not an error of ours: stop writing, exit quietly.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

export const processIO: CliIO = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  progress: Boolean(process.stderr.isTTY),
};

/** Progress goes through a reporter, never a bare console.log: silent under --quiet or --json. */
export function progressReporter(io: CliIO, quiet: boolean): (stage: string) => void {
  if (quiet) return () => {};
  const t0 = performance.now();
  return (stage) => io.stderr(`  ${stage}… (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
}
