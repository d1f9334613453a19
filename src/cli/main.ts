#!/usr/bin/env node
/**
 * The `clientele` command. A gzip file argument starts decompressing first, on a thread of its own, while the
 * program's modules load: the two took 0.15 s each, one after the other, at the start of every analysis of a
 * .csv.gz. Nothing here imports more than node: modules before that starts.
 */
import { setFlagsFromString } from 'node:v8';
import { dropPrefetched, prefetchPlainText } from '../ingest/plain-text.js';

// A command runs once, for seconds: V8's default budget optimises every function warm for a few milliseconds, and
// compiling them took a sixth of an analysis's CPU (on 4 compiler threads sharing 2 cores with the work). Eight times
// the budget optimises only what stays hot: Online Retail's analyze 1.96 -> 1.85 s, CPU 3.39 -> 3.22 s (medians of 5,
// alternating). Set before the program's own modules load, and process-wide, so worker threads have it too.
setFlagsFromString('--interrupt-budget=528000');

const argv = process.argv.slice(2);
// An argument that is not the input (a flag's value) is at worst decompressed for nothing, and stopped and removed
// when the command ends; prefetchPlainText touches only gzip files, whatever their name.
for (const arg of argv) if (!arg.startsWith('-')) prefetchPlainText(arg);
const { run } = await import('./program.js');
process.exitCode = await run(argv);
dropPrefetched();
