import { describe, expect, it } from 'vitest';
import { appendFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { RoutefitError } from '../../src/engine/errors.js';
import { type Store } from '../../src/traces/db.js';
import { importFile } from '../../src/traces/import.js';
import { HEADER, csvRows, memoryStore, scalar, tempDir, writeTemp } from './helpers.js';

/**
 * Issue 14: an import reads its file more than once (CSV: the ordered read, then the rows; Parquet:
 * the rows, then their count and the rejects). A file that changes between those reads (still being
 * written) is refused with a RoutefitError naming the file and what to do, and nothing is imported.
 * The change is made for real, between two of the import's statements.
 */

const today = '2026-12-02';

/** Runs `change` once, right after the first statement of the import that starts with `prefix`. */
function afterStatement(store: Store, prefix: string, change: () => void): void {
  const conn = store.conn;
  const run = conn.run.bind(conn);
  let done = false;
  conn.run = (async (sql: string, ...rest: unknown[]) => {
    const r = await (run as (...a: unknown[]) => Promise<unknown>)(sql, ...rest);
    if (!done && sql.trimStart().startsWith(prefix)) {
      done = true;
      change();
    }
    return r;
  }) as typeof conn.run;
}

async function refusal(p: Promise<unknown>): Promise<RoutefitError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RoutefitError);
  return err as RoutefitError;
}

describe('a file that changes while it is imported (issue 14)', () => {
  it('CSV: rows appended after the ordered read are refused, naming the file; nothing stored', async () => {
    const file = writeTemp('growing.csv', [HEADER, ...csvRows(1000)].join('\n') + '\n');
    const store = await memoryStore();
    afterStatement(store, 'CREATE TEMP TABLE imp_ord', () => appendFileSync(file, csvRows(10, 1000).join('\n') + '\n'));
    const err = await refusal(importFile(store, file, { today }));
    expect(err.message).toBe(
      `${file}: the file gave other rows on another read (1010 rows passed the checks, but the first read returned 1000): it changed while it was imported. Nothing was imported; re-run the import when the file is no longer being written`,
    );
    expect(err.field).toBe('file');
    expect(await scalar(store, 'SELECT count(*) FROM requests')).toBe(0);
    expect(await scalar(store, 'SELECT count(*) FROM imports')).toBe(0);
    // Once the file stands still, the same import goes through.
    const s = await importFile(store, file, { today });
    expect(s).toMatchObject({ rowsRead: 1010, kept: 1010, rejected: 0 });
    store.close();
  });

  it('Parquet: a file replaced after the insert (more rows, two of them rejects) is refused; nothing stored', async () => {
    const dir = tempDir();
    const store = await memoryStore();
    const pq = (name: string, rows: string[]) => {
      const out = join(dir, name);
      const csv = writeTemp(`${name}.csv`, [HEADER, ...rows].join('\n') + '\n', dir);
      return store.conn.run(`COPY (SELECT * FROM read_csv('${csv}', all_varchar = true)) TO '${out}' (FORMAT parquet)`).then(() => out);
    };
    const file = await pq('a.parquet', csvRows(1000));
    const bad = csvRows(1001);
    bad[5] = bad[5]!.replace(',ok,', ',exploded,');
    bad[6] = bad[6]!.replace(',ok,', ',exploded,');
    const other = await pq('b.parquet', bad);
    afterStatement(store, 'INSERT INTO requests', () => copyFileSync(other, file));
    const err = await refusal(importFile(store, file, { today }));
    expect(err.message).toMatch(new RegExp(`^${file.replace(/[.\\/]/g, '\\$&')}: the file gave other rows on another read \\(the checks gave 1000 good and 2 rejected rows of 1001\\)`));
    expect(err.message).toMatch(/re-run the import when the file is no longer being written$/);
    expect(await scalar(store, 'SELECT count(*) FROM requests')).toBe(0);
    store.close();
  });
});
