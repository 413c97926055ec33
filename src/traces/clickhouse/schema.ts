import { RoutefitError } from '../../engine/errors.js';
import { COLUMNS, type Column, type ColumnKind } from '../schema.js';
import { type ChStore, chIdent, chLit } from './connection.js';

/**
 * The ClickHouse tables, mirroring ../schema.ts (`COLUMNS` is the one list of the normalized row).
 * Written for ClickHouse 18.16 and later: no DateTime64, no Bool, no LowCardinality needed.
 *
 * - The timestamp is kept to the microsecond as `ts_us` (epoch µs, Int64), as DuckDB keeps it;
 *   `ts` (DateTime, UTC, whole seconds) is derived from it for days, hours and the sort key.
 * - Columns the import check always fills (request_id, tokens in/out, attempt, status, quality, the
 *   booleans) are not Nullable; the rest are, so "not given" stays distinct from 0.
 *
 * Visibility is the import ledger's (issue 14 "A real cluster", issue 17 "--replace … atomically").
 * ClickHouse has no transaction, and a cluster has no statement that changes every shard at once,
 * so rows are written first and made visible by ONE single-row insert, the import's `imports` row:
 *
 * - `requests_data` holds every written row, tagged with its import_id (`PARTITION BY import_id`,
 *   so a failed import's rows are dropped whole).
 * - `imports` is the commit ledger: an import exists when its row does.
 * - `replaced` lists stored rows (request_id, attempt, import_id) that a later import `by_import`
 *   replaced (--replace): they disappear when `by_import` commits.
 * - `requests`, what every read query names, is a VIEW: the rows of committed imports, less the
 *   rows replaced by committed imports. A killed or failed import's rows are never seen, the
 *   replacing rows and the disappearance of the replaced ones happen in the same single-row insert.
 *
 * On a cluster (`--cluster NAME`) each shard holds `requests_local`, `imports_local` and
 * `replaced_local` (MergeTree), and every node holds Distributed tables of the names above over them
 * plus the `requests` view: rows are sharded by cityHash64(request_id), so a request's attempts sit
 * on one shard (the first-attempt join never crosses shards), and the view reads the ledger with
 * GLOBAL IN (computed once, sent to every shard).
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

export function chType(c: Column): string {
  const t = CH_TYPE[c.kind];
  return c.kind === 'timestamp' || c.kind === 'bool' || c.kind === 'attempt' || NOT_NULL.has(c.name) ? t : `Nullable(${t})`;
}

/** Every inserted column of `requests_data`, in table order (`ts` is derived, never inserted). */
export const REQUEST_COLUMNS: readonly string[] = [...COLUMNS.map(chColumn), 'import_id', 'source_line'];

const TS = "toDateTime(intDiv(ts_us, 1000000), 'UTC')";

const requestColumnsDdl = () => [...COLUMNS.map((c) => `${chColumn(c)} ${chType(c)}`), 'import_id UInt32', 'source_line Nullable(Int64)'];

export const REQUESTS_ENGINE = 'ENGINE = MergeTree PARTITION BY import_id ORDER BY (toStartOfHour(ts), request_id, attempt)';

// source_line is NULL for CSV rows: their lines are computed only for reported rows (../import.ts csvLines).
/** A MergeTree table of request rows (the store's `requests_data`, a shard's `requests_local`). */
export function requestsDdl(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
    ${requestColumnsDdl().join(',\n    ')},
    ts DateTime('UTC') MATERIALIZED ${TS}
  ) ${REQUESTS_ENGINE}`;
}

const IMPORTS_COLUMNS = `import_id UInt32, file String, format String, imported_on Date,
    rows_read Int64, kept Int64, rejected Int64, already_stored Int64`;

export function importsDdl(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (${IMPORTS_COLUMNS}) ENGINE = MergeTree ORDER BY import_id`;
}

const REPLACED_COLUMNS = 'by_import UInt32, request_id String, attempt Int32, import_id UInt32';

export function replacedDdl(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (${REPLACED_COLUMNS}) ENGINE = MergeTree ORDER BY (request_id, attempt)`;
}

/** The view every read names: rows of committed imports, less the rows committed imports replaced. */
export function requestsViewDdl(ch: ChStore): string {
  const committed = `(SELECT import_id FROM ${ch.table('imports')})`;
  return `CREATE VIEW IF NOT EXISTS ${ch.table('requests')} AS
    SELECT ${REQUEST_COLUMNS.join(', ')}, ${TS} AS ts FROM ${ch.table('requests_data')}
    WHERE import_id GLOBAL IN ${committed}
      AND (request_id, attempt, import_id) GLOBAL NOT IN (SELECT request_id, attempt, import_id FROM ${ch.table('replaced')} WHERE by_import GLOBAL IN ${committed})`;
}

/** Where a store's tables live: one server, or the shards of a cluster (each node's HTTP URL, the lock node first). */
export interface ChLayout {
  cluster?: string;
  /** HTTP URLs (with the store's database path and credentials) of every node: shard 1's first replica first. */
  nodes: string[];
}

/**
 * The nodes of cluster `name` as the server at `ch` knows them (system.clusters), each as an HTTP
 * URL. system.clusters lists TCP ports only: a node's HTTP port is its `http_port` macro
 * (scripts/clickhouse-cluster.sh sets it), else ClickHouse's default 8123.
 */
export async function clusterNodes(ch: ChStore, storeUrl: string, name: string): Promise<string[]> {
  chIdent(name);
  const rows = await ch.query(
    `SELECT shard_num, replica_num, host_address, port FROM system.clusters WHERE cluster = ${chLit(name)} ORDER BY shard_num, replica_num`,
  );
  if (!rows.length) {
    const known = (await ch.query('SELECT DISTINCT cluster FROM system.clusters ORDER BY cluster')).map((r) => String(r.cluster));
    throw new RoutefitError('invalid_input', `--cluster ${name}: the server at ${ch.url} knows no such cluster (its remote_servers: ${known.join(', ') || 'none'})`, { field: 'cluster' });
  }
  const base = new URL(storeUrl);
  const out: string[] = [];
  for (const r of rows) {
    const host = String(r.host_address);
    const creds = base.username ? `, ${chLit(decodeURIComponent(base.username))}, ${chLit(decodeURIComponent(base.password))}` : '';
    const addr = `${host.includes(':') ? `[${host}]` : host}:${Number(r.port)}`;
    const [m] = await ch.query(`SELECT substitution FROM remote(${chLit(addr)}, system.macros${creds}) WHERE macro = 'http_port'`);
    const u = new URL(base.href);
    u.hostname = host.includes(':') ? `[${host}]` : host;
    u.port = String(m ? Number(m.substitution) : 8123);
    out.push(u.href.replace(/\/$/, ''));
  }
  return out;
}

/** The engine of a table, or undefined when it does not exist. */
async function engineOf(ch: ChStore, name: string): Promise<string | undefined> {
  const [r] = await ch.query(`SELECT engine FROM system.tables WHERE database = ${chLit(ch.database)} AND name = ${chLit(name)}`);
  return r ? String(r.engine) : undefined;
}

/**
 * Creates the database and tables when missing, on this server or on every node of the cluster, and
 * moves a store made before the ledger view (a `requests` MergeTree table) to `requests_data` under
 * the view. `nodeStores` are open connections to the layout's nodes (the cluster's, in order).
 * Refuses a store whose layout differs from the one asked for.
 */
export async function ensureSchema(ch: ChStore, layout?: { cluster: string; nodeStores: ChStore[] }): Promise<void> {
  await ch.command(`CREATE DATABASE IF NOT EXISTS ${ch.database}`);
  const data = await engineOf(ch, 'requests_data');
  if (layout && data && data !== 'Distributed') {
    throw new RoutefitError('invalid_input', `${ch.url} holds a one-server store (requests_data is ${data}): import into it without --cluster, or name another database for the cluster`, { field: 'cluster' });
  }
  if (!layout && data === 'Distributed') {
    throw new RoutefitError('invalid_input', `${ch.url} holds a store sharded over a cluster: pass --cluster NAME (or ROUTEFIT_CLICKHOUSE_CLUSTER) to import into it`, { field: 'cluster' });
  }
  if (!layout) {
    if ((await engineOf(ch, 'requests')) === 'MergeTree' && !data) {
      // A store from before the ledger view: every row it holds had its imports row or was a partial
      // import; the view shows exactly the former.
      await ch.command(`RENAME TABLE ${ch.table('requests')} TO ${ch.table('requests_data')}`);
    }
    await ch.command(requestsDdl(ch.table('requests_data')));
    await ch.command(importsDdl(ch.table('imports')));
    await ch.command(replacedDdl(ch.table('replaced')));
    await ch.command(requestsViewDdl(ch));
    return;
  }
  const c = chIdent(layout.cluster);
  const db = chIdent(ch.database);
  for (const node of layout.nodeStores) {
    await node.command(`CREATE DATABASE IF NOT EXISTS ${db}`);
    await node.command(requestsDdl(node.table('requests_local')));
    await node.command(importsDdl(node.table('imports_local')));
    await node.command(replacedDdl(node.table('replaced_local')));
  }
  // Every node gets the Distributed tables and the view, so any node can take imports and reads.
  for (const node of layout.nodeStores) {
    await node.command(
      `CREATE TABLE IF NOT EXISTS ${node.table('requests_data')} (${requestColumnsDdl().join(', ')}) ENGINE = Distributed(${c}, ${db}, requests_local, cityHash64(request_id))`,
    );
    await node.command(`CREATE TABLE IF NOT EXISTS ${node.table('imports')} (${IMPORTS_COLUMNS}) ENGINE = Distributed(${c}, ${db}, imports_local, import_id)`);
    await node.command(`CREATE TABLE IF NOT EXISTS ${node.table('replaced')} (${REPLACED_COLUMNS}) ENGINE = Distributed(${c}, ${db}, replaced_local, cityHash64(request_id))`);
    await node.command(requestsViewDdl(node));
  }
}

/** True when the store has a `requests` table (summaries refuse a store that was never imported into). */
export async function hasRequests(ch: ChStore): Promise<boolean> {
  const rows = await ch.query(`SELECT count() AS n FROM system.tables WHERE database = ${chLit(ch.database)} AND name = 'requests'`);
  return Number(rows[0]?.n ?? 0) > 0;
}
