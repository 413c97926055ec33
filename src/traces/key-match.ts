import type { DuckDBConnection } from '@duckdb/node-api';
import { query } from './db.js';

/**
 * Idempotence of an import (issue 17, "Resources": a re-import of stored rows costs no more memory
 * than the first import). A valid new row whose (request_id, attempt) an earlier import stored is
 * dropped when every value is the same (a 64-bit hash of the row), and marked a conflict when a
 * value differs. One join of every new row with every stored row builds a hash table that grows
 * with the store (a 50M-row re-import ran out of memory); here the keys are split by
 * `hash(request_id, attempt) % P` into partitions of at most `partitionRows` rows a side, joined one
 * at a time over two narrow tables (rowid, key, row hash) computed once. The exact key columns stay
 * in each join's condition, so a hash collision only puts two keys in one partition, never matches them.
 */

/** Rows a side per join partition: bounds each join's hash table (~130 MB at 2M rows). */
export const KEY_MATCH_PARTITION_ROWS = 2_000_000;

export interface KeyMatch {
  /** New rows whose key is stored with the same values: deleted from this import. */
  alreadyStored: number;
  /** New rows whose key is stored with other values: marked `reject_rule = conflict`. */
  conflicts: number;
  /** Partitions the match ran in (1 for a store and file both under `partitionRows`). */
  partitions: number;
  /** --replace: deletes the stored rows the conflicts would replace. */
  deleteReplaced(): Promise<void>;
  /** Drops the temp tables; call before the transaction ends. */
  drop(): Promise<void>;
}

/**
 * Matches import `id`'s valid rows with the stored rows of earlier imports, inside the caller's
 * transaction. `cols` are the stored columns of the normalized row; `conflictRule` the rule a conflict is marked with.
 */
export async function matchStoredKeys(conn: DuckDBConnection, id: number, cols: readonly string[], conflictRule: string, partitionRows = KEY_MATCH_PARTITION_ROWS): Promise<KeyMatch> {
  const mine = `import_id = ${id}`;
  const [c] = await query(conn, `SELECT count(*) FILTER (WHERE import_id <> ${id}) AS stored, count(*) FILTER (WHERE ${mine} AND reject_rule IS NULL) AS fresh FROM requests`);
  const stored = Number(c!.stored);
  const fresh = Number(c!.fresh);
  const none: KeyMatch = { alreadyStored: 0, conflicts: 0, partitions: 0, deleteReplaced: async () => undefined, drop: async () => undefined };
  if (!stored || !fresh) return none;
  // Both sides bounded, whichever one DuckDB builds its hash table on.
  const P = Math.max(1, Math.ceil(Math.max(stored, fresh) / partitionRows));
  const fp = `hash(${cols.join(', ')})`;
  const part = `CAST(hash(request_id, attempt) % ${P} AS UINTEGER)`;
  const newSql = `SELECT rowid AS rid, request_id, attempt, ${fp} AS fp, ${part} AS part FROM requests WHERE ${mine} AND reject_rule IS NULL`;
  const oldSql = `SELECT rowid AS orid, request_id, attempt, ${fp} AS fp, ${part} AS part FROM requests WHERE import_id <> ${id}`;
  await conn.run('DROP TABLE IF EXISTS km_new; DROP TABLE IF EXISTS km_old; DROP TABLE IF EXISTS km_part; DROP TABLE IF EXISTS km_conflicts');
  // Several partitions: the narrow sides are computed once, sorted by partition so each
  // join reads only its own row groups (measured at 10M rows: 31 CPU-s for the match instead of 39 unsorted).
  if (P > 1) await conn.run(`CREATE TEMP TABLE km_new AS ${newSql} ORDER BY part; CREATE TEMP TABLE km_old AS ${oldSql} ORDER BY part`);
  // One partition: the new rows are read in place and hashed as they probe (the shape that measured
  // least memory at 2M rows); several: the sorted narrow tables, one partition each.
  const pairs = (p: number) =>
    P > 1
      ? `SELECT n.rid, o.orid, n.fp = o.fp AS same, n.part FROM km_new n JOIN km_old o ON o.request_id = n.request_id AND o.attempt = n.attempt WHERE n.part = ${p} AND o.part = ${p}`
      : `SELECT n.rowid AS rid, o.orid, hash(${cols.map((c) => `n.${c}`).join(', ')}) = o.fp AS same, 0 AS part
         FROM requests n JOIN (${oldSql}) o ON o.request_id = n.request_id AND o.attempt = n.attempt WHERE n.${mine} AND n.reject_rule IS NULL`;
  // Conflicts are kept (new rowid, stored rowid) for the marking and --replace; usually few.
  await conn.run('CREATE TEMP TABLE km_conflicts (rid BIGINT, orid BIGINT, part UINTEGER)');
  let alreadyStored = 0;
  let conflicts = 0;
  for (let p = 0; p < P; p++) {
    await conn.run(`CREATE OR REPLACE TEMP TABLE km_part AS ${pairs(p)}`);
    const [m] = await query(conn, 'SELECT count(*) FILTER (WHERE same) AS same, count(*) FILTER (WHERE NOT same) AS differ FROM km_part');
    const same = Number(m!.same);
    const differ = Number(m!.differ);
    if (same) await conn.run(`DELETE FROM requests WHERE ${mine} AND rowid IN (SELECT rid FROM km_part WHERE same)`);
    if (differ) await conn.run('INSERT INTO km_conflicts SELECT rid, orid, part FROM km_part WHERE NOT same');
    alreadyStored += same;
    conflicts += differ;
  }
  await conn.run('DROP TABLE km_part; DROP TABLE IF EXISTS km_new; DROP TABLE IF EXISTS km_old');
  // The conflicts' reasons are built only for the rows a report shows (import.ts conflictSample).
  const inParts = async (sql: (filter: string) => string) => {
    if (conflicts <= partitionRows) return void (await conn.run(sql('')));
    for (let p = 0; p < P; p++) await conn.run(sql(` WHERE part = ${p}`));
  };
  if (conflicts) await inParts((f) => `UPDATE requests SET reject_rule = '${conflictRule}' WHERE ${mine} AND rowid IN (SELECT rid FROM km_conflicts${f})`);
  return {
    alreadyStored,
    conflicts,
    partitions: P,
    deleteReplaced: () => inParts((f) => `DELETE FROM requests WHERE import_id <> ${id} AND rowid IN (SELECT orid FROM km_conflicts${f})`),
    drop: () => conn.run('DROP TABLE IF EXISTS km_conflicts').then(() => undefined),
  };
}
