import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * What the real-server tests share: finding (or, as root, installing) Debian's packages, free loopback ports,
 * and waiting for a server to answer. A server package that cannot be installed makes its tests skip with
 * one line saying why; nothing else does.
 */
export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export function onPath(name: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Install Debian packages when running as root with apt; returns why not otherwise. */
export function aptInstall(packages: string[], why: string): string | undefined {
  if (!isRoot || !onPath('apt-get')) return `${why}: not root or no apt-get, so \`apt-get install -y ${packages.join(' ')}\` cannot run here`;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  process.stderr.write(`${why}: installing Debian's ${packages.join(', ')} (apt-get install -y ${packages.join(' ')})\n`);
  try {
    execFileSync('apt-get', ['install', '-y', '-qq', ...packages], { env, stdio: 'ignore' });
  } catch {
    try {
      execFileSync('apt-get', ['update', '-qq'], { env, stdio: 'ignore' });
      execFileSync('apt-get', ['install', '-y', '-qq', ...packages], { env, stdio: 'ignore' });
    } catch (err) {
      return `${why}: apt-get install -y ${packages.join(' ')} failed (${(err as Error).message.split('\n')[0]})`;
    }
  }
  return undefined;
}

/** Free TCP ports on 127.0.0.1, each held until all are chosen so no two are the same. */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<import('node:net').Server>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as import('node:net').AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** Poll `ready` until it resolves true, or fail naming the server and its log. */
export async function waitFor(what: string, ready: () => Promise<boolean>, child: ChildProcess, log: () => string, timeoutMs = 60_000): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}: ${log().slice(-2000)}`);
    if (await ready().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not start within ${timeoutMs / 1000} s: ${log().slice(-2000)}`);
}

/**
 * Start a server under a watchdog shell: it ends the server when the test process goes (even killed outright, when
 * no afterAll runs), and ends itself when the server does. Stopping the returned child (SIGTERM) stops the server.
 */
export function startProcess(cmd: string, args: string[], options: { uid?: number; gid?: number; cwd?: string; stopSignal?: 'TERM' | 'INT' } = {}): ChildProcess {
  const { stopSignal = 'TERM', ...spawnOptions } = options;
  const quoted = [cmd, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  // /proc is checked rather than `kill -0`: a watchdog running as nobody may not signal a root parent.
  const script = `${quoted} & server=$!
trap 'kill -${stopSignal} $server 2>/dev/null; wait $server; exit 0' TERM INT
while [ -d /proc/${process.pid} ] && kill -0 $server 2>/dev/null; do sleep 1; done
kill -${stopSignal} $server 2>/dev/null; wait $server`;
  return spawn('sh', ['-c', script], { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'], detached: false });
}

/** Stop a child by its pid: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await done;
  clearTimeout(timer);
}

/** Debian's PostgreSQL server binaries, newest major version first. */
export function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(`${root}/${v}/bin/initdb`)).sort((a, b) => Number(b) - Number(a));
  return versions.length ? `${root}/${versions[0]}/bin` : undefined;
}
