import { COLUMNS, type Column, type ColumnKind } from '../schema.js';
import { type ChStore, chLit } from './connection.js';

/**
 * The ClickHouse tables, mirroring ../schema.ts (`COLUMNS` is the one list of the normalized row).
 * Written for ClickHouse 18.16 and later: no DateTime64, no Bool, no LowCardinality needed.
 *
 * - The timestamp is kept to the microsecond as `ts_us` (epoch µs, Int64), as DuckDB keeps it;
 *   `ts` (DateTime, UTC, whole seconds) is derived from it for days, hours and the sort key.
 * - Columns the import check always fills (request_id, tokens in/out, attempt, status, quality, the
 *   booleans) are not Nullable; the rest are, so "not given" stays distinct from 0.
 * - `PARTITION BY import_id`: an import is staged in a twin table and attached as one partition
 *   (`ALTER TABLE … ATTACH PARTITION … FROM`), and a failed import's partition can be dropped whole.
 * - `ORDER BY (toStartOfHour(ts), request_id, attempt)`: summaries filter by time (--from/--to) and
 *   group each request's attempts, which sit within seconds of each other.
 */

const NOT_NULL = new Set(['request_id', 'input_tokens', 'output_tokens', 'status', 'quality']);

const CH_TYPE: Record<ColumnKind, string> = {
  timestamp: 'Int64',
  text: 'String',
  count: 'Int64',
  ms: 'Float64',
  usd: 'Float64',
  bool: 'UInt8',
  attempt: 'Int32',
};

/** The stored name of a normalized column (the timestamp is stored as epoch microseconds). */
export const chColumn = (c: Column): string => (c.name === 'timestamp' ? 'ts_us' : c.name);

function chType(c: Column): string {
  const t = CH_TYPE[c.kind];
  return c.kind === 'timestamp' || c.kind === 'bool' || c.kind === 'attempt' || NOT_NULL.has(c.name) ? t : `Nullable(${t})`;
}

/** Every inserted column of `requests`, in table order (`ts` is MATERIALIZED, never inserted). */
export const REQUEST_COLUMNS: readonly string[] = [...COLUMNS.map(chColumn), 'import_id', 'source_line'];

export const REQUESTS_ENGINE = 'ENGINE = MergeTree PARTITION BY import_id ORDER BY (toStartOfHour(ts), request_id, attempt)';

// source_line is NULL for CSV rows: their lines are computed only for reported rows (../import.ts csvLines).
export function requestsDdl(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
    ${COLUMNS.map((c) => `${chColumn(c)} ${chType(c)}`).join(',\n    ')},
    import_id UInt32,
    source_line Nullable(Int64),
    ts DateTime('UTC') MATERIALIZED toDateTime(intDiv(ts_us, 1000000), 'UTC')
  ) ${REQUESTS_ENGINE}`;
}

export function importsDdl(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
    import_id UInt32, file String, format String, imported_on Date,
    rows_read Int64, kept Int64, rejected Int64, already_stored Int64
  ) ENGINE = MergeTree ORDER BY import_id`;
}

/** Creates the database and tables when missing. */
export async function ensureSchema(ch: ChStore): Promise<void> {
  await ch.command(`CREATE DATABASE IF NOT EXISTS ${ch.database}`);
  await ch.command(requestsDdl(ch.table('requests')));
  await ch.command(importsDdl(ch.table('imports')));
}

/** True when the store has a `requests` table (summaries refuse a store that was never imported into). */
export async function hasRequests(ch: ChStore): Promise<boolean> {
  const rows = await ch.query(`SELECT count() AS n FROM system.tables WHERE database = ${chLit(ch.database)} AND name = 'requests'`);
  return Number(rows[0]?.n ?? 0) > 0;
}
