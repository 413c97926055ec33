import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RoutefitError } from '../../engine/errors.js';
import { type Store, lit, openStore, query } from '../db.js';
import { type ImportOptions, type ImportSummary, detectFormat, importFile } from '../import.js';
import { checkCompressed } from '../input-files.js';
import { LEDGER_FORMATS } from '../ledgers.js';
import { COLUMNS } from '../schema.js';
import { type ChStore, chIdent, chLit, openClickHouse, storeLabel } from './connection.js';
import { type ImportLease, STALE_S, openLease } from './import-lock.js';
import { type CheckedBy, type ReadProgress, checkNative, dropNative, duckdbReason, nativeTables } from './native-import.js';
import { REQUEST_COLUMNS, chColumn, clusterNodes, ensureSchema } from './schema.js';

/**
 * Import into ClickHouse (issue 5, "a ClickHouse backend runs the same queries at scale"; issue 14,
 * "A real cluster"; issue 17, "--replace makes the newer file win, atomically").
 *
 * Two ways to check the rows (the summary's `checkedBy`):
 * - "clickhouse" (the default for CSV, TSV and JSONL, native-import.ts): the file is streamed, a
 *   chunk at a time, into a temporary staging table on the server and checked there by ClickHouse
 *   SQL (row-rules.ts, the DuckDB check's rules); no local DuckDB. The checked rows are the load
 *   table: temporary for a one-chunk file, else a MergeTree `requests_load_<token>` under this
 *   importer's lease.
 * - "duckdb" (every other format, native-import.ts duckdbReason, or `check: 'duckdb'`): the file
 *   goes through the DuckDB importer unchanged (`importFile` into an in-memory store); the checked
 *   rows are written by DuckDB as JSON lines and streamed into `requests_load_<token>` (Log).
 *
 * Then, the same for both:
 *
 *   1. load    the checked rows, on the node the importer was given. Many importers do this at once,
 *              each in its own session or under its own token.
 *   2. lock    the store's import lock (import-lock.ts): one importer at a time from here.
 *   3. match   `requests_match_<token>`: the stored rows (committed imports, see schema.ts) with this
 *              file's keys, each with `same` = its values equal the file's (a 64-bit hash of every column).
 *   4. write   the file's rows whose key is not stored with the same values go into `requests_data`
 *              under a new import id (on a cluster, a synchronous Distributed insert: each row on
 *              its request's shard); with --replace, the stored rows they correct go into `replaced`.
 *              None of this is visible yet: the `requests` view shows committed imports only.
 *   5. commit  the `imports` row: one single-row insert makes the rows visible and, with --replace,
 *              the replaced rows invisible, together.
 *
 * A failure or a kill before step 5 leaves nothing visible; the written rows of an uncommitted
 * import are dropped (whole partitions) by the next importer that takes the lock. The lock makes
 * steps 3–5 one importer's at a time, so two importers never both write one key.
 */

export type ChImportStep = 'loaded' | 'locked' | 'written';

/** An import's summary, with which engine checked its rows. */
export type ChImportSummary = ImportSummary & { checkedBy: CheckedBy };

export interface ChImportOptions extends ImportOptions {
  /**
   * Called after each step. Throwing from it is how the tests make an import fail at that point
   * (the server and the data are real; only the moment of failure is chosen).
   */
  onStep?: (step: ChImportStep) => void | Promise<void>;
  /** Runs the DuckDB check of the file (the long part on a big file): the CLI wraps it in its progress bar. */
  whileChecking?: <T>(store: Store, check: () => Promise<T>) => Promise<T>;
  /** Shard the store over this cluster of the server's remote_servers (local tables on each shard, Distributed tables over them). */
  cluster?: string;
  /** The store URL with its credentials (the lock and a cluster's nodes are reached with them); default: the URL the store was opened with (ChStore.connectUrl). */
  url?: string;
  /** Called while another importer holds the lock. */
  onLockWait?: (holder: string) => void;
  /** How long to wait for the lock (default 30 minutes). */
  lockWaitMs?: number;
  /** Which engine checks the rows: ClickHouse where the format allows (the default), or DuckDB (for comparisons and benches). */
  check?: CheckedBy;
  /** The native path: called as the file is read (the long part; the checks run chunk by chunk as it arrives). */
  onReadProgress?: (p: ReadProgress) => void;
  /** The native path: rows staged in server memory at a time (default native-import.ts DEFAULT_CHUNK_ROWS). */
  chunkRows?: number;
}

/** ClickHouse 18.16's dates run from 1970-01-01 to 2105-12-31 (its date table ends there; DateTime is UInt32 seconds). */
const MIN_US = 0;
const MAX_US = Date.UTC(2105, 11, 31) * 1000;

/** The next import id: past every committed import and every row or replacement written (an uncommitted import's too: a replacement row's delete is asynchronous, so its id is never reused). */
export async function nextImportId(ch: ChStore): Promise<number> {
  const [row] = await ch.query(
    `SELECT greatest(greatest((SELECT max(import_id) FROM ${ch.table('imports')}), (SELECT max(import_id) FROM ${ch.table('requests_data')})), (SELECT max(by_import) FROM ${ch.table('replaced')})) + 1 AS id`,
  );
  return Number(row?.id ?? 1);
}

/** Opens the cluster's nodes (shard 1's first replica first) and makes sure the store's tables exist on each. */
async function openLayout(ch: ChStore, opts: ChImportOptions): Promise<{ nodes: ChStore[]; lockUrl: string }> {
  const url = opts.url ?? ch.connectUrl();
  // The store's own cluster (openClickHouse(url, { cluster }), the TraceStore's `--cluster`) unless the call names one.
  const cluster = opts.cluster ?? ch.cluster;
  if (!cluster) {
    await ensureSchema(ch);
    return { nodes: [], lockUrl: url };
  }
  const urls = await clusterNodes(ch, url, cluster);
  const nodes: ChStore[] = [];
  try {
    for (const u of urls) nodes.push(await openClickHouse(u));
    await ensureSchema(ch, { cluster, nodeStores: nodes });
    // Distributed inserts wait for every shard's write (the default queues them and returns at once).
    await ch.command('SET insert_distributed_sync = 1');
  } catch (err) {
    await Promise.all(nodes.map((n) => n.close()));
    throw err;
  }
  return { nodes, lockUrl: urls[0]! };
}

export async function importFileToClickHouse(ch: ChStore, file: string, opts: ChImportOptions): Promise<ChImportSummary> {
  if (!existsSync(file) || !statSync(file).isFile()) throw new RoutefitError('invalid_input', `${file}: ${existsSync(file) ? 'is a folder, not a file: give the files inside it' : 'file not found'}`, { field: 'file' });
  const format = opts.format ?? detectFormat(file);
  // Ledgers (invoices, usage, incidents …) have their own path: ledger-import.ts (checked by the DuckDB ledger importer).
  if ((LEDGER_FORMATS as readonly string[]).includes(format)) return { ...(await (await import('./ledger-import.js')).importLedgerToClickHouse(ch, file, format, opts)), checkedBy: 'duckdb' };
  const notNative = duckdbReason(format);
  if (opts.check === 'clickhouse' && notNative !== undefined) {
    throw new RoutefitError('invalid_input', `${file}: --check-with clickhouse checks CSV, TSV and JSONL files only (plain, .gz or .zst) (${notNative}); pass --check-with duckdb or drop the flag`, { field: 'check-with' });
  }
  if (opts.check !== 'duckdb' && notNative === undefined) return importChecked(ch, file, format as 'csv' | 'jsonl', opts);
  return { ...(await importDuckdbChecked(ch, file, format, opts)), checkedBy: 'duckdb' };
}

/** The ClickHouse-native path: stage and check on the server (native-import.ts), then the locked write. */
async function importChecked(ch: ChStore, file: string, format: 'csv' | 'jsonl', opts: ChImportOptions): Promise<ChImportSummary> {
  // A cut or corrupt archive is refused before anything is read (as the DuckDB path does).
  await checkCompressed(file);
  // Temporary tables: this session's own, so no lock or token is needed to stage (and a refused file touches no database).
  const t = nativeTables(randomBytes(8).toString('hex'));
  // A file longer than one chunk moves its checked rows into a real table named by this importer's
  // lease, which beats from then on: a killed import's table is a leftover the next import drops.
  let lease: ImportLease | undefined;
  let spilled: string | undefined;
  // The databases the spill created (the store's, and the lock node's on a cluster): a refused file drops them again.
  const created: string[] = [];
  let wrote = false;
  const spill = async () => {
    if (spilled) return spilled;
    const lockUrl = await lockNode(ch, opts);
    for (const url of new Set([ch.connectUrl(), lockUrl])) if (!(await databaseExists(url, ch))) created.push(url);
    lease = await openLease(lockUrl, ch.connector);
    await ch.command(`CREATE DATABASE IF NOT EXISTS ${ch.database}`);
    return (spilled = ch.table(`requests_load_${lease.token}`));
  };
  try {
    let checked;
    try {
      checked = await checkNative(ch, file, format, t, { ...opts, spill, ...(opts.onReadProgress ? { onProgress: opts.onReadProgress } : {}) });
    } catch (err) {
      if (err instanceof RoutefitError) throw err;
      throw new RoutefitError('invalid_input', `${file}: cannot read as ${format}: ${(err as Error).message.split('\n')[0]}`, { field: 'file' });
    }
    const summary = checked.summary;
    if (summary.aborted) return { ...summary, checkedBy: 'clickhouse' };
    if (checked.range) checkRange(file, checked.range.lo, checked.range.hi);
    wrote = true;
    return { ...(await lockedWrite(ch, opts, file, summary, checked.valid, { table: checked.load, where: checked.where }, lease)), checkedBy: 'clickhouse' };
  } finally {
    await dropNative(ch, t);
    if (spilled) await ch.command(`DROP TABLE IF EXISTS ${spilled}`).catch(() => undefined);
    await lease?.close().catch(() => undefined);
    // A refused file leaves even a new store uncreated, as a one-chunk file does (the lease made the database and its heartbeat table).
    if (!wrote) for (const url of created) await dropIfOnlyBeats(url, ch).catch(() => undefined);
  }
}

/** Runs `fn` on the store's database at `url`: `like` itself when it is that node, else a connection opened for it. */
async function onNode<T>(url: string, like: ChStore, fn: (node: ChStore) => Promise<T>): Promise<T> {
  const node = storeLabel(url) === like.url ? like : await openClickHouse(url, { connector: like.connector });
  try {
    return await fn(node);
  } finally {
    if (node !== like) await node.close();
  }
}

/** Whether the store's database exists on the node at `url`. */
const databaseExists = (url: string, like: ChStore) =>
  onNode(url, like, async (node) => (await node.query(`SELECT name FROM system.databases WHERE name = ${chLit(node.database)}`)).length > 0);

/**
 * Drops a database this importer created when it holds nothing but the lock's heartbeat table and
 * no other importer has beaten in it: another importer that found the new database meanwhile keeps it.
 */
const dropIfOnlyBeats = (url: string, like: ChStore) =>
  onNode(url, like, async (node) => {
    const tables = await node.query(`SELECT name FROM system.tables WHERE database = ${chLit(node.database)}`);
    if (tables.some((t) => t.name !== 'import_beats')) return;
    if (tables.length) {
      const [r] = await node.query(`SELECT uniqExact(token) AS n FROM ${node.table('import_beats')}`);
      if (Number(r?.n ?? 0) > 1) return;
    }
    await node.command(`DROP DATABASE IF EXISTS ${chIdent(node.database)}`);
  });

/** The node whose database holds the store's import lock: the server, or shard 1's first replica of the cluster. */
async function lockNode(ch: ChStore, opts: ChImportOptions): Promise<string> {
  const url = opts.url ?? ch.connectUrl();
  const cluster = opts.cluster ?? ch.cluster;
  return cluster ? (await clusterNodes(ch, url, cluster))[0]! : url;
}

function checkRange(file: string, lo: unknown, hi: unknown): void {
  if (Number(lo) < MIN_US || Number(hi) >= MAX_US) {
    throw new RoutefitError('invalid_input', `${file}: timestamps run from ${usIso(lo)} to ${usIso(hi)}; the ClickHouse store holds 1970-01-01 ≤ timestamp < 2105-12-31`, {
      field: 'timestamp',
    });
  }
}

/** Opens the layout and the lease, and runs the locked write of the checked rows. */
async function lockedWrite(ch: ChStore, opts: ChImportOptions, file: string, summary: ImportSummary, valid: number, source: LoadSource, opened?: ImportLease): Promise<ImportSummary> {
  // Only now, with rows to send, is the store touched: a refused file leaves even a new store uncreated.
  const { nodes, lockUrl } = await openLayout(ch, opts);
  try {
    // The lease the native path opened when it moved checked rows to a real table (closed by it), or a new one.
    const lease = opened ?? (await openLease(lockUrl, ch.connector));
    try {
      return await writeImport(ch, nodes, lease, source, file, summary, valid, { onStep: opts.onStep, onLockWait: opts.onLockWait, lockWaitMs: opts.lockWaitMs, replace: opts.replace === true, today: opts.today });
    } finally {
      if (!opened) await lease.close();
    }
  } finally {
    await Promise.all(nodes.map((n) => n.close()));
  }
}

/** The DuckDB-checked path: the DuckDB importer in memory, its rows streamed as JSON lines into a load table. */
async function importDuckdbChecked(ch: ChStore, file: string, format: string, opts: ChImportOptions): Promise<ImportSummary> {
  const dir = mkdtempSync(join(tmpdir(), 'routefit-ch-'));
  const mem = await openStore(':memory:', { create: true });
  try {
    // An in-memory DuckDB spills big files to ./.tmp by default: keep that out of the user's directory.
    await mem.conn.run(`SET temp_directory = ${lit(join(dir, 'spill'))}`);
    const { onStep: _s, whileChecking, cluster: _c, url: _u, onLockWait: _w, lockWaitMs: _l, check: _k, ...importOpts } = opts;
    // The DuckDB pass keeps every valid row, corrections included: what the ClickHouse store holds is decided below, under the lock.
    const check = () => importFile(mem, file, { ...importOpts, format });
    const summary = whileChecking ? await whileChecking(mem, check) : await check();
    if (summary.aborted || summary.importId === null) return summary;
    const [range] = await query(mem.conn, 'SELECT epoch_us(min(ts)) AS lo, epoch_us(max(ts)) AS hi FROM requests');
    checkRange(file, range!.lo, range!.hi);
    const json = join(dir, 'rows.jsonl');
    const select = COLUMNS.map((c) => (c.name === 'timestamp' ? 'epoch_us(ts) AS ts_us' : c.kind === 'bool' ? `CAST(${c.name} AS INTEGER) AS ${c.name}` : chColumn(c)));
    // import_id 0 is a placeholder: the id is taken under the lock.
    await mem.conn.run(`COPY (SELECT ${select.join(', ')}, 0 AS import_id, source_line FROM requests) TO ${lit(json)} (FORMAT json)`);
    const load = (token: string) => ch.table(`requests_load_${token}`);
    return await lockedWrite(ch, opts, file, summary, summary.kept, {
      table: load,
      where: '1',
      fill: async (table) => {
        await ch.command(`CREATE TABLE ${table} AS ${ch.table('requests_data')} ENGINE = Log`);
        await ch.insertStream(`INSERT INTO ${table} (${REQUEST_COLUMNS.join(', ')}) FORMAT JSONEachRow`, createReadStream(json));
        const [loaded] = await ch.query(`SELECT count() AS n FROM ${table}`);
        if (Number(loaded!.n) !== summary.kept) throw new RoutefitError('invalid_input', `ClickHouse at ${ch.url} received ${loaded!.n} of ${summary.kept} rows; nothing was imported`, { field: 'clickhouse' });
      },
    });
  } finally {
    mem.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Where writeImport takes the checked rows from: a table (named per importer token, or a session's
 * temporary table), a filter selecting the rows to store, and how to fill it (none: already filled).
 */
interface LoadSource {
  table: string | ((token: string) => string);
  where: string;
  fill?: (table: string) => Promise<void>;
}

interface WriteOptions {
  onStep: ChImportOptions['onStep'];
  onLockWait: ChImportOptions['onLockWait'];
  lockWaitMs: number | undefined;
  replace: boolean;
  today: string;
}

async function writeImport(ch: ChStore, nodes: ChStore[], lease: ImportLease, source: LoadSource, file: string, summary: ImportSummary, valid: number, o: WriteOptions): Promise<ImportSummary> {
  const data = ch.table('requests_data');
  const load = typeof source.table === 'string' ? source.table : source.table(lease.token);
  const mine = source.where;
  const match = ch.table(`requests_match_${lease.token}`);
  const cols = REQUEST_COLUMNS.join(', ');
  let leftovers: string[] = [];
  let written: number | undefined;
  try {
    await source.fill?.(load);
    await o.onStep?.('loaded');

    await lease.acquire({ ...(o.lockWaitMs !== undefined ? { waitMs: o.lockWaitMs } : {}), ...(o.onLockWait ? { onWait: o.onLockWait } : {}) });
    await o.onStep?.('locked');
    // Under the lock a killed holder is known dead (its lock was broken as stale): its tables go now.
    leftovers = await dropLeftovers(nodes.length ? nodes : [ch], await lease.alive());
    const orphans = await dropUncommitted(ch, nodes);
    const id = await nextImportId(ch);
    // The stored rows with this file's keys (looked up only among its request ids: memory follows the
    // file, not the store), each marked same or different. Stored keys are unique (this lock), so a
    // file row matches at most one stored row.
    await ch.command(
      `CREATE TABLE ${match} ENGINE = Log AS
       SELECT request_id, attempt, old_import, toUInt8(h = lh) AS same, source_line
       FROM (SELECT request_id, attempt, import_id AS old_import, ${rowHash} AS h FROM ${data}
             WHERE request_id GLOBAL IN (SELECT request_id FROM ${load} WHERE ${mine}) AND ${committed(ch)}) AS stored
       ANY INNER JOIN (SELECT request_id, attempt, ${rowHash} AS lh, source_line FROM ${load} WHERE ${mine}) AS incoming USING (request_id, attempt)`,
    );
    const [m] = await ch.query(`SELECT countIf(same = 1) AS n_same, countIf(same = 0) AS n_differ FROM ${match}`);
    const alreadyStored = Number(m!.n_same);
    const conflicts = Number(m!.n_differ);
    if (conflicts && !o.replace) {
      const [first] = await ch.query(`SELECT request_id, attempt, source_line FROM ${match} WHERE same = 0 ORDER BY source_line LIMIT 1`);
      const where = first!.source_line === null || first!.source_line === undefined ? '' : ` (${summary.lineLabel} ${first!.source_line})`;
      return {
        ...summary,
        importId: null,
        kept: 0,
        conflicts,
        aborted: `${conflicts} row${conflicts > 1 ? 's conflict' : ' conflicts'} with rows the ClickHouse store holds (same request_id + attempt, other values; first: ${String(first!.request_id)}, attempt ${String(first!.attempt)}${where}); nothing was imported. Pass --replace to make this file win (the stored rows are replaced when the import commits, all at once), or fix the file`,
      };
    }
    const kept = valid - alreadyStored;
    written = id;
    if (kept > 0) {
      const selectCols = REQUEST_COLUMNS.map((c) => (c === 'import_id' ? `toUInt32(${chLit(id)}) AS import_id` : c)).join(', ');
      await ch.command(
        `INSERT INTO ${data} (${cols}) SELECT ${selectCols} FROM ${load}
         WHERE ${mine} AND (request_id, attempt) NOT IN (SELECT request_id, attempt FROM ${match} WHERE same = 1)`,
      );
      const [n] = await ch.query(`SELECT count() AS n FROM ${data} WHERE import_id = ${chLit(id)}`);
      if (Number(n!.n) !== kept) throw new RoutefitError('invalid_input', `ClickHouse at ${ch.url} stored ${n!.n} of ${kept} rows; nothing was imported`, { field: 'clickhouse' });
    }
    if (conflicts) {
      await ch.command(`INSERT INTO ${ch.table('replaced')} (by_import, request_id, attempt, import_id) SELECT toUInt32(${chLit(id)}), request_id, attempt, old_import FROM ${match} WHERE same = 0`);
    }
    await o.onStep?.('written');
    // The lock still names this importer: nobody else wrote since the match was taken.
    if (!(await lease.holds())) throw new RoutefitError('invalid_input', `lost ${ch.url}'s import lock (this importer stalled for over ${STALE_S} s); nothing was imported: run the import again`, { field: 'clickhouse' });
    await ch.command(
      `INSERT INTO ${ch.table('imports')} VALUES (${[id, file, summary.format, o.today, summary.rowsRead, kept, summary.rejected, alreadyStored].map(chLit).join(', ')})`,
    );
    written = undefined;
    const notes = [...summary.notes];
    if (leftovers.length) notes.push(`dropped ${leftovers.length} load/stage table${leftovers.length > 1 ? 's' : ''} an interrupted import had left (${leftovers.join(', ')})`);
    if (orphans.length) notes.push(`removed the rows of ${orphans.length} import${orphans.length > 1 ? 's' : ''} that never committed (${orphans.join(', ')}): they were never visible`);
    if (alreadyStored > 0) notes.push(`${alreadyStored} rows were already in the store (same request_id + attempt): skipped, not double counted`);
    if (conflicts) notes.push(`${conflicts} stored row${conflicts > 1 ? 's were' : ' was'} replaced by this file's version (--replace)`);
    return { ...summary, importId: id, kept, alreadyStored, conflicts, replaced: conflicts, notes };
  } catch (err) {
    // Never visible (no imports row); dropped now if the servers answer, else by the next import.
    if (written !== undefined) await dropImport(ch, nodes, written).catch(() => undefined);
    throw err;
  } finally {
    if (source.fill) await ch.command(`DROP TABLE IF EXISTS ${load}`).catch(() => undefined);
    await ch.command(`DROP TABLE IF EXISTS ${match}`).catch(() => undefined);
  }
}

/** The rows of committed imports, less the ones a committed --replace replaced (as the `requests` view). */
function committed(ch: ChStore): string {
  const imports = `(SELECT import_id FROM ${ch.table('imports')})`;
  return `import_id GLOBAL IN ${imports}
    AND (request_id, attempt, import_id) GLOBAL NOT IN (SELECT request_id, attempt, import_id FROM ${ch.table('replaced')} WHERE by_import GLOBAL IN ${imports})`;
}

/** The MergeTree tables holding rows and replacements: the store's own, or each shard's local ones. */
const partsTables = (nodes: ChStore[]) => (nodes.length ? { rows: 'requests_local', replaced: 'replaced_local' } : { rows: 'requests_data', replaced: 'replaced' });

/** Drops one import's rows (its partition) and replacement rows everywhere. */
async function dropImport(ch: ChStore, nodes: ChStore[], id: number): Promise<void> {
  const t = partsTables(nodes);
  for (const n of nodes.length ? nodes : [ch]) {
    await n.command(`ALTER TABLE ${n.table(t.rows)} DROP PARTITION ${chLit(id)}`);
    await n.command(`ALTER TABLE ${n.table(t.replaced)} DELETE WHERE by_import = ${chLit(id)}`);
  }
}

/**
 * Under the lock: drops the rows of imports that wrote but never committed (killed, or a shard went
 * away). No other importer writes while the lock is held, so any partition without an imports row
 * is one. Their replacement rows are inert (they act only once their import commits) and are removed too.
 */
async function dropUncommitted(ch: ChStore, nodes: ChStore[]): Promise<number[]> {
  const t = partsTables(nodes);
  const done = new Set((await ch.query(`SELECT import_id FROM ${ch.table('imports')}`)).map((r) => Number(r.import_id)));
  const found = new Set<number>();
  for (const n of nodes.length ? nodes : [ch]) {
    const parts = await n.query(`SELECT DISTINCT partition FROM system.parts WHERE database = ${chLit(n.database)} AND table = ${chLit(t.rows)} AND active`);
    for (const p of parts) {
      const id = Number(String(p.partition).replace(/'/g, ''));
      if (Number.isInteger(id) && !done.has(id)) found.add(id);
    }
    const reps = await n.query(`SELECT DISTINCT by_import FROM ${n.table(t.replaced)}`);
    for (const r of reps) if (!done.has(Number(r.by_import))) found.add(Number(r.by_import));
  }
  const ids = [...found].sort((a, b) => a - b);
  for (const id of ids) await dropImport(ch, nodes, id);
  return ids;
}

/**
 * Drops the load and match tables of imports that were killed before their cleanup (issue 17,
 * "Resources"): they hold no committed rows. A table is a leftover when its token (its importer)
 * has stopped beating (import-lock.ts): other live importers' tables are left alone.
 */
export async function dropLeftovers(stores: ChStore[], alive: Set<string>): Promise<string[]> {
  const dropped: string[] = [];
  // Every node: an importer leaves its load table on the node it was given.
  for (const ch of stores) {
    const rows = await ch.query(
      `SELECT name FROM system.tables WHERE database = ${chLit(ch.database)} AND (startsWith(name, 'requests_load_') OR startsWith(name, 'requests_stage_') OR startsWith(name, 'requests_match_')) ORDER BY name`,
    );
    const names = rows
      .map((r) => String(r.name))
      .filter((n) => {
        const m = /^requests_(?:load|stage|match)_(?:[0-9]+_)?([0-9a-f]+)$/.exec(n);
        return m !== null && !alive.has(m[1]!);
      });
    for (const n of names) await ch.command(`DROP TABLE IF EXISTS ${ch.table(n)}`);
    dropped.push(...names);
  }
  return dropped;
}

/** One 64-bit hash of a stored row's values (cityHash64 takes any number of arguments; isNull keeps NULL apart from '' or 0). */
const rowHash = `cityHash64(${COLUMNS.map(chColumn).map((c) => `isNull(${c}), ifNull(toString(${c}), '')`).join(', ')})`;

const usIso = (v: unknown) => new Date(Number(v) / 1000).toISOString();
