import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway ClickHouse server for tests and benchmarks: a temp `<yandex>` config and users.xml,
 * its own free ports bound to 127.0.0.1, a temp data dir, started from Debian's
 * `/usr/sbin/clickhouse-server` (version 18.16) and stopped by PID. Not used by the CLI itself,
 * which only ever talks to a URL it is given.
 */

export const CLICKHOUSE_BINARY = process.env.ROUTEFIT_CLICKHOUSE_SERVER ?? '/usr/sbin/clickhouse-server';

export const INSTALL_HINT =
  'install it with `sudo DEBIAN_FRONTEND=noninteractive apt-get install -y clickhouse-server clickhouse-client` ' +
  '(or run scripts/setup-test-deps.sh), or point ROUTEFIT_CLICKHOUSE_SERVER at a clickhouse-server binary';

export interface LocalClickHouse {
  url: string;
  httpPort: number;
  pid: number;
  dir: string;
  /** SIGTERM, then SIGKILL after `graceMs` (the data dir is temporary); removes the dir. */
  stop(graceMs?: number): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function configXml(dir: string, ports: { http: number; tcp: number; interserver: number }): string {
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/server.log</log><errorlog>${dir}/server.err.log</errorlog><size>10M</size><count>1</count></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${ports.http}</http_port>
  <tcp_port>${ports.tcp}</tcp_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <interserver_http_port>${ports.interserver}</interserver_http_port>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <max_concurrent_queries>50</max_concurrent_queries>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <timezone>UTC</timezone>
  <mlock_executable>false</mlock_executable>
</yandex>
`;
}

/** The `default` user, reachable from 127.0.0.1 only; `password` (tests of credentials) sets its password. */
const usersXml = (password = '') => `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage><use_uncompressed_cache>0</use_uncompressed_cache></default></profiles>
  <users>
    <default>
      <password>${password}</password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;

async function ping(url: string): Promise<boolean> {
  try {
    const r = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1000) });
    return r.ok;
  } catch {
    return false;
  }
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

/** Starts a server and waits for `/ping` (it answers in well under a second). Throws with {@link INSTALL_HINT} when the binary is missing. */
export async function startLocalClickHouse(opts: { timeoutMs?: number; password?: string } = {}): Promise<LocalClickHouse> {
  if (!existsSync(CLICKHOUSE_BINARY)) {
    throw new Error(`ClickHouse server binary not found at ${CLICKHOUSE_BINARY}: the ClickHouse tests need a real server; ${INSTALL_HINT}`);
  }
  let lastError = '';
  // A port picked free can be taken before the server binds it: try a few sets.
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), 'routefit-clickhouse-'));
    const ports = { http: await freePort(), tcp: await freePort(), interserver: await freePort() };
    writeFileSync(join(dir, 'config.xml'), configXml(dir, ports));
    writeFileSync(join(dir, 'users.xml'), usersXml(opts.password));
    const child = spawn(CLICKHOUSE_BINARY, [`--config-file=${join(dir, 'config.xml')}`], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], detached: false });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.on('error', (e) => (stderr += String(e)));
    const url = `http://127.0.0.1:${ports.http}`;
    const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
    while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
      if (await ping(url)) {
        child.stderr?.removeAllListeners('data');
        child.stderr?.resume();
        const pid = child.pid!;
        return {
          url,
          httpPort: ports.http,
          pid,
          dir,
          async stop(graceMs = 2000) {
            if (child.exitCode === null && child.signalCode === null) {
              child.kill('SIGTERM');
              if (!(await exited(child, graceMs))) {
                child.kill('SIGKILL');
                await exited(child, 5000);
              }
            }
            rmSync(dir, { recursive: true, force: true });
          },
        };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited(child, 5000);
    }
    lastError = `${stderr.trim().split('\n').slice(-5).join('\n')}`;
    rmSync(dir, { recursive: true, force: true });
  }
  throw new Error(`ClickHouse server ${CLICKHOUSE_BINARY} did not answer /ping: ${lastError || 'no output'}`);
}
