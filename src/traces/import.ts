import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { RoutefitError } from '../engine/errors.js';
import { type Row, type Store, ident, lit, query, transaction } from './db.js';
import { stageOtel } from './importers/otel.js';
import { MAPPED, detectMapped, mappedStager } from './importers/mapped.js';
import { LEDGER_FORMATS, type LedgerFormat, detectLedger, importLedger } from './ledgers.js';
import { loadCatalog } from '../catalog/load.js';
import type { Catalog } from '../catalog/types.js';
import { AMBIGUOUS_UNITS, COLUMNS, COLUMN_NAMES, type Column, SECONDS_TWINS } from './schema.js';

/**
 * Import pipeline (issue 5, "Importers"): every format is staged by DuckDB into one temp table of
 * VARCHAR columns named as the normalized row (`stg`, plus `line`), then checked and inserted by the
 * same SQL. No row passes through JS, so a 10M-row file costs what DuckDB's reader costs.
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
  /** Valid rows whose (request_id, attempt) is already in the store: skipped, so re-imports never double count. */
  alreadyStored: number;
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
  today: string;
  /** How many rejects to list (all are counted). */
  showRejects?: number;
  /** Maps invoice provider names to catalog ids (default: the bundled catalog). */
  catalog?: Catalog;
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
   * For readers that find malformed rows while the rows stream into the store (CSV): returns them
   * once the insert has run, with a SQL expression giving a stored row's file line (for reports).
   */
  readRejects?: (conn: DuckDBConnection, importId: number) => Promise<{ rejects: Reject[]; line: string }>;
  /**
   * Lines follow from insertion order (CSV): the insert must keep file order. Other formats carry
   * their line in a column and insert in any order — an order-keeping insert of 10M rows costs a
   * ~10 s checkpoint when the store closes.
   */
  linesFromOrder?: boolean;
}

export type Stager = (conn: DuckDBConnection, file: string, notes: string[]) => Promise<Staged>;

export function detectFormat(file: string): string {
  const f = file.toLowerCase().replace(/\.(gz|zst)$/, '');
  const head = () => {
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(65536);
      return buf.subarray(0, readSync(fd, buf, 0, buf.length, 0)).toString('utf8');
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
       SELECT ${cols.map((c) => `c.${c}`).join(', ')}, ${id}, c.line, c.rule, c.reason FROM (${checkSql()}) c`;
    if (staged.linesFromOrder) await inFileOrder(conn, insert);
    else await conn.run(insert);
    await conn.run('DROP VIEW stg');
    for (const t of staged.cleanup ?? []) await dropRelation(conn, t);
    const read = staged.readRejects ? await staged.readRejects(conn, id) : { rejects: [], line: 'requests.source_line' };
    // Idempotence: a valid row whose (request_id, attempt) an earlier import stored is marked, then dropped below.
    if (stored) {
      await conn.run(
        `UPDATE requests SET reject_rule = '${ALREADY_STORED}'
         FROM (SELECT request_id AS k_id, attempt AS k_attempt FROM requests WHERE import_id <> ${id}) k
         WHERE requests.${mine} AND requests.reject_rule IS NULL AND k.k_id = requests.request_id AND k.k_attempt = requests.attempt`,
      );
    }
    const structural = [...staged.structural, ...read.rejects];
    await markDuplicates(conn, id, read.line);
    // One scan in file order: the counts, and rows whose timestamp is earlier than the valid row
    // before them. CSV rows are stored in file order (a streaming lag in rowid order, which the scan
    // keeps only with preserve_insertion_order); other formats are ordered by their line column.
    const order = staged.linesFromOrder ? 'OVER ()' : 'OVER (ORDER BY source_line)';
    let counts: Row | undefined;
    await inFileOrder(conn, async () => {
      [counts] = await query(
        conn,
        `SELECT count(*) AS n, count(*) FILTER (WHERE reject_rule IS NULL) AS kept, count(*) FILTER (WHERE reject_rule = '${ALREADY_STORED}') AS already,
           count(*) FILTER (WHERE ts < prev_ts) AS out_of_order
         FROM (SELECT reject_rule, ts, lag(ts) ${order} AS prev_ts FROM requests WHERE ${mine} AND reject_rule IS NULL
               UNION ALL SELECT reject_rule, NULL, NULL FROM requests WHERE ${mine} AND reject_rule IS NOT NULL)`,
      );
    });
    const n = Number(counts!.n);
    const kept = Number(counts!.kept);
    const alreadyStored = Number(counts!.already);
    const isReject = `${mine} AND reject_rule IS NOT NULL AND reject_rule <> '${ALREADY_STORED}'`;
    const anyReject = n - kept - alreadyStored > 0;
    const byRule = anyReject ? await query(conn, `SELECT reject_rule AS rule, count(*) AS n FROM requests WHERE ${isReject} GROUP BY rule ORDER BY n DESC, rule`) : [];
    const sample = anyReject ? await query(conn, `SELECT ${read.line} AS line, reject_reason AS reason FROM requests WHERE ${isReject} ORDER BY 1 LIMIT ${limit}`) : [];
    await conn.run('DROP TABLE IF EXISTS rej_gaps');
    const rejected = n - kept - alreadyStored + structural.length;
    const rowsRead = n + structural.length;
    const rejectsByRule: Record<string, number> = {};
    if (structural.length) rejectsByRule.malformed = structural.length;
    for (const r of byRule) rejectsByRule[String(r.rule)] = (rejectsByRule[String(r.rule)] ?? 0) + Number(r.n);
    const rejects = [...structural, ...sample.map((r) => ({ line: Number(r.line), reason: String(r.reason) }))].sort((a, b) => a.line - b.line).slice(0, limit);
    if (Number(counts!.out_of_order) > 0) notes.push(`${counts!.out_of_order} rows have a timestamp earlier than the row before them: kept (metrics do not depend on file order)`);
    const rejectRate = rowsRead ? rejected / rowsRead : 0;
    const base: ImportSummary = { file, format: staged.format, importId: null, lineLabel: staged.lineLabel, rowsRead, kept: 0, rejected, alreadyStored: 0, rejectRate, rejectsByRule, rejects, notes };
    let aborted: string | undefined;
    if (rowsRead === 0) aborted = 'the file holds no rows';
    else if (rejectRate > MAX_REJECT_RATE && !opts.acceptRejects) {
      aborted = `${rejected} of ${rowsRead} rows (${(rejectRate * 100).toFixed(2)}%) would be rejected, over the ${MAX_REJECT_RATE * 100}% limit; nothing was imported. Fix the file or pass --accept-rejects`;
    }
    if (aborted) {
      await conn.run('ROLLBACK');
      return { ...base, aborted };
    }
    await conn.run(`DELETE FROM requests WHERE ${mine} AND reject_rule IS NOT NULL`);
    await conn.run(`INSERT INTO imports VALUES (${id}, ${lit(file)}, ${lit(staged.format)}, ${lit(opts.today)}, ${rowsRead}, ${kept}, ${rejected}, ${alreadyStored})`);
    await conn.run('COMMIT');
    if (alreadyStored > 0) notes.push(`${alreadyStored} rows were already in the store (same request_id + attempt): skipped, not double counted`);
    return { ...base, importId: id, kept, alreadyStored };
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

/** Marks a valid row whose key an earlier import stored: not a reject, not stored twice. */
const ALREADY_STORED = 'already_stored';

const storeName = (c: Column) => (c.name === 'timestamp' ? 'ts' : c.name);

/**
 * `x = a OR x = b …`, not `x IN (a, b …)`: DuckDB plans a constant IN list as a MARK hash join, and
 * that join does not keep the rows in file order, which the insert needs (line numbers, out-of-order count).
 */
const oneOf = (x: string, values: readonly string[]) => `(${values.map((val) => `${x} = ${lit(val)}`).join(' OR ')})`;

/** The one SQL that types and checks a staged row. `reason` is NULL for a good row; `rule` groups rejects. */
function checkSql(): string {
  const v = (name: string) => `stg.${ident(name)}`;
  // Each numeric column is parsed once, in the `stg` CTE below, as n_<name>.
  const num = (name: string) => `stg.n_${name}`;
  const isCount = (name: string) => `(${num(name)} IS NOT NULL AND isfinite(${num(name)}) AND ${num(name)} >= 0 AND ${num(name)} = floor(${num(name)}))`;
  // The common spellings are matched as they are; lower() (a string copy) only runs on the rest.
  const bool = (name: string) =>
    `CASE ${v(name)} WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE ELSE CASE WHEN ${oneOf(`lower(${v(name)})`, ['true', 't', '1', 'yes', 'y'])} THEN TRUE WHEN ${oneOf(`lower(${v(name)})`, ['false', 'f', '0', 'no', 'n'])} THEN FALSE END END`;
  const typed: string[] = ['stg.line AS line'];
  const checks: { rule: string; when: string; message: string }[] = [];
  for (const c of COLUMNS) {
    const out = storeName(c);
    switch (c.kind) {
      case 'timestamp':
        typed.push(
          // Dates contain '-', epoch numbers do not; a TIMESTAMPTZ cast honours an offset (a TIMESTAMP cast drops it) and reads none as UTC (db.ts sets TimeZone).
          `CASE WHEN contains(${v(c.name)}, '-') THEN timezone('UTC', TRY_CAST(${v(c.name)} AS TIMESTAMPTZ))
           WHEN regexp_full_match(${v(c.name)}, '[0-9]+(\\.[0-9]+)?') THEN
             timezone('UTC', to_timestamp(CASE WHEN CAST(${v(c.name)} AS DOUBLE) >= 1e11 THEN CAST(${v(c.name)} AS DOUBLE) / 1000 ELSE CAST(${v(c.name)} AS DOUBLE) END))
           ELSE timezone('UTC', TRY_CAST(${v(c.name)} AS TIMESTAMPTZ)) END AS ts`,
        );
        checks.push({ rule: 'bad_timestamp', when: `raw_${c.name} IS NOT NULL AND ts IS NULL`, message: `'timestamp is "' || raw_${c.name} || '"; allowed ISO 8601 or epoch seconds/milliseconds'` });
        break;
      case 'text':
        typed.push(c.values ? `CASE WHEN ${oneOf(v(c.name), c.values)} THEN ${v(c.name)} ELSE lower(${v(c.name)}) END AS ${out}` : `${v(c.name)} AS ${out}`);
        if (c.values) {
          checks.push({
            rule: `bad_${c.name}`,
            when: `${out} IS NOT NULL AND NOT ${oneOf(out, c.values)}`,
            message: `'${c.name} is "' || ${out} || '"; allowed ${c.values.join(', ')}'`,
          });
        }
        break;
      case 'count':
        typed.push(`CASE WHEN ${isCount(c.name)} THEN CAST(${num(c.name)} AS BIGINT) END AS ${out}`);
        checks.push({
          rule: `negative_${c.name}`,
          when: `starts_with(raw_${c.name}, '-') AND TRY_CAST(raw_${c.name} AS DOUBLE) < 0`,
          message: `'${c.name} is ' || raw_${c.name} || '; allowed an integer ≥ 0 (tokens)'`,
        });
        checks.push({
          rule: `bad_${c.name}`,
          when: `raw_${c.name} IS NOT NULL AND ${out} IS NULL`,
          message: `'${c.name} is "' || raw_${c.name} || '"; allowed an integer ≥ 0 (tokens)'`,
        });
        break;
      case 'attempt':
        typed.push(`CASE WHEN ${v(c.name)} IS NULL THEN 0 WHEN ${isCount(c.name)} AND ${num(c.name)} <= 1000 THEN CAST(${num(c.name)} AS INTEGER) END AS ${out}`);
        checks.push({ rule: 'bad_attempt', when: `${out} IS NULL`, message: `'attempt is ' || raw_${c.name} || '; allowed an integer 0 ≤ value ≤ 1000 (0 = first try)'` });
        break;
      case 'ms':
      case 'usd':
        typed.push(`CASE WHEN isfinite(${num(c.name)}) AND ${num(c.name)} >= 0 THEN ${num(c.name)} END AS ${out}`);
        checks.push({
          rule: `bad_${c.name}`,
          when: `raw_${c.name} IS NOT NULL AND ${out} IS NULL`,
          message: `'${c.name} is ' || raw_${c.name} || '; allowed a number ≥ 0 ${c.kind === 'ms' ? '(milliseconds)' : '(USD)'}'`,
        });
        break;
      case 'bool':
        typed.push(`coalesce(${bool(c.name)}, CASE WHEN ${v(c.name)} IS NULL THEN FALSE END) AS ${out}`);
        checks.push({ rule: `bad_${c.name}`, when: `${out} IS NULL`, message: `'${c.name} is "' || raw_${c.name} || '"; allowed true or false'` });
        break;
    }
    typed.push(`${v(c.name)} AS raw_${c.name}`);
  }
  // Required fields and relations between fields, checked after the per-field ones.
  const pre: typeof checks = [
    { rule: 'missing_request_id', when: 'request_id IS NULL', message: `'request_id is missing'` },
    { rule: 'missing_timestamp', when: 'raw_timestamp IS NULL', message: `'timestamp is missing'` },
    { rule: 'missing_model', when: 'model IS NULL AND route IS NULL', message: `'model and route are both missing; one names what was called'` },
    { rule: 'missing_input_tokens', when: 'raw_input_tokens IS NULL', message: `'input_tokens is missing'` },
    { rule: 'missing_output_tokens', when: 'raw_output_tokens IS NULL', message: `'output_tokens is missing'` },
  ];
  const post: typeof checks = [
    {
      rule: 'cached_exceeds_input',
      when: 'coalesce(cached_input_tokens, 0) + coalesce(cache_write_tokens, 0) > input_tokens',
      message: `'cached_input_tokens + cache_write_tokens (' || (coalesce(cached_input_tokens, 0) + coalesce(cache_write_tokens, 0)) || ') exceed input_tokens (' || input_tokens || '); input_tokens must include cached tokens'`,
    },
    { rule: 'cache_write_1h_exceeds_total', when: 'coalesce(cache_write_1h_tokens, 0) > coalesce(cache_write_tokens, 0)', message: `'cache_write_1h_tokens exceed cache_write_tokens'` },
    { rule: 'reasoning_exceeds_output', when: 'coalesce(reasoning_tokens, 0) > output_tokens', message: `'reasoning_tokens (' || reasoning_tokens || ') exceed output_tokens (' || output_tokens || '); output_tokens must include reasoning'` },
    { rule: 'ttft_after_e2e', when: 'ttft_ms > e2e_ms', message: `'ttft_ms (' || ttft_ms || ') is after e2e_ms (' || e2e_ms || ')'` },
  ];
  const all = [...pre, ...checks, ...post];
  const ruleCase = `CASE ${all.map((c) => `WHEN ${c.when} THEN ${lit(c.rule)}`).join(' ')} END`;
  // The message is picked by rule name, so the conditions run once per row, not twice.
  const reasonCase = `CASE rule0 ${all.map((c) => `WHEN ${lit(c.rule)} THEN ${c.message}`).join(' ')} END`;
  const out = COLUMNS.map(storeName).filter((n) => !['route', 'provider', 'status', 'quality'].includes(n));
  return `
    WITH stg AS (SELECT *, ${COLUMNS.filter((c) => ['count', 'ms', 'usd', 'attempt'].includes(c.kind)).map((c) => `TRY_CAST(${ident(c.name)} AS DOUBLE) AS n_${c.name}`).join(', ')} FROM stg),
    t AS (SELECT ${typed.join(',\n      ')} FROM stg),
    r AS (
      SELECT q.*, CASE WHEN rule0 IS NOT NULL THEN ${reasonCase} END AS reason0 FROM (SELECT t.*, ${ruleCase} AS rule0 FROM t) q
    )
    SELECT ${out.join(', ')},
      coalesce(route, provider || '/' || model, model) AS route,
      coalesce(provider, CASE WHEN contains(route, '/') THEN split_part(route, '/', 1) END) AS provider,
      coalesce(status, 'ok') AS status,
      coalesce(quality, 'unknown') AS quality,
      line, rule0 AS rule, reason0 AS reason
    FROM r`;
}

/** '' and all-space values are NULL; surrounding spaces are trimmed. trim() only runs where a space is at an end (it copies the string: 10× the cost on 10M rows). */
const blankToNull = (x: string) => `CASE WHEN starts_with(${x}, ' ') OR ends_with(${x}, ' ') THEN NULLIF(trim(${x}), '') ELSE NULLIF(${x}, '') END`;

/** Maps the file's columns to normalized names: lower-case, seconds twins converted, ambiguous units refused. */
export async function buildStg(conn: DuckDBConnection, file: string, fromSql: string, available: string[], lineExpr: string, notes: string[]): Promise<void> {
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
  const select: string[] = [`${lineExpr} AS line`];
  for (const name of COLUMN_NAMES) {
    const src = byLower.get(name) ?? (name === 'timestamp' ? byLower.get('ts') : undefined);
    const twin = Object.entries(SECONDS_TWINS).find(([, ms]) => ms === name)?.[0];
    if (src !== undefined) {
      select.push(`${blankToNull(`CAST(${ident(src)} AS VARCHAR)`)} AS ${ident(name)}`);
    } else if (twin && byLower.has(twin)) {
      const s = ident(byLower.get(twin)!);
      select.push(`CASE WHEN TRY_CAST(${s} AS DOUBLE) IS NOT NULL THEN CAST(CAST(${s} AS DOUBLE) * 1000 AS VARCHAR) ELSE NULLIF(trim(CAST(${s} AS VARCHAR)), '') END AS ${ident(name)}`);
      notes.push(`${twin} is in seconds: converted to ${name}`);
    } else {
      select.push(`NULL::VARCHAR AS ${ident(name)}`);
    }
  }
  const known = new Set<string>([...COLUMN_NAMES, 'ts', ...Object.keys(SECONDS_TWINS)]);
  const ignored = available.filter((a) => !known.has(a.trim().toLowerCase()) && !a.startsWith('__'));
  if (ignored.length) notes.push(`ignored columns not in the normalized row: ${ignored.join(', ')}`);
  // A view: the rows are materialized once, typed, by the check.
  await conn.run(`CREATE OR REPLACE TEMP VIEW stg AS SELECT ${select.join(', ')} FROM ${fromSql}`);
}

/**
 * CSV read by DuckDB straight into the store: no staged copy. The reader runs in parallel with file
 * order kept, so a row's line follows from its position; rows the reader cannot split are rejected
 * with the line it reports, and shift the lines of the rows after them.
 */
async function stageCsv(conn: DuckDBConnection, file: string, notes: string[]): Promise<Staged> {
  // The same reader options for the columns as for the rows: the sniffer reads the file the same way.
  const read = `read_csv(${lit(file)}, all_varchar = true, header = true, store_rejects = true, ignore_errors = true)`;
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

/**
 * Reads a CSV into temp table `raw_rows` (all text, plus `__line`, the file line of each row) and
 * returns the rows DuckDB's reader could not split, with their lines.
 */
export async function readCsvRaw(conn: DuckDBConnection, file: string): Promise<Reject[]> {
  await conn.run('DROP TABLE IF EXISTS reject_errors; DROP TABLE IF EXISTS reject_scans');
  await dropRelation(conn, 'raw_rows');
  await inFileOrder(conn, `CREATE TEMP TABLE raw_rows AS SELECT * FROM read_csv(${lit(file)}, all_varchar = true, header = true, store_rejects = true, ignore_errors = true)`);
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

/** `json_lines(line, doc, ok)`: one row per non-blank line of a JSONL file, parsed by DuckDB. */
export async function stageJsonLines(conn: DuckDBConnection, file: string): Promise<void> {
  await conn.run('DROP TABLE IF EXISTS json_lines');
  await inFileOrder(
    conn,
    `CREATE TEMP TABLE json_lines AS
     SELECT text AS doc FROM read_csv(${lit(file)}, columns = {'text': 'VARCHAR'}, header = false, delim = E'\\x1e', quote = '', escape = '', strict_mode = false)`,
  );
  // The table keeps file order, so rowid + 1 is the line number (blank lines included, then dropped).
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE json_lines AS
     SELECT rowid + 1 AS line, doc, coalesce(CASE WHEN json_valid(doc) THEN json_type(doc) = 'OBJECT' END, FALSE) AS ok FROM json_lines`,
  );
  await conn.run('DELETE FROM json_lines WHERE doc IS NULL OR trim(doc) = \'\'');
}

/** Parquet: typed columns are cast to text and re-checked like every other format; rows are numbered from 1. */
async function stageParquet(conn: DuckDBConnection, file: string, notes: string[]): Promise<Staged> {
  const from = `read_parquet(${lit(file)}, file_row_number = true)`;
  const cols = (await query(conn, `SELECT column_name FROM (DESCRIBE SELECT * FROM ${from})`)).map((r) => String(r.column_name)).filter((c) => c !== 'file_row_number');
  await buildStg(conn, file, from, cols, 'file_row_number + 1', notes);
  return { format: 'parquet', lineLabel: 'row', structural: [], notes };
}

export type { Row };
