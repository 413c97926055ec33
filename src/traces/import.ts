import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import type { DuckDBConnection } from '@duckdb/node-api';
import { RoutefitError } from '../engine/errors.js';
import { checkCompressed, readPath } from './input-files.js';
import { type Row, type Store, ident, lit, query, transaction } from './db.js';
import { matchStoredKeys } from './key-match.js';
import { stageOtel } from './importers/otel.js';
import { MAPPED, detectMapped, mappedStager } from './importers/mapped.js';
import { LEDGER_FORMATS, type LedgerFormat, detectLedger, importLedger } from './ledgers.js';
import { loadCatalog } from '../catalog/load.js';
import { COLUMNS, storeName } from './schema.js';
import { DEFAULT_TIMESTAMP_WINDOW } from './time-window.js';
import { checkSql } from './duckdb-row-rules.js';

import { type ImportOptions, type ImportSummary, MAX_REJECT_RATE, type Reject, type Staged, type Stager, buildStg, columnsOf, dropRelation, inFileOrder, stageJsonLines } from './staging.js';

// The shared types and staging steps live in staging.ts; re-exported so callers keep one entry point.
export { type ImportOptions, type ImportSummary, MAX_REJECT_RATE, type Reject, type Staged, type Stager, buildStg, columnsOf, dropRelation, inFileOrder, readCsvRaw, stageJsonLines } from './staging.js';

/**
 * Import pipeline (issue 5, "Importers"): every format is staged by DuckDB into one temp table of
 * VARCHAR columns named as the normalized row (`stg`, plus `line`), then checked and inserted by the
 * same SQL. No row passes through JS, so a 10M-row file costs what DuckDB's reader costs.
 */

export function detectFormat(file: string): string {
  const f = file.toLowerCase().replace(/\.(gz|zst)$/, '');
  const head = () => {
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(65536);
      const raw = buf.subarray(0, readSync(fd, buf, 0, buf.length, 0));
      // A .gz file is sniffed on its decompressed head, so a gzipped invoice or LiteLLM log is not taken for traces.
      if (!file.toLowerCase().endsWith('.gz')) return raw.toString('utf8');
      try {
        return gunzipSync(raw, { finishFlush: zlibConstants.Z_SYNC_FLUSH }).subarray(0, 65536).toString('utf8');
      } catch {
        return ''; // Not gzip data: checkCompressed refuses the file with its reason before anything is read.
      }
    } finally {
      closeSync(fd);
    }
  };
  if (f.endsWith('.csv') || f.endsWith('.tsv')) {
    const h = head();
    return detectLedger(h, f) ?? detectMapped(h.split(/\r?\n/, 1)[0]!.split(',')) ?? 'csv';
  }
  if (f.endsWith('.parquet')) return 'parquet';
  if (f.endsWith('.json') || f.endsWith('.jsonl') || f.endsWith('.ndjson')) {
    const h = head();
    if (h.includes('"resourceSpans"')) return 'otel';
    if (h.includes('"resourceMetrics"')) return 'otel-metrics';
    const ledger = detectLedger(h, f);
    if (ledger) return ledger;
    const firstLine = h.split(/\r?\n/, 1)[0]!;
    try {
      const mapped = detectMapped(Object.keys(JSON.parse(firstLine) as object));
      if (mapped) return mapped;
    } catch {
      // Not one JSON object per line: left to the JSONL reader, which reports the bad line.
    }
    if (f.endsWith('.json')) {
      throw new RoutefitError('invalid_input', `${file}: a .json file that is not OTLP spans; pass --format (${[...Object.keys(STAGERS), ...LEDGER_FORMATS].join(', ')})`, { field: 'format' });
    }
    return 'jsonl';
  }
  throw new RoutefitError('invalid_input', `${file}: cannot tell the format from the extension; pass --format (${[...Object.keys(STAGERS), ...LEDGER_FORMATS].join(', ')})`, {
    field: 'format',
  });
}

export const STAGERS: Record<string, Stager> = {
  csv: stageCsv,
  jsonl: stageJsonl,
  parquet: stageParquet,
  otel: stageOtel,
  ...Object.fromEntries(MAPPED.map((m) => [m.id, mappedStager(m.id)])),
};

/** Imports one file of normalized rows into the store: all or nothing, idempotent on (request_id, attempt). */
export async function importFile(store: Store, file: string, opts: ImportOptions): Promise<ImportSummary> {
  if (!existsSync(file) || !statSync(file).isFile()) throw new RoutefitError('invalid_input', `${file}: ${existsSync(file) ? 'is a folder, not a file: give the files inside it' : 'file not found'}`, { field: 'file' });
  // A cut or corrupt archive is refused before anything is read: DuckDB's readers stop at the cut silently.
  await checkCompressed(file);
  const format = opts.format ?? detectFormat(file);
  if ((LEDGER_FORMATS as readonly string[]).includes(format)) return importLedger(store, file, format as LedgerFormat, opts.catalog ?? loadCatalog(), opts);
  const stager = STAGERS[format];
  if (!stager) throw new RoutefitError('invalid_input', `--format ${format} is not known; allowed: ${[...Object.keys(STAGERS), ...LEDGER_FORMATS].join(', ')}`, { field: 'format' });
  const { conn } = store;
  await conn.run('DROP VIEW IF EXISTS stg; DROP TABLE IF EXISTS checked;');
  const notes: string[] = [];
  let staged: Staged;
  try {
    staged = await stager(conn, file, notes);
  } catch (err) {
    if (err instanceof RoutefitError) throw err;
    throw new RoutefitError('invalid_input', `${file}: cannot read as ${format}: ${(err as Error).message.split('\n')[0]}`, { field: 'file' });
  }
  return checkAndInsert(store, file, staged, opts);
}

/**
 * Checks the staged rows and stores the good ones, all in one transaction. The rows go from the
 * reader through the typed checks straight into `requests` in a single streaming pass (a 10M-row
 * file is read once and written once); rejected rows carry their rule and reason into the store
 * only until the end of the transaction, which counts them, then deletes them or rolls back.
 */
export async function checkAndInsert(store: Store, file: string, staged: Staged, opts: ImportOptions): Promise<ImportSummary> {
  const { conn } = store;
  const cols = COLUMNS.map((c) => storeName(c));
  const limit = opts.showRejects ?? 20;
  const notes = [...staged.notes];
  await conn.run('BEGIN TRANSACTION');
  try {
    const [{ id }] = (await query(conn, 'SELECT coalesce(max(import_id), 0) + 1 AS id FROM imports')) as [{ id: number }];
    const mine = `import_id = ${id}`;
    const stored = (await query(conn, 'SELECT 1 FROM requests LIMIT 1')).length > 0;
    // CSV: file order kept, line numbers come from it (no join here: a hash join's probe may emit a
    // chunk's rows out of order). Other formats carry their line in a column.
    const insert = `INSERT INTO requests (${cols.join(', ')}, import_id, source_line, reject_rule, reject_reason)
       SELECT ${cols.map((c) => `c.${c}`).join(', ')}, ${id}, c.line, c.rule, c.reason FROM (${checkSql(opts.timestampWindow ?? DEFAULT_TIMESTAMP_WINDOW, staged.typed ?? new Map())}) c`;
    if (staged.linesFromOrder) await inFileOrder(conn, insert);
    else await conn.run(insert);
    const unstage = async () => {
      await conn.run('DROP VIEW IF EXISTS stg');
      for (const t of staged.cleanup ?? []) await dropRelation(conn, t);
    };
    await unstage();
    const read = staged.readRejects ? await staged.readRejects(conn, id) : { rejects: [], line: 'requests.source_line' };
    // Repeats of a key within the file first: only a key's first line meets the stored rows, so
    // `--replace` can never store two copies of one key (and a re-import rejects the repeats the
    // first import rejected).
    await markDuplicates(conn, id, read.line);
    // Idempotence and corrections (key-match.ts): same key and values skipped, other values a conflict.
    const match = stored ? await matchStoredKeys(conn, id, cols, CONFLICT, opts.keyMatchPartitionRows) : undefined;
    const alreadyStored = match?.alreadyStored ?? 0;
    // The valid rows that stay: none when the match found every one stored (rolled back below, not deleted).
    const left = match?.allStored ? 'FALSE' : 'reject_rule IS NULL';
    const structural = [...staged.structural, ...read.rejects];
    // One scan in file order: the counts, and rows whose timestamp is earlier than the valid row
    // before them. CSV rows are stored in file order (a streaming lag in rowid order, which the scan
    // keeps only with preserve_insertion_order); other formats are ordered by their line column.
    const order = staged.linesFromOrder ? 'OVER ()' : 'OVER (ORDER BY source_line)';
    let counts: Row | undefined;
    await inFileOrder(conn, async () => {
      [counts] = await query(
        conn,
        `SELECT count(*) AS n, count(*) FILTER (WHERE reject_rule IS NULL) AS kept, count(*) FILTER (WHERE reject_rule = '${CONFLICT}') AS conflicts,
           count(*) FILTER (WHERE ts < prev_ts) AS out_of_order
         FROM (SELECT reject_rule, ts, lag(ts) ${order} AS prev_ts FROM requests WHERE ${mine} AND ${left}
               UNION ALL SELECT reject_rule, NULL, NULL FROM requests WHERE ${mine} AND reject_rule IS NOT NULL)`,
      );
    });
    const n = Number(counts!.n) + alreadyStored;
    const conflicts = Number(counts!.conflicts);
    let kept = Number(counts!.kept);
    const isReject = `${mine} AND reject_rule IS NOT NULL AND reject_rule <> '${CONFLICT}'`;
    const anyReject = n - kept - alreadyStored - conflicts > 0;
    const byRule = anyReject ? await query(conn, `SELECT reject_rule AS rule, count(*) AS n FROM requests WHERE ${isReject} GROUP BY rule ORDER BY n DESC, rule`) : [];
    const sample = anyReject ? await query(conn, `SELECT ${read.line} AS line, reject_reason AS reason FROM requests WHERE ${isReject} ORDER BY 1 LIMIT ${limit}`) : [];
    await conn.run('DROP TABLE IF EXISTS rej_gaps');
    const rejected = n - kept - alreadyStored - conflicts + structural.length;
    const rowsRead = n + structural.length;
    const rejectsByRule: Record<string, number> = {};
    if (structural.length) rejectsByRule.malformed = structural.length;
    for (const r of byRule) rejectsByRule[String(r.rule)] = (rejectsByRule[String(r.rule)] ?? 0) + Number(r.n);
    const rejects = [...structural, ...sample.map((r) => ({ line: Number(r.line), reason: String(r.reason) }))].sort((a, b) => a.line - b.line).slice(0, limit);
    if (Number(counts!.out_of_order) > 0) notes.push(`${counts!.out_of_order} rows have a timestamp earlier than the row before them: kept (metrics do not depend on file order)`);
    const rejectRate = rowsRead ? rejected / rowsRead : 0;
    const conflictSample = conflicts ? await conflictReasons(conn, id, read.line, limit) : [];
    const base: ImportSummary = {
      file, format: staged.format, importId: null, lineLabel: staged.lineLabel, rowsRead, kept: 0, rejected, alreadyStored: 0, conflicts, replaced: 0, rejectRate, rejectsByRule, rejects, notes,
      ...(conflicts ? { conflictLines: conflictSample } : {}),
    };
    let aborted: string | undefined;
    if (rowsRead === 0) aborted = 'the file holds no rows';
    else if (rejectRate > MAX_REJECT_RATE && !opts.acceptRejects) {
      aborted = `${rejected} of ${rowsRead} rows (${(rejectRate * 100).toFixed(2)}%) would be rejected, over the ${MAX_REJECT_RATE * 100}% limit; nothing was imported. Fix the file or pass --accept-rejects`;
    } else if (conflicts && !opts.replace) {
      const first = conflictSample[0]!;
      aborted = `${conflicts} row${conflicts > 1 ? 's conflict' : ' conflicts'} with stored rows (same request_id + attempt, other values; first at ${staged.lineLabel} ${first.line}: ${first.reason}); nothing was imported. Pass --replace to make this file win (the stored rows are replaced in the same transaction), or fix the file`;
    }
    if (aborted) {
      await conn.run('ROLLBACK');
      return { ...base, aborted };
    }
    if (conflicts) {
      // --replace: the stored rows with these keys go, this file's rows stay — one transaction.
      await match!.deleteReplaced();
      await conn.run(`UPDATE requests SET reject_rule = NULL, reject_reason = NULL WHERE ${mine} AND reject_rule = '${CONFLICT}'`);
      kept += conflicts;
      notes.push(`${conflicts} stored row${conflicts > 1 ? 's were' : ' was'} replaced by this file's version (--replace)`);
    }
    await match?.drop();
    if (match?.allStored) {
      // Nothing of this file stays: its rows are rolled back, and the import recorded on its own.
      await conn.run('ROLLBACK');
      await conn.run('BEGIN TRANSACTION');
      await unstage(); // the rollback brought back what staging made before the transaction
    } else await conn.run(`DELETE FROM requests WHERE ${mine} AND reject_rule IS NOT NULL`);
    await conn.run(`INSERT INTO imports VALUES (${id}, ${lit(file)}, ${lit(staged.format)}, ${lit(opts.today)}, ${rowsRead}, ${kept}, ${rejected}, ${alreadyStored})`);
    await conn.run('COMMIT');
    if (alreadyStored > 0) notes.push(`${alreadyStored} rows were already in the store (same request_id + attempt): skipped, not double counted`);
    return { ...base, importId: id, kept, alreadyStored, replaced: conflicts };
  } catch (err) {
    await conn.run('ROLLBACK');
    throw err;
  }
}

/** Marks every repeat of a (request_id, attempt) within one import after its first line: hash aggregate, no sort. */
async function markDuplicates(conn: DuckDBConnection, importId: number, line: string): Promise<void> {
  // Distinct hashes as many as rows proves every key distinct (a collision can only lower the
  // count): the usual file is settled by one aggregate over 64-bit hashes, not over the keys.
  const [h] = await query(conn, `SELECT count(*) AS n, count(DISTINCT hash(request_id, attempt)) AS d FROM requests WHERE import_id = ${importId} AND reject_rule IS NULL`);
  if (Number(h!.n) === Number(h!.d)) return;
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE dup_keys AS SELECT request_id, attempt, min(${line}) AS first_line
     FROM requests WHERE import_id = ${importId} AND reject_rule IS NULL GROUP BY ALL HAVING count(*) > 1`,
  );
  if ((await query(conn, 'SELECT 1 FROM dup_keys LIMIT 1')).length) {
    await conn.run(
      `UPDATE requests SET reject_rule = 'duplicate_id',
         reject_reason = 'duplicate request_id + attempt (' || requests.request_id || ', ' || requests.attempt || '), first at line ' || d.first_line
       FROM dup_keys d
       WHERE requests.import_id = ${importId} AND requests.reject_rule IS NULL AND requests.request_id = d.request_id AND requests.attempt = d.attempt AND ${line} > d.first_line`,
    );
  }
  await conn.run('DROP TABLE dup_keys');
}

/** Marks a valid row whose key an earlier import stored with other values: a correction, not a reject. */
const CONFLICT = 'conflict';

/**
 * The first `limit` conflicts in file order, each with what differs from the stored row: built for
 * the rows the report shows, not for every conflict (a corrected 50M-row file would join every row twice).
 */
async function conflictReasons(conn: DuckDBConnection, id: number, line: string, limit: number): Promise<Reject[]> {
  const cols = COLUMNS.map((c) => storeName(c));
  const diff = COLUMNS.map((c) => {
    const col = storeName(c);
    const show = (t: string) => `coalesce(CAST(${t}.${col} AS VARCHAR), 'empty')`;
    return `CASE WHEN s.${col} IS DISTINCT FROM o.${col} THEN '${c.name} ' || ${show('o')} || ' → ' || ${show('s')} END`;
  });
  const rows = await query(
    conn,
    `SELECT s.line, 'request_id + attempt (' || s.request_id || ', ' || s.attempt || ') is stored with other values: ' || concat_ws('; ', ${diff.join(', ')}) AS reason
     FROM (SELECT ${line} AS line, ${cols.join(', ')} FROM requests WHERE import_id = ${id} AND reject_rule = '${CONFLICT}' ORDER BY 1 LIMIT ${limit}) s
     JOIN (SELECT ${cols.join(', ')} FROM requests WHERE import_id <> ${id}) o ON o.request_id = s.request_id AND o.attempt = s.attempt
     ORDER BY s.line`,
  );
  return rows.map((r) => ({ line: Number(r.line), reason: String(r.reason) }));
}

/**
 * CSV read by DuckDB straight into the store: no staged copy. The reader runs in parallel with file
 * order kept, so a row's line follows from its position; rows the reader cannot split are rejected
 * with the line it reports, and shift the lines of the rows after them.
 */
async function stageCsv(conn: DuckDBConnection, file: string, notes: string[]): Promise<Staged> {
  // The same reader options for the columns as for the rows: the sniffer reads the file the same way.
  const read = `read_csv(${lit(readPath(file))}, all_varchar = true, header = true, store_rejects = true, ignore_errors = true)`;
  const cols = await columnsOf(conn, `SELECT * FROM ${read}`);
  await conn.run('DROP TABLE IF EXISTS reject_errors; DROP TABLE IF EXISTS reject_scans');
  const from = `(SELECT NULL::BIGINT AS __line, * FROM ${read})`;
  await buildStg(conn, file, from, cols, '__line', notes);
  return { format: 'csv', lineLabel: 'line', structural: [], notes, readRejects: csvLines, linesFromOrder: true };
}

/**
 * After the insert: the rows DuckDB's CSV reader rejected, and how to find a stored row's line. Rows
 * were appended in file order, so a row's line is its offset in the import (+2: header, 1-based)
 * plus the rejected lines before it. Lines are computed for the rows a report names (rejects,
 * duplicates), not stored for every row: an UPDATE of every row of a 10M-row file cost ~15% of the
 * import (the commit rewrites the column), so CSV rows keep `source_line` NULL.
 */
async function csvLines(conn: DuckDBConnection, importId: number): Promise<{ rejects: Reject[]; line: string }> {
  const rows = await query(conn, `SELECT line, arg_min(error_type, column_idx) AS error_type, arg_min(error_message, column_idx) AS error_message FROM reject_errors GROUP BY line ORDER BY line`);
  const [span] = await query(conn, `SELECT min(rowid) AS lo, max(rowid) - min(rowid) + 1 AS span, count(*) AS n FROM requests WHERE import_id = ${importId}`);
  if (Number(span!.span) !== Number(span!.n)) throw new Error(`import ${importId}: rows were not appended contiguously; cannot number lines`);
  const k = `(requests.rowid - ${span!.lo ?? 0})`;
  if (!rows.length) return { rejects: [], line: `(${k} + 2)` };
  // g = line − 1 − j for the j-th rejected line: the row at offset k sits after the rejects with g ≤ k.
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE rej_gaps AS SELECT g, max(j) AS j FROM (SELECT line - 1 - row_number() OVER (ORDER BY line) AS g, row_number() OVER (ORDER BY line) AS j FROM (SELECT DISTINCT line FROM reject_errors)) GROUP BY g`,
  );
  return {
    rejects: rows.map((r) => ({ line: Number(r.line), reason: `malformed CSV (${String(r.error_type).toLowerCase()}): ${String(r.error_message).split('\n')[0]}` })),
    line: `(${k} + 2 + coalesce((SELECT max(x.j) FROM rej_gaps x WHERE x.g <= ${k}), 0))`,
  };
}

/** JSONL: DuckDB reads each line as text and parses it, so a bad line is reported with its number. */
async function stageJsonl(conn: DuckDBConnection, file: string, notes: string[]): Promise<Staged> {
  await stageJsonLines(conn, file);
  const bad = await query(conn, `SELECT line FROM json_lines WHERE NOT ok ORDER BY line`);
  const structural = bad.map((r) => ({ line: Number(r.line), reason: 'malformed JSON: not a JSON object' }));
  const keys = (await query(conn, `SELECT DISTINCT unnest(json_keys(doc)) AS k FROM json_lines WHERE ok`)).map((r) => String(r.k));
  const fields = keys.map((k) => `json_extract_string(doc, ${lit(`$."${k.replace(/"/g, '')}"`)}) AS ${ident(k)}`);
  await conn.run(`CREATE TEMP TABLE json_fields AS SELECT line AS __line${fields.length ? ', ' + fields.join(', ') : ''} FROM json_lines WHERE ok`);
  await buildStg(conn, file, 'json_fields', keys, '__line', notes);
  await conn.run('DROP TABLE json_lines');
  return { format: 'jsonl', lineLabel: 'line', structural, notes, cleanup: ['json_fields'] };
}

/** Parquet: typed columns are checked as the values they are, text columns as text; rows are numbered from 1. */
async function stageParquet(conn: DuckDBConnection, file: string, notes: string[]): Promise<Staged> {
  const from = `read_parquet(${lit(readPath(file))}, file_row_number = true)`;
  const described = (await query(conn, `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${from})`)).filter((r) => r.column_name !== 'file_row_number');
  const cols = described.map((r) => String(r.column_name));
  const typed = await buildStg(conn, file, from, cols, 'file_row_number + 1', notes, new Map(described.map((r) => [String(r.column_name), String(r.column_type)])));
  return { format: 'parquet', lineLabel: 'row', structural: [], notes, typed };
}

export type { Row };
