import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { aptInstall, onPath } from './servers.js';

/** openssl for the test certificates (Node can read certificates but not issue them); installed when missing. */
export function opensslAvailable(): { ok: true } | { ok: false; reason: string } {
  if (onPath('openssl')) return { ok: true };
  const why = aptInstall(['openssl'], 'openssl not found for the TLS tests');
  return why ? { ok: false, reason: why } : onPath('openssl') ? { ok: true } : { ok: false, reason: 'openssl installed but not on PATH' };
}

export interface TestCertificates {
  /** The authority that issued the server's certificate, and one that did not. */
  readonly ca: string;
  readonly otherCa: string;
  /** The server's certificate, for the name localhost only (not for 127.0.0.1), and its key. */
  readonly cert: string;
  readonly key: string;
}

/** A private authority and a server certificate it issued for localhost, valid for two days, in `dir`. */
export function makeCertificates(dir: string): TestCertificates {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=clientele test authority');
  ssl('req', '-x509', ...ec, '-keyout', 'other.key', '-out', 'other.crt', '-days', '2', '-subj', '/CN=another authority');
  ssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  writeFileSync(join(dir, 'san.cnf'), 'subjectAltName=DNS:localhost\n');
  ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'san.cnf');
  return { ca: join(dir, 'ca.crt'), otherCa: join(dir, 'other.crt'), cert: join(dir, 'server.crt'), key: join(dir, 'server.key') };
}
