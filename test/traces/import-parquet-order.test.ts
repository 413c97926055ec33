import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeParquet } from '../../src/traces/convert.js';
import { importFile } from '../../src/traces/import.js';
import { HEADER, csvRows, memoryStore, tempDir, writeTemp } from './helpers.js';

/**
 * Issue 14: when every row of a Parquet file goes in, its out-of-order count is read from the file
 * in order (import.ts insertLinedRows), not from the stored rows sorted by line; when some row is
 * left out (a reject, a repeat, a row already stored) the count is over the rows that stay. 150k
 * rows span many row groups, so a read out of order would give another count.
 */
const today = '2026-12-02';
const note = (n: number) => `${n} rows have a timestamp earlier than the row before them: kept (metrics do not depend on file order)`;
// csvRows(i)'s clock reads i % 3,600 s: a descent where it wraps, at every multiple of 3,600.
const descents = (clocks: number[]) => clocks.filter((c, k) => k > 0 && c < clocks[k - 1]!).length;

async function parquet(dir: string, name: string, rows: string[]): Promise<string> {
  const csv = writeTemp(`${name}.csv`, [HEADER, ...rows].join('\n') + '\n', dir);
  const out = join(dir, `${name}.parquet`);
  await writeParquet(csv, out, { typed: true });
  return out;
}

describe('Parquet out-of-order count (issue 14)', () => {
  it('every row kept, into an empty and into a populated store; a reject that removes a descent; a re-import overlapping the store', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const N = 150_000;
    const clocks = [...Array(N).keys()].map((i) => i % 3600);
    const store = await memoryStore();
    const a = await importFile(store, await parquet(dir, 'a', csvRows(N)), { today });
    expect(a).toMatchObject({ kept: N, rejected: 0 });
    expect(a.notes).toContain(note(descents(clocks)));
    expect(descents(clocks)).toBe(41);
    // A new file into the populated store: none of its keys stored, every row stays.
    const b = await importFile(store, await parquet(dir, 'b', csvRows(N, N)), { today });
    expect(b).toMatchObject({ kept: N, alreadyStored: 0 });
    expect(b.notes).toContain(note(descents([...Array(N).keys()].map((i) => (N + i) % 3600))));
    // Row 100 moved to clock 0 (a descent of its own) and rejected: the descent goes with it.
    const rows = csvRows(N, 2 * N);
    const c0 = [...Array(N).keys()].map((i) => (2 * N + i) % 3600);
    rows[100] = rows[100]!.replace(/^[^,]+,/, '2026-05-01T00:00:00Z,').replace(',ok,', ',exploded,');
    const c = await importFile(store, await parquet(dir, 'c', rows), { today });
    expect(c).toMatchObject({ kept: N - 1, rejected: 1 });
    expect(c.notes).toContain(note(descents(c0.filter((_, i) => i !== 100))));
    expect(descents(c0.map((x, i) => (i === 100 ? 0 : x)))).toBe(descents(c0) + 1);
    // A re-import of a's second half and new rows: only the rows that stay are counted.
    const d = await importFile(store, await parquet(dir, 'd', csvRows(N, N / 2).map((r, i) => (i < N / 2 ? r : r.replace(/,r(\d+),/, (_, k) => `,x${k},`)))), { today });
    expect(d).toMatchObject({ kept: N / 2, alreadyStored: N / 2 });
    expect(d.notes).toContain(note(descents([...Array(N / 2).keys()].map((i) => (N + i) % 3600))));
    store.close();
  });
});
