import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { aptInstall, freePorts, onPath, startProcess, stopProcess, waitFor } from './servers.js';

/**
 * A throw-away two-shard ClickHouse cluster for the engine tests: Debian's `clickhouse-server` (installed first
 * when missing and the tests run as root), two server processes on free ports of 127.0.0.1, each with its own
 * temporary directory and a `remote_servers` config naming both, so a `Distributed` table over a `MergeTree`
 * table on each shard behaves as on a real cluster. `stop()` ends both servers and deletes their directories.
 */
export const CLUSTER = 'clientele_two_shards';

export interface ChShard {
  readonly httpPort: number;
  readonly tcpPort: number;
  readonly url: string;
  /** Run one statement over HTTP and return the text answer (throws on a server error). */
  sql(query: string, body?: string, settings?: Record<string, string | number>): Promise<string>;
}

export interface ChCluster {
  readonly user: string;
  readonly password: string;
  readonly shards: [ChShard, ChShard];
  /** clientele's --engine URL for the first shard (the initiator), database `shop`. */
  readonly url: string;
  stop(): Promise<void>;
}

export type ChAvailability = { ok: true; bin: string } | { ok: false; reason: string };

export function clickhouseAvailable(): ChAvailability {
  let bin = onPath('clickhouse-server') ?? (existsSync('/usr/sbin/clickhouse-server') ? '/usr/sbin/clickhouse-server' : undefined);
  if (!bin) {
    const why = aptInstall(['clickhouse-server', 'clickhouse-client'], 'ClickHouse not found for the engine tests');
    if (why) return { ok: false, reason: why };
    bin = onPath('clickhouse-server') ?? (existsSync('/usr/sbin/clickhouse-server') ? '/usr/sbin/clickhouse-server' : undefined);
  }
  return bin ? { ok: true, bin } : { ok: false, reason: 'clickhouse-server installed but not found on PATH' };
}

export async function startClickHouse(bin: string): Promise<ChCluster> {
  const user = 'clientele';
  const password = 'ch-test-secret';
  const ports = await freePorts(6);
  const shards = [0, 1].map((i) => ({ http: ports[3 * i], tcp: ports[3 * i + 1], interserver: ports[3 * i + 2] }));
  const remote = `<remote_servers><${CLUSTER}>${shards
    .map((s) => `<shard><replica><host>127.0.0.1</host><port>${s.tcp}</port><user>${user}</user><password>${password}</password></replica></shard>`)
    .join('')}</${CLUSTER}></remote_servers>`;
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  const logs: string[] = [];
  try {
    for (const s of shards) {
      const dir = mkdtempSync(join(tmpdir(), 'clientele-ch-'));
      dirs.push(dir);
      for (const sub of ['data', 'tmp', 'user_files', 'log']) mkdirSync(join(dir, sub));
      writeFileSync(join(dir, 'users.xml'), `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
  <users>
    <${user}><password>${password}</password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></${user}>
    <default><password>${password}</password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`);
      writeFileSync(join(dir, 'config.xml'), `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/log/server.log</log><errorlog>${dir}/log/error.log</errorlog></logger>
  <http_port>${s.http}</http_port>
  <tcp_port>${s.tcp}</tcp_port>
  <interserver_http_port>${s.interserver}</interserver_http_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
  <timezone>UTC</timezone>
  ${remote}
</yandex>
`);
      const child = startProcess(bin, [`--config-file=${dir}/config.xml`], { cwd: dir });
      let log = '';
      child.stdout?.on('data', (b) => (log += b));
      child.stderr?.on('data', (b) => (log += b));
      children.push(child);
      logs.push(dir);
    }
    const mk = (s: { http: number; tcp: number }): ChShard => ({
      httpPort: s.http,
      tcpPort: s.tcp,
      url: `http://127.0.0.1:${s.http}`,
      sql: async (query, body, settings = {}) => {
        const extra = Object.entries(settings).map(([k, v]) => `&${k}=${encodeURIComponent(String(v))}`).join('');
        // Without a data body the statement is the body, so a long INSERT … VALUES is not cut by the URL limit.
        const url = `http://127.0.0.1:${s.http}/?user=${user}&password=${password}${extra}${body === undefined ? '' : `&query=${encodeURIComponent(query)}`}`;
        const r = await fetch(url, { method: 'POST', body: body ?? query });
        const text = await r.text();
        if (!r.ok) throw new Error(`ClickHouse ${s.http}: ${text.trim()}`);
        return text;
      },
    });
    const out = shards.map(mk) as [ChShard, ChShard];
    for (let i = 0; i < 2; i++) {
      const errLog = () => {
        const f = join(logs[i], 'log', 'error.log');
        return existsSync(f) ? readFileSync(f, 'utf8') : '';
      };
      await waitFor(`ClickHouse shard ${i + 1}`, async () => (await out[i].sql('SELECT 1')).trim() === '1', children[i], errLog);
    }
    for (const s of out) await s.sql('CREATE DATABASE IF NOT EXISTS shop');
    return {
      user,
      password,
      shards: out,
      url: `clickhouse://${user}:${password}@127.0.0.1:${shards[0].http}/shop`,
      stop: async () => {
        await Promise.all(children.map((c) => stopProcess(c)));
        for (const d of dirs) rmSync(d, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await Promise.all(children.map((c) => stopProcess(c)));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    throw err;
  }
}
