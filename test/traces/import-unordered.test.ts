import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { importFile } from '../../src/traces/import.js';
import { query } from '../../src/traces/db.js';
import { HEADER, csvRows, memoryStore, scalar, tempDir, writeTemp } from './helpers.js';

/**
 * Issue 14: CSV rows go into the store in any order, and no rejected or repeated row ever enters
 * `requests` (their lines come from narrow ordered reads, import.ts insertCsvRows; Parquet's from
 * its row column). These files span many DuckDB chunks and row groups, so a parallel reader
 * really reorders them: every line, kept value and count below would be wrong if order leaked.
 */

const today = '2026-12-02';
// csvRows(i)'s clock reads i % 3,600 seconds: a row is earlier than the row before it where that wraps.
const clock = (i: number) => i % 3600;
const descents = (clocks: number[]) => clocks.filter((c, k) => k > 0 && c < clocks[k - 1]!).length;
const note = (n: number) => `${n} rows have a timestamp earlier than the row before them: kept (metrics do not depend on file order)`;
const row = (i: number) => csvRows(1, i)[0]!;

describe('CSV rows that need a line are kept out of the store (issue 14)', () => {
  it('rejects near the end, a malformed line, repeats whose first line differs or is itself rejected: exact lines and the first line’s values kept', { timeout: 60_000 }, async () => {
    const N = 200_000;
    const rows = csvRows(N);
    rows[3] = 'x,y'; // line 5: malformed (the reader drops it; later indices shift, lines do not)
    rows[20] = rows[20]!.replace(',ok,', ',exploded,'); // line 22: r20 rejected …
    rows[160_000] = row(20); // … so line 160002, a valid r20, is r20's first valid line and stays
    rows[150_000] = row(10).replace(',1000,200,', ',900,200,'); // line 150002 repeats r10 (line 12) with other values
    rows[N - 2] = rows[N - 2]!.replace(',ok,', ',exploded,'); // line 200000
    rows[N - 1] = rows[N - 1]!.replace(',1000,200,', ',-5,0,'); // line 200001, the last line
    const store = await memoryStore();
    const s = await importFile(store, writeTemp('big.csv', [HEADER, ...rows].join('\n') + '\n'), { today });
    expect(s.rejects.map((r) => r.line)).toEqual([5, 22, 150_002, 200_000, 200_001]);
    expect(s.rejects[0]!.reason).toMatch(/^malformed CSV/);
    expect(s.rejects[2]!.reason).toBe('duplicate request_id + attempt (r10, 0), first at line 12');
    expect(s.rejects[4]!.reason).toBe('input_tokens is -5; allowed an integer 0 ≤ value ≤ 10,000,000,000 (tokens)');
    expect(s).toMatchObject({ rowsRead: N, kept: N - 5, rejected: 5, alreadyStored: 0, rejectsByRule: { malformed: 1, bad_status: 2, duplicate_id: 1, negative_input_tokens: 1 } });
    // The first line's values are the ones stored, once per key; the row rejected at line 22 is not.
    expect(await query(store.conn, "SELECT request_id, input_tokens, status, count(*) OVER (PARTITION BY request_id) AS n FROM requests WHERE request_id IN ('r10', 'r20') ORDER BY 1")).toEqual([
      { request_id: 'r10', input_tokens: 1000, status: 'ok', n: 1 },
      { request_id: 'r20', input_tokens: 1000, status: 'ok', n: 1 },
    ]);
    expect(await scalar(store, "SELECT count(*) FROM requests WHERE request_id IN ('r160000', 'r199998', 'r199999')")).toBe(0);
    expect(await scalar(store, 'SELECT count(*) FROM requests')).toBe(N - 5);
    expect(await scalar(store, 'SELECT count(*) FROM requests WHERE reject_rule IS NOT NULL OR reject_reason IS NOT NULL')).toBe(0);
    // Out of order over the rows that stay, in file order (row 160,000 carries r20's clock).
    const staying = [...Array(N).keys()].filter((i) => ![3, 20, 150_000, N - 2, N - 1].includes(i)).map((i) => (i === 160_000 ? clock(20) : clock(i)));
    expect(s.notes).toContain(note(descents(staying)));
    expect(await scalar(store, 'SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name LIKE \'imp_%\'')).toBe(0);
    store.close();
  });

  it('a file that partly overlaps the store: stored rows skipped, a conflict named by its line, refused without --replace (store unchanged), replaced with it', { timeout: 60_000 }, async () => {
    const store = await memoryStore();
    const first = await importFile(store, writeTemp('a.csv', [HEADER, ...csvRows(100_000).filter((_, i) => i % 2 === 0)].join('\n')), { today });
    expect(first.kept).toBe(50_000);
    const M = 130_000;
    const rows = csvRows(M);
    rows[40] = rows[40]!.replace(',100,300,', ',101,300,'); // line 42: r40 is stored with 100 output tokens: a conflict
    rows[M - 3] = rows[M - 3]!.replace(',pass', ',great'); // line 129999: rejected
    rows[110_000] = row(111); // line 110002 repeats r111 (line 113, not stored): rejected as a repeat
    const file = writeTemp('b.csv', [HEADER, ...rows].join('\n'));
    const before = await query(store.conn, 'SELECT count(*) AS n, sum(output_tokens) AS out FROM requests');
    const refused = await importFile(store, file, { today });
    expect(refused.aborted).toMatch(/^1 row conflicts with stored rows \(same request_id \+ attempt, other values; first at line 42: request_id \+ attempt \(r40, 0\) is stored with other values: output_tokens 100 → 101\)/);
    expect(refused.conflictLines).toEqual([{ line: 42, reason: 'request_id + attempt (r40, 0) is stored with other values: output_tokens 100 → 101' }]);
    expect(await query(store.conn, 'SELECT count(*) AS n, sum(output_tokens) AS out FROM requests')).toEqual(before);
    expect(await scalar(store, 'SELECT count(*) FROM imports')).toBe(1);

    const s = await importFile(store, file, { today, replace: true });
    const stored = 49_999; // the even rows below 100,000 but r40
    expect(s).toMatchObject({ rowsRead: M, alreadyStored: stored, conflicts: 1, replaced: 1, rejected: 2, kept: M - stored - 2 });
    expect(s.rejects.map((r) => r.line)).toEqual([110_002, 129_999]);
    expect(s.rejects[0]!.reason).toBe('duplicate request_id + attempt (r111, 0), first at line 113');
    expect(await scalar(store, "SELECT output_tokens FROM requests WHERE request_id = 'r40'")).toBe(101);
    expect(await scalar(store, 'SELECT count(*) FROM requests')).toBe(M - 2); // every key once: r110000 (overwritten by the repeat) and r129997 (rejected) are not stored
    expect(await scalar(store, 'SELECT count(DISTINCT (request_id, attempt)) FROM requests')).toBe(M - 2);
    // Out of order over the rows this import keeps, in file order (the conflict is not counted: it was a conflict when counted).
    const keptRows = [...Array(M).keys()].filter((i) => !(i < 100_000 && i % 2 === 0) && i !== 110_000 && i !== M - 3);
    expect(s.notes).toContain(note(descents(keptRows.map(clock))));
    store.close();
  });
});

describe('Parquet rejects stay out of the store too (issue 14)', () => {
  it('a reject in the last row and a repeat: row numbers, the first row kept, nothing rejected stored', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const N = 150_000;
    const rows = csvRows(N);
    rows[N - 1] = rows[N - 1]!.replace(',ok,', ',exploded,'); // row 150000
    rows[90_000] = row(5).replace(',300,2000,', ',310,2000,'); // row 90001 repeats r5 (row 6) with another ttft
    const csv = writeTemp('p.csv', [HEADER, ...rows].join('\n'), dir);
    const pq = join(dir, 'p.parquet');
    const store = await memoryStore();
    await store.conn.run(`SET preserve_insertion_order = true; COPY (SELECT * FROM read_csv('${csv}', all_varchar = true)) TO '${pq}' (FORMAT parquet); SET preserve_insertion_order = false`);
    const s = await importFile(store, pq, { today });
    expect(s).toMatchObject({ format: 'parquet', lineLabel: 'row', rowsRead: N, kept: N - 2, rejected: 2, rejectsByRule: { bad_status: 1, duplicate_id: 1 } });
    expect(s.rejects).toEqual([
      { line: 90_001, reason: 'duplicate request_id + attempt (r5, 0), first at line 6' },
      { line: N, reason: 'status is "exploded"; allowed ok, error, timeout, rate_limited' },
    ]);
    expect(await query(store.conn, "SELECT ttft_ms, source_line FROM requests WHERE request_id = 'r5'")).toEqual([{ ttft_ms: 300, source_line: 6 }]);
    expect(await scalar(store, 'SELECT count(*) FROM requests WHERE reject_rule IS NOT NULL')).toBe(0);
    expect(await scalar(store, 'SELECT count(*) FROM requests')).toBe(N - 2);
    store.close();
  });
});
