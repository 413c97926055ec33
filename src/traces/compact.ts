import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { type Store, lit, loadDuckdb, openStore, query } from './db.js';

/**
 * Reclaims the space killed imports leave in a store file (issue 17, "Resources": 1.6 MB → 29.6 MB
 * after three kills). An import writes its rows to new blocks before it commits; killed, those
 * blocks belong to no checkpoint, DuckDB never reuses them and a checkpoint does not truncate the
 * file. So when the file is much larger than the blocks the database uses, the next import copies
 * the database into a fresh file (`COPY FROM DATABASE`) and renames it over the old one: the rename
 * is atomic, so a crash during the copy leaves the old file as it was (and a stale copy, removed next time).
 */

/** Compact when the file holds this many bytes beyond the used blocks, and more than it uses. */
export const BLOAT_BYTES = 8 * 1024 * 1024;

export const compactPath = (path: string) => `${path}.compacting`;

/** Used bytes of the open database (blocks × block size, plus the 3 header blocks of 4 KiB). */
export async function usedBytes(conn: DuckDBConnection): Promise<number> {
  const [r] = await query(conn, 'SELECT total_blocks, block_size FROM pragma_database_size() WHERE database_name = current_database()');
  return Number(r!.total_blocks) * Number(r!.block_size) + 3 * 4096;
}

export function isBloated(fileBytes: number, used: number): boolean {
  return fileBytes - used > BLOAT_BYTES && fileBytes > 2 * used;
}

/**
 * Copies the (closed) store at `path` into a fresh file and swaps it in. Returns the bytes
 * reclaimed. The caller has closed its own connection (DuckDB locks the file per process).
 */
export async function compactStore(path: string): Promise<number> {
  const before = statSync(path).size;
  const tmp = compactPath(path);
  rmSync(tmp, { force: true });
  rmSync(`${tmp}.wal`, { force: true });
  const { DuckDBInstance } = loadDuckdb();
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    // ATTACH takes no parameters; a file path holds no NUL, and lit() quotes it.
    await conn.run(`ATTACH ${lit(path)} AS old_store (READ_ONLY)`);
    await conn.run(`ATTACH ${lit(tmp)} AS new_store`);
    await conn.run('COPY FROM DATABASE old_store TO new_store');
    await conn.run('DETACH new_store');
    await conn.run('DETACH old_store');
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  renameSync(tmp, path);
  return before - statSync(path).size;
}

/** Removes a copy a crash during compaction left. */
export function removeStaleCompaction(path: string): void {
  if (existsSync(compactPath(path))) rmSync(compactPath(path), { force: true });
  rmSync(`${compactPath(path)}.wal`, { force: true });
}

/**
 * Opens a store for an import, compacting it first when killed imports bloated it. Returns the
 * bytes reclaimed (0 when the file was fine), for the import's report.
 */
export async function openStoreForImport(path: string): Promise<{ store: Store; reclaimedBytes: number }> {
  if (path === ':memory:') return { store: await openStore(path, { create: true }), reclaimedBytes: 0 };
  removeStaleCompaction(path);
  let store = await openStore(path, { create: true });
  const used = await usedBytes(store.conn);
  if (!isBloated(statSync(path).size, used)) return { store, reclaimedBytes: 0 };
  store.close();
  const reclaimedBytes = await compactStore(path);
  store = await openStore(path, { create: true });
  return { store, reclaimedBytes };
}
