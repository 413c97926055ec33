import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { type LocalClickHouse, startLocalClickHouse } from '../../src/traces/clickhouse/local-server.js';

/**
 * A real ClickHouse server for one test file: started before its tests on free 127.0.0.1 ports,
 * stopped by PID after them. When the binary is missing the start fails, and with it every test
 * of the file, with the message saying how to install it: these tests never skip silently.
 */
export function useClickHouse(): { url: () => string; fresh: () => string } {
  let server: LocalClickHouse | undefined;
  beforeAll(async () => {
    server = await startLocalClickHouse();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  }, 30_000);
  const url = () => {
    if (!server) throw new Error('the ClickHouse server did not start (see the beforeAll error)');
    return server.url;
  };
  return {
    url,
    /** The URL of a database no test used before: each test gets an empty store. */
    fresh: () => `${url()}/t_${randomBytes(6).toString('hex')}`,
  };
}
