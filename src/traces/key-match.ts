import type { DuckDBConnection } from '@duckdb/node-api';
import { lit, query, storeMemoryLimit } from './db.js';
import { parseMemorySetting } from './memory-estimate.js';

/**
 * Idempotence of an import (issue 17, "Resources": a re-import of stored rows costs no more memory
 * than the first import). A valid new row whose (request_id, attempt) an earlier import stored is
 * dropped when every value is the same (a 64-bit hash of the row), and marked a conflict when a
 * value differs. One join of every new row with every stored row builds a hash table that grows
 * with the store (a 50M-row re-import ran out of memory); here the keys are split by their 64-bit
 * hash into P ranges of at most `partitionRows` rows a side, joined one at a time over two narrow
 * tables computed once and sorted by key hash: (rowid, key hash, row hash), 24 bytes a row and no
 * key strings (with the strings, the two tables of a 10M-row re-import held 960 MB and filled
 * DuckDB's memory limit). A file none of whose keys is stored, or all of whose rows are, is settled
 * before any of that by one counting join (below), and a file all stored is then rolled back by the
 * caller, not deleted row by row (the deletes of a 10M-row re-import held ~16 bytes a row outside
 * DuckDB's memory limit until the commit). The join is on the key hash, so a pair is two rows whose keys hash alike:
 * - same row hash: the row hash covers the key columns too, so equal row hashes mean equal keys
 *   and values, to the same 64-bit odds the value comparison already takes; the new row is skipped;
 * - other row hash: a conflict only once the exact keys are compared (the `exact` insert), so two keys
 *   that merely share a hash are never marked, replaced or skipped.
 */

/**
 * Share of DuckDB's memory limit the first counting join runs under (the limit is restored after).
 * The join spills what does not fit, at the same CPU (a 10M-row re-import: 4.0 CPU-s under 768 MB,
 * 3.9 under 300 MB), but under the full limit its hash table took the process from 774 to 1,062 MB
 * RSS, above a first import's peak: lowering the limit first evicts what the pool caches (RSS 878 → 347 MB).
 */
export const COUNT_JOIN_MEMORY_SHARE = 0.5;

/** Rows a side per join partition: bounds each join's hash table (~2M pairs of 24-byte rows). */
export const KEY_MATCH_PARTITION_ROWS = 2_000_000;

export interface KeyMatch {
  /** New rows whose key is stored with the same values: deleted from this import (unless `allStored`). */
  alreadyStored: number;
  /**
   * Every valid new row is stored with the same values and none conflicts: nothing was deleted, so
   * the caller keeps none of the valid rows and rolls the insert back instead of committing it.
   */
  allStored: boolean;
  /** New rows whose key is stored with other values: marked `reject_rule = conflict`. */
  conflicts: number;
  /** Partitions the match ran in: 0 when the first count settled it, 1 for a store and file both under `partitionRows`. */
  partitions: number;
  /** --replace: deletes the stored rows the conflicts would replace. */
  deleteReplaced(): Promise<void>;
  /** Drops the temp tables; call before the transaction ends. */
  drop(): Promise<void>;
}

/** Test hook: `keyHashSpace` folds the key hash into that many values, so collisions are common. */
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
  const [c] = await query(conn, `SELECT count(*) FILTER (WHERE import_id <> ${id}) AS stored, count(*) FILTER (WHERE ${mine} AND reject_rule IS NULL) AS fresh FROM requests`);
  const stored = Number(c!.stored);
  const fresh = Number(c!.fresh);
  const none: KeyMatch = { alreadyStored: 0, allStored: false, conflicts: 0, partitions: 0, deleteReplaced: async () => undefined, drop: async () => undefined };
  if (!stored || !fresh) return none;
  // Both sides bounded, whichever one DuckDB builds its hash table on.
  const P = Math.max(1, Math.ceil(Math.max(stored, fresh) / partitionRows));
  const space = tuning.keyHashSpace;
  if (space !== undefined && !(Number.isInteger(space) && space >= 1)) throw new Error(`keyHashSpace must be a positive integer, got ${space}`);
  const fp = `hash(${cols.join(', ')})`;
  const kh = `hash(request_id, attempt)${space ? ` % ${space}` : ''}`;
  // First one join of every new row's (key hash, row hash) with every stored row's, only counted:
  // it settles the two usual files without a temp table or a delete — none of the keys stored (a
  // new day) or every row stored as it is (a re-import). DuckDB's hash join spills what does not
  // fit its memory limit (measured alone: 10M × 10M rows under a 150 MB limit peaked at 297 MB RSS).
  const [q] = await underMemoryShare(conn, COUNT_JOIN_MEMORY_SHARE, () =>
    query(
      conn,
      `SELECT count(*) AS pairs, count(*) FILTER (WHERE n.fp = o.fp) AS same
       FROM (SELECT ${kh} AS kh, ${fp} AS fp FROM requests WHERE ${mine} AND reject_rule IS NULL) n
       JOIN (SELECT ${kh} AS kh, ${fp} AS fp FROM requests WHERE import_id <> ${id}) o ON o.kh = n.kh`,
    ),
  );
  // No pair: no key stored (equal keys hash alike). Every pair the same row hash, one a new row:
  // every row stored with its values (no stored key twice, so a new row has at most one such pair).
  if (Number(q!.pairs) === 0) return none;
  if (Number(q!.same) === fresh && Number(q!.pairs) === fresh) return { ...none, alreadyStored: fresh, allStored: true };
  await conn.run('DROP TABLE IF EXISTS km_new; DROP TABLE IF EXISTS km_old; DROP TABLE IF EXISTS km_conflicts');
  // Conflicts are kept (new rowid, stored rowid, partition) for the marking and --replace; usually few.
  await conn.run('CREATE TEMP TABLE km_conflicts (rid BIGINT, orid BIGINT, part UINTEGER)');
  // The pairs of each partition: (rid, orid, same). Queried again for each step instead of kept in a
  // table: a table made and dropped inside the import's transaction holds its memory until the
  // commit (measured: +45 MB a partition at 10M rows).
  const parts: string[] = [];
  if (P === 1 && !space) {
    // One partition: the new rows are read in place and hashed as they probe, on the exact keys
    // (the shape that measured least memory at 2M rows).
    parts.push(
      `SELECT n.rowid AS rid, o.orid, hash(${cols.map((c) => `n.${c}`).join(', ')}) = o.fp AS same
       FROM requests n JOIN (SELECT rowid AS orid, request_id, attempt, ${fp} AS fp FROM requests WHERE import_id <> ${id}) o
         ON o.request_id = n.request_id AND o.attempt = n.attempt WHERE n.${mine} AND n.reject_rule IS NULL`,
    );
  } else {
    // Sorted by key hash, so partition p (a range of hashes) is a pruned scan of its own row groups.
    await conn.run(
      `CREATE TEMP TABLE km_new AS SELECT rowid AS rid, ${kh} AS kh, ${fp} AS fp FROM requests WHERE ${mine} AND reject_rule IS NULL ORDER BY kh;
       CREATE TEMP TABLE km_old AS SELECT rowid AS orid, ${kh} AS kh, ${fp} AS fp FROM requests WHERE import_id <> ${id} ORDER BY kh`,
    );
    // Range p of the 64-bit hash space: [p·2^64/P, (p+1)·2^64/P), bounds computed here, not read from data.
    const bound = (p: number) => ((1n << 64n) * BigInt(p)) / BigInt(P);
    for (let p = 0; p < P; p++) {
      const inRange = (t: string) => `${t}.kh >= ${bound(p)}::UBIGINT${p < P - 1 ? ` AND ${t}.kh < ${bound(p + 1)}::UBIGINT` : ''}`;
      parts.push(`SELECT n.rid, o.orid, n.fp = o.fp AS same FROM km_new n JOIN km_old o ON o.kh = n.kh WHERE ${inRange('n')} AND ${inRange('o')}`);
    }
  }
  let alreadyStored = 0;
  let conflicts = 0;
  for (const [p, pairs] of parts.entries()) {
    const [m] = await query(conn, `SELECT count(*) FILTER (WHERE same) AS same, count(*) FILTER (WHERE NOT same) AS differ FROM (${pairs})`);
    if (Number(m!.same)) alreadyStored += Number((await conn.run(`DELETE FROM requests WHERE ${mine} AND rowid IN (SELECT rid FROM (${pairs}) WHERE same)`)).rowsChanged);
    // Pairs whose values differ become conflicts only where their exact keys are equal.
    if (Number(m!.differ)) {
      const exact = `INSERT INTO km_conflicts SELECT k.rid, k.orid, ${p} FROM (${pairs}) k
         JOIN requests n ON n.rowid = k.rid JOIN requests o ON o.rowid = k.orid
         WHERE NOT k.same AND n.${mine} AND o.import_id <> ${id} AND n.request_id = o.request_id AND n.attempt = o.attempt`;
      conflicts += Number((await conn.run(exact)).rowsChanged);
    }
  }
  await conn.run('DROP TABLE IF EXISTS km_new; DROP TABLE IF EXISTS km_old');
  // The conflicts' reasons are built only for the rows a report shows (import.ts conflictSample).
  const inParts = async (sql: (filter: string) => string) => {
    if (conflicts <= partitionRows) return void (await conn.run(sql('')));
    for (let p = 0; p < P; p++) await conn.run(sql(` WHERE part = ${p}`));
  };
  if (conflicts) await inParts((f) => `UPDATE requests SET reject_rule = '${conflictRule}' WHERE ${mine} AND rowid IN (SELECT rid FROM km_conflicts${f})`);
  return {
    alreadyStored,
    allStored: false,
    conflicts,
    partitions: P,
    deleteReplaced: () => inParts((f) => `DELETE FROM requests WHERE import_id <> ${id} AND rowid IN (SELECT orid FROM km_conflicts${f})`),
    drop: () => conn.run('DROP TABLE IF EXISTS km_conflicts').then(() => undefined),
  };
}

/**
 * Runs `body` with DuckDB's memory limit lowered to `share` of the store's, then sets the store's
 * limit back (from its setting, not from `current_setting`, which DuckDB rounds to 0.1 MiB).
 */
async function underMemoryShare<T>(conn: DuckDBConnection, share: number, body: () => Promise<T>): Promise<T> {
  const lim = storeMemoryLimit();
  const bytes = parseMemorySetting(lim);
  if (bytes === undefined) return body();
  const lowerMib = Math.max(1, Math.floor((bytes * share) / 1024 ** 2));
  // Lowering the limit evicts what the pool holds over it, to the temp directory; without one, a
  // failed SET would abort the import's transaction, so the join then keeps the store's limit.
  const [m] = await query(conn, "SELECT current_setting('temp_directory') AS dir, (SELECT coalesce(sum(memory_usage_bytes), 0) FROM duckdb_memory()) AS used");
  if (!m!.dir && Number(m!.used) > lowerMib * 1024 ** 2) return body();
  await conn.run(`SET memory_limit = '${lowerMib}MiB'`);
  try {
    return await body();
  } finally {
    await conn.run(`SET memory_limit = ${lit(lim)}`);
  }
}
