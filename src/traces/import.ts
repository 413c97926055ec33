import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import type { DuckDBConnection } from '@duckdb/node-api';
import { RoutefitError } from '../engine/errors.js';
import { checkCompressed, readPath } from './input-files.js';
import { type Row, type Store, ident, lit, query, transaction } from './db.js';
import { type KeyMatch, matchStoredKeys } from './key-match.js';
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
 * reader through the typed checks straight into `requests` in one streaming pass, in any order
 * (a 10M-row file is read once and written once). Rejected rows never enter `requests`: they are
 * kept with their line in the temp table `imp_rejects` (a DELETE, before COMMIT, of rows the
 * transaction appended makes DuckDB append every row of the transaction a second time: 2–4 CPU-s
 * per 1M rows, issue 14). Where their lines come from is per format (`insertCsvRows`, `insertLinedRows`).
 */
export async function checkAndInsert(store: Store, file: string, staged: Staged, opts: ImportOptions): Promise<ImportSummary> {
  const { conn } = store;
  const cols = COLUMNS.map((c) => storeName(c));
  const limit = opts.showRejects ?? 20;
  const notes = [...staged.notes];
  const check = checkSql(opts.timestampWindow ?? DEFAULT_TIMESTAMP_WINDOW, staged.typed ?? new Map());
  await conn.run('BEGIN TRANSACTION');
  try {
    const [{ id }] = (await query(conn, 'SELECT coalesce(max(import_id), 0) + 1 AS id FROM imports')) as [{ id: number }];
    const mine = `import_id = ${id}`;
    const stored = (await query(conn, 'SELECT 1 FROM requests LIMIT 1')).length > 0;
    const insertFrom = (from: string, line: string) =>
      `INSERT INTO requests (${cols.join(', ')}, import_id, source_line, reject_rule, reject_reason) SELECT ${cols.map((c) => `c.${c}`).join(', ')}, ${id}, ${line}, NULL, NULL FROM ${from}`;
    await conn.run('DROP TABLE IF EXISTS imp_rejects');
    const rows = staged.linesFromOrder ? await insertCsvRows(conn, file, id, check, insertFrom, staged) : await insertLinedRows(conn, file, id, check, insertFrom, staged);
    const unstage = async () => {
      await conn.run('DROP VIEW IF EXISTS stg');
      for (const t of staged.cleanup ?? []) await dropRelation(conn, t);
    };
    await unstage();
    // Idempotence and corrections (key-match.ts): same key and values skipped, other values a conflict.
    // Not run when no key of the file can be stored (rows.mayMatchStored: the CSV's key hashes are known before the insert).
    const match = stored && (await rows.mayMatchStored()) ? await matchStoredKeys(conn, id, cols, CONFLICT, opts.keyMatchPartitionRows) : undefined;
    const alreadyStored = match?.alreadyStored ?? 0;
    const structural = [...staged.structural, ...rows.structural];
    const [counts] = await query(conn, `SELECT count(*) FILTER (WHERE reject_rule IS NULL) AS kept, count(*) FILTER (WHERE reject_rule = '${CONFLICT}') AS conflicts FROM requests WHERE ${mine}`);
    // None of the valid rows stays when the match found every one stored (rolled back below, not deleted).
    const outOfOrder = await rows.outOfOrder(match);
    const n = rows.read;
    const conflicts = Number(counts!.conflicts);
    let kept = match?.allStored ? 0 : Number(counts!.kept);
    // Every reject of the rules and every repeat, whether kept aside or (repeats of a lined format) still marked in requests.
    const isReject = `${mine} AND reject_rule IS NOT NULL AND reject_rule <> '${CONFLICT}'`;
    const allRejects = `SELECT line, rule, reason FROM imp_rejects UNION ALL SELECT source_line, reject_rule, reject_reason FROM requests WHERE ${isReject}`;
    const anyReject = n - kept - alreadyStored - conflicts > 0;
    const byRule = anyReject ? await query(conn, `SELECT rule, count(*) AS n FROM (${allRejects}) GROUP BY rule ORDER BY n DESC, rule`) : [];
    const sample = anyReject ? await query(conn, `SELECT line, reason FROM (${allRejects}) ORDER BY 1 LIMIT ${limit}`) : [];
    const rejected = n - kept - alreadyStored - conflicts + structural.length;
    const rowsRead = n + structural.length;
    const rejectsByRule: Record<string, number> = {};
    if (structural.length) rejectsByRule.malformed = structural.length;
    for (const r of byRule) rejectsByRule[String(r.rule)] = (rejectsByRule[String(r.rule)] ?? 0) + Number(r.n);
    const rejects = [...structural, ...sample.map((r) => ({ line: Number(r.line), reason: String(r.reason) }))].sort((a, b) => a.line - b.line).slice(0, limit);
    if (outOfOrder > 0) notes.push(`${outOfOrder} rows have a timestamp earlier than the row before them: kept (metrics do not depend on file order)`);
    const rejectRate = rowsRead ? rejected / rowsRead : 0;
    const conflictSample = conflicts ? await conflictReasons(conn, id, rows.conflictRows, limit) : [];
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
    await dropImportTables(conn);
    if (match?.allStored) {
      // Nothing of this file stays: its rows are rolled back, and the import recorded on its own.
      await conn.run('ROLLBACK');
      await conn.run('BEGIN TRANSACTION');
      await unstage(); // the rollback brought back what staging made before the transaction
    } else if (rows.rejectsInStore()) await conn.run(`DELETE FROM requests WHERE ${mine} AND reject_rule IS NOT NULL`);
    await conn.run(`INSERT INTO imports VALUES (${id}, ${lit(file)}, ${lit(staged.format)}, ${lit(opts.today)}, ${rowsRead}, ${kept}, ${rejected}, ${alreadyStored})`);
    await conn.run('COMMIT');
    if (alreadyStored > 0) notes.push(`${alreadyStored} rows were already in the store (same request_id + attempt): skipped, not double counted`);
    return { ...base, importId: id, kept, alreadyStored, replaced: conflicts };
  } catch (err) {
    await conn.run('ROLLBACK');
    throw err;
  }
}

/** What the insert step leaves for the rest of the import (the rejects themselves are in `imp_rejects`). */
interface InsertedRows {
  /** Rows the reader returned (its own structural rejects not included). */
  read: number;
  /** The reader's structural rejects (CSV), with their lines. */
  structural: Reject[];
  /** Rows whose timestamp is earlier than the row before them, among the rows that stay, in file order. */
  outOfOrder(match: KeyMatch | undefined): Promise<number>;
  /** SQL: this import's conflict rows, each with its `line` and the stored columns. */
  conflictRows: string;
  /** Repeats still marked in `requests` (deleted before COMMIT). */
  rejectsInStore(): boolean;
  /** False when no row of this import can share its key with a stored row: the key match is then not run. */
  mayMatchStored(): Promise<boolean>;
}

type InsertFrom = (from: string, line: string) => string;

/** Temp tables of one import, dropped before its transaction ends. */
async function dropImportTables(conn: DuckDBConnection): Promise<void> {
  await conn.run('DROP TABLE IF EXISTS imp_rejects; DROP TABLE IF EXISTS imp_side; DROP TABLE IF EXISTS imp_rep; DROP TABLE IF EXISTS imp_ord; DROP TABLE IF EXISTS rej_gaps');
}

/**
 * The import reads the file more than once (the rows, then the lines of the few that need one):
 * when two reads disagree the file changed under it (still being written, or replaced). Refused
 * inside the transaction, so nothing is imported, with what to do.
 */
export function readsDiffer(file: string, detail: string): RoutefitError {
  return new RoutefitError(
    'invalid_input',
    `${file}: the file gave other rows on another read (${detail}): it changed while it was imported. Nothing was imported; re-run the import when the file is no longer being written`,
    { field: 'file' },
  );
}

const changed = async (conn: DuckDBConnection, sql: string) => Number((await conn.run(sql)).rowsChanged);

/**
 * Formats whose rows carry their line in a column (Parquet, JSONL, OTel, mapped): the rows that
 * pass go in, any order; the rule rejects, only when the count says there are some, are read again
 * (their lines are in the column). Repeats within the file are found on the stored rows, which
 * carry their line, and deleted before COMMIT (as before: a file with repeats pays that).
 */
async function insertLinedRows(conn: DuckDBConnection, file: string, id: number, check: string, insertFrom: InsertFrom, staged: Staged): Promise<InsertedRows> {
  const mine = `import_id = ${id}`;
  const passed = await changed(conn, insertFrom(`(${check}) c WHERE c.rule IS NULL`, 'c.line'));
  const [{ n }] = (await query(conn, 'SELECT count(*) AS n FROM stg')) as [{ n: number }];
  await conn.run('CREATE TEMP TABLE imp_rejects (line BIGINT, rule VARCHAR, reason VARCHAR)');
  if (n > passed) {
    const rejected = await changed(conn, `INSERT INTO imp_rejects SELECT c.line, c.rule, c.reason FROM (${check}) c WHERE c.rule IS NOT NULL`);
    if (passed + rejected !== n) throw readsDiffer(file, `the checks gave ${passed} good and ${rejected} rejected rows of ${n}`);
  }
  // Repeats of a key within the file first: only a key's first line meets the stored rows, so
  // `--replace` can never store two copies of one key (and a re-import rejects the repeats the
  // first import rejected).
  const repeats = await markDuplicates(conn, id, 'requests.source_line');
  const lagged = (from: string, over: string) => `SELECT count(*) FILTER (WHERE ts < prev_ts) AS n FROM (SELECT ts, lag(ts) OVER (${over}) AS prev_ts FROM (${from}))`;
  // Every row of the file went in (none rejected, none repeated): their timestamps are read from the
  // file in order, only that column (10M typed Parquet: 0.15 CPU-s, against 0.84 for the stored rows
  // sorted by line). Counted now, while `stg` exists; used unless the match leaves rows out.
  let everyRow: number | undefined;
  if (staged.inFileOrder && n === passed && repeats === 0) {
    await inFileOrder(conn, async () => void (everyRow = Number((await query(conn, lagged(`SELECT c.ts FROM (${check}) c`, '')))[0]!.n)));
  }
  return {
    read: n,
    structural: [],
    outOfOrder: async (match) => {
      if (match?.allStored) return 0;
      if (everyRow !== undefined && !match?.alreadyStored && !match?.conflicts) return everyRow;
      const [r] = await query(conn, `SELECT count(*) FILTER (WHERE ts < prev_ts) AS n FROM (SELECT ts, lag(ts) OVER (ORDER BY source_line) AS prev_ts FROM requests WHERE ${mine} AND reject_rule IS NULL)`);
      return Number(r!.n);
    },
    conflictRows: `SELECT source_line AS line, * FROM requests WHERE ${mine} AND reject_rule = '${CONFLICT}'`,
    rejectsInStore: () => repeats > 0,
    mayMatchStored: async () => true,
  };
}

/**
 * CSV (issue 14): DuckDB's CSV reader gives a row no line number, and keeping file order in the
 * insert cost ~1.0 CPU-s per 1M rows. Here order is kept only in narrow reads:
 * 1. `imp_ord`, in file order: each row's checked timestamp and a 64-bit hash of its checked key
 *    (rowid = the row's index among the rows the reader returned; its line follows from it and the
 *    reader's rejected lines). Keys whose hash repeats are `imp_rep`.
 * 2. The rows that pass the checks and whose key hash does not repeat go into `requests`, any order.
 * 3. Only when some rows were left out: a second ordered read keeps those rows (`imp_side`, with
 *    their index): the rejects, and the rows whose key repeats, of which the first line that passes
 *    is inserted and the later ones are rejected as repeats.
 * Nothing is deleted from `requests` but rows already stored (key-match.ts).
 */
async function insertCsvRows(conn: DuckDBConnection, file: string, id: number, check: string, insertFrom: InsertFrom, staged: Staged): Promise<InsertedRows> {
  const mine = `import_id = ${id}`;
  const keyHash = (t: string) => `hash(${t}.request_id, ${t}.attempt)`;
  await inFileOrder(conn, `CREATE TEMP TABLE imp_ord AS SELECT c.ts, ${keyHash('c')} AS h FROM (${check}) c`);
  const { rejects: structural, lineOf } = await staged.readRejects!(conn);
  const [o] = await query(conn, 'SELECT count(*) AS n, count(DISTINCT h) AS d, CAST(min(rowid) AS VARCHAR) AS lo, max(rowid) - min(rowid) + 1 AS span FROM imp_ord');
  const n = Number(o!.n);
  // A table made inside the transaction numbers its rows from DuckDB's transaction-local row id on: k = rowid − lo.
  if (n && Number(o!.span) !== n) throw readsDiffer(file, `the ordered read of its ${n} rows was not stored contiguously, so lines cannot be numbered`);
  const k = `(rowid - ${BigInt(String(o!.lo ?? '0'))})`;
  // As many distinct hashes as rows proves every key distinct (a collision can only lower the count).
  const repeated = Number(o!.d) !== n;
  if (repeated) await conn.run('CREATE TEMP TABLE imp_rep AS SELECT h FROM imp_ord GROUP BY h HAVING count(*) > 1');
  const hasRepeat = (t: string) => `${keyHash(t)} IN (SELECT h FROM imp_rep)`;
  let kept = await changed(conn, insertFrom(`(${check}) c WHERE c.rule IS NULL${repeated ? ` AND NOT ${hasRepeat('c')}` : ''}`, 'NULL'));
  let aside = 0;
  if (kept > n) throw readsDiffer(file, `${kept} rows passed the checks, but the first read returned ${n}`);
  if (kept < n) {
    // The filter runs after row_number(), so k is the row's index in the file (the ordered read's rowid).
    await inFileOrder(
      conn,
      `CREATE TEMP TABLE imp_side AS SELECT * FROM (SELECT row_number() OVER () - 1 AS k, c.* FROM (${check}) c) c WHERE c.rule IS NOT NULL${repeated ? ` OR ${hasRepeat('c')}` : ''}`,
    );
    await conn.run(`UPDATE imp_side SET line = ${lineOf('k')}`);
    // Repeats of a key: among the rows that pass, the first line stays, later lines are rejected.
    await conn.run(
      `UPDATE imp_side SET rule = 'duplicate_id', reason = 'duplicate request_id + attempt (' || imp_side.request_id || ', ' || imp_side.attempt || '), first at line ' || d.first_line
       FROM (SELECT request_id, attempt, min(line) AS first_line FROM imp_side WHERE rule IS NULL GROUP BY ALL HAVING count(*) > 1) d
       WHERE imp_side.rule IS NULL AND imp_side.request_id = d.request_id AND imp_side.attempt = d.attempt AND imp_side.line > d.first_line`,
    );
    kept += await changed(conn, insertFrom('imp_side c WHERE c.rule IS NULL', 'NULL'));
    await conn.run('CREATE TEMP TABLE imp_rejects AS SELECT line, rule, reason FROM imp_side WHERE rule IS NOT NULL');
    aside = Number((await query(conn, 'SELECT count(*) AS n FROM imp_rejects'))[0]!.n);
    if (kept + aside !== n) throw readsDiffer(file, `${kept} rows kept and ${aside} rejected, but the first read returned ${n}`);
  } else await conn.run('CREATE TEMP TABLE imp_rejects (line BIGINT, rule VARCHAR, reason VARCHAR)');
  // The ordered rows that may stay: every row but the rejects. A row in `requests` is found in it by
  // its key hash: the rows that stay have distinct keys, and a hash that repeats in the file is only
  // in `imp_side`, whose rejects are left out here by index (64-bit odds, as key-match.ts takes).
  const candidates = `SELECT ${k} AS k, ts, h FROM imp_ord${aside ? ` WHERE ${k} NOT IN (SELECT k FROM imp_side WHERE rule IS NOT NULL)` : ''}`;
  return {
    read: n,
    structural,
    outOfOrder: async (match) => {
      if (match?.allStored) return 0;
      const lagged = (from: string, over: string) => `SELECT count(*) FILTER (WHERE ts < prev_ts) AS n FROM (SELECT ts, lag(ts) OVER (${over}) AS prev_ts FROM (${from}))`;
      let r: Row | undefined;
      if (!aside && !match?.alreadyStored && !match?.conflicts) {
        // Every row stays: one streaming scan of the ordered table, in rowid order.
        await inFileOrder(conn, async () => void ([r] = await query(conn, lagged('SELECT ts FROM imp_ord', ''))));
      } else {
        const staying = match?.alreadyStored || match?.conflicts ? `SELECT k, ts FROM (${candidates}) o WHERE o.h IN (SELECT ${keyHash('requests')} FROM requests WHERE ${mine} AND reject_rule IS NULL)` : candidates;
        [r] = await query(conn, lagged(staying, 'ORDER BY k'));
      }
      return Number(r!.n);
    },
    conflictRows: `SELECT ${lineOf('o.k')} AS line, r.* FROM requests r JOIN (${candidates}) o ON o.h = ${keyHash('r')} WHERE r.${mine} AND r.reject_rule = '${CONFLICT}'`,
    rejectsInStore: () => false,
    // A file none of whose key hashes is stored has no stored key (equal keys hash alike): the key
    // match, whose first join hashes every column of every stored row and of every new row, is not
    // run (a new day's file into a store). A semi-join of the stored keys' hashes with `imp_ord`'s.
    mayMatchStored: async () =>
      (await query(conn, `SELECT 1 FROM requests r WHERE r.import_id <> ${id} AND ${keyHash('r')} IN (SELECT h FROM imp_ord) LIMIT 1`)).length > 0,
  };
}

/** Marks every repeat of a (request_id, attempt) within one import after its first line: hash aggregate, no sort. Returns the repeats marked. */
async function markDuplicates(conn: DuckDBConnection, importId: number, line: string): Promise<number> {
  // Distinct hashes as many as rows proves every key distinct (a collision can only lower the
  // count): the usual file is settled by one aggregate over 64-bit hashes, not over the keys.
  const [h] = await query(conn, `SELECT count(*) AS n, count(DISTINCT hash(request_id, attempt)) AS d FROM requests WHERE import_id = ${importId} AND reject_rule IS NULL`);
  if (Number(h!.n) === Number(h!.d)) return 0;
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE dup_keys AS SELECT request_id, attempt, min(${line}) AS first_line
     FROM requests WHERE import_id = ${importId} AND reject_rule IS NULL GROUP BY ALL HAVING count(*) > 1`,
  );
  let marked = 0;
  if ((await query(conn, 'SELECT 1 FROM dup_keys LIMIT 1')).length) {
    marked = await changed(
      conn,
      `UPDATE requests SET reject_rule = 'duplicate_id',
         reject_reason = 'duplicate request_id + attempt (' || requests.request_id || ', ' || requests.attempt || '), first at line ' || d.first_line
       FROM dup_keys d
       WHERE requests.import_id = ${importId} AND requests.reject_rule IS NULL AND requests.request_id = d.request_id AND requests.attempt = d.attempt AND ${line} > d.first_line`,
    );
  }
  await conn.run('DROP TABLE dup_keys');
  return marked;
}

/** Marks a valid row whose key an earlier import stored with other values: a correction, not a reject. */
const CONFLICT = 'conflict';

/**
 * The first `limit` conflicts in file order, each with what differs from the stored row: built for
 * the rows the report shows, not for every conflict (a corrected 50M-row file would join every row twice).
 */
async function conflictReasons(conn: DuckDBConnection, id: number, conflictRows: string, limit: number): Promise<Reject[]> {
  const cols = COLUMNS.map((c) => storeName(c));
  const diff = COLUMNS.map((c) => {
    const col = storeName(c);
    const show = (t: string) => `coalesce(CAST(${t}.${col} AS VARCHAR), 'empty')`;
    return `CASE WHEN s.${col} IS DISTINCT FROM o.${col} THEN '${c.name} ' || ${show('o')} || ' → ' || ${show('s')} END`;
  });
  const rows = await query(
    conn,
    `SELECT s.line, 'request_id + attempt (' || s.request_id || ', ' || s.attempt || ') is stored with other values: ' || concat_ws('; ', ${diff.join(', ')}) AS reason
     FROM (SELECT line, ${cols.join(', ')} FROM (${conflictRows}) ORDER BY 1 LIMIT ${limit}) s
     JOIN (SELECT ${cols.join(', ')} FROM requests WHERE import_id <> ${id}) o ON o.request_id = s.request_id AND o.attempt = s.attempt
     ORDER BY s.line`,
  );
  return rows.map((r) => ({ line: Number(r.line), reason: String(r.reason) }));
}

/**
 * CSV read by DuckDB straight into the store: no staged copy. A row's line follows from its index
 * in an ordered read (insertCsvRows); rows the reader cannot split are rejected with the line it
 * reports, and shift the lines of the rows after them.
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
 * After the first read: the rows DuckDB's CSV reader rejected, and the line of the row at index k
 * (0-based among the rows it returned): k + 2 (header, 1-based) plus the rejected lines before it.
 * Lines are computed for the rows a report names (rejects, repeats, conflicts), not stored for
 * every row (an UPDATE of every row of a 10M-row file cost ~15% of the import), so CSV rows keep
 * `source_line` NULL. Every read of the file appends its rejects again: lines are taken distinct.
 */
async function csvLines(conn: DuckDBConnection): Promise<{ rejects: Reject[]; lineOf: (k: string) => string }> {
  const rows = await query(conn, `SELECT line, arg_min(error_type, column_idx) AS error_type, arg_min(error_message, column_idx) AS error_message FROM reject_errors GROUP BY line ORDER BY line`);
  if (!rows.length) return { rejects: [], lineOf: (k) => `(${k} + 2)` };
  // g = line − 1 − j for the j-th rejected line: the row at index k sits after the rejects with g ≤ k.
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE rej_gaps AS SELECT g, max(j) AS j FROM (SELECT line - 1 - row_number() OVER (ORDER BY line) AS g, row_number() OVER (ORDER BY line) AS j FROM (SELECT DISTINCT line FROM reject_errors)) GROUP BY g`,
  );
  return {
    rejects: rows.map((r) => ({ line: Number(r.line), reason: `malformed CSV (${String(r.error_type).toLowerCase()}): ${String(r.error_message).split('\n')[0]}` })),
    lineOf: (k) => `(${k} + 2 + coalesce((SELECT max(x.j) FROM rej_gaps x WHERE x.g <= ${k}), 0))`,
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
  return { format: 'parquet', lineLabel: 'row', structural: [], notes, typed, inFileOrder: true };
}

export type { Row };
