#!/usr/bin/env node
/**
 * The `clientele` command. A gzip file argument starts decompressing first, on a thread of its own, while the
 * program's modules load: the two took 0.15 s each, one after the other, at the start of every analysis of a
 * .csv.gz. Nothing here imports more than node: modules before that starts.
 */
import { dropPrefetched, prefetchPlainText } from '../ingest/plain-text.js';

const argv = process.argv.slice(2);
// An argument that is not the input (a flag's value) is at worst decompressed for nothing, and stopped and removed
// when the command ends; prefetchPlainText touches only gzip files, whatever their name.
for (const arg of argv) if (!arg.startsWith('-')) prefetchPlainText(arg);
const { run } = await import('./program.js');
process.exitCode = await run(argv);
dropPrefetched();
