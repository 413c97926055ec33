import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type LocalClickHouse, startLocalClickHouse } from '../../src/traces/clickhouse/local-server.js';

/**
 * A real ClickHouse server for one test file: started before its tests on free 127.0.0.1 ports,
 * stopped by PID after them. When it cannot start (the binary is missing), every test of the file
 * FAILS with the message saying how to install it: these tests never skip silently. (The error is
 * rethrown per test: a failing beforeAll alone would show the tests as skipped.) `password` sets the
 * `default` user's password (the URLs returned carry none: a test adds it where it means to).
 */
export function useClickHouse(opts: { password?: string } = {}): { url: () => string; fresh: () => string } {
  let server: LocalClickHouse | undefined;
  let startError: unknown;
  beforeAll(async () => {
    try {
      server = await startLocalClickHouse(opts);
    } catch (err) {
      startError = err;
    }
  }, 60_000);
  beforeEach(() => {
    if (startError) throw startError;
  });
  afterAll(async () => {
    await server?.stop();
  }, 30_000);
  const url = () => {
    if (!server) throw new Error('the ClickHouse server did not start');
    return server.url;
  };
  return {
    url,
    /** The URL of a database no test used before: each test gets an empty store. */
    fresh: () => `${url()}/t_${randomBytes(6).toString('hex')}`,
  };
}

/** A ClickHouse store's own tables (src/traces/clickhouse/schema.ts, import-lock.ts), in name order: anything else is a load, match or lock table left behind. */
export const STORE_TABLES = ['import_beats', 'imports', 'replaced', 'requests', 'requests_data'];

/** The workloads the store-parity tests generate traces from (one server, chdb): agent retries, cache and batch rows, a long-context cliff, an unpriced route. */
export const PARITY_WORKLOADS = `as_of: 2026-05-15
workloads:
  - name: chat-agent
    requests_per_month: 500000
    input_tokens: 3000
    output_tokens: 300
    retry_rate: 0.08
    quality_pass_rate: 0.9
    cache_hit_rate: 0.5
    batch_eligible_share: 0.2
    human_escalation_rate: 0.03
    routes: [openai/gpt-5.5]
  - name: long-rag
    requests_per_month: 200000
    input_tokens: 150000
    output_tokens: 500
    cache_hit_rate: 0.7
    routes: [google/gemini-2.5-pro]
  - name: mystery
    requests_per_month: 100000
    input_tokens: 500
    output_tokens: 100
    routes: [acme/mystery-1]
`;
