import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * The browser tests drive Debian's Chromium (playwright-core never downloads a browser). On a fresh machine where
 * the tests run as root, Debian's package is installed first, so `npm ci && npm test` needs nothing by hand;
 * otherwise the tests stop with one line saying how to install it.
 */
function onPath(name: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

function find(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, onPath('chromium'), onPath('chromium-browser'), '/usr/bin/chromium'];
  return candidates.find((c): c is string => Boolean(c) && existsSync(c as string));
}

export function chromiumPath(): string {
  const found = find();
  if (found) return found;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (root && onPath('apt-get')) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    process.stderr.write("Chromium not found: installing Debian's chromium for the browser tests (apt-get install -y chromium)\n");
    execFileSync('apt-get', ['update', '-qq'], { env, stdio: 'ignore' });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { env, stdio: 'ignore' });
    const installed = find();
    if (installed) return installed;
  }
  throw new Error("Chromium not found: the browser tests need Debian's chromium. Install it with `sudo apt-get install -y chromium`, or set CHROMIUM_PATH to a Chromium binary");
}
