import type { ChStore } from '../clickhouse/connection.js';
import { type Row, type Store, insertRows, query } from '../db.js';
import { DUCKDB, type Dialect } from './dialect.js';
import { type Params, params } from './params.js';

/**
 * What a read query runs on: a store's SQL dialect, the relation its attempts are read from, its
 * tables, and a way to run a query with bound values. One for a DuckDB store, one for a ClickHouse
 * store (one server, a cluster, or a read source such as otel_traces); every query in this
 * directory takes a `SqlSource` and never asks which.
 */
export interface SqlSource {
  dialect: Dialect;
  /** The attempts relation (routefit's `requests`, or a read source's subquery). */
  attempts: string;
  /**
   * True only when the source has proven that every attempt is its own request (attempt 0, no
   * request_id twice in the relation): the first/last-attempt lookup (./attempts.ts) is then skipped.
   * Never set for routefit's own tables, where retries share a request_id.
   */
  readonly ownRequests?: boolean;
  /** A stored table by name (qualified with the database on ClickHouse). */
  table(name: string): string;
  /** True when the store holds the table (ledger tables may not exist on every store yet). */
  hasTable(name: string): Promise<boolean>;
  /** A new set of parameters for one query. */
  params(): Params;
  query(sql: string, p?: Params): Promise<Row[]>;
  run(sql: string): Promise<void>;
  /** Replaces a session temp table and fills it with rows (values travel as data, never SQL). */
  tempTable(name: string, columns: [string, string][], rows: Record<string, unknown>[]): Promise<void>;
}

export function duckSource(store: Store): SqlSource {
  return {
    dialect: DUCKDB,
    attempts: 'requests',
    table: (name) => name,
    hasTable: async (name) => (await query(store.conn, `SELECT 1 FROM duckdb_tables() WHERE table_name = $t LIMIT 1`, { t: name })).length > 0,
    params: () => params(DUCKDB),
    query: (sql, p) => query(store.conn, sql, p?.values as Record<string, string | number | bigint>),
    run: async (sql) => {
      await store.conn.run(sql);
    },
    async tempTable(name, columns, rows) {
      await store.conn.run(`CREATE OR REPLACE TEMP TABLE ${name} (${columns.map(([c, t]) => `${c} ${t}`).join(', ')})`);
      await insertRows(store.conn, name, columns.length, rows.map((r) => columns.map(([c]) => (r[c] ?? null) as string | number | boolean | null)));
    },
  };
}

export function chSource(ch: ChStore): SqlSource {
  return {
    dialect: ch.dialect,
    // A getter: a read source's relation changes when a command focuses on its window.
    get attempts() {
      return ch.attempts();
    },
    // A getter too: a read source proves it (or not) when it focuses on a window.
    get ownRequests() {
      return ch.ownRequests?.() === true;
    },
    table: (name) => ch.table(name),
    hasTable: async (name) => {
      const p = params(ch.dialect);
      const rows = await ch.query(`SELECT count() AS n FROM system.tables WHERE database = ${p.bind('String', ch.database)} AND name = ${p.bind('String', name)}`, p.values);
      return Number(rows[0]?.n ?? 0) > 0;
    },
    params: () => params(ch.dialect),
    query: (sql, p) => ch.query(sql, p?.values),
    run: (sql) => ch.command(sql),
    async tempTable(name, columns, rows) {
      await ch.command(`DROP TEMPORARY TABLE IF EXISTS ${name}`);
      await ch.command(`CREATE TEMPORARY TABLE ${name} (${columns.map(([c, t]) => `${c} ${t}`).join(', ')})`);
      // JSONEachRow through the client: the values travel as JSON, not spliced into SQL.
      const bool = new Set(columns.filter(([, t]) => t === 'UInt8').map(([c]) => c));
      const values = rows.map((r) => Object.fromEntries(columns.map(([c]) => [c, bool.has(c) ? (r[c] ? 1 : 0) : (r[c] ?? null)])));
      if (values.length) await ch.client.insert({ table: name, values, format: 'JSONEachRow' });
    },
  };
}

/** The source of either store object. */
export function sourceOf(s: Store | ChStore | SqlSource): SqlSource {
  if ('dialect' in s && 'params' in s) return s as SqlSource;
  return 'conn' in s ? duckSource(s) : chSource(s);
}
