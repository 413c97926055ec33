import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RoutefitError } from '../../engine/errors.js';
import { type Store, lit, openStore, query } from '../db.js';
import { type ImportOptions, type ImportSummary, detectFormat, importFile } from '../import.js';
import { LEDGER_FORMATS } from '../ledgers.js';
import { COLUMNS } from '../schema.js';
import { type ChStore, chLit } from './connection.js';
import { REQUEST_COLUMNS, chColumn, ensureSchema } from './schema.js';

/**
 * Import into ClickHouse (issue 5, "a ClickHouse backend runs the same queries at scale").
 *
 * The file goes through the DuckDB importer unchanged (`importFile` into an in-memory store), so
 * format detection, every check, reject reason, line number and the 1% rule are the same code. The
 * checked rows are then written by DuckDB as JSON lines and streamed to ClickHouse:
 *
 *   1. load   `requests_load_<id>_<rand>`  all checked rows (Log engine)
 *   2. stage  `requests_stage_<id>_<rand>` the rows whose (request_id, attempt) ClickHouse does not
 *             already hold (idempotence against the server, not just within the file)
 *   3. attach `ALTER TABLE requests ATTACH PARTITION <id> FROM stage`: the import's rows appear in
 *             one statement (the table is partitioned by import_id)
 *   4. record the `imports` row.
 *
 * ClickHouse has no transactions. What holds: until step 3 nothing in `requests` changes; a failure
 * at or after step 3 drops partition <id> again (DROP PARTITION is synchronous); the load and stage
 * tables are dropped whatever happens. What does not: a process killed between 3 and 4 leaves the
 * rows without their `imports` row (ids stay unique: the next id is past both tables); two imports
 * running at once can both pass step 2 for the same key. Run one importer at a time.
 */

export type ChImportStep = 'loaded' | 'staged' | 'attached';

export interface ChImportOptions extends ImportOptions {
  /**
   * Called after each step. Throwing from it is how the tests make an import fail at that point
   * (the server and the data are real; only the moment of failure is chosen).
   */
  onStep?: (step: ChImportStep) => void | Promise<void>;
  /** Runs the DuckDB check of the file (the long part on a big file): the CLI wraps it in its progress bar. */
  whileChecking?: <T>(store: Store, check: () => Promise<T>) => Promise<T>;
}

/** ClickHouse 18.16's dates run from 1970-01-01 to 2105-12-31 (its date table ends there; DateTime is UInt32 seconds). */
const MIN_US = 0;
const MAX_US = Date.UTC(2105, 11, 31) * 1000;

export async function nextImportId(ch: ChStore): Promise<number> {
  const [row] = await ch.query(
    `SELECT greatest((SELECT max(import_id) FROM ${ch.table('imports')}), (SELECT max(import_id) FROM ${ch.table('requests')})) + 1 AS id`,
  );
  return Number(row?.id ?? 1);
}

export async function importFileToClickHouse(ch: ChStore, file: string, opts: ChImportOptions): Promise<ImportSummary> {
  if (!existsSync(file) || !statSync(file).isFile()) throw new RoutefitError('invalid_input', `${file}: ${existsSync(file) ? 'is a folder, not a file: give the files inside it' : 'file not found'}`, { field: 'file' });
  const format = opts.format ?? detectFormat(file);
  if ((LEDGER_FORMATS as readonly string[]).includes(format)) {
    throw new RoutefitError(
      'invalid_input',
      `${file} is ${format === 'route-summary' ? 'a route-summary file' : `an invoice or usage export (${format})`}: the ClickHouse store holds trace rows only; import it into a DuckDB store (--db) instead`,
      { field: 'format' },
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'routefit-ch-'));
  const mem = await openStore(':memory:', { create: true });
  try {
    // An in-memory DuckDB spills big files to ./.tmp by default: keep that out of the user's directory.
    await mem.conn.run(`SET temp_directory = ${lit(join(dir, 'spill'))}`);
    const { onStep, whileChecking, ...importOpts } = opts;
    const check = () => importFile(mem, file, { ...importOpts, format });
    const summary = whileChecking ? await whileChecking(mem, check) : await check();
    if (summary.aborted || summary.importId === null) return summary;
    const valid = summary.kept;
    const [range] = await query(mem.conn, 'SELECT epoch_us(min(ts)) AS lo, epoch_us(max(ts)) AS hi FROM requests');
    if (Number(range!.lo) < MIN_US || Number(range!.hi) >= MAX_US) {
      throw new RoutefitError('invalid_input', `${file}: timestamps run from ${usIso(range!.lo)} to ${usIso(range!.hi)}; the ClickHouse store holds 1970-01-01 ≤ timestamp < 2105-12-31`, {
        field: 'timestamp',
      });
    }
    // Only now, with rows to send, is the server touched: a refused file leaves even a new store uncreated.
    await ensureSchema(ch);
    const id = await nextImportId(ch);
    const json = join(dir, 'rows.jsonl');
    const select = COLUMNS.map((c) => (c.name === 'timestamp' ? 'epoch_us(ts) AS ts_us' : c.kind === 'bool' ? `CAST(${c.name} AS INTEGER) AS ${c.name}` : chColumn(c)));
    await mem.conn.run(`COPY (SELECT ${select.join(', ')}, ${id} AS import_id, source_line FROM requests) TO ${lit(json)} (FORMAT json)`);
    const suffix = `${id}_${randomBytes(4).toString('hex')}`;
    const requests = ch.table('requests');
    const load = ch.table(`requests_load_${suffix}`);
    const stage = ch.table(`requests_stage_${suffix}`);
    const cols = REQUEST_COLUMNS.join(', ');
    let attached = false;
    try {
      await ch.command(`CREATE TABLE ${load} AS ${requests} ENGINE = Log`);
      await ch.insertStream(`INSERT INTO ${load} (${cols}) FORMAT JSONEachRow`, createReadStream(json));
      const [loaded] = await ch.query(`SELECT count() AS n FROM ${load}`);
      if (Number(loaded!.n) !== valid) throw new RoutefitError('invalid_input', `ClickHouse at ${ch.url} received ${loaded!.n} of ${valid} rows; nothing was imported`, { field: 'clickhouse' });
      await onStep?.('loaded');
      await ch.command(`CREATE TABLE ${stage} AS ${requests}`);
      // Keys already stored are looked up only among this file's request ids: memory follows the file, not the store.
      await ch.command(
        `INSERT INTO ${stage} (${cols}) SELECT ${cols} FROM ${load}
         WHERE (request_id, attempt) NOT IN (SELECT request_id, attempt FROM ${requests} WHERE request_id IN (SELECT request_id FROM ${load}))`,
      );
      const [staged] = await ch.query(`SELECT count() AS n FROM ${stage}`);
      const kept = Number(staged!.n);
      await onStep?.('staged');
      if (kept > 0) {
        attached = true;
        await ch.command(`ALTER TABLE ${requests} ATTACH PARTITION ${chLit(id)} FROM ${stage}`);
      }
      await onStep?.('attached');
      const alreadyStored = valid - kept;
      await ch.command(
        `INSERT INTO ${ch.table('imports')} VALUES (${[id, file, summary.format, opts.today, summary.rowsRead, kept, summary.rejected, alreadyStored].map(chLit).join(', ')})`,
      );
      const notes = [...summary.notes];
      if (alreadyStored > 0) notes.push(`${alreadyStored} rows were already in the store (same request_id + attempt): skipped, not double counted`);
      return { ...summary, importId: id, kept, alreadyStored, notes };
    } catch (err) {
      if (attached) {
        try {
          await ch.command(`ALTER TABLE ${requests} DROP PARTITION ${chLit(id)}`);
        } catch (dropErr) {
          throw new RoutefitError(
            'invalid_input',
            `${(err as Error).message}; and removing the partial import failed (${(dropErr as Error).message}): run ALTER TABLE ${requests} DROP PARTITION ${id}`,
            { field: 'clickhouse' },
          );
        }
      }
      throw err;
    } finally {
      await ch.command(`DROP TABLE IF EXISTS ${load}`).catch(() => undefined);
      await ch.command(`DROP TABLE IF EXISTS ${stage}`).catch(() => undefined);
    }
  } finally {
    mem.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const usIso = (v: unknown) => new Date(Number(v) / 1000).toISOString();
