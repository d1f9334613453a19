import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cli, expectOneLine, tempDir } from '../helpers/cli.js';
import { postgresAvailable, startPostgres, type PgServer } from '../helpers/postgres.js';
import { makeCertificates, opensslAvailable, type TestCertificates } from '../helpers/tls.js';

/**
 * --engine postgres:// over TLS, as managed PostgreSQL services require: libpq's sslmode and sslrootcert in the
 * URL, against a real server that accepts only encrypted logins (certificates from a private authority made for
 * the test), and against one without TLS. A failure is one line saying what to change, exit 2.
 */
const pgOk = postgresAvailable();
const sslOk = opensslAvailable();
if (!pgOk.ok) console.warn(`PostgreSQL TLS tests skipped: ${pgOk.reason}`);
if (!sslOk.ok) console.warn(`PostgreSQL TLS tests skipped: ${sslOk.reason}`);
const ready = pgOk.ok && sslOk.ok;

let tlsOnly: PgServer | undefined;
let plain: PgServer | undefined;
let certs: TestCertificates;
const dir = tempDir('clientele-pg-tls-');

beforeAll(async () => {
  if (!ready || !pgOk.ok) return;
  certs = makeCertificates(dir);
  [tlsOnly, plain] = await Promise.all([startPostgres(pgOk.bin, { tls: { cert: certs.cert, key: certs.key, only: true } }), startPostgres(pgOk.bin)]);
  for (const s of [tlsOnly, plain]) {
    const c = await s.admin();
    await c.query('CREATE TABLE orders ("InvoiceNo" text, "CustomerID" double precision, "InvoiceDate" timestamp, "Quantity" integer, "UnitPrice" double precision)');
    const rows: string[] = [];
    for (let cu = 1; cu <= 20; cu++) for (let o = 0; o <= cu % 3; o++) rows.push(`('${9000 + cu * 10 + o}', ${100 + cu}, '2024-0${1 + o}-1${cu % 9} 09:30:00', ${1 + (cu % 4)}, ${2.5 + o})`);
    await c.query(`INSERT INTO orders VALUES ${rows.join(', ')}`);
    await c.end();
  }
}, 180_000);

afterAll(async () => {
  await Promise.all([tlsOnly?.stop(), plain?.stop()]);
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

const run = (url: string) => cli('analyze', '--engine', url, '--table', 'orders', '--out', join(dir, 'out'), '--quiet', '--no-clv', '--no-segments', '--no-drivers');
const withParams = (url: string, params: Record<string, string>) => `${url}?${new URLSearchParams(params)}`;


describe.runIf(ready)('PostgreSQL over TLS', () => {
  it('verify-full by the certificate\'s name, verify-ca and require analyse the table, as the unencrypted server does', async () => {
    // The certificate names localhost; 127.0.0.1 is the same server by another name.
    const byName = tlsOnly!.url.replace('127.0.0.1', 'localhost');
    const full = await run(withParams(byName, { sslmode: 'verify-full', sslrootcert: certs.ca }));
    expect(full.code, full.stderr).toBe(0);
    const customers = readFileSync(join(dir, 'out', 'customers.csv'), 'utf8');
    expect(customers.trim().split('\n')).toHaveLength(21);
    const modes: Record<string, string>[] = [{ sslmode: 'verify-ca', sslrootcert: certs.ca }, { sslmode: 'require' }];
    for (const params of modes) {
      const r = await run(withParams(tlsOnly!.url, params));
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(join(dir, 'out', 'customers.csv'), 'utf8')).toBe(customers);
    }
    // The unencrypted server holds the same rows: the answer does not depend on the transport.
    expect((await run(plain!.url)).code).toBe(0);
    expect(readFileSync(join(dir, 'out', 'customers.csv'), 'utf8')).toBe(customers);
  }, 60_000);

  it('verify-full refuses a certificate issued for another name, with what to do', async () => {
    expectOneLine(await run(withParams(tlsOnly!.url, { sslmode: 'verify-full', sslrootcert: certs.ca })), /presented a certificate for another name .*sslmode=verify-ca to check only who issued it/);
  });

  it('a server that wants TLS, asked without it, says to add sslmode', async () => {
    expectOneLine(await run(tlsOnly!.url), /accepts only encrypted connections .*Add \?sslmode=verify-full .*or \?sslmode=require/);
  });

  it('a certificate from an authority clientele was not given is refused by verify-full and verify-ca, with what to pass', async () => {
    for (const sslmode of ['verify-full', 'verify-ca']) {
      expectOneLine(await run(withParams(tlsOnly!.url, { sslmode })), /presented a certificate clientele does not trust .*sslrootcert=\/path\/ca\.pem, or use sslmode=require/);
      expectOneLine(await run(withParams(tlsOnly!.url, { sslmode, sslrootcert: certs.otherCa })), /does not trust/);
    }
  });

  it('a server without TLS, an unknown sslmode and an unreadable sslrootcert are one line each', async () => {
    expectOneLine(await run(withParams(plain!.url, { sslmode: 'require' })), /does not accept TLS connections \(sslmode=require\)/);
    expectOneLine(await run(withParams(tlsOnly!.url, { sslmode: 'prefer' })), /sslmode=prefer is not one clientele knows\. Use sslmode=disable, sslmode=require, sslmode=verify-ca, sslmode=verify-full/);
    expectOneLine(await run(withParams(tlsOnly!.url, { sslmode: 'verify-full', sslrootcert: join(dir, 'missing.pem') })), /sslrootcert=.*missing\.pem cannot be read/);
    expectOneLine(await run(withParams(tlsOnly!.url, { sslrootcert: certs.ca })), /sslrootcert without TLS/);
  });
});
