/** Opening the trace stores for the `traces` commands and `compare --traces`: DuckDB file or ClickHouse server. */
import type { Command } from 'commander';
import { DEFAULT_DB, type Store, checkStorePath, openStore } from '../traces/db.js';
import { parseInstant } from '../traces/time-window.js';
import { CLICKHOUSE_ENV, type ChStore } from '../traces/clickhouse/connection.js';
import { Opt, opt } from './command.js';
import { CliUsageError } from './io.js';

// The path is checked as it is parsed (traces/db.ts checkStorePath): a CSV, a Parquet file, "" or :memory: is refused before anything runs.
export const dbOpt = () =>
  new Opt<string>('--db <path>', 'trace store: a DuckDB file (*.duckdb, *.ddb, *.db), created on the first import', (t) => {
    checkStorePath(t);
    return t;
  }).default(DEFAULT_DB);

/** --from/--to of the traces commands: a date or timestamp (offset applied), checked before any SQL (traces/time-window.ts). */
export const windowOpt = (flag: '--from' | '--to', description: string) =>
  new Opt<string>(`${flag} <date>`, `${description}: YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM]`, (t) => {
    parseInstant(flag, t);
    return t;
  });
export const clickhouseOpt = () =>
  opt
    .string(
      '--clickhouse <url>',
      'use a ClickHouse server as the store instead of the DuckDB file: http://HOST:PORT[/DATABASE] (trace rows: import, summarize, check, whatif; invoices, reconcile and GPU-hours stay on --db)',
    )
    .env(CLICKHOUSE_ENV);

export type { StoreChoice } from '../traces/store/types.js';
import type { StoreChoice } from '../traces/store/types.js';

/** Which store a command uses: an explicit --db wins over ROUTEFIT_CLICKHOUSE_URL; --db and --clickhouse together are refused. */
export function storeChoice(cmd: Command, opts: { db: string; clickhouse?: string | undefined }): StoreChoice {
  const dbGiven = cmd.getOptionValueSource('db') === 'cli';
  if (opts.clickhouse !== undefined && cmd.getOptionValueSource('clickhouse') === 'cli' && dbGiven) {
    throw new CliUsageError('--db and --clickhouse name two different stores; pass one');
  }
  if (opts.clickhouse !== undefined && !dbGiven) return { kind: 'clickhouse', url: opts.clickhouse };
  return { kind: 'duckdb', db: opts.db };
}

/** Connects to a ClickHouse store, runs `body`, closes the connection. */
export async function withClickHouse<T>(url: string, body: (ch: ChStore) => Promise<T>): Promise<T> {
  const { openClickHouse } = await import('../traces/clickhouse/connection.js');
  const ch = await openClickHouse(url);
  try {
    return await body(ch);
  } finally {
    await ch.close();
  }
}

export async function withStore<T>(path: string, create: boolean, body: (s: Store) => Promise<T>): Promise<T> {
  const store = await openStore(path, { create });
  try {
    return await body(store);
  } finally {
    store.close();
  }
}

/** Refuses a ClickHouse database that was never imported into, as a missing DuckDB file is refused. */
export async function requireChRequests(ch: ChStore): Promise<void> {
  const { hasRequests } = await import('../traces/clickhouse/schema.js');
  if (!(await hasRequests(ch))) throw new CliUsageError(`no trace store at ${ch.url} (database ${ch.database} has no requests table); run \`routefit traces import FILE --clickhouse ${ch.url}\` first`);
}
