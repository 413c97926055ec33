import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeParquet } from '../../src/traces/convert.js';
import { importFile } from '../../src/traces/import.js';
import { query } from '../../src/traces/db.js';
import { HEADER, csvRows, memoryStore, tempDir, writeTemp } from './helpers.js';

/**
 * Issue 14: `traces generate --out x.parquet` (convert.ts writeParquet) writes the rows in the CSV's
 * order. Written without insertion order, the row groups land in the order the threads finish them
 * (the 1M-row bench file had every row at another index and 5–8 rows "earlier than the row before
 * them"). 300k rows span many CSV chunks and several Parquet row groups, so a parallel writer would
 * really reorder them.
 */
describe('generated Parquet keeps the file order (issue 14)', () => {
  it('every row at its CSV index, and an import notes no out-of-order rows', { timeout: 60_000 }, async () => {
    const N = 300_000;
    // The clock rises with the row (one second a row from 2026-05-01), so any reordering is a descent.
    const rows = Array.from({ length: N }, (_, i) => `${new Date(Date.UTC(2026, 4, 1) + i * 1000).toISOString()},r${i},0,chat,openai,gpt-5.5,1000,200,100,300,2000,ok,pass`);
    expect(csvRows(1)[0]!.split(',').length).toBe(rows[0]!.split(',').length);
    const dir = tempDir();
    const csv = writeTemp('gen.csv', [HEADER, ...rows].join('\n') + '\n', dir);
    const pq = join(dir, 'gen.parquet');
    await writeParquet(csv, pq, { typed: true });
    const store = await memoryStore();
    const [r] = await query(
      store.conn,
      `SELECT count(*) AS n, count(*) FILTER (WHERE request_id <> 'r' || file_row_number) AS moved FROM read_parquet('${pq}', file_row_number = true)`,
    );
    expect(r).toEqual({ n: N, moved: 0 });
    const s = await importFile(store, pq, { today: '2026-12-02' });
    expect(s).toMatchObject({ rowsRead: N, kept: N, rejected: 0 });
    expect(s.notes.filter((n) => /earlier than the row before/.test(n))).toEqual([]);
    store.close();
  });
});
