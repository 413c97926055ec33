import { rmSync } from 'node:fs';
import { ident, lit, openStore, query } from './db.js';
import { COLUMNS, SQL_TYPE } from './schema.js';

/**
 * Rewrites a CSV file as Parquet and removes the CSV: DuckDB in memory does the conversion, so
 * `traces generate --out x.parquet` needs no other writer. A file without malformed rows is written
 * typed, as exporters write Parquet (timestamps as TIMESTAMPTZ, tokens BIGINT, latencies DOUBLE,
 * flags BOOLEAN); a file with planted malformed rows keeps every column as text, as written, since a
 * typed column cannot hold "abc" tokens.
 */
export async function csvToParquet(csvPath: string, parquetPath: string, opts: { typed: boolean } = { typed: true }): Promise<void> {
  await writeParquet(csvPath, parquetPath, opts);
  rmSync(csvPath);
}

/** The conversion itself, keeping the CSV (bench/scale.mjs writes both Parquet kinds from one CSV). */
export async function writeParquet(csvPath: string, parquetPath: string, opts: { typed: boolean }): Promise<void> {
  const store = await openStore(':memory:', { create: true });
  const from = `read_csv(${lit(csvPath)}, all_varchar = true, header = true)`;
  try {
    const names = (await query(store.conn, `SELECT column_name FROM (DESCRIBE SELECT * FROM ${from})`)).map((r) => String(r.column_name));
    const kind = new Map(COLUMNS.map((c) => [c.name, c.kind]));
    const typedCol = (n: string) => {
      const k = kind.get(n);
      return k && k !== 'text' ? `CAST(${ident(n)} AS ${k === 'timestamp' ? 'TIMESTAMPTZ' : SQL_TYPE[k]}) AS ${ident(n)}` : ident(n);
    };
    const select = opts.typed ? names.map(typedCol).join(', ') : '*';
    // The store runs without insertion order (db.ts); a file written without it has its row groups
    // in the order threads finish them, so its rows are not the CSV's (the 1M-row bench file: every
    // row at another index, 5–8 "earlier than the row before them"). Rows keep the CSV's order, as an exporter writes them.
    await store.conn.run('SET preserve_insertion_order = true');
    await store.conn.run(`COPY (SELECT ${select} FROM ${from}) TO ${lit(parquetPath)} (FORMAT parquet)`);
  } finally {
    store.close();
  }
}
