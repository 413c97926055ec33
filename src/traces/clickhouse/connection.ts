import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { ClickHouseClient, createClient } from '@clickhouse/client';
import { RoutefitError } from '../../engine/errors.js';
import type { Row } from '../db.js';
import { type ChDialect, CLICKHOUSE_18, dialectFor } from './dialect.js';

/**
 * The ClickHouse connection and THE one module that splices values into ClickHouse SQL.
 *
 * ClickHouse 18.16 (Debian's package) has no query parameters, so values are escaped here and only
 * here: every literal goes through `chLit`, every identifier through `chIdent`. ClickHouse's string
 * literal rules differ from DuckDB's (`lit` in ../db.ts doubles quotes; ClickHouse reads backslash
 * escapes), so a backslash must itself be escaped or `'a\'` would swallow the closing quote.
 */

export const CLICKHOUSE_ENV = 'ROUTEFIT_CLICKHOUSE_URL';

/** A ClickHouse string literal: backslash and quote escaped, NUL written as \0. Other bytes are literal in ClickHouse strings. */
export function chString(v: string): string {
  return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\0/g, '\\0')}'`;
}

/** A ClickHouse literal for a value spliced into SQL. Numbers must be finite; booleans are 1/0 (UInt8). */
export function chLit(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new RoutefitError('invalid_input', `cannot send non-finite number ${v} to ClickHouse`);
    return String(v);
  }
  if (typeof v === 'boolean') return v ? '1' : '0';
  return chString(v);
}

/** ClickHouse's own databases (compared lower-case). */
export const SYSTEM_DATABASES = ['system', 'information_schema'];

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A ClickHouse identifier. Only plain names are accepted (table, column and database names come from
 * code or from the URL's database path): anything else is refused rather than quoted.
 */
export function chIdent(name: string): string {
  if (!IDENT.test(name)) throw new RoutefitError('invalid_input', `"${name}" is not a plain ClickHouse name; allowed letters, digits and _ (not starting with a digit)`, { field: 'clickhouse' });
  return name;
}

export interface ChStore {
  /** The URL as given (credentials removed), for messages. */
  url: string;
  /**
   * The URL as given, with its credentials: how another connection to this store (the import lock, a
   * cluster's nodes) reaches it as this one does. Never for messages or outputs: that is `url`.
   */
  connectUrl(): string;
  database: string;
  client: ClickHouseClient;
  /** A table name qualified with the store's database. */
  table(name: string): string;
  /** How this server's version spells what differs between ClickHouse releases (./dialect.ts). */
  dialect: ChDialect;
  /** How the server is reached when not by HTTP to the URL (an in-process chdb in tests); connections the store opens itself reuse it. */
  connector?: ClickHouseConnector;
  /** `--cluster NAME`: the `<remote_servers>` cluster the store's tables are Distributed over; undefined on one server. */
  cluster?: string;
  /**
   * The relation the reads take attempts from (routefit's normalized columns, `ts_us` for the
   * timestamp): routefit's own `requests` table by default, or a subquery a read source gives
   * (e.g. one presenting an OpenTelemetry `otel_traces` table). Reads never name `requests` themselves.
   */
  attempts(): string;
  /** True when the read source has proven every attempt its own request (see SqlSource.ownRequests); absent on routefit's tables. */
  ownRequests?(): boolean;
  /** `params` fill the query's `{name:Type}` placeholders (ClickHouse query parameters; not on 18.16, see ../sql/dialect.ts). */
  query(sql: string, params?: Record<string, unknown>): Promise<Row[]>;
  command(sql: string): Promise<void>;
  /** `INSERT INTO … FORMAT F` with the body streamed from `values` (already in format F). */
  insertStream(sql: string, values: Readable): Promise<void>;
  close(): Promise<void>;
}

/** A store name for messages and outputs: a URL loses its credentials; anything else is returned as is. */
export function storeLabel(raw: string): string {
  try {
    return /^https?:\/\//i.test(raw) ? shown(new URL(raw)) : raw;
  } catch {
    return raw;
  }
}

/** The URL for messages: no password. */
function shown(u: URL): string {
  const c = new URL(u.href);
  c.password = '';
  c.username = '';
  return c.href.replace(/\/$/, '');
}

function parseUrl(raw: string): { url: URL; database: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RoutefitError('invalid_input', `--clickhouse ${raw} is not a URL; expected http://HOST:PORT[/DATABASE], e.g. http://127.0.0.1:8123`, { field: 'clickhouse' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RoutefitError('invalid_input', `--clickhouse ${raw}: the ClickHouse HTTP interface is http:// or https://, not ${url.protocol}`, { field: 'clickhouse' });
  }
  const path = url.pathname.replace(/^\/+|\/+$/g, '');
  const database = path === '' ? 'default' : decodeURIComponent(path);
  chIdent(database);
  // The server's own databases hold its state, not traces: importing into or reading them is refused.
  if (SYSTEM_DATABASES.includes(database.toLowerCase())) {
    throw new RoutefitError('invalid_input', `--clickhouse ${shown(url)}: "${database}" is a ClickHouse system database; name a database of your own, e.g. ${url.origin}/traces`, { field: 'clickhouse' });
  }
  return { url, database };
}

/**
 * How the client reaches ClickHouse: over HTTP to the URL (the default), or through a connection
 * given to @clickhouse/client (`createClient({ connection })`), e.g. the in-process ClickHouse of
 * the `chdb` package that tests run the current-ClickHouse dialect on. Everything above the
 * connection (SQL, sessions, inserts, errors) is the same client code either way.
 */
export interface ClickHouseConnector {
  connection: () => NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>;
}

/**
 * Connects to a ClickHouse server over HTTP and checks it answers. The client library is loaded
 * here, not at module load, so the CLI's start-up does not pay for it. An unreachable server is a
 * RoutefitError naming the URL (exit 2), never a stack trace.
 */
export interface ClickHouseOpenOptions {
  /** `--cluster NAME` (see ChStore.cluster). */
  cluster?: string;
  /** The attempts relation (see ChStore.attempts); default `<db>.requests`. */
  attempts?: (ch: ChStore) => string;
  /** See ChStore.ownRequests. */
  ownRequests?: (ch: ChStore) => boolean;
  /** How the server is reached (see ClickHouseConnector); default HTTP to the URL. */
  connector?: ClickHouseConnector;
}

export async function openClickHouse(raw: string, opts: ClickHouseOpenOptions = {}): Promise<ChStore> {
  const { connector } = opts;
  const { url, database } = parseUrl(raw);
  const where = shown(url);
  const { createClient, ClickHouseLogLevel } = await import('@clickhouse/client');
  const client = createClient({
    ...(connector ? { connection: connector.connection() } : {}),
    url: url.origin,
    username: decodeURIComponent(url.username) || 'default',
    password: decodeURIComponent(url.password),
    // Temporary tables (the price map of one summary) live in a session.
    session_id: `routefit-${randomUUID()}`,
    request_timeout: 600_000,
    log: { level: ClickHouseLogLevel.OFF },
    clickhouse_settings: {
      // 18.16 quotes 64-bit integers in JSON by default; counts are far below 2^53.
      output_format_json_quote_64bit_integers: 0,
    },
  });
  const ping = await client.ping();
  if (!ping.success) {
    await client.close();
    const e = ping.error as Error & { code?: string };
    throw new RoutefitError('invalid_input', `cannot reach ClickHouse at ${where}: ${e.code ?? e.message.split('\n')[0]}; is the server running? (--clickhouse URL or ${CLICKHOUSE_ENV})`, {
      field: 'clickhouse',
    });
  }
  const fail = (sql: string, err: unknown): never => {
    const msg = (err as Error).message.split('\n')[0]!.replace(/, e\.what\(\) = DB::Exception$/, '');
    const head = sql.trim().split(/\s+/).slice(0, 4).join(' ');
    throw new RoutefitError('invalid_input', `ClickHouse at ${where} refused \`${head} …\`: ${msg}`, { field: 'clickhouse' });
  };
  const store: ChStore = {
    url: where,
    connectUrl: () => url.href.replace(/\/$/, ''),
    database,
    client,
    table: (name) => `${chIdent(database)}.${chIdent(name)}`,
    dialect: CLICKHOUSE_18,
    ...(opts.cluster !== undefined ? { cluster: chIdent(opts.cluster) } : {}),
    ...(connector ? { connector } : {}),
    attempts: () => (opts.attempts ? `(${opts.attempts(store)})` : store.table('requests')),
    ...(opts.ownRequests ? { ownRequests: () => opts.ownRequests!(store) } : {}),
    async query(sql, params) {
      try {
        const rs = await client.query({ query: sql, format: 'JSONEachRow', ...(params && Object.keys(params).length ? { query_params: params } : {}) });
        return (await rs.json()) as Row[];
      } catch (err) {
        return fail(sql, err);
      }
    },
    async command(sql) {
      try {
        await client.command({ query: sql });
      } catch (err) {
        fail(sql, err);
      }
    },
    async insertStream(sql, values) {
      try {
        const r = await client.exec({ query: sql, values });
        r.stream.resume();
        await new Promise<void>((resolve, reject) => {
          r.stream.on('end', resolve);
          r.stream.on('error', reject);
        });
      } catch (err) {
        fail(sql, err);
      }
    },
    close: () => client.close(),
  };
  const [v] = await store.query('SELECT version() AS v');
  store.dialect = dialectFor(String(v?.v ?? ''));
  return store;
}
