/** Opening the trace stores for the `traces` commands and `compare --traces`: DuckDB file or ClickHouse server. */
import type { Command } from 'commander';
import { DEFAULT_DB, checkStorePath } from '../traces/db.js';
import { parseInstant } from '../traces/time-window.js';
import { CLICKHOUSE_ENV, storeLabel } from '../traces/clickhouse/connection.js';
import { withTraceStore as withOpened } from '../traces/store/open.js';
import type { OpenOptions, TraceStore } from '../traces/store/types.js';
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
      'use a ClickHouse server as the store instead of the DuckDB file: http://HOST:PORT[/DATABASE] (trace rows and ledgers: invoices, usage, incidents, route summaries, metrics)',
    )
    .env(CLICKHOUSE_ENV);

/** The env twin of --cluster, printed by scripts/clickhouse-cluster.sh start. */
export const CLUSTER_ENV = 'ROUTEFIT_CLICKHOUSE_CLUSTER';

export const clusterOpt = () =>
  opt
    .string(
      '--cluster <name>',
      'with --clickhouse: shard the store over this cluster of the server\'s remote_servers (a MergeTree table on each shard, Distributed tables over them, rows sharded by request id)',
    )
    .env(CLUSTER_ENV);

export type { StoreChoice } from '../traces/store/types.js';
import type { StoreChoice } from '../traces/store/types.js';

/** `--source otel [--otel-table [DATABASE.]TABLE]`: read an existing table as the attempts (ClickHouse only). */
export const sourceOpt = () => opt.string('--source <name>', "with --clickhouse: read attempts from an existing table instead of routefit's own: otel (the OpenTelemetry Collector exporter's otel_traces, read in place)");
export const otelTableOpt = () => opt.string('--otel-table <table>', 'with --source otel: the table, TABLE or DATABASE.TABLE (default otel_traces in the URL\'s database)');

/** Which store a command uses: an explicit --db wins over ROUTEFIT_CLICKHOUSE_URL; --db and --clickhouse together are refused. */
export function storeChoice(cmd: Command, opts: { db: string; clickhouse?: string | undefined; cluster?: string | undefined; source?: string | undefined; otelTable?: string | undefined }): StoreChoice {
  const dbGiven = cmd.getOptionValueSource('db') === 'cli';
  if (opts.clickhouse !== undefined && cmd.getOptionValueSource('clickhouse') === 'cli' && dbGiven) {
    throw new CliUsageError('--db and --clickhouse name two different stores; pass one');
  }
  if (opts.clickhouse !== undefined && !dbGiven) {
    return {
      kind: 'clickhouse',
      url: opts.clickhouse,
      ...(opts.cluster !== undefined ? { cluster: opts.cluster } : {}),
      ...(opts.source !== undefined ? { source: opts.source } : {}),
      ...(opts.otelTable !== undefined ? { sourceTable: opts.otelTable } : {}),
    };
  }
  if (opts.source !== undefined || opts.otelTable !== undefined) throw new CliUsageError('--source and --otel-table read a ClickHouse table: give --clickhouse URL too');
  return { kind: 'duckdb', db: opts.db };
}

/**
 * Opens the chosen store, runs `body`, closes it. A store's own refusal (a missing file, an
 * unreachable server) is bad input (exit 2), said by the store.
 */
export function withTraceStore<T>(choice: StoreChoice, opts: OpenOptions, body: (s: TraceStore) => Promise<T>): Promise<T> {
  return withOpened(choice, opts, body);
}

/** The store a `--traces` value names: a ClickHouse URL, else a DuckDB file. */
export function tracesChoice(traces: string, read: { source?: string | undefined; otelTable?: string | undefined } = {}): StoreChoice {
  if (!/^https?:\/\//i.test(traces)) {
    if (read.source !== undefined || read.otelTable !== undefined) throw new CliUsageError('--source and --otel-table read a ClickHouse table: give --traces a ClickHouse URL');
    return { kind: 'duckdb', db: traces };
  }
  return { kind: 'clickhouse', url: traces, ...(read.source !== undefined ? { source: read.source } : {}), ...(read.otelTable !== undefined ? { sourceTable: read.otelTable } : {}) };
}

/** A store choice as shown to people: the DuckDB path, or the URL without its password. */
export function choiceLabel(choice: StoreChoice | string): string {
  const c = typeof choice === 'string' ? tracesChoice(choice) : choice;
  return storeLabel(c.kind === 'duckdb' ? c.db : c.url);
}
