import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { RoutefitError } from '../engine/errors.js';
import { DDL } from './schema.js';

export const DEFAULT_DB = './routefit.duckdb';

export interface Store {
  path: string;
  conn: DuckDBConnection;
  close(): void;
}

/**
 * The DuckDB package, loaded on first use, not at module load: every CLI command imports this module,
 * few open a store. By require(), not import(): importing the CommonJS package makes Node's ESM loader
 * lex each of its files for named exports, 0.25 of the 0.42 CPU-s the load took (a process per command; issue 14).
 */
export function loadDuckdb(): typeof import('@duckdb/node-api') {
  return createRequire(import.meta.url)('@duckdb/node-api') as typeof import('@duckdb/node-api');
}

/**
 * Opens the trace store. `create` makes the file on first import; every other command refuses a
 * missing store instead of silently summarizing an empty one.
 */
export async function openStore(path: string, opts: { create: boolean }): Promise<Store> {
  if (path !== ':memory:') checkStorePath(path);
  if (!opts.create && path !== ':memory:' && !existsSync(path)) {
    throw new RoutefitError('invalid_input', `no trace store at ${path}; run \`routefit traces import FILE --db ${path}\` first`, { field: 'db' });
  }
  let instance: DuckDBInstance;
  try {
    instance = await loadDuckdb().DuckDBInstance.create(path);
  } catch (err) {
    throw new RoutefitError('invalid_input', `cannot open trace store ${path}: ${(err as Error).message.split('\n')[0]}`, { field: 'db' });
  }
  const conn = await instance.connect();
  // Big imports spill to disk instead of growing without bound (issue 5 target: peak under 2 GB).
  await conn.run(`SET memory_limit = ${lit(storeMemoryLimit())}`);
  // Progress is polled by the CLI (connection.progress); DuckDB must not print its own bar.
  await conn.run('SET enable_progress_bar = true; SET enable_progress_bar_print = false');
  // Order is preserved only where row numbers come from it (import.ts `inFileOrder`).
  await conn.run('SET preserve_insertion_order = false');
  // Timestamps without an offset are UTC (issue 5: "UTC unless an offset is given"), whatever the machine's zone.
  await conn.run("SET TimeZone = 'UTC'");
  for (const ddl of DDL) await conn.run(ddl);
  return {
    path,
    conn,
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

/** DuckDB's memory limit for a store, as `openStore` sets it (ROUTEFIT_DUCKDB_MEMORY, else 768MB). */
export function storeMemoryLimit(): string {
  return process.env.ROUTEFIT_DUCKDB_MEMORY ?? '768MB';
}

/** Extensions a new store file may have. */
export const STORE_EXTENSIONS = ['.duckdb', '.ddb', '.db'] as const;

/**
 * Refuses a `--db` target that would keep nothing (issue 17, "`--db` targets that keep nothing"):
 * an empty name, an in-memory database (gone when the command ends), a directory, an existing file
 * that is not a DuckDB database (`keep.csv`, `x.parquet`), or a new file not named as a store.
 * A DuckDB file carries "DUCK" at bytes 8–11 of its header.
 */
export function checkStorePath(path: string): void {
  const refuse = (why: string) => new RoutefitError('invalid_input', `--db ${JSON.stringify(path)}: ${why}`, { field: 'db' });
  if (path.trim() === '') throw refuse('is empty; name a DuckDB file, e.g. --db routefit.duckdb');
  if (path === ':memory:' || path.startsWith(':memory:')) throw refuse('an in-memory database keeps nothing after the command; name a DuckDB file, e.g. --db routefit.duckdb');
  if (existsSync(path)) {
    const st = statSync(path);
    if (!st.isFile()) throw refuse('is a directory, not a DuckDB file');
    const head = Buffer.alloc(12);
    const fd = openSync(path, 'r');
    let n = 0;
    try {
      n = readSync(fd, head, 0, 12, 0);
    } finally {
      closeSync(fd);
    }
    if (n < 12 || head.subarray(8, 12).toString('latin1') !== 'DUCK') {
      throw refuse(`exists and is not a DuckDB database (${st.size === 0 ? 'it is empty' : 'no DuckDB header'}); a trace file is imported with \`routefit traces import FILE\`, and --db names the store, e.g. --db routefit.duckdb`);
    }
    return;
  }
  if (!STORE_EXTENSIONS.some((e) => path.toLowerCase().endsWith(e))) {
    throw refuse(`a new trace store must be a DuckDB file named ${STORE_EXTENSIONS.map((e) => `*${e}`).join(', ')} (e.g. --db ${path.replace(/\.[^./\\]*$/, '')}.duckdb)`);
  }
}

export type Row = Record<string, unknown>;

/** A value bound to a DuckDB placeholder (bigint for BIGINT, number for DOUBLE). */
export type DuckDBBindable = string | number | bigint | boolean | null;

/**
 * Runs a query and returns plain rows: BIGINT → number, DuckDB values (dates, decimals) → strings.
 * `params` are bound to the statement's `$name` placeholders (a prepared statement), never spliced.
 */
export async function query(conn: DuckDBConnection, sql: string, params?: Record<string, DuckDBBindable>): Promise<Row[]> {
  const reader = params && Object.keys(params).length ? await conn.runAndReadAll(sql, params) : await conn.runAndReadAll(sql);
  return reader.getRowObjectsJS().map((r) => {
    const out: Row = {};
    for (const [k, v] of Object.entries(r)) {
      out[k] = typeof v === 'bigint' ? Number(v) : v !== null && typeof v === 'object' && !Array.isArray(v) ? String(v) : v;
    }
    return out;
  });
}

export type Value = string | number | boolean | null;

/**
 * Inserts rows by parameter binding (never splicing): a value read from a file or the store, a
 * NUL byte or a quote included, reaches DuckDB as data. Batched, so a few thousand rows are a few statements.
 */
export async function insertRows(conn: DuckDBConnection, table: string, width: number, rows: readonly (readonly Value[])[]): Promise<void> {
  const BATCH = 500;
  for (let i = 0; i < rows.length; i += BATCH) {
    const chunk = rows.slice(i, i + BATCH);
    const tuple = `(${Array.from({ length: width }, () => '?').join(', ')})`;
    const values = chunk.flatMap((r) => {
      if (r.length !== width) throw new Error(`insertRows ${table}: a row has ${r.length} values, the table ${width}`);
      return r.map((v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
    });
    await conn.run(`INSERT INTO ${table} VALUES ${chunk.map(() => tuple).join(', ')}`, values);
  }
}

/**
 * A SQL string literal, for constants the code itself writes (rule names, file paths, dates it
 * formatted). Values read from a file or the store are bound (`insertRows`, `conn.run(sql, params)`).
 */
export function lit(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new RoutefitError('invalid_input', `cannot store non-finite number ${v}`);
    return String(v);
  }
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  // A NUL cannot sit in a DuckDB literal (the parser ends the string there): such a value must be bound.
  if (v.includes('\0')) throw new RoutefitError('invalid_input', 'a value with a NUL byte cannot be written into SQL; it must be bound as a parameter');
  return `'${v.replace(/'/g, "''")}'`;
}

/** A quoted SQL identifier. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** BEGIN … COMMIT, or ROLLBACK and rethrow: a failed import leaves the store as it was. */
export async function transaction<T>(conn: DuckDBConnection, body: () => Promise<T>): Promise<T> {
  await conn.run('BEGIN TRANSACTION');
  try {
    const out = await body();
    await conn.run('COMMIT');
    return out;
  } catch (err) {
    await conn.run('ROLLBACK');
    throw err;
  }
}
