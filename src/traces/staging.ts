import type { DuckDBConnection } from '@duckdb/node-api';
import type { Catalog } from '../catalog/types.js';
import { RoutefitError } from '../engine/errors.js';
import { ident, lit, query } from './db.js';
import { readPath } from './input-files.js';
import { AMBIGUOUS_UNITS, COLUMNS, COLUMN_NAMES, type ColumnKind, SECONDS_TWINS } from './schema.js';
import type { TimestampWindow } from './time-window.js';

/**
 * What every importer shares (the import's types, and the staging steps the format readers use):
 * its own module so the readers (importers/*, ledgers.ts) and the pipeline (import.ts) import it
 * rather than each other (issue 10: no import cycle in src/traces).
 */

export interface Reject {
  line: number;
  reason: string;
}

export interface ImportSummary {
  file: string;
  format: string;
  importId: number | null;
  /** "line" for text formats, "row" for Parquet. */
  lineLabel: 'line' | 'row';
  rowsRead: number;
  kept: number;
  rejected: number;
  /** Valid rows whose (request_id, attempt) is already in the store with the same values: skipped, so re-imports never double count. */
  alreadyStored: number;
  /** Rows (or invoice lines) whose key is stored with other values: a correction. Without --replace the import is refused. */
  conflicts?: number;
  /** Stored rows this import replaced (--replace). */
  replaced?: number;
  /** The first conflicts, with what differs. */
  conflictLines?: Reject[];
  rejectRate: number;
  rejectsByRule: Record<string, number>;
  /** The first rejects, in file order. */
  rejects: Reject[];
  notes: string[];
  /** Set when nothing was written, with the reason. */
  aborted?: string;
}

export interface ImportOptions {
  format?: string;
  /** Import even when more than 1% of rows are rejected. */
  acceptRejects?: boolean;
  /** A row whose key is stored with other values replaces the stored one (atomically) instead of refusing the import. */
  replace?: boolean;
  today: string;
  /** How many rejects to list (all are counted). */
  showRejects?: number;
  /** Maps invoice provider names to catalog ids (default: the bundled catalog). */
  catalog?: Catalog;
  /** Timestamps outside it are rejected (default DEFAULT_TIMESTAMP_WINDOW, 2000-01-01 … 2100-01-01). */
  timestampWindow?: TimestampWindow;
  /** Rows a side per partition of the idempotence join (default key-match.ts KEY_MATCH_PARTITION_ROWS; tests set it small). */
  keyMatchPartitionRows?: number;
}

/** Share of rejected rows above which an import stops unless --accept-rejects (issue 5, "Bad input"). */
export const MAX_REJECT_RATE = 0.01;

/** A staged file: `stg` exists; structural rejects the reader found; where rows' lines come from. */
export interface Staged {
  format: string;
  lineLabel: 'line' | 'row';
  structural: Reject[];
  notes: string[];
  /** Temp tables behind the `stg` view, dropped once the rows are checked. */
  cleanup?: string[];
  /**
   * For readers that find malformed rows while the rows stream (CSV): returns them once the file
   * was read, with the SQL for the file line of the row at a given index (0-based) among the rows read.
   */
  readRejects?: (conn: DuckDBConnection) => Promise<{ rejects: Reject[]; lineOf: (k: string) => string }>;
  /**
   * Lines follow from the reader's order (CSV): they come from narrow ordered reads of the file
   * (import.ts insertCsvRows), the rows themselves go in any order. Other formats carry their line
   * in a column.
   */
  linesFromOrder?: boolean;
  /**
   * `stg` returns the rows in file order when insertion order is kept (a view over the Parquet
   * reader), so a count over the file in order needs no sort by line (import.ts insertLinedRows).
   */
  inFileOrder?: boolean;
  /** Normalized columns staged with their typed value (a typed Parquet column), not as text. */
  typed?: ReadonlyMap<string, TypedKind>;
}

export type Stager = (conn: DuckDBConnection, file: string, notes: string[]) => Promise<Staged>;

/**
 * '' and all-space values are NULL; surrounding spaces are trimmed. trim() only runs where a space is at an end (it copies the string: 10× the cost on 10M rows).
 * prefix(), not starts_with(): the same test, but starts_with is the `^@` operator, a slower implementation on DuckDB
 * 1.5.6; with prefix the expression costs half as much over reading the value (26 columns × 1M rows: 0.2 instead of 0.5 CPU-s).
 */
const blankToNull = (x: string) => `CASE WHEN prefix(${x}, ' ') OR suffix(${x}, ' ') THEN NULLIF(trim(${x}), '') ELSE NULLIF(${x}, '') END`;

/** DuckDB types a typed source column may have to be checked as a number, not as text. */
const NUMERIC_TYPE = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL(\(\d+,\s*\d+\))?)$/;

/**
 * The typed form a source column keeps in `stg` (issue 14, "typed Parquet no slower than
 * all-VARCHAR"): a number stays a number for a count/ms/usd/attempt column, a BOOLEAN for a flag,
 * a TIMESTAMP(TZ) for the timestamp. Casting such a value to text and parsing it back cost more than
 * reading the text file's column. Any other pairing (an epoch number in the timestamp column, a
 * number in a text column) goes through text, where every spelling is checked.
 */
export type TypedKind = 'number' | 'bool' | 'timestamp' | 'timestamptz';
export function typedKind(kind: ColumnKind, sqlType: string | undefined): TypedKind | undefined {
  if (!sqlType) return undefined;
  const t = sqlType.toUpperCase();
  if ((kind === 'count' || kind === 'ms' || kind === 'usd' || kind === 'attempt') && NUMERIC_TYPE.test(t)) return 'number';
  if (kind === 'bool' && t === 'BOOLEAN') return 'bool';
  if (kind === 'timestamp' && (t === 'TIMESTAMP' || t === 'TIMESTAMP_S' || t === 'TIMESTAMP_MS' || t === 'TIMESTAMP_NS' || t === 'DATE')) return 'timestamp';
  if (kind === 'timestamp' && t === 'TIMESTAMP WITH TIME ZONE') return 'timestamptz';
  return undefined;
}

/**
 * Maps the file's columns to normalized names: lower-case, seconds twins converted, ambiguous units
 * refused. `types` (column → DuckDB type, for typed formats) keeps typed values typed; returns the
 * normalized columns staged typed, for the check (duckdb-row-rules.ts checkSql).
 */
/**
 * How a file's columns map to the normalized row: the source column of each normalized name (`ts`
 * for timestamp when so named), the seconds twin a latency is converted from, and the notes. Refuses
 * ambiguous units and missing required columns. Shared by every stager (DuckDB's buildStg, the
 * ClickHouse stager), so a file's columns are read the same way on both paths.
 */
export function mapColumns(file: string, available: string[], notes: string[]): { src: Map<string, string>; twins: Map<string, string> } {
  const byLower = new Map(available.map((a) => [a.trim().toLowerCase(), a]));
  for (const [bad, hint] of Object.entries(AMBIGUOUS_UNITS)) {
    if (byLower.has(bad) && !byLower.has(`${bad}_ms`) && !byLower.has(`${bad}_s`)) {
      throw new RoutefitError('invalid_input', `${file}: column "${byLower.get(bad)}" has no unit; rename it to ${hint} so milliseconds and seconds are not confused`, { field: bad });
    }
  }
  const missing = COLUMNS.filter((c) => c.required && !byLower.has(c.name) && !(c.name === 'timestamp' && byLower.has('ts')));
  if (missing.length) {
    throw new RoutefitError(
      'invalid_input',
      `${file}: missing required column${missing.length > 1 ? 's' : ''} ${missing.map((m) => m.name).join(', ')} (the normalized row needs ${COLUMNS.filter((c) => c.required).map((c) => c.name).join(', ')}; see docs/traces.md)`,
      { field: missing[0]!.name },
    );
  }
  if (!byLower.has('model') && !byLower.has('route')) throw new RoutefitError('invalid_input', `${file}: needs a model or a route column`, { field: 'model' });
  const src = new Map<string, string>();
  const twins = new Map<string, string>();
  for (const name of COLUMN_NAMES) {
    const s = byLower.get(name) ?? (name === 'timestamp' ? byLower.get('ts') : undefined);
    const twin = Object.entries(SECONDS_TWINS).find(([, ms]) => ms === name)?.[0];
    if (s !== undefined) src.set(name, s);
    else if (twin && byLower.has(twin)) {
      twins.set(name, byLower.get(twin)!);
      notes.push(`${twin} is in seconds: converted to ${name}`);
    }
  }
  const known = new Set<string>([...COLUMN_NAMES, 'ts', ...Object.keys(SECONDS_TWINS)]);
  const ignored = available.filter((a) => !known.has(a.trim().toLowerCase()) && !a.startsWith('__'));
  if (ignored.length) notes.push(`ignored columns not in the normalized row: ${ignored.join(', ')}`);
  return { src, twins };
}

export async function buildStg(
  conn: DuckDBConnection,
  file: string,
  fromSql: string,
  available: string[],
  lineExpr: string,
  notes: string[],
  types?: ReadonlyMap<string, string>,
): Promise<Map<string, TypedKind>> {
  const typed = new Map<string, TypedKind>();
  const map = mapColumns(file, available, notes);
  const select: string[] = [`${lineExpr} AS line`];
  for (const name of COLUMN_NAMES) {
    const src = map.src.get(name);
    const twin = map.twins.get(name);
    const as = src !== undefined ? typedKind(COLUMNS.find((c) => c.name === name)!.kind, types?.get(src)) : undefined;
    if (src !== undefined && as) {
      select.push(`${ident(src)} AS ${ident(name)}`);
      typed.set(name, as);
    } else if (src !== undefined) {
      select.push(`${blankToNull(`CAST(${ident(src)} AS VARCHAR)`)} AS ${ident(name)}`);
    } else if (twin !== undefined) {
      const s = ident(twin);
      select.push(`CASE WHEN TRY_CAST(${s} AS DOUBLE) IS NOT NULL THEN CAST(CAST(${s} AS DOUBLE) * 1000 AS VARCHAR) ELSE NULLIF(trim(CAST(${s} AS VARCHAR)), '') END AS ${ident(name)}`);
    } else {
      select.push(`NULL::VARCHAR AS ${ident(name)}`);
    }
  }
  // A view: the rows are materialized once, typed, by the check.
  await conn.run(`CREATE OR REPLACE TEMP VIEW stg AS SELECT ${select.join(', ')} FROM ${fromSql}`);
  return typed;
}

/**
 * Reads a CSV into temp table `raw_rows` (all text, plus `__line`, the file line of each row) and
 * returns the rows DuckDB's reader could not split, with their lines.
 */
export async function readCsvRaw(conn: DuckDBConnection, file: string): Promise<Reject[]> {
  await conn.run('DROP TABLE IF EXISTS reject_errors; DROP TABLE IF EXISTS reject_scans');
  await dropRelation(conn, 'raw_rows');
  await inFileOrder(conn, `CREATE TEMP TABLE raw_rows AS SELECT * FROM read_csv(${lit(readPath(file))}, all_varchar = true, header = true, store_rejects = true, ignore_errors = true)`);
  const structuralRows = await query(conn, `SELECT line, arg_min(error_type, column_idx) AS error_type, arg_min(error_message, column_idx) AS error_message FROM reject_errors GROUP BY line ORDER BY line`);
  const structural = structuralRows.map((r) => ({ line: Number(r.line), reason: `malformed CSV (${String(r.error_type).toLowerCase()}): ${String(r.error_message).split('\n')[0]}` }));
  // DuckDB keeps file order (preserve_insertion_order), so rowid is the data row's index; lines skip
  // the header and the rows the reader rejected. (A quoted field spanning lines shifts later lines.)
  if (structural.length) {
    await conn.run('DROP TABLE IF EXISTS rej_gaps');
    await conn.run(
      `CREATE TEMP TABLE rej_gaps AS SELECT g, max(j) AS j FROM (SELECT line - 1 - row_number() OVER (ORDER BY line) AS g, row_number() OVER (ORDER BY line) AS j FROM (SELECT DISTINCT line FROM reject_errors)) GROUP BY g`,
    );
    await conn.run(`CREATE OR REPLACE TEMP TABLE raw_rows AS SELECT r.*, r.rowid + 2 + coalesce(x.j, 0) AS __line FROM raw_rows r ASOF LEFT JOIN rej_gaps x ON r.rowid >= x.g`);
    return structural;
  }
  // No rejects: the line is rowid + 2, read through a view instead of copying the table.
  await conn.run('ALTER TABLE raw_rows RENAME TO raw_rows_t');
  await conn.run(`CREATE OR REPLACE TEMP VIEW raw_rows AS SELECT *, rowid + 2 AS __line FROM raw_rows_t`);
  return structural;
}

/**
 * Runs one statement (or a body of queries) with insertion order preserved, so a staged table's rowid is the file's row
 * index. The store runs without it otherwise: it costs memory on 10M-row statements.
 */
export async function inFileOrder(conn: DuckDBConnection, sql: string | (() => Promise<void>)): Promise<void> {
  await conn.run('SET preserve_insertion_order = true');
  try {
    if (typeof sql === 'string') await conn.run(sql);
    else await sql();
  } finally {
    await conn.run('SET preserve_insertion_order = false');
  }
}

/** Drops a temp table or view (and the table behind a `raw_rows` view). */
export async function dropRelation(conn: DuckDBConnection, name: string): Promise<void> {
  const views = await query(conn, `SELECT 1 FROM duckdb_views() WHERE view_name = ${lit(name)}`);
  await conn.run(views.length ? `DROP VIEW ${name}` : `DROP TABLE IF EXISTS ${name}`);
  if (name === 'raw_rows') await conn.run('DROP TABLE IF EXISTS raw_rows_t');
}

export async function columnsOf(conn: DuckDBConnection, table: string): Promise<string[]> {
  return (await query(conn, `SELECT column_name FROM (DESCRIBE ${table})`)).map((r) => String(r.column_name));
}

/** `json_lines(line, doc, ok)`: one row per non-blank line of a JSONL file, parsed by DuckDB. */
export async function stageJsonLines(conn: DuckDBConnection, file: string): Promise<void> {
  await conn.run('DROP TABLE IF EXISTS json_lines');
  await inFileOrder(
    conn,
    `CREATE TEMP TABLE json_lines AS
     SELECT text AS doc FROM read_csv(${lit(readPath(file))}, columns = {'text': 'VARCHAR'}, header = false, delim = E'\\x1e', quote = '', escape = '', strict_mode = false)`,
  );
  // The table keeps file order, so rowid + 1 is the line number (blank lines included, then dropped).
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE json_lines AS
     SELECT rowid + 1 AS line, doc, coalesce(CASE WHEN json_valid(doc) THEN json_type(doc) = 'OBJECT' END, FALSE) AS ok FROM json_lines`,
  );
  await conn.run('DELETE FROM json_lines WHERE doc IS NULL OR trim(doc) = \'\'');
}
