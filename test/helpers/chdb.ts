import { randomBytes } from 'node:crypto';
import { type ChStore, type ClickHouseConnector, openClickHouse } from '../../src/traces/clickhouse/connection.js';

/**
 * Current ClickHouse in-process: the `chdb` package (a devDependency, ClickHouse 26.x) as the
 * connection of @clickhouse/client, so the store's own client code (sessions, temporary tables,
 * streamed inserts, errors) runs unchanged against it. chdb keeps one engine per process: each test
 * takes a database of its own (`fresh`), as the tests on a real server do. The in-memory engine lives
 * while a connection is open: a test keeps one open until it is done with the data.
 */
export const CHDB: ClickHouseConnector = {
  connection: () => {
    // Loaded on first use so that test files that never touch chdb do not load its 540 MB library.
    return chdbConnection();
  },
};

let create: ((opts: { path: string }) => ReturnType<ClickHouseConnector['connection']>) | undefined;
function chdbConnection(): ReturnType<ClickHouseConnector['connection']> {
  if (!create) throw new Error('chdb is not loaded: await loadChdb() first');
  return create({ path: ':memory:' });
}

/** Loads chdb's connection factory; a missing package FAILS the test with how to install it (never a silent skip). */
export async function loadChdb(): Promise<ClickHouseConnector> {
  if (!create) {
    try {
      const mod = (await import('chdb/connection')) as unknown as { createChdbConnection: typeof create };
      create = mod.createChdbConnection;
    } catch (err) {
      throw new Error(`the chdb package (current ClickHouse, in-process) is not installed: run \`npm install\` (it is a devDependency). ${(err as Error).message}`);
    }
  }
  return CHDB;
}

/** A URL naming a database no test used before; with CHDB as the connector it never reaches the network. */
export const chdbUrl = (db = `t_${randomBytes(6).toString('hex')}`) => `http://chdb.invalid/${db}`;

/** A store on a fresh chdb database. */
export async function openChdb(db?: string): Promise<ChStore> {
  return openClickHouse(chdbUrl(db), { connector: await loadChdb() });
}
