import { chmodSync, chownSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { aptInstall, freePorts, isRoot, postgresBin, startProcess, stopProcess, waitFor } from './servers.js';

/**
 * A throw-away PostgreSQL server for the engine tests: Debian's `postgresql` (installed first when missing and
 * the tests run as root), initdb into a temporary directory, listening on a free port of 127.0.0.1 only, with
 * password (SCRAM) logins so a wrong password is refused as in production. PostgreSQL refuses to run as root,
 * so as root the server runs as `nobody`. `stop()` ends that server and deletes its directory.
 */
export interface PgServer {
  readonly url: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  readonly dir: string;
  /** A connected client with full rights, for the test's own setup. */
  admin(): Promise<pg.Client>;
  stop(): Promise<void>;
}

export type PgAvailability = { ok: true; bin: string } | { ok: false; reason: string };

export function postgresAvailable(): PgAvailability {
  let bin = postgresBin();
  if (!bin) {
    const why = aptInstall(['postgresql'], 'PostgreSQL not found for the engine tests');
    if (why) return { ok: false, reason: why };
    bin = postgresBin();
  }
  return bin ? { ok: true, bin } : { ok: false, reason: 'PostgreSQL installed but no initdb under /usr/lib/postgresql/*/bin' };
}

export interface PgTls {
  /** PEM files of the server's certificate and key (copied into the server's directory). */
  readonly cert: string;
  readonly key: string;
  /** Refuse unencrypted logins (pg_hba hostssl lines only). */
  readonly only?: boolean;
}

export async function startPostgres(bin: string, options: { tls?: PgTls } = {}): Promise<PgServer> {
  const dir = mkdtempSync(join(tmpdir(), 'clientele-pg-'));
  const data = join(dir, 'data');
  const user = 'clientele';
  const password = 'pg-test-secret';
  const database = 'shop';
  const [port] = await freePorts(1);
  const owner = isRoot ? { uid: 65534, gid: 65534 } : {};
  if (isRoot) {
    chownSync(dir, 65534, 65534);
    chmodSync(dir, 0o700);
  }
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, password + '\n');
  if (isRoot) chownSync(pwfile, 65534, 65534);
  execFileSync(`${bin}/initdb`, ['-D', data, '-U', user, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C.UTF-8', '-N'], {
    ...owner,
    stdio: 'ignore',
  });
  const tlsArgs: string[] = [];
  if (options.tls) {
    // PostgreSQL refuses a key that others can read, or that its own user does not own.
    for (const [name, from] of [['server.crt', options.tls.cert], ['server.key', options.tls.key]] as const) {
      copyFileSync(from, join(dir, name));
      chmodSync(join(dir, name), 0o600);
      if (isRoot) chownSync(join(dir, name), 65534, 65534);
    }
    tlsArgs.push('-c', 'ssl=on', '-c', `ssl_cert_file=${join(dir, 'server.crt')}`, '-c', `ssl_key_file=${join(dir, 'server.key')}`);
    if (options.tls.only) {
      const hba = join(data, 'pg_hba.conf');
      writeFileSync(hba, 'local all all scram-sha-256\nhostssl all all 127.0.0.1/32 scram-sha-256\n');
      if (isRoot) chownSync(hba, 65534, 65534);
    }
  }
  let log = '';
  const child = startProcess(
    `${bin}/postgres`,
    ['-D', data, '-c', `port=${port}`, '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dir}`, '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', ...tlsArgs],
    // SIGINT is PostgreSQL's fast shutdown: it does not wait for a client that is still connected.
    { ...owner, stopSignal: 'INT' },
  );
  child.stdout?.on('data', (b) => (log += b));
  child.stderr?.on('data', (b) => (log += b));
  const connect = async (db = 'postgres') => {
    const c = new pg.Client({ host: '127.0.0.1', port, user, password, database: db, ssl: options.tls ? { rejectUnauthorized: false } : false });
    await c.connect();
    return c;
  };
  await waitFor('PostgreSQL', async () => {
    const c = await connect();
    await c.end();
    return true;
  }, child, () => log);
  const c = await connect();
  await c.query(`CREATE DATABASE ${database}`);
  await c.end();
  return {
    url: `postgres://${user}:${password}@127.0.0.1:${port}/${database}`,
    port,
    user,
    password,
    database,
    dir,
    admin: () => connect(database),
    stop: async () => {
      await stopProcess(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
