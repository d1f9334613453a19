import type { Command } from 'commander';
import type { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { InputError } from '../../errors.js';
import { parseNumber } from '../options.js';
import type { CliIO } from '../io.js';

export interface ServeFlags {
  model: string;
  host: string;
  port: string;
  tokenFile?: string;
  bodyLimit: string;
  logLevel: string;
  quiet?: boolean;
  watchInterval: string;
}

/** What the shell waits on; tests pass their own emitter instead of the process's signals. */
export interface ServeHooks {
  signals?: EventEmitter;
  onListening?: (url: string) => void;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
export const MAX_BATCH = 10_000;
const MIN_TOKEN_LENGTH = 16;

export function registerServe(program: Command, io: CliIO): void {
  program
    .command('serve')
    .description('Serve a saved model over HTTP: POST /v1/score, GET /v1/model, /healthz, /readyz, /openapi.json')
    .requiredOption('--model <file>', 'the model.json that analyze writes')
    .option('--host <host>', 'address to listen on; one other than loopback needs --token-file', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0 picks a free one)', '8080')
    .option('--token-file <file>', 'file holding the bearer token every request but /healthz and /readyz must send')
    .option('--body-limit <MB>', 'largest request body, in megabytes', '16')
    .option('--log-level <level>', `JSON log level: ${LOG_LEVELS.join(', ')}`, 'info')
    .option('--quiet', 'log warnings and errors only (--log-level warn)')
    .option('--watch-interval <ms>', 'how often to check the model file for changes (0: reload on SIGHUP only)', '1000')
    .addHelpText('after', `
The model is reloaded on SIGHUP or when the file changes; a file that cannot be loaded leaves the old model
serving. SIGTERM or SIGINT stops accepting connections, lets requests in flight finish, and exits 0.

Examples:
  clientele analyze orders.csv --out out && clientele serve --model out/model.json
  clientele serve --model out/model.json --host 0.0.0.0 --port 9000 --token-file /run/secrets/clientele-token
  curl -s localhost:8080/v1/score -H 'content-type: application/json' -d '{"customer_id":"c1","purchases":[{"date":"2011-11-02","amount":120}]}'`)
    .action(async (flags: ServeFlags) => {
      await serve(flags, io);
    });
}

/** Start the service and resolve once it has shut down on SIGTERM/SIGINT. Bad flags or model: an InputError/ModelError. */
export async function serve(flags: ServeFlags, io: CliIO, hooks: ServeHooks = {}): Promise<void> {
  const port = parseNumber(flags.port, '--port', 0, 65535);
  if (!Number.isInteger(port)) throw new InputError('bad-option', `--port '${flags.port}' is not a whole number`);
  const bodyLimit = Math.round(parseNumber(flags.bodyLimit, '--body-limit', 0.001, 1024) * 1024 * 1024);
  const watchIntervalMs = parseNumber(flags.watchInterval, '--watch-interval', 0, 3_600_000);
  const level = flags.quiet ? 'warn' : flags.logLevel;
  if (!LOG_LEVELS.includes(level)) throw new InputError('bad-option', `--log-level '${level}' is not one of ${LOG_LEVELS.join(', ')}`);
  const token = flags.tokenFile === undefined ? undefined : readToken(flags.tokenFile);
  const { isLoopback } = await import('../../serve/loopback.js');
  if (token === undefined && !isLoopback(flags.host)) {
    throw new InputError(
      'insecure-host',
      `--host ${flags.host} is reachable from other machines and no --token-file is given`,
      'Pass --token-file FILE holding a secret (e.g. `openssl rand -hex 32 > FILE`), or listen on 127.0.0.1',
    );
  }
  // Loaded here, not at the top, so the other commands never load the HTTP stack.
  const { buildServer } = await import('../../serve/server.js');
  const service = await buildServer({
    modelPath: flags.model,
    token,
    logger: { level, stream: { write: (line: string) => io.stdout(line) } },
    bodyLimit,
    maxBatch: MAX_BATCH,
    watchIntervalMs,
  });
  let url: string;
  try {
    url = await service.app.listen({ host: flags.host, port });
  } catch (err) {
    await service.app.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new InputError('port-in-use', `Port ${port} on ${flags.host} is already in use`, 'Pick another with --port, or stop the process using it');
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') throw new InputError('bad-host', `--host ${flags.host} is not an address of this machine`);
    if (code === 'EACCES') throw new InputError('port-denied', `Not allowed to listen on port ${port}`, 'Use a port above 1023');
    throw err;
  }
  hooks.onListening?.(url);
  const signals = hooks.signals ?? process;
  await new Promise<void>((resolve, reject) => {
    const onHangUp = () => void service.reload('SIGHUP');
    const stopOn = (signal: 'SIGTERM' | 'SIGINT') => () => {
      // A second signal during shutdown takes the default action, so an operator can still force an exit.
      signals.off('SIGHUP', onHangUp);
      signals.off('SIGTERM', onTerm);
      signals.off('SIGINT', onInt);
      service.app.log.info({ signal }, 'shutting down: finishing requests in flight');
      service.app.close().then(() => resolve(), reject);
    };
    const onTerm = stopOn('SIGTERM');
    const onInt = stopOn('SIGINT');
    signals.on('SIGHUP', onHangUp);
    signals.on('SIGTERM', onTerm);
    signals.on('SIGINT', onInt);
  });
}

function readToken(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError('bad-token-file', `Cannot read --token-file ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const token = text.trim();
  if (token === '') throw new InputError('bad-token-file', `--token-file ${file} is empty`, 'Write a secret into it, e.g. `openssl rand -hex 32 > FILE`');
  if (/\s/.test(token)) throw new InputError('bad-token-file', `--token-file ${file} holds more than one word`, 'A bearer token is one word without spaces');
  if (token.length < MIN_TOKEN_LENGTH) {
    throw new InputError('weak-token', `The token in ${file} has ${token.length} characters, fewer than ${MIN_TOKEN_LENGTH}`, 'Use a long random one, e.g. `openssl rand -hex 32 > FILE`');
  }
  return token;
}
