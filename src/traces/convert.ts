import { rmSync } from 'node:fs';
import { lit, openStore } from './db.js';

/**
 * Rewrites a CSV file as Parquet (every column as text, as written) and removes the CSV: DuckDB in
 * memory does the conversion, so `traces generate --out x.parquet` needs no other writer.
 */
export async function csvToParquet(csvPath: string, parquetPath: string): Promise<void> {
  const store = await openStore(':memory:', { create: true });
  try {
    await store.conn.run(`COPY (SELECT * FROM read_csv(${lit(csvPath)}, all_varchar = true, header = true)) TO ${lit(parquetPath)} (FORMAT parquet)`);
  } finally {
    store.close();
  }
  rmSync(csvPath);
}
