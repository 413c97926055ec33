import { describe, expect, it } from 'vitest';
import { importFile } from '../../src/traces/import.js';
import { join } from 'node:path';
import { openStore, query } from '../../src/traces/db.js';
import { HEADER, csvRows, scalar, tempDir, writeTemp } from './helpers.js';

/**
 * Issue 14: an import writes its rows without FSST (import.ts IMPORT_NO_COMPRESSION: 0.35 CPU-s per
 * 1M rows), and only its own transaction does: the setting is back to DuckDB's default after an
 * import that commits and after one that is refused.
 */
const today = '2026-12-02';
const setting = "SELECT current_setting('disabled_compression_methods')";

describe('the import writes without FSST, for its own transaction only (issue 14)', () => {
  it('committed and refused imports leave the setting as it was; the distinct ids are stored as written', { timeout: 60_000 }, async () => {
    // A file store: an in-memory one is not compressed at all.
    const store = await openStore(join(tempDir(), 'c.duckdb'), { create: true });
    const before = await scalar(store, setting);
    expect(before).toBe('');
    const N = 150_000;
    const s = await importFile(store, writeTemp('a.csv', [HEADER, ...csvRows(N)].join('\n') + '\n'), { today });
    expect(s.kept).toBe(N);
    expect(await scalar(store, setting)).toBe(before);
    await store.conn.run('CHECKPOINT');
    const comp = (await query(store.conn, "SELECT DISTINCT compression FROM pragma_storage_info('requests') WHERE column_name = 'request_id'")).map((r) => String(r.compression));
    expect(comp).not.toContain('FSST');
    expect(await query(store.conn, "SELECT count(DISTINCT request_id) AS n, min(request_id) AS lo, max(request_id) AS hi FROM requests")).toEqual([{ n: N, lo: 'r0', hi: 'r99999' }]);
    // Over 1% rejected: refused, rolled back; the setting is restored all the same.
    const bad = csvRows(100).map((r, i) => (i < 5 ? r.replace(',ok,', ',exploded,') : r));
    const refused = await importFile(store, writeTemp('b.csv', [HEADER, ...bad].join('\n') + '\n'), { today });
    expect(refused.aborted).toMatch(/over the 1% limit/);
    expect(await scalar(store, setting)).toBe(before);
    store.close();
  });
});
