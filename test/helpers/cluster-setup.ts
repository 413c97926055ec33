import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

/**
 * vitest globalSetup: a two-shard ClickHouse cluster for the cluster tests, started once per run by
 * scripts/clickhouse-cluster.sh (the same script a user runs) and stopped by it, by PID, at the end.
 * The two lines `start` prints are handed to the tests with `provide` (read with `inject('clickhouseCluster')`),
 * not put in process.env: the other ClickHouse tests use their own one-server stores and must not
 * pick up ROUTEFIT_CLICKHOUSE_CLUSTER. When the cluster cannot start, the error is provided instead
 * and the cluster tests fail with it (never skip).
 */

const run = promisify(execFile);
const SCRIPT = resolve(import.meta.dirname, '../../scripts/clickhouse-cluster.sh');

export interface ProvidedCluster {
  url?: string;
  cluster?: string;
  /** The script's STATE_DIR (shardN/pid, shardN/http_port), for tests that kill and restart a shard. */
  stateDir?: string;
  script: string;
  error?: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    clickhouseCluster: ProvidedCluster;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const parent = mkdtempSync(join(tmpdir(), 'routefit-cluster-test-'));
  const stateDir = join(parent, 'state');
  try {
    const { stdout } = await run('bash', [SCRIPT, 'start', stateDir], { timeout: 120_000 });
    const env = Object.fromEntries(stdout.trim().split('\n').map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]));
    project.provide('clickhouseCluster', { url: env.ROUTEFIT_CLICKHOUSE_URL, cluster: env.ROUTEFIT_CLICKHOUSE_CLUSTER, stateDir, script: SCRIPT });
  } catch (err) {
    const e = err as Error & { stderr?: string };
    project.provide('clickhouseCluster', { script: SCRIPT, error: `scripts/clickhouse-cluster.sh start failed: ${(e.stderr || e.message).trim()}` });
    rmSync(parent, { recursive: true, force: true });
    return async () => undefined;
  }
  return async () => {
    await run('bash', [SCRIPT, 'stop', stateDir], { timeout: 60_000 }).catch(() => undefined);
    rmSync(parent, { recursive: true, force: true });
  };
}
