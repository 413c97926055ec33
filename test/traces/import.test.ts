import { describe, expect, it } from 'vitest';
import { importFile } from '../../src/traces/import.js';
import { openStore, query, transaction } from '../../src/traces/db.js';
import { HEADER, csvRows, memoryStore, scalar, tempDir, writeTemp } from './helpers.js';
import { join } from 'node:path';

const today = '2026-11-22';

describe('native CSV import', () => {
  it('keeps valid rows with their tokens and defaults, and counts them', async () => {
    const store = await memoryStore();
    const file = writeTemp('t.csv', [HEADER, ...csvRows(5)].join('\n') + '\n');
    const s = await importFile(store, file, { today });
    expect(s).toMatchObject({ format: 'csv', rowsRead: 5, kept: 5, rejected: 0, alreadyStored: 0, importId: 1 });
    const [row] = await query(store.conn, `SELECT ts::VARCHAR AS ts, route, provider, input_tokens, cached_input_tokens, output_tokens, batch, source_line FROM requests WHERE request_id = 'r3'`);
    // CSV rows carry no stored line (numbering every row costs ~15% of a big import); reports name lines.
    expect(row).toEqual({ ts: '2026-05-01 00:00:03', route: 'openai/gpt-5.5', provider: 'openai', input_tokens: 1000, cached_input_tokens: 200, output_tokens: 100, batch: false, source_line: null });
    store.close();
  });

  it('rejects bad rows with the file line and the reason, and stops above 1% unless accepted', async () => {
    const rows = csvRows(6);
    rows[1] = rows[1]!.replace(',1000,200,', ',-5,0,'); // line 3: negative tokens
    rows[2] = rows[2]!.replace(',ok,', ',exploded,'); // line 4: unknown status
    rows[4] = rows[0]!; // line 6: duplicate of line 2
    rows[5] = 'only,three,fields'; // line 7: malformed
    const file = writeTemp('bad.csv', [HEADER, ...rows].join('\n') + '\n');
    const store = await memoryStore();
    const stopped = await importFile(store, file, { today });
    expect(stopped.aborted).toMatch(/4 of 6 rows .* rejected/);
    expect(await scalar(store, 'SELECT count(*) FROM requests')).toBe(0);
    expect(await scalar(store, 'SELECT count(*) FROM imports')).toBe(0);

    const s = await importFile(store, file, { today, acceptRejects: true });
    expect(s.kept).toBe(2);
    expect(s.rejected).toBe(4);
    expect(s.rejects.map((r) => r.line)).toEqual([3, 4, 6, 7]);
    expect(s.rejects[0]!.reason).toBe('input_tokens is -5; allowed an integer 0 ≤ value ≤ 10,000,000,000 (tokens)');
    expect(s.rejects[1]!.reason).toMatch(/status is "exploded"; allowed ok, error, timeout, rate_limited/);
    expect(s.rejects[2]!.reason).toMatch(/duplicate request_id \+ attempt \(r0, 0\), first at line 2/);
    expect(s.rejects[3]!.reason).toMatch(/malformed CSV/);
    expect(s.rejectsByRule).toMatchObject({ negative_input_tokens: 1, bad_status: 1, duplicate_id: 1, malformed: 1 });
    store.close();
  });

  it('numbers lines correctly after a malformed row the CSV reader dropped', async () => {
    const rows = csvRows(200);
    rows[9] = 'x,y'; // line 11
    rows[99] = rows[99]!.replace(',pass', ',great'); // line 101
    rows[150] = rows[1]!; // line 152: a duplicate of line 3
    const store = await memoryStore();
    const s = await importFile(store, writeTemp('t.csv', [HEADER, ...rows].join('\n') + '\n'), { today, acceptRejects: true });
    expect(s.rejects.map((r) => r.line)).toEqual([11, 101, 152]);
    expect(s.rejects[2]!.reason).toMatch(/duplicate request_id \+ attempt \(r1, 0\), first at line 3$/);
    store.close();
  });

  it('is idempotent: the same file twice does not double count (request_id + attempt)', async () => {
    const store = await memoryStore();
    const file = writeTemp('t.csv', [HEADER, ...csvRows(50)].join('\n') + '\n');
    await importFile(store, file, { today });
    const again = await importFile(store, file, { today });
    expect(again.kept).toBe(0);
    expect(again.alreadyStored).toBe(50);
    const overlap = writeTemp('o.csv', [HEADER, ...csvRows(20, 40)].join('\n') + '\n');
    const third = await importFile(store, overlap, { today });
    expect(third).toMatchObject({ kept: 10, alreadyStored: 10 });
    expect(await scalar(store, 'SELECT count(*) FROM requests')).toBe(60);
    store.close();
  });

  it('a retry (attempt 1) of a stored request is a new row, not a duplicate', async () => {
    const store = await memoryStore();
    await importFile(store, writeTemp('a.csv', [HEADER, ...csvRows(1)].join('\n')), { today });
    const retry = csvRows(1)[0]!.replace(',r0,0,', ',r0,1,');
    const s = await importFile(store, writeTemp('b.csv', [HEADER, retry].join('\n')), { today });
    expect(s.kept).toBe(1);
    expect(await scalar(store, 'SELECT count(*) FROM requests')).toBe(2);
    store.close();
  });

  it('converts seconds columns, reads epoch milliseconds, and refuses a latency column without a unit', async () => {
    const store = await memoryStore();
    const file = writeTemp('s.csv', 'timestamp,request_id,model,provider,input_tokens,output_tokens,ttft_s,e2e_s\n1777593600000,a,gpt-5.5,openai,10,5,0.25,1.5\n');
    const s = await importFile(store, file, { today });
    expect(s.notes.join(' ')).toMatch(/ttft_s is in seconds: converted to ttft_ms/);
    const [row] = await query(store.conn, 'SELECT ts::VARCHAR AS ts, ttft_ms, e2e_ms FROM requests');
    expect(row).toEqual({ ts: '2026-05-01 00:00:00', ttft_ms: 250, e2e_ms: 1500 });
    const amb = writeTemp('a.csv', 'timestamp,request_id,model,input_tokens,output_tokens,latency\n2026-05-01,a,m,1,1,3\n');
    await expect(importFile(store, amb, { today })).rejects.toThrow(/column "latency" has no unit; rename it to e2e_ms or e2e_s/);
  });

  it('names missing required columns', async () => {
    const store = await memoryStore();
    const file = writeTemp('m.csv', 'timestamp,request_id,model\n2026-05-01,a,m\n');
    await expect(importFile(store, file, { today })).rejects.toThrow(/m\.csv: missing required columns input_tokens, output_tokens/);
  });

  it('rejects cached tokens above input and TTFT after the end', async () => {
    const store = await memoryStore();
    const rows = csvRows(3);
    rows[0] = rows[0]!.replace(',1000,200,', ',100,200,');
    rows[1] = rows[1]!.replace(',300,2000,', ',3000,2000,');
    const s = await importFile(store, writeTemp('c.csv', [HEADER, ...rows].join('\n')), { today, acceptRejects: true });
    expect(s.rejects.map((r) => r.reason)).toEqual([
      'cached_input_tokens + cache_write_tokens (200) exceed input_tokens (100); input_tokens must include cached tokens',
      'ttft_ms (3000.0) is after e2e_ms (2000.0)',
    ]);
  });
});

describe('single-pass CSV import (rows stream into the store, rejects counted then removed)', () => {
  it('reads offsets as UTC and a bare timestamp as UTC, notes out-of-order rows, trims padded values', async () => {
    const store = await memoryStore();
    const text = [
      'timestamp,request_id,model,provider,input_tokens,output_tokens,status',
      '2026-05-01T02:00:00+02:00,a,gpt-5.5,openai,10,5, OK',
      '2026-05-01 00:30:00,b,gpt-5.5,openai,10,5,ok',
      '2026-05-01T00:10:00-0130,c,gpt-5.5,openai,10,5,ok',
      '2026-05-01T00:20:00Z,d, gpt-5.5 ,openai,10,5,ok',
    ].join('\n');
    const s = await importFile(store, writeTemp('tz.csv', text), { today });
    expect(s.kept).toBe(4);
    const rows = await query(store.conn, `SELECT request_id, ts::VARCHAR AS ts, model, status FROM requests ORDER BY request_id`);
    expect(rows).toEqual([
      { request_id: 'a', ts: '2026-05-01 00:00:00', model: 'gpt-5.5', status: 'ok' },
      { request_id: 'b', ts: '2026-05-01 00:30:00', model: 'gpt-5.5', status: 'ok' },
      { request_id: 'c', ts: '2026-05-01 01:40:00', model: 'gpt-5.5', status: 'ok' },
      { request_id: 'd', ts: '2026-05-01 00:20:00', model: 'gpt-5.5', status: 'ok' },
    ]);
    // d (00:20) comes after c (01:40): one row earlier than the row before it.
    expect(s.notes).toContain('1 rows have a timestamp earlier than the row before them: kept (metrics do not depend on file order)');
    store.close();
  });

  it('an import stopped over the reject limit leaves a filled store exactly as it was', async () => {
    const store = await memoryStore();
    await importFile(store, writeTemp('a.csv', [HEADER, ...csvRows(10)].join('\n')), { today });
    const before = await query(store.conn, 'SELECT request_id, ts, import_id FROM requests ORDER BY request_id');
    const bad = csvRows(20, 10).map((r, i) => (i < 5 ? r.replace(',ok,', ',exploded,') : r));
    const s = await importFile(store, writeTemp('b.csv', [HEADER, ...bad].join('\n')), { today });
    expect(s.aborted).toMatch(/5 of 20 rows/);
    expect(await query(store.conn, 'SELECT request_id, ts, import_id FROM requests ORDER BY request_id')).toEqual(before);
    expect(await scalar(store, 'SELECT count(*) FROM imports')).toBe(1);
    store.close();
  });

  it('a committed import keeps no rejected rows and counts re-imported keys apart from rejects', async () => {
    const store = await memoryStore();
    await importFile(store, writeTemp('a.csv', [HEADER, ...csvRows(10)].join('\n')), { today });
    const rows = csvRows(15, 5); // r5..r9 are stored already
    rows[12] = rows[12]!.replace(',ok,', ',exploded,'); // line 14: r17
    const s = await importFile(store, writeTemp('b.csv', [HEADER, ...rows].join('\n')), { today, acceptRejects: true });
    expect(s).toMatchObject({ rowsRead: 15, kept: 9, alreadyStored: 5, rejected: 1 });
    expect(s.rejects).toEqual([{ line: 14, reason: expect.stringMatching(/status is "exploded"/) }]);
    expect(await scalar(store, 'SELECT count(*) FROM requests')).toBe(19);
    expect(await scalar(store, 'SELECT count(*) FROM requests WHERE reject_rule IS NOT NULL OR reject_reason IS NOT NULL')).toBe(0);
    store.close();
  });
});

describe('file order survives a parallel import (line numbers of a big file)', () => {
  // DuckDB reads a big file in parallel; the insert must keep file order or every reported line is
  // wrong. Small fixtures fit one chunk and cannot show it, so this one spans many row groups.
  it('reports exact lines for rejects and duplicates across 150,000 rows, also when re-imported over stored rows', { timeout: 60_000 }, async () => {
    const rows = csvRows(150_000);
    for (const i of [1000, 100_001, 149_999]) rows[i] = rows[i]!.replace(',ok,', ',exploded,'); // lines 1002, 100003, 150001
    rows[120_000] = rows[7]!; // line 120002 repeats line 9
    const store = await memoryStore();
    const first = await importFile(store, writeTemp('a.csv', [HEADER, ...csvRows(150_000).filter((_, i) => i % 2 === 0)].join('\n')), { today });
    expect(first.kept).toBe(75_000);
    const s = await importFile(store, writeTemp('big.csv', [HEADER, ...rows].join('\n')), { today, acceptRejects: true });
    expect(s.rejects.map((r) => r.line)).toEqual([1002, 100003, 120002, 150001]);
    expect(s.rejects[2]!.reason).toMatch(/first at line 9$/);
    // csvRows' clock wraps every 3,600 rows: 41 rows are earlier than the one before them in file order.
    expect(s.notes).toContain('41 rows have a timestamp earlier than the row before them: kept (metrics do not depend on file order)');
    expect(s).toMatchObject({ rowsRead: 150_000, rejected: 4 });
    expect(s.kept + s.alreadyStored).toBe(149_996);
    store.close();
  });
});

describe('what file order decides is counted in file order, whatever the store holds', () => {
  // csvRows(i)'s clock reads i % 3,600 seconds: a row is earlier than the one before it where that wraps.
  const descents = (ids: number[]) => ids.filter((id, k) => k > 0 && id % 3600 < ids[k - 1]! % 3600).length;
  const note = (n: number) => `${n} rows have a timestamp earlier than the row before them: kept (metrics do not depend on file order)`;
  it('out-of-order rows, malformed lines, a re-import and a file overlapping the store, across 150,000 rows', { timeout: 60_000 }, async () => {
    const rows = csvRows(150_000);
    rows[60_000] = 'only,three,fields'; // line 60002: malformed (the reader's own reject keeps its line)
    const ids = [...Array(150_000).keys()].filter((i) => i !== 60_000);
    const store = await memoryStore();
    const file = writeTemp('clean.csv', [HEADER, ...rows].join('\n'));
    const s = await importFile(store, file, { today });
    expect(s).toMatchObject({ rowsRead: 150_000, kept: 149_999, rejected: 1, alreadyStored: 0 });
    expect(s.rejects.map((r) => r.line)).toEqual([60_002]);
    expect(s.rejects[0]!.reason).toMatch(/^malformed CSV/);
    expect(s.notes).toContain(note(descents(ids)));
    expect(descents(ids)).toBe(41);
    // The same file again: every row already stored, none out of order among the rows that stay.
    const again = await importFile(store, file, { today });
    expect(again).toMatchObject({ kept: 0, alreadyStored: 149_999 });
    expect(again.notes.some((n) => n.includes('earlier than the row before'))).toBe(false);
    // A file whose rows 150,000… are new and every other old row is repeated: counted over the new rows only, in file order.
    const mixed = [...Array(60_000).keys()].flatMap((k) => (k % 2 ? [150_000 + k] : [k, 150_000 + k]));
    const byId = (i: number) => csvRows(1, i)[0]!;
    const m = await importFile(store, writeTemp('mixed.csv', [HEADER, ...mixed.map(byId)].join('\n')), { today });
    const fresh = mixed.filter((i) => i >= 150_000);
    expect(m).toMatchObject({ kept: fresh.length, alreadyStored: mixed.length - fresh.length, rejected: 0 });
    expect(m.notes).toContain(note(descents(fresh)));
    expect(await scalar(store, 'SELECT count(*) FROM requests')).toBe(149_999 + fresh.length);
    // A file of new keys only into the filled store (the daily case): no line needed, counted in file order.
    const later = [...Array(20_000).keys()].map((k) => 300_000 + ((k * 7) % 20_000));
    const l = await importFile(store, writeTemp('later.csv', [HEADER, ...later.map(byId)].join('\n')), { today });
    expect(l).toMatchObject({ kept: 20_000, alreadyStored: 0, rejected: 0 });
    expect(l.notes).toContain(note(descents(later)));
    store.close();
  });
});

describe('atomic import', () => {
  it('a failure inside the transaction leaves the store as it was', async () => {
    const dir = tempDir();
    const db = join(dir, 'store.duckdb');
    const store = await openStore(db, { create: true });
    await importFile(store, writeTemp('a.csv', [HEADER, ...csvRows(10)].join('\n'), dir), { today });
    await expect(
      transaction(store.conn, async () => {
        await store.conn.run(`DELETE FROM requests`);
        throw new Error('interrupted');
      }),
    ).rejects.toThrow('interrupted');
    expect(await scalar(store, 'SELECT count(*) FROM requests')).toBe(10);
    store.close();
    const reopened = await openStore(db, { create: false });
    expect(await scalar(reopened, 'SELECT count(*) FROM requests')).toBe(10);
    reopened.close();
  });

  it('refuses to open a store that does not exist for reading', async () => {
    await expect(openStore(join(tempDir(), 'none.duckdb'), { create: false })).rejects.toThrow(/no trace store at .*none\.duckdb/);
  });
});

describe('JSONL and Parquet import', () => {
  it('JSONL: a malformed line is rejected with its line number; blank lines are skipped', async () => {
    const good = (i: number) => JSON.stringify({ timestamp: '2026-05-01T00:00:00Z', request_id: `j${i}`, model: 'gpt-5.5', provider: 'openai', input_tokens: 100, output_tokens: 10, quality: 'PASS' });
    const text = [good(1), '', '{"request_id": "j2"', good(3), '[1,2]'].join('\n') + '\n';
    const store = await memoryStore();
    const s = await importFile(store, writeTemp('t.jsonl', text), { today, acceptRejects: true });
    expect(s).toMatchObject({ format: 'jsonl', rowsRead: 4, kept: 2, rejected: 2 });
    expect(s.rejects).toEqual([
      { line: 3, reason: 'malformed JSON: not a JSON object' },
      { line: 5, reason: 'malformed JSON: not a JSON object' },
    ]);
    expect(await scalar(store, `SELECT quality FROM requests WHERE request_id = 'j3'`)).toBe('pass');
    store.close();
  });

  it('JSONL: rows earlier than the row before them are counted in file order (by their line, not by storage order)', async () => {
    const row = (id: string, ts: string) => JSON.stringify({ timestamp: ts, request_id: id, model: 'gpt-5.5', provider: 'openai', input_tokens: 10, output_tokens: 5 });
    // Lines 2 and 4 step back in time; line 3 moves forward again.
    const text = [row('a', '2026-05-01T00:10:00Z'), row('b', '2026-05-01T00:05:00Z'), row('c', '2026-05-01T00:20:00Z'), row('d', '2026-05-01T00:15:00Z')].join('\n');
    const store = await memoryStore();
    const s = await importFile(store, writeTemp('o.jsonl', text), { today });
    expect(s.notes).toContain('2 rows have a timestamp earlier than the row before them: kept (metrics do not depend on file order)');
    expect(await query(store.conn, 'SELECT request_id, source_line FROM requests ORDER BY request_id')).toEqual([
      { request_id: 'a', source_line: 1 },
      { request_id: 'b', source_line: 2 },
      { request_id: 'c', source_line: 3 },
      { request_id: 'd', source_line: 4 },
    ]);
    store.close();
  });

  it('Parquet: read by DuckDB, checked like CSV, rows numbered from 1', async () => {
    const dir = tempDir();
    const rows = csvRows(30);
    rows[4] = rows[4]!.replace(',100,300,', ',-1,300,');
    const csvFile = writeTemp('src.csv', [HEADER, ...rows].join('\n'), dir);
    const pq = join(dir, 't.parquet');
    const store = await memoryStore();
    await store.conn.run(`COPY (SELECT * FROM read_csv('${csvFile}', all_varchar = true)) TO '${pq}' (FORMAT parquet)`);
    const s = await importFile(store, pq, { today, acceptRejects: true });
    expect(s).toMatchObject({ format: 'parquet', lineLabel: 'row', rowsRead: 30, kept: 29, rejected: 1 });
    expect(s.rejects[0]).toEqual({ line: 5, reason: 'output_tokens is -1; allowed an integer 0 ≤ value ≤ 10,000,000,000 (tokens)' });
    store.close();
  });

  it('typed Parquet: values checked as typed, same rows stored as from all-text Parquet, rejects located and quoted', async () => {
    const dir = tempDir();
    const rows = csvRows(40);
    const csvFile = writeTemp('src.csv', [HEADER, ...rows].join('\n'), dir);
    const text = join(dir, 'text.parquet');
    const typed = join(dir, 'typed.parquet');
    const { writeParquet } = await import('../../src/traces/convert.js');
    await writeParquet(csvFile, text, { typed: false });
    await writeParquet(csvFile, typed, { typed: true });
    const cols = 'ts, request_id, attempt, input_tokens, cached_input_tokens, output_tokens, ttft_ms, e2e_ms, status, quality, batch, fallback, escalated_to_human, cost_usd, route, provider';
    const stored = async (file: string) => {
      const store = await memoryStore();
      const s = await importFile(store, file, { today });
      const out = await query(store.conn, `SELECT ${cols} FROM requests ORDER BY request_id, attempt`);
      store.close();
      return { s, out };
    };
    const a = await stored(text);
    const b = await stored(typed);
    expect(b.s).toMatchObject({ rowsRead: 40, kept: 40, rejected: 0 });
    expect(b.out).toEqual(a.out);
    // Typed values out of range: one rejected row each, with its row and the value as text.
    const bad = join(dir, 'bad.parquet');
    const store = await memoryStore();
    await store.conn.run(
      `COPY (SELECT * EXCLUDE (file_row_number) REPLACE (
         CASE file_row_number WHEN 2 THEN -5 WHEN 3 THEN 20000000000 ELSE input_tokens END AS input_tokens,
         CASE file_row_number WHEN 5 THEN 'nan'::DOUBLE WHEN 6 THEN 1e308 ELSE e2e_ms END AS e2e_ms,
         CASE file_row_number WHEN 7 THEN 5000 ELSE attempt END AS attempt,
         CASE file_row_number WHEN 8 THEN TIMESTAMPTZ '1969-07-20 20:17:40+00' ELSE "timestamp" END AS "timestamp")
       FROM read_parquet('${typed}', file_row_number = true)) TO '${bad}' (FORMAT parquet)`,
    );
    const s = await importFile(store, bad, { today, acceptRejects: true });
    expect(s).toMatchObject({ rowsRead: 40, kept: 34, rejected: 6 });
    expect(s.rejects).toEqual([
      { line: 3, reason: 'input_tokens is -5; allowed an integer 0 ≤ value ≤ 10,000,000,000 (tokens)' },
      { line: 4, reason: 'input_tokens is "20000000000"; allowed an integer 0 ≤ value ≤ 10,000,000,000 (tokens)' },
      { line: 6, reason: 'e2e_ms is nan; allowed a number 0 ≤ value ≤ 1,000,000,000 (milliseconds)' },
      { line: 7, reason: 'e2e_ms is 1e+308; allowed a number 0 ≤ value ≤ 1,000,000,000 (milliseconds)' },
      { line: 8, reason: 'attempt is 5000; allowed an integer 0 ≤ value ≤ 1000 (0 = first try)' },
      { line: 9, reason: expect.stringMatching(/^timestamp is "1969-07-20 20:17:40\+00" \(read as 1969-07-20 20:17:40 UTC\); allowed/) },
    ]);
    store.close();
  });
});
