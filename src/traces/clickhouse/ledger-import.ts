import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RoutefitError } from '../../engine/errors.js';
import { type Store, lit, openStore, query } from '../db.js';
import { type ImportSummary, importFile } from '../import.js';
import { type ChStore, chLit, openClickHouse } from './connection.js';
import { CLICKHOUSE_18 } from './dialect.js';
import type { ChImportOptions } from './import.js';
import { nextImportId } from './import.js';
import { STALE_S, openLease } from './import-lock.js';
import { LEDGER_TABLES, LEDGER_TABLE_NAMES, LEDGER_TABLE_OF, type LedgerColumn, type LedgerTable, committedLedgerImports, dataColumns, ensureLedgerSchema, storedName } from './ledger-schema.js';
import { clusterNodes, ensureSchema } from './schema.js';

/**
 * Ledger files (invoices, usage exports, route summaries, OTel metrics, incidents) into a ClickHouse
 * store (issue 14, "Invoices, GPU-hours and incidents live in the store the traces live in"; issue 17,
 * "Corrections").
 *
 * There is one ledger importer, the DuckDB one (../ledgers.ts, ../importers/otel-metrics.ts): every
 * check, reject reason, the 1% rule, idempotence, correction detection and `--replace` are its code.
 * Ledger files are small (lines per provider × period × SKU), and so are the stored ledgers, so:
 *
 *   1. check   the file is imported into an empty in-memory DuckDB store: a refused file stops here,
 *              before the server is touched (a refused file leaves even a new store uncreated).
 *   2. lock    the store's import lock (import-lock.ts), as trace imports take it: one writer at a time.
 *   3. replay  the committed lines of the file's ledger table are read from ClickHouse into a second
 *              in-memory store, and the file is imported into it by the same importer. What it adds
 *              (import id = the ClickHouse store's next) are the new lines; stored lines it deleted
 *              (`--replace`) are the replaced ones. A conflict without --replace aborts here, with
 *              the importer's own counts and message.
 *   4. write   the new lines into `<table>_data` (on a cluster, one synchronous Distributed insert),
 *              the replaced lines' (import_id, source_line) into `ledger_replaced`: neither visible yet.
 *   5. commit  the `imports` row (ledger-schema.ts: the views show committed ledger imports only).
 *
 * A failure or kill before step 5 leaves nothing visible; the written lines of an uncommitted import
 * are dropped by the next ledger importer under the lock.
 */

/** ClickHouse 18.16's DateTime runs from 1970-01-01 to 2105-12-31. */
const MAX_US = Date.UTC(2105, 11, 31) * 1000;

const DUCK_JSON_TYPE: Record<LedgerColumn['kind'], string> = {
  ts: 'BIGINT',
  date: 'VARCHAR',
  text: 'VARCHAR',
  float: 'DOUBLE',
  int: 'BIGINT',
  bool: 'INTEGER',
  floats: 'DOUBLE[]',
  ints: 'BIGINT[]',
};

const q = (name: string) => `"${name}"`;

export async function importLedgerToClickHouse(ch: ChStore, file: string, format: string, opts: ChImportOptions): Promise<ImportSummary> {
  const target = LEDGER_TABLE_OF[format];
  if (!target) throw new Error(`not a ledger format: ${format}`);
  const { onStep, whileChecking, cluster: _c, url: _u, onLockWait, lockWaitMs, ...importOpts } = opts;
  const dir = mkdtempSync(join(tmpdir(), 'routefit-chl-'));
  try {
    // 1. check, alone: the file's own rejects and refusals, the server untouched.
    const first = await withMemory(dir, async (mem) => {
      const run = () => importFile(mem, file, { ...importOpts, format });
      return whileChecking ? whileChecking(mem, run) : run();
    });
    if (first.aborted || first.importId === null) return first;

    const { nodes, lockUrl } = await openLedgerLayout(ch, opts);
    try {
      const lease = await openLease(lockUrl, ch.connector);
      let written: number | undefined;
      try {
        await lease.acquire({ ...(lockWaitMs !== undefined ? { waitMs: lockWaitMs } : {}), ...(onLockWait ? { onWait: onLockWait } : {}) });
        await onStep?.('locked');
        const orphans = await dropUncommittedLedgers(ch, nodes);
        const id = await nextLedgerImportId(ch);
        // 3. replay over the stored lines.
        return await withMemory(dir, async (mem) => {
          const stored = await loadStored(ch, mem, target, dir);
          await mem.conn.run(`INSERT INTO imports VALUES (${id - 1}, '(the ClickHouse store)', 'placeholder', NULL, 0, 0, 0, 0)`);
          const summary = await importFile(mem, file, { ...importOpts, format });
          if (summary.aborted || summary.importId === null) return summary;
          if (summary.importId !== id) throw new Error(`ledger import: the replay took import id ${summary.importId}, expected ${id}`);
          await checkRange(mem, target, id, file);
          written = id;
          // 4. write.
          const cols = dataColumns(target);
          if (summary.kept > 0) {
            const lines = (await mem.conn.runAndReadAll(`SELECT ${exportColumns(target)} FROM ${target} WHERE import_id = ${id} ORDER BY source_line`)).getRowObjectsJS();
            // 18.16 gets every double as its bytes (rowBinary); current ClickHouse parses text exactly, and
            // takes JSON through every connection (chdb's in-process one passes text only).
            const binary = ch.dialect === CLICKHOUSE_18;
            await ch.insertStream(
              `INSERT INTO ${ch.table(`${target}_data`)} (${cols.join(', ')}) FORMAT ${binary ? 'RowBinary' : 'JSONEachRow'}`,
              Readable.from([binary ? rowBinary(target, lines) : jsonEachRow(target, lines)]),
            );
            const [n] = await ch.query(`SELECT count() AS n FROM ${ch.table(`${target}_data`)} WHERE import_id = ${chLit(id)}`);
            if (Number(n!.n) !== summary.kept) throw new RoutefitError('invalid_input', `ClickHouse at ${ch.url} stored ${n!.n} of ${summary.kept} lines; nothing was imported`, { field: 'clickhouse' });
          }
          // Stored lines the importer deleted (--replace) are replaced when this import commits.
          const gone = stored
            ? await query(mem.conn, `SELECT import_id, source_line FROM ch_stored EXCEPT SELECT import_id, source_line FROM ${target} ORDER BY 1, 2`)
            : [];
          if (gone.length) {
            const values = gone.map((r) => `(${chLit(id)}, ${chLit(target)}, ${chLit(Number(r.import_id))}, ${chLit(Number(r.source_line))})`).join(', ');
            await ch.command(`INSERT INTO ${ch.table('ledger_replaced')} (by_import, tbl, import_id, source_line) VALUES ${values}`);
          }
          await onStep?.('written');
          if (!(await lease.holds())) throw new RoutefitError('invalid_input', `lost ${ch.url}'s import lock (this importer stalled for over ${STALE_S} s); nothing was imported: run the import again`, { field: 'clickhouse' });
          // 5. commit: the importer's own imports row.
          const [row] = await query(mem.conn, `SELECT import_id, file, format, strftime(imported_on, '%Y-%m-%d') AS day, rows_read, kept, rejected, already_stored FROM imports WHERE import_id = ${id}`);
          await ch.command(
            `INSERT INTO ${ch.table('imports')} VALUES (${[id, file, String(row!.format), String(row!.day ?? opts.today), Number(row!.rows_read), Number(row!.kept), Number(row!.rejected), Number(row!.already_stored)].map(chLit).join(', ')})`,
          );
          written = undefined;
          const notes = [...summary.notes];
          if (orphans.length) notes.push(`removed the lines of ${orphans.length} ledger import${orphans.length > 1 ? 's' : ''} that never committed (${orphans.join(', ')}): they were never visible`);
          return { ...summary, notes };
        });
      } catch (err) {
        // Never visible (no imports row); dropped now if the servers answer, else by the next ledger import.
        if (written !== undefined) await dropLedgerImport(ch, nodes, written).catch(() => undefined);
        throw err;
      } finally {
        await lease.close();
      }
    } finally {
      await Promise.all(nodes.map((n) => n.close()));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An in-memory DuckDB store for one pass (spilling into the import's temp dir, never the user's). */
async function withMemory<T>(dir: string, body: (mem: Store) => Promise<T>): Promise<T> {
  const mem = await openStore(':memory:', { create: true });
  try {
    await mem.conn.run(`SET temp_directory = ${lit(join(dir, 'spill'))}`);
    return await body(mem);
  } finally {
    mem.close();
  }
}

/** The store's tables on this server or on every node of its cluster (as trace imports make them), with the ledger tables. */
async function openLedgerLayout(ch: ChStore, opts: ChImportOptions): Promise<{ nodes: ChStore[]; lockUrl: string }> {
  const url = opts.url ?? ch.connectUrl();
  const cluster = opts.cluster ?? ch.cluster;
  if (!cluster) {
    await ensureSchema(ch);
    await ensureLedgerSchema(ch);
    return { nodes: [], lockUrl: url };
  }
  const urls = await clusterNodes(ch, url, cluster);
  const nodes: ChStore[] = [];
  try {
    for (const u of urls) nodes.push(await openClickHouse(u, ch.connector ? { connector: ch.connector } : {}));
    await ensureSchema(ch, { cluster, nodeStores: nodes });
    await ensureLedgerSchema(ch, { cluster, nodeStores: nodes });
    // Distributed inserts wait for the shard's write (the default queues them and returns at once).
    await ch.command('SET insert_distributed_sync = 1');
  } catch (err) {
    await Promise.all(nodes.map((n) => n.close()));
    throw err;
  }
  return { nodes, lockUrl: urls[0]! };
}

/** Past every import id any table holds: the trace tables' (nextImportId) and the ledger tables', committed or not. */
async function nextLedgerImportId(ch: ChStore): Promise<number> {
  const maxes = [...LEDGER_TABLE_NAMES.map((t) => `(SELECT max(import_id) FROM ${ch.table(`${t}_data`)})`), `(SELECT max(by_import) FROM ${ch.table('ledger_replaced')})`];
  const [row] = await ch.query(`SELECT ${maxes.reduce((a, b) => `greatest(${a}, ${b})`)} + 1 AS id`);
  return Math.max(await nextImportId(ch), Number(row?.id ?? 1));
}

/**
 * Copies the committed lines of `target` into the in-memory store (the importer compares the file
 * with them), and their keys into `ch_stored`. Returns false when there are none.
 */
async function loadStored(ch: ChStore, mem: Store, target: LedgerTable, dir: string): Promise<boolean> {
  const cols = LEDGER_TABLES[target];
  const rows = await ch.query(`SELECT ${[...cols.map((c) => (c.kind === 'date' ? `toString(${c.name}) AS ${c.name}` : storedName(c))), 'import_id', 'source_line'].join(', ')} FROM ${ch.table(target)}`);
  await mem.conn.run('CREATE TEMP TABLE ch_stored (import_id INTEGER, source_line BIGINT)');
  if (!rows.length) return false;
  const file = join(dir, 'stored.jsonl');
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const types = [...cols.map((c) => `${q(storedName(c))}: '${DUCK_JSON_TYPE[c.kind]}'`), `import_id: 'INTEGER'`, `source_line: 'BIGINT'`];
  const conv = cols.map((c) => {
    const v = q(storedName(c));
    if (c.kind === 'ts') return `make_timestamp(${v})`;
    if (c.kind === 'date') return `CAST(${v} AS DATE)`;
    if (c.kind === 'bool') return `CAST(${v} AS BOOLEAN)`;
    return v;
  });
  await mem.conn.run(
    `INSERT INTO ${target} (${[...cols.map((c) => q(c.name)), 'import_id', 'source_line'].join(', ')})
     SELECT ${[...conv, 'import_id', 'source_line'].join(', ')} FROM read_json(${lit(file)}, format = 'newline_delimited', columns = {${types.join(', ')}})`,
  );
  await mem.conn.run(`INSERT INTO ch_stored SELECT import_id, source_line FROM ${target}`);
  return true;
}

/** The new lines as `<table>_data` columns: timestamps as epoch µs, dates as days since 1970. */
function exportColumns(target: LedgerTable): string {
  const cols = LEDGER_TABLES[target].map((c) => {
    const v = q(c.name);
    if (c.kind === 'ts') return `epoch_us(${v}) AS ${q(storedName(c))}`;
    if (c.kind === 'date') return `CAST(${v} - DATE '1970-01-01' AS INTEGER) AS ${v}`;
    return v;
  });
  return [...cols, 'import_id', 'source_line'].join(', ');
}

/** The lines as JSONEachRow (dates as text, 64-bit integers as numbers: counts and µs stay below 2^53). */
function jsonEachRow(target: LedgerTable, rows: Record<string, unknown>[]): string {
  const num = (v: unknown) => (typeof v === 'bigint' ? Number(v) : v);
  return rows
    .map((r) => {
      const o: Record<string, unknown> = {};
      for (const c of LEDGER_TABLES[target]) {
        const v = r[storedName(c)];
        o[storedName(c)] =
          v === null || v === undefined
            ? c.kind === 'floats' || c.kind === 'ints' ? [] : null
            : c.kind === 'date' ? new Date(Number(v) * 86_400_000).toISOString().slice(0, 10)
            : c.kind === 'bool' ? (v ? 1 : 0)
            : Array.isArray(v) ? v.map(num)
            : num(v);
      }
      o.import_id = num(r.import_id);
      o.source_line = num(r.source_line);
      return JSON.stringify(o);
    })
    .join('\n');
}

/**
 * The lines in ClickHouse's RowBinary format: every double travels as its 8 bytes. (Text would not
 * do: 18.16 parses some decimal doubles one unit in the last place off — 6.03e-174, 3.47e-60 … found
 * by the round-trip property test — and a re-imported line would then differ from its stored self.)
 */
function rowBinary(target: LedgerTable, rows: Record<string, unknown>[]): Buffer {
  const parts: Buffer[] = [];
  const fixed = (n: number, write: (b: Buffer) => void) => {
    const b = Buffer.alloc(n);
    write(b);
    parts.push(b);
  };
  const varint = (n: number) => {
    const bytes: number[] = [];
    do {
      let byte = n & 0x7f;
      n = Math.floor(n / 128);
      if (n > 0) byte |= 0x80;
      bytes.push(byte);
    } while (n > 0);
    parts.push(Buffer.from(bytes));
  };
  const f64 = (v: unknown) => fixed(8, (b) => b.writeDoubleLE(Number(v)));
  const i64 = (v: unknown) => fixed(8, (b) => b.writeBigInt64LE(BigInt(v as number | bigint)));
  const value: Record<LedgerColumn['kind'], (v: unknown) => void> = {
    ts: i64,
    int: i64,
    date: (v) => fixed(2, (b) => b.writeUInt16LE(Number(v))),
    text: (v) => {
      const s = Buffer.from(String(v), 'utf8');
      varint(s.length);
      parts.push(s);
    },
    float: f64,
    bool: (v) => fixed(1, (b) => b.writeUInt8(v ? 1 : 0)),
    // Arrays are not Nullable in ClickHouse: a NULL list is stored as [] (ledger-schema.ts).
    floats: (v) => {
      const xs = (v as unknown[] | null) ?? [];
      varint(xs.length);
      xs.forEach(f64);
    },
    ints: (v) => {
      const xs = (v as unknown[] | null) ?? [];
      varint(xs.length);
      xs.forEach(i64);
    },
  };
  for (const r of rows) {
    for (const c of LEDGER_TABLES[target]) {
      const v = r[storedName(c)];
      if (c.kind === 'floats' || c.kind === 'ints') {
        value[c.kind](v);
        continue;
      }
      // Nullable(T): one byte, 1 for NULL, then the value when not NULL.
      fixed(1, (b) => b.writeUInt8(v === null || v === undefined ? 1 : 0));
      if (v !== null && v !== undefined) value[c.kind](v);
    }
    fixed(4, (b) => b.writeUInt32LE(Number(r.import_id)));
    i64(r.source_line);
  }
  return Buffer.concat(parts);
}

/** Refuses (naming the line) a timestamp or date outside what ClickHouse 18.16 stores, or a line without its line number (the key of a replacement). */
async function checkRange(mem: Store, target: LedgerTable, id: number, file: string): Promise<void> {
  for (const c of LEDGER_TABLES[target]) {
    if (c.kind !== 'ts' && c.kind !== 'date') continue;
    const us = c.kind === 'ts' ? `epoch_us(${q(c.name)})` : `epoch_us(CAST(${q(c.name)} AS TIMESTAMP))`;
    const [bad] = await query(mem.conn, `SELECT source_line, CAST(${q(c.name)} AS VARCHAR) AS v FROM ${target} WHERE import_id = ${id} AND (${us} < 0 OR ${us} >= ${MAX_US}) ORDER BY source_line LIMIT 1`);
    if (bad) throw new RoutefitError('invalid_input', `${file}: line ${bad.source_line}: ${c.name} ${String(bad.v)} is outside what the ClickHouse store holds (1970-01-01 ≤ ${c.name} < 2105-12-31); nothing was imported`, { field: c.name });
  }
  const [nul] = await query(mem.conn, `SELECT count(*) AS n FROM ${target} WHERE import_id = ${id} AND source_line IS NULL`);
  if (Number(nul!.n)) throw new Error(`ledger import: ${nul!.n} lines without a line number`);
}

/** The MergeTree tables of a ledger table: the store's own, or each shard's local one. */
const local = (t: string, nodes: ChStore[]) => (nodes.length ? `${t}_local` : t === 'ledger_replaced' ? t : `${t}_data`);

/** Drops one ledger import's lines (its partition) and replacement rows everywhere. */
async function dropLedgerImport(ch: ChStore, nodes: ChStore[], id: number): Promise<void> {
  for (const n of nodes.length ? nodes : [ch]) {
    for (const t of LEDGER_TABLE_NAMES) await n.command(`ALTER TABLE ${n.table(local(t, nodes))} DROP PARTITION ${chLit(id)}`);
    await n.command(`ALTER TABLE ${n.table(local('ledger_replaced', nodes))} DELETE WHERE by_import = ${chLit(id)}`);
  }
}

/** Under the lock: drops the lines of ledger imports that wrote but never committed (killed, or a shard went away). */
async function dropUncommittedLedgers(ch: ChStore, nodes: ChStore[]): Promise<number[]> {
  const done = new Set((await ch.query(committedLedgerImports(ch).slice(1, -1))).map((r) => Number(r.import_id)));
  const found = new Set<number>();
  for (const n of nodes.length ? nodes : [ch]) {
    const names = LEDGER_TABLE_NAMES.map((t) => chLit(local(t, nodes))).join(', ');
    const parts = await n.query(`SELECT DISTINCT partition FROM system.parts WHERE database = ${chLit(n.database)} AND table IN (${names}) AND active`);
    for (const p of parts) {
      const id = Number(String(p.partition).replace(/'/g, ''));
      if (Number.isInteger(id) && !done.has(id)) found.add(id);
    }
    for (const r of await n.query(`SELECT DISTINCT by_import FROM ${n.table(local('ledger_replaced', nodes))}`)) if (!done.has(Number(r.by_import))) found.add(Number(r.by_import));
  }
  const ids = [...found].sort((a, b) => a - b);
  for (const id of ids) await dropLedgerImport(ch, nodes, id);
  return ids;
}
