import { describe, expect, it } from 'vitest';
import { importFile } from '../../src/traces/import.js';
import { HEADER, csvRows, memoryStore, scalar, writeTemp } from './helpers.js';

/**
 * Issue 14: a CSV none of whose keys is stored skips the key match (import.ts insertCsvRows
 * mayMatchStored: the file's key hashes, already in `imp_ord`, meet the stored keys' hashes). One
 * stored key among 120k new ones, in the last line, must still be found: with the same values it is
 * skipped as stored, with other values it is a conflict named by its line.
 */
const today = '2026-12-02';

describe('a CSV into a store that holds rows (issue 14)', () => {
  it('no key stored: every row kept; one stored key at the end: skipped when the same, a conflict when not', { timeout: 60_000 }, async () => {
    const store = await memoryStore();
    const first = await importFile(store, writeTemp('a.csv', [HEADER, ...csvRows(1000)].join('\n') + '\n'), { today });
    expect(first.kept).toBe(1000);
    const N = 120_000;
    const fresh = await importFile(store, writeTemp('b.csv', [HEADER, ...csvRows(N, 1000)].join('\n') + '\n'), { today });
    expect(fresh).toMatchObject({ rowsRead: N, kept: N, alreadyStored: 0, conflicts: 0, rejected: 0 });
    // The same again plus r999 (stored by a.csv) in the last line, as stored: skipped.
    const same = await importFile(store, writeTemp('c.csv', [HEADER, ...csvRows(N, 1000 + N), csvRows(1, 999)[0]].join('\n') + '\n'), { today });
    expect(same).toMatchObject({ rowsRead: N + 1, kept: N, alreadyStored: 1, conflicts: 0 });
    // r998 with other output tokens in the last line: a conflict, refused.
    const other = csvRows(1, 998)[0]!.replace(',1000,200,100,', ',1000,200,101,');
    const conflict = await importFile(store, writeTemp('d.csv', [HEADER, ...csvRows(N, 1000 + 2 * N), other].join('\n') + '\n'), { today });
    expect(conflict).toMatchObject({ rowsRead: N + 1, conflicts: 1, importId: null });
    expect(conflict.conflictLines).toEqual([{ line: N + 2, reason: 'request_id + attempt (r998, 0) is stored with other values: output_tokens 100 → 101' }]);
    expect(await scalar(store, 'SELECT count(*) FROM requests')).toBe(1000 + 2 * N);
    store.close();
  });
});
