import { Command, CommanderError } from 'commander';
import { ClienteleError, formatError } from '../errors.js';
import { processIO, type CliIO } from './io.js';
import { registerAnalyze } from './commands/analyze.js';
import { registerProfile } from './commands/profile.js';
import { registerClv } from './commands/clv.js';
import { registerSegment, registerScore } from './commands/segment.js';
import { registerModel, registerRules } from './commands/model.js';
import { registerTest } from './commands/test.js';
import { registerSynth } from './commands/synth.js';
import { registerServe } from './commands/serve.js';
import { VERSION } from '../pipeline/artifacts.js';

/**
 * Run the CLI and return its exit code: 0 success, 2 bad input or usage, 1 internal fault.
 * Only the entry point below calls process.exit, so tests run commands in-process.
 */
export async function run(argv: string[], io: CliIO = processIO): Promise<number> {
  const debug = argv.includes('--debug');
  const program = new Command('clientele')
    .description('E-commerce customer analytics from a raw export: cleaning, RFM, cohorts, CLV, segments, prediction, drivers')
    .version(VERSION)
    .option('--debug', 'show stack traces for errors')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .showHelpAfterError('(run with --help for usage)');
  registerAnalyze(program, io);
  registerProfile(program, io);
  registerClv(program, io);
  registerSegment(program, io);
  registerModel(program, io);
  registerRules(program, io);
  registerScore(program, io);
  registerTest(program, io);
  registerSynth(program, io);
  registerServe(program, io);
  for (const c of program.commands) c.exitOverride().option('--debug', 'show stack traces for errors');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2;
    }
    if (err instanceof ClienteleError) {
      io.stderr(`clientele: ${formatError(err)}\n`);
      if (debug && err.stack) io.stderr(err.stack + '\n');
      return 2;
    }
    const e = err as Error;
    io.stderr(`clientele: internal error: ${e?.message ?? String(err)}${debug ? '' : ' (rerun with --debug for details)'}\n`);
    if (debug && e?.stack) io.stderr(e.stack + '\n');
    return 1;
  }
}
