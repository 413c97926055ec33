import type { DuckDBConnection } from '@duckdb/node-api';
import { query } from './db.js';

/**
 * Idempotence of an import (issue 17, "Resources": a re-import of stored rows costs no more memory
 * than the first import). A valid new row whose (request_id, attempt) an earlier import stored is
 * dropped when every value is the same (a 64-bit hash of the row), and marked a conflict when a
 * value differs. One join of every new row with every stored row builds a hash table that grows
 * with the store (a 50M-row re-import ran out of memory). Here the stored rows are split by rowid
 * into P ranges of at most `partitionRows` rows, read in place one range at a time (a rowid range
 * is a pruned scan: each stored row is read and hashed once), and each range is joined with one
 * narrow table of the new rows (rowid, key hash, row hash: 24 bytes a row, no key strings). The join
 * is on the 64-bit key hash; the exact key columns are compared where a matched pair is acted on
 * (the delete of a skipped row, the record of a conflict), so a hash collision only pairs two keys
 * for a moment, never skips, marks or merges a row.
 */

/** Stored rows per join partition: bounds each join's hash table (~2M rows with their keys). */
export const KEY_MATCH_PARTITION_ROWS = 2_000_000;

export interface KeyMatch {
  /** New rows whose key is stored with the same values: deleted from this import. */
  alreadyStored: number;
  /** New rows whose key is stored with other values: marked `reject_rule = conflict`. */
  conflicts: number;
  /** Partitions the match ran in (1 for a store under `partitionRows`). */
  partitions: number;
  /** --replace: deletes the stored rows the conflicts would replace. */
  deleteReplaced(): Promise<void>;
  /** Drops the temp tables; call before the transaction ends. */
  drop(): Promise<void>;
}

/** Test hooks: `keyHashSpace` folds the key hash into that many values, so collisions are common. */
export interface KeyMatchTuning {
  keyHashSpace?: number;
}

/**
 * Matches import `id`'s valid rows with the stored rows of earlier imports, inside the caller's
 * transaction. `cols` are the stored columns of the normalized row; `conflictRule` the rule a conflict is marked with.
 */
export async function matchStoredKeys(
  conn: DuckDBConnection,
  id: number,
  cols: readonly string[],
  conflictRule: string,
  partitionRows = KEY_MATCH_PARTITION_ROWS,
  tuning: KeyMatchTuning = {},
): Promise<KeyMatch> {
  const mine = `import_id = ${id}`;
  const [c] = await query(
    conn,
    `SELECT count(*) FILTER (WHERE import_id <> ${id}) AS stored, count(*) FILTER (WHERE ${mine} AND reject_rule IS NULL) AS fresh,
       min(rowid) FILTER (WHERE import_id <> ${id}) AS lo, max(rowid) FILTER (WHERE import_id <> ${id}) AS hi FROM requests`,
  );
  const stored = Number(c!.stored);
  const fresh = Number(c!.fresh);
  const none: KeyMatch = { alreadyStored: 0, conflicts: 0, partitions: 0, deleteReplaced: async () => undefined, drop: async () => undefined };
  if (!stored || !fresh) return none;
  // The stored rows' rowid span (deleted rows leave gaps): each range holds at most partitionRows rows.
  const lo = Number(c!.lo);
  const span = Number(c!.hi) - lo + 1;
  const P = Math.max(1, Math.ceil(span / partitionRows));
  const width = Math.ceil(span / P);
  const space = tuning.keyHashSpace;
  if (space !== undefined && !(Number.isInteger(space) && space >= 1)) throw new Error(`keyHashSpace must be a positive integer, got ${space}`);
  const keyHash = `hash(request_id, attempt)${space ? ` % ${space}` : ''}`;
  const fp = `hash(${cols.join(', ')})`;
  await conn.run('DROP TABLE IF EXISTS km_new; DROP TABLE IF EXISTS km_part; DROP TABLE IF EXISTS km_conflicts');
  // Several partitions: the new rows hashed once, what every partition's join probes (or builds on, when fewer).
  if (P > 1) await conn.run(`CREATE TEMP TABLE km_new AS SELECT rowid AS rid, ${keyHash} AS h, ${fp} AS fp FROM requests WHERE ${mine} AND reject_rule IS NULL`);
  // Conflicts are kept (new rowid, stored rowid, partition) for the marking and --replace; usually few.
  await conn.run('CREATE TEMP TABLE km_conflicts (rid BIGINT, orid BIGINT, part UINTEGER)');
  // The exact key of a pair, compared on the new row where the pair is acted on.
  const exact = (r: string) => `${r}.${mine} AND ${r}.rowid = p.rid AND ${r}.request_id = p.request_id AND ${r}.attempt = p.attempt`;
  let alreadyStored = 0;
  let conflicts = 0;
  for (let p = 0; p < P; p++) {
    const from = lo + p * width;
    const old = `SELECT rowid AS orid, ${keyHash} AS h, ${fp} AS fp, request_id, attempt FROM requests WHERE import_id <> ${id} AND rowid BETWEEN ${from} AND ${from + width - 1}`;
    // One partition: the new rows are read in place and joined on their exact keys (the shape that
    // measured least memory at 2M rows); several: the narrow new rows, on the key hash.
    await conn.run(
      P === 1
        ? `CREATE OR REPLACE TEMP TABLE km_part AS SELECT n.rowid AS rid, o.orid, hash(${cols.map((c) => `n.${c}`).join(', ')}) = o.fp AS same, NULL AS request_id, NULL AS attempt
           FROM requests n JOIN (${old}) o ON o.request_id = n.request_id AND o.attempt = n.attempt WHERE n.${mine} AND n.reject_rule IS NULL`
        : `CREATE OR REPLACE TEMP TABLE km_part AS SELECT n.rid, o.orid, n.fp = o.fp AS same, o.request_id, o.attempt FROM km_new n JOIN (${old}) o ON o.h = n.h`,
    );
    const [m] = await query(conn, 'SELECT count(*) FILTER (WHERE same) AS same, count(*) FILTER (WHERE NOT same) AS differ FROM km_part');
    const on = (r: string) => (P === 1 ? `${r}.${mine} AND ${r}.rowid = p.rid` : exact(r));
    if (Number(m!.same)) {
      const del = await conn.run(
        P === 1 ? `DELETE FROM requests WHERE ${mine} AND rowid IN (SELECT rid FROM km_part WHERE same)` : `DELETE FROM requests USING km_part p WHERE p.same AND ${exact('requests')}`,
      );
      alreadyStored += Number(del.rowsChanged);
    }
    if (Number(m!.differ)) {
      const ins = await conn.run(`INSERT INTO km_conflicts SELECT p.rid, p.orid, ${p} FROM km_part p JOIN requests r ON ${on('r')} WHERE NOT p.same`);
      conflicts += Number(ins.rowsChanged);
    }
  }
  await conn.run('DROP TABLE km_part; DROP TABLE IF EXISTS km_new');
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
