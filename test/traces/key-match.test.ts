import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { query } from '../../src/traces/db.js';
import { importFile } from '../../src/traces/import.js';
import { matchStoredKeys } from '../../src/traces/key-match.js';
import { COLUMNS, storeName } from '../../src/traces/schema.js';
import { HEADER, memoryStore, writeTemp } from './helpers.js';

const today = '2026-11-22';

interface Row {
  i: number;
  a: number;
  out: number;
}
const line = (r: Row) => `2026-05-01T00:00:00Z,r${r.i},${r.a},chat,openai,gpt-5.5,1000,200,${r.out},300,2000,ok,pass`;
const file = (rows: Row[]) => writeTemp('t.csv', [HEADER, ...rows.map(line)].join('\n') + '\n');
const rows = fc.uniqueArray(fc.record({ i: fc.integer({ min: 0, max: 40 }), a: fc.integer({ min: 0, max: 1 }), out: fc.constantFrom(100, 200, 300) }), {
  selector: (r) => `${r.i}/${r.a}`,
  minLength: 1,
  maxLength: 60,
});

async function stored(store: Awaited<ReturnType<typeof memoryStore>>): Promise<string[]> {
  const rs = await query(store.conn, 'SELECT request_id, attempt, output_tokens FROM requests ORDER BY request_id, attempt');
  return rs.map((r) => `${r.request_id}/${r.attempt}=${r.output_tokens}`);
}

describe('re-import over a store split into join partitions (issue 17: bounded idempotence join)', () => {
  it('skipped and conflict counts are exact and nothing is stored twice, however many partitions the keys fall in', async () => {
    await fc.assert(
      fc.asyncProperty(rows, rows, fc.constantFrom(1, 3, 7, 1_000_000), async (first, second, partitionRows) => {
        const store = await memoryStore();
        try {
          await importFile(store, file(first), { today });
          const before = await stored(store);
          const had = new Map(first.map((r) => [`r${r.i}/${r.a}`, r.out]));
          const same = second.filter((r) => had.get(`r${r.i}/${r.a}`) === r.out).length;
          const differ = second.filter((r) => had.has(`r${r.i}/${r.a}`) && had.get(`r${r.i}/${r.a}`) !== r.out).length;
          const f = file(second);
          const plain = await importFile(store, f, { today, keyMatchPartitionRows: partitionRows });
          expect(plain.conflicts).toBe(differ);
          if (differ) {
            expect(plain.aborted).toMatch(/conflict/);
            expect(plain.conflictLines).toHaveLength(Math.min(differ, 20));
            expect(await stored(store)).toEqual(before);
          } else {
            expect(plain).toMatchObject({ alreadyStored: same, kept: second.length - same });
          }
          const replaced = await importFile(store, f, { today, replace: true, keyMatchPartitionRows: partitionRows });
          // After the first pass without conflicts, everything is stored: the replace run skips all.
          if (!differ) expect(replaced).toMatchObject({ alreadyStored: second.length, kept: 0, conflicts: 0 });
          else expect(replaced).toMatchObject({ alreadyStored: same, kept: second.length - same, replaced: differ });
          const want = new Map(had);
          for (const r of second) want.set(`r${r.i}/${r.a}`, r.out);
          expect(await stored(store)).toEqual([...want].map(([k, out]) => `${k}=${out}`).sort());
        } finally {
          store.close();
        }
      }),
      { numRuns: 30, seed: 17 },
    );
  }, 120_000);

  it('a key repeated in the file meets the stored rows once: --replace stores its first line, the repeat is a duplicate (never two copies)', async () => {
    const store = await memoryStore();
    try {
      const base = Array.from({ length: 5 }, (_, i) => ({ i, a: 0, out: 100 }));
      await importFile(store, file(base), { today });
      // r2/0 twice, both copies unlike the stored r2/0 (out 100): lines 4 and 7 of the file.
      const twice = [...base.map((r) => (r.i === 2 ? { ...r, out: 200 } : r)), { i: 2, a: 0, out: 300 }];
      const s = await importFile(store, file(twice), { today, replace: true, acceptRejects: true });
      expect(s).toMatchObject({ conflicts: 1, replaced: 1, alreadyStored: 4, rejected: 1, rejectsByRule: { duplicate_id: 1 } });
      expect(s.rejects.map((r) => r.line)).toEqual([7]);
      expect(await stored(store)).toEqual(['r0/0=100', 'r1/0=100', 'r2/0=200', 'r3/0=100', 'r4/0=100']);
      // Re-importing the same file rejects the repeat again, as the first import of it would.
      const again = await importFile(store, file(twice), { today, acceptRejects: true });
      expect(again).toMatchObject({ conflicts: 0, alreadyStored: 5, kept: 0, rejected: 1, rejectsByRule: { duplicate_id: 1 } });
    } finally {
      store.close();
    }
  });

  it('splits a store into the partitions the row bound asks for, and names what differs for a conflict in any of them', async () => {
    const store = await memoryStore();
    try {
      const base = Array.from({ length: 40 }, (_, i) => ({ i, a: 0, out: 100 }));
      await importFile(store, file(base), { today });
      const changed = base.map((r) => (r.i % 10 === 3 ? { ...r, out: 300 } : r));
      const s = await importFile(store, file(changed), { today, keyMatchPartitionRows: 6 });
      expect(s).toMatchObject({ conflicts: 4, kept: 0, alreadyStored: 0 });
      expect(s.conflictLines!.map((c) => c.line)).toEqual([5, 15, 25, 35]);
      expect(s.conflictLines![0]!.reason).toBe('request_id + attempt (r3, 0) is stored with other values: output_tokens 100 → 300');
      // The partition count itself: ⌈40 / 6⌉ = 7 joins, each over at most a few rows a side.
      await store.conn.run('BEGIN TRANSACTION');
      // r3 as stored, r4 with other values: neither all new nor all stored, so the partitions run.
      await store.conn.run("INSERT INTO requests SELECT * REPLACE (99 AS import_id, CASE WHEN request_id = 'r4' THEN 999 ELSE output_tokens END AS output_tokens) FROM requests WHERE request_id IN ('r3', 'r4')");
      const m = await matchStoredKeys(store.conn, 99, ['request_id', 'attempt', 'output_tokens'], 'conflict', 6);
      expect({ partitions: m.partitions, alreadyStored: m.alreadyStored, conflicts: m.conflicts, allStored: m.allStored }).toEqual({ partitions: 7, alreadyStored: 1, conflicts: 1, allStored: false });
      await store.conn.run('ROLLBACK');
    } finally {
      store.close();
    }
  });

  it('keys that share a key hash are never skipped, marked or replaced as one another (hash space folded to 1–3 values)', async () => {
    const cols = COLUMNS.map((c) => storeName(c));
    await fc.assert(
      fc.asyncProperty(rows, rows, fc.constantFrom(1, 2, 3), fc.constantFrom(2, 5, 1_000_000), async (first, second, space, partitionRows) => {
        const store = await memoryStore();
        try {
          await importFile(store, file(first), { today });
          const had = new Map(first.map((r) => [`r${r.i}/${r.a}`, r.out]));
          const { conn } = store;
          await conn.run('BEGIN TRANSACTION');
          // The second file's rows as import 99, inside the transaction the import would hold.
          for (const r of second) {
            await conn.run(`INSERT INTO requests SELECT * REPLACE (99 AS import_id, $rid AS request_id, $a AS attempt, $out AS output_tokens) FROM requests LIMIT 1`, {
              rid: `r${r.i}`,
              a: r.a,
              out: r.out,
            });
          }
          const m = await matchStoredKeys(conn, 99, cols, 'conflict', partitionRows, { keyHashSpace: space });
          const same = second.filter((r) => had.get(`r${r.i}/${r.a}`) === r.out);
          const differ = second.filter((r) => had.has(`r${r.i}/${r.a}`) && had.get(`r${r.i}/${r.a}`) !== r.out);
          expect({ alreadyStored: m.alreadyStored, conflicts: m.conflicts }).toEqual({ alreadyStored: same.length, conflicts: differ.length });
          const left = await query(conn, 'SELECT request_id, attempt, reject_rule FROM requests WHERE import_id = 99 ORDER BY ALL');
          const want = second
            .filter((r) => !same.includes(r))
            .map((r) => ({ request_id: `r${r.i}`, attempt: r.a, reject_rule: differ.includes(r) ? 'conflict' : null }))
            .sort((x, y) => (x.request_id === y.request_id ? x.attempt - y.attempt : x.request_id < y.request_id ? -1 : 1));
          expect(left).toEqual(want);
          // --replace deletes exactly the stored rows the conflicts name.
          await m.deleteReplaced();
          const storedLeft = await query(conn, 'SELECT request_id, attempt FROM requests WHERE import_id <> 99');
          expect(storedLeft.map((r) => `${r.request_id}/${r.attempt}`).sort()).toEqual([...had.keys()].filter((k) => !differ.some((r) => `r${r.i}/${r.a}` === k)).sort());
          await m.drop();
          await conn.run('ROLLBACK');
        } finally {
          store.close();
        }
      }),
      { numRuns: 25, seed: 1717 },
    );
  }, 120_000);

  // A file whose valid rows are all stored: its insert is rolled back instead of deleted row by row.
  const csvText = [
    HEADER,
    line({ i: 1, a: 0, out: 100 }),
    'not,a,row',
    line({ i: 2, a: 0, out: 100 }),
    line({ i: 1, a: 0, out: 200 }), // a repeat of r1/0: a duplicate, whatever its values
    '2026-05-01T00:00:00Z,r3,0,chat,openai,gpt-5.5,-5,0,100,300,2000,ok,pass', // negative tokens: a rule reject
    line({ i: 4, a: 1, out: 300 }),
  ].join('\n');
  const jsonRow = (id: string, out: unknown) => JSON.stringify({ timestamp: '2026-05-01T00:00:00Z', request_id: id, model: 'gpt-5.5', provider: 'openai', input_tokens: 100, output_tokens: out });
  const jsonlText = [jsonRow('j1', 10), '{"request_id": "j2"', jsonRow('j2', 20), jsonRow('j1', 30), jsonRow('j3', -1), jsonRow('j4', 40)].join('\n');
  const content = async (store: Awaited<ReturnType<typeof memoryStore>>) => ({
    requests: await query(store.conn, 'SELECT * FROM requests ORDER BY ALL'),
    imports: await query(store.conn, 'SELECT * EXCLUDE (import_id) FROM imports ORDER BY import_id'),
    temp: await query(store.conn, 'SELECT table_name FROM duckdb_tables() WHERE temporary UNION ALL SELECT view_name FROM duckdb_views() WHERE temporary AND NOT internal'),
  });
  for (const [name, text, partitionRows] of [
    ['t.csv', csvText, 1_000_000],
    ['t.csv', csvText, 2],
    ['t.jsonl', jsonlText, 1_000_000],
    ['t.jsonl', jsonlText, 2],
  ] as const) {
    it(`a re-import whose valid rows are all stored (${name}, ${partitionRows === 2 ? 'several partitions' : 'one partition'}): the same rejects, duplicates and counts as the first import, the store unchanged but for the import's record`, async () => {
      const store = await memoryStore();
      try {
        const f = writeTemp(name, text + '\n');
        const first = await importFile(store, f, { today, acceptRejects: true, keyMatchPartitionRows: partitionRows });
        expect(first).toMatchObject({ rowsRead: 6, kept: 3, rejected: 3, alreadyStored: 0 });
        const before = await content(store);
        const limit = await query(store.conn, "SELECT current_setting('memory_limit') AS l");
        const again = await importFile(store, f, { today, acceptRejects: true, keyMatchPartitionRows: partitionRows });
        // The match lowers DuckDB's memory limit for its first join; the store's limit is back after.
        expect(await query(store.conn, "SELECT current_setting('memory_limit') AS l")).toEqual(limit);
        // The rows of the first import, now skipped; every reject reported as the first time.
        const { importId, kept, alreadyStored, notes, ...rest } = first;
        expect(again).toEqual({ ...rest, importId: importId! + 1, kept: 0, alreadyStored: kept, notes: [...notes, `${kept} rows were already in the store (same request_id + attempt): skipped, not double counted`] });
        const after = await content(store);
        expect(after.requests).toEqual(before.requests);
        // Nothing left behind in the session (the CSV reader's own reject tables go with the rollback).
        expect(after.temp.filter((t) => !before.temp.some((b) => b.table_name === t.table_name))).toEqual([]);
        expect(after.imports).toEqual([...before.imports, { ...before.imports[0]!, kept: 0, already_stored: kept }]);
        // The same file once more with one new row: the delete path, same skipped rows, one kept.
        const more = writeTemp(name, text + '\n' + (name.endsWith('.csv') ? line({ i: 9, a: 0, out: 100 }) : jsonRow('j9', 90)) + '\n');
        const third = await importFile(store, more, { today, acceptRejects: true, keyMatchPartitionRows: partitionRows });
        expect(third).toMatchObject({ rowsRead: 7, kept: 1, alreadyStored: kept, rejected: 3, rejectsByRule: first.rejectsByRule, rejects: first.rejects });
      } finally {
        store.close();
      }
    });
  }
});
