import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openStore, query } from '../../src/traces/db.js';
import { importFile } from '../../src/traces/import.js';
import { zstdProblem } from '../../src/traces/input-files.js';
import { parseInstant } from '../../src/traces/time-window.js';
import { cli } from '../helpers/cli.js';
import { HEADER, csvRows, memoryStore, tempDir, writeTemp } from './helpers.js';

/** Regression tests, one per defect class of issue 17, on the DuckDB store (ClickHouse: clickhouse-hostile.test.ts). */
const today = '2026-11-22';
const row = (id: string, ts: string, input = '1000', model = 'gpt-5.5') => `${ts},${id},0,chat,openai,${model},${input},0,100,100,200,ok,pass`;

describe('file names are not globs', () => {
  it('`day[1].csv` reads that file, not day1.csv; a pattern needs --glob, which lists what it matched', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'day1.csv'), [HEADER, row('from-day1', '2026-05-01T00:00:00Z')].join('\n'));
    writeFileSync(join(dir, 'day[1].csv'), [HEADER, row('from-brackets', '2026-05-01T00:00:00Z')].join('\n'));
    const db = join(dir, 's.duckdb');
    expect((await cli('traces', 'import', join(dir, 'day[1].csv'), '--db', db)).code).toBe(0);
    const store = await openStore(db, { create: false });
    expect((await query(store.conn, 'SELECT request_id FROM requests')).map((r) => r.request_id)).toEqual(['from-brackets']);
    store.close();
    const star = await cli('traces', 'import', join(dir, 'day*.csv'), '--db', db);
    expect(star.code).toBe(2);
    expect(star.stderr).toMatch(/file not found \(a path names one file; pass --glob/);
    const glob = await cli('traces', 'import', '--glob', join(dir, 'day1*.csv'), '--db', db, '--json');
    expect(glob.code).toBe(0);
    expect(glob.stderr).toContain(`matched 1 file: ${join(dir, 'day1.csv')}`);
    expect(JSON.parse(glob.stdout).imports.map((s: { kept: number }) => s.kept)).toEqual([1]);
  });
});

describe('truncated or corrupt compressed files are refused, nothing stored', () => {
  const csv = [HEADER, ...csvRows(3000)].join('\n') + '\n';
  it('a .csv.gz cut at 10%…99% is exit 2 and leaves the store as it was; the whole file imports', async () => {
    const dir = tempDir();
    const gz = gzipSync(Buffer.from(csv));
    const db = join(dir, 's.duckdb');
    for (const share of [0.1, 0.5, 0.99]) {
      const cut = join(dir, `cut-${share}.csv.gz`);
      writeFileSync(cut, gz.subarray(0, Math.floor(gz.length * share)));
      const r = await cli('traces', 'import', cut, '--db', db);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/the gzip data is truncated or corrupt .*nothing was imported/);
    }
    const bad = Buffer.from(gz);
    const mid = Math.floor(bad.length / 2);
    bad[mid] = bad[mid]! ^ 0xff;
    writeFileSync(join(dir, 'flipped.csv.gz'), bad);
    expect((await cli('traces', 'import', join(dir, 'flipped.csv.gz'), '--db', db)).code).toBe(2);
    writeFileSync(join(dir, 'whole.csv.gz'), gz);
    const ok = await cli('traces', 'import', join(dir, 'whole.csv.gz'), '--db', db, '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).imports[0].kept).toBe(3000);
  });
  it('zstd frames are walked to their last block: a cut frame is named, a whole one passes', () => {
    const dir = tempDir();
    // A raw-block frame: magic, FHD (single segment, 1-byte content size), size 5, one last raw block of 5 bytes.
    const frame = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x05, 0x29, 0x00, 0x00, ...Buffer.from('hello')]);
    writeFileSync(join(dir, 'ok.zst'), frame);
    expect(zstdProblem(join(dir, 'ok.zst'))).toBeUndefined();
    writeFileSync(join(dir, 'cut.zst'), frame.subarray(0, frame.length - 2));
    expect(zstdProblem(join(dir, 'cut.zst'))).toMatch(/truncated/);
    writeFileSync(join(dir, 'junk.zst'), Buffer.concat([frame, Buffer.from('junk')]));
    expect(zstdProblem(join(dir, 'junk.zst'))).toMatch(/corrupt/);
  });
});

describe('--db must be a DuckDB file', () => {
  it('keep.csv, "", :memory:, x.parquet and a CSV that exists are refused before anything is read', async () => {
    const dir = tempDir();
    const file = writeTemp('t.csv', [HEADER, ...csvRows(2)].join('\n'), dir);
    for (const target of [join(dir, 'keep.csv'), '', ':memory:', join(dir, 'x.parquet'), file]) {
      const r = await cli('traces', 'import', file, '--db', target);
      expect(r.code, target).toBe(2);
      expect(r.stderr).toMatch(/--db ".*": (is empty|an in-memory database keeps nothing|a new trace store must be a DuckDB file|exists and is not a DuckDB database)/);
    }
    expect(readFileSync(file, 'utf8')).toContain('r1');
    const db = join(dir, 'new.duckdb');
    expect((await cli('traces', 'import', file, '--db', db)).code).toBe(0);
    expect((await cli('traces', 'summarize', '--db', db, '--json')).code).toBe(0);
  });
});

describe('implausible timestamps', () => {
  it('epoch s/ms/µs/ns are read by magnitude, an offset is applied; ±infinity, 0001, 9999, 1970, the last TIMESTAMPTZ instant and a 1e20 number are located rejections', async () => {
    const store = await memoryStore();
    const sec = 1777593600; // 2026-05-01T00:00:00Z
    const file = writeTemp(
      'ts.csv',
      [
        HEADER,
        row('s', String(sec)),
        row('ms', String(sec * 1e3)),
        row('us', String(sec * 1e6)),
        row('ns', `${BigInt(sec) * 1_000_000_000n}`),
        row('inf', 'infinity'),
        row('y1', '0001-01-01'),
        row('y9999', '9999-12-31'),
        row('epoch0', '1970-01-01T00:00:00Z'),
        row('huge', '100000000000000000000'),
        row('ninf', '-infinity'),
        // The last instant a TIMESTAMPTZ holds: its UTC wall time once failed the whole import (a conversion error).
        row('last', '294247-01-10T04:00:54.775806Z'),
        row('offset', '2026-05-01T02:00:00+02:00'),
      ].join('\n'),
    );
    const s = await importFile(store, file, { today, acceptRejects: true });
    expect(s.kept).toBe(5);
    expect(s.rejectsByRule).toEqual({ timestamp_out_of_window: 6, bad_timestamp: 1 });
    expect(s.rejects.map((r) => r.line)).toEqual([6, 7, 8, 9, 10, 11, 12]);
    expect(s.rejects[6]!.reason).toMatch(/read as 294247-01-10 04:00:54.775806 UTC/);
    expect(s.rejects[0]!.reason).toMatch(/allowed 2000-01-01 ≤ timestamp < 2100-01-01/);
    expect(s.rejects[4]!.reason).toMatch(/epoch seconds\/milliseconds\/microseconds\/nanoseconds/);
    const us = await query(store.conn, 'SELECT DISTINCT epoch_us(ts) AS us FROM requests');
    expect(us).toEqual([{ us: sec * 1e6 }]);
    store.close();
  });
  it('the window is configurable (--timestamp-window), and the requests/month that used to be 0.0004 stays sane', async () => {
    const dir = tempDir();
    const db = join(dir, 's.duckdb');
    const file = writeTemp('old.csv', [HEADER, row('a', '1999-06-01T00:00:00Z')].join('\n'), dir);
    const refused = await cli('traces', 'import', file, '--db', db, '--json');
    expect(refused.code).toBe(2);
    const wide = await cli('traces', 'import', file, '--db', db, '--timestamp-window', '1990-01-01..2030-01-01', '--json');
    expect(JSON.parse(wide.stdout).imports[0].kept).toBe(1);
    expect((await cli('traces', 'import', file, '--db', db, '--timestamp-window', '2030-01-01..2020-01-01')).code).toBe(2);
  });
});

describe('corrections', () => {
  it('a corrected trace row is a conflict with counts; --replace makes the newer file win in one transaction', async () => {
    const dir = tempDir();
    const db = join(dir, 's.duckdb');
    const first = writeTemp('a.csv', [HEADER, ...csvRows(4)].join('\n'), dir);
    const fixed = csvRows(4);
    fixed[1] = fixed[1]!.replace(',1000,200,100,', ',1000,200,150,');
    const second = writeTemp('b.csv', [HEADER, ...fixed].join('\n'), dir);
    await cli('traces', 'import', first, '--db', db);
    const again = await cli('traces', 'import', first, '--db', db, '--json');
    expect(JSON.parse(again.stdout).imports[0]).toMatchObject({ kept: 0, alreadyStored: 4, conflicts: 0 });
    const conflict = await cli('traces', 'import', second, '--db', db, '--json');
    expect(conflict.code).toBe(2);
    expect(JSON.parse(conflict.stdout).imports[0]).toMatchObject({ conflicts: 1, kept: 0, conflictLines: [{ line: 3, reason: expect.stringContaining('output_tokens 100 → 150') }] });
    const replaced = await cli('traces', 'import', second, '--db', db, '--replace', '--json');
    expect(replaced.code).toBe(0);
    expect(JSON.parse(replaced.stdout).imports[0]).toMatchObject({ kept: 1, alreadyStored: 3, replaced: 1 });
    const store = await openStore(db, { create: false });
    expect(await query(store.conn, "SELECT output_tokens FROM requests WHERE request_id = 'r1'")).toEqual([{ output_tokens: 150 }]);
    expect(await query(store.conn, 'SELECT count(*) AS n FROM requests')).toEqual([{ n: 4 }]);
    store.close();
  });
  it('a corrected invoice ($300 then $310, same period/provider/SKU) is not added: conflict, then replaced', async () => {
    const dir = tempDir();
    const db = join(dir, 's.duckdb');
    await cli('traces', 'import', writeTemp('t.csv', [HEADER, ...csvRows(3)].join('\n'), dir), '--db', db);
    const inv = (amount: number) => writeTemp(`inv-${amount}.csv`, `period,provider,sku,model,amount\n2026-05,openai,gpt-5.5,gpt-5.5,${amount}\n`, dir);
    expect((await cli('traces', 'import', inv(300), '--db', db)).code).toBe(0);
    const c = await cli('traces', 'import', inv(310), '--db', db);
    expect(c.code).toBe(2);
    expect(c.stdout).toMatch(/1 line conflicts with stored lines .*amount_usd 300\.0 → 310\.0/);
    expect((await cli('traces', 'import', inv(310), '--db', db, '--replace')).code).toBe(0);
    const r = JSON.parse((await cli('traces', 'reconcile', '--db', db, '--json')).stdout);
    expect(r.providers.map((l: { invoiceUsd: number }) => l.invoiceUsd)).toEqual([310]);
  });
});

describe('unpriced in JSON', () => {
  it('summarize and reconcile print null plus the unpriced count, never $0', async () => {
    const dir = tempDir();
    const db = join(dir, 's.duckdb');
    const rows = [HEADER, ...Array.from({ length: 3 }, (_, i) => row(`u${i}`, '2026-05-01T00:00:00Z', '1000', 'mystery-model'))];
    await cli('traces', 'import', writeTemp('u.csv', rows.join('\n'), dir), writeTemp('inv.csv', 'period,provider,amount\n2026-05,openai,12\n', dir), '--db', db);
    const s = JSON.parse((await cli('traces', 'summarize', '--db', db, '--json')).stdout);
    expect(s.groups[0].cost).toMatchObject({ tokenCostUsd: null, unpricedAttempts: 3, pricedTokenCostUsd: 0 });
    expect(s.groups[0].lcpr).toMatchObject({ totalCostUsd: null, lcpr: null });
    expect(s.groups[0].lcpr.breakdown.tokens).toBeNull();
    const rec = JSON.parse((await cli('traces', 'reconcile', '--db', db, '--json')).stdout);
    expect(rec.providers[0]).toMatchObject({ traceCostUsd: null, unpricedAttempts: 3 });
  });
});

describe('unlocated crashes', () => {
  it('token counts ≥ 2^63 or 1e308 are one rejected row with its line and the allowed range (CSV, JSONL, Parquet)', async () => {
    const store = await memoryStore();
    const lines = [HEADER, row('ok', '2026-05-01T00:00:00Z'), row('big', '2026-05-01T00:00:00Z', '9223372036854775808'), row('huge', '2026-05-01T00:00:00Z', '1e308')];
    const csv = await importFile(store, writeTemp('big.csv', lines.join('\n')), { today, acceptRejects: true });
    expect(csv).toMatchObject({ kept: 1, rejected: 2 });
    expect(csv.rejects).toEqual([
      { line: 3, reason: 'input_tokens is "9223372036854775808"; allowed an integer 0 ≤ value ≤ 10,000,000,000 (tokens)' },
      { line: 4, reason: 'input_tokens is "1e308"; allowed an integer 0 ≤ value ≤ 10,000,000,000 (tokens)' },
    ]);
    const jsonl = [{ timestamp: '2026-05-01T00:00:00Z', request_id: 'j1', model: 'gpt-5.5', input_tokens: 1e308, output_tokens: 1 }, { timestamp: '2026-05-01T00:00:00Z', request_id: 'j2', model: 'gpt-5.5', input_tokens: 5, output_tokens: 18446744073709551616 }];
    const j = await importFile(store, writeTemp('big.jsonl', jsonl.map((x) => JSON.stringify(x)).join('\n')), { today, acceptRejects: true });
    expect(j).toMatchObject({ kept: 0, rejected: 2 });
    expect(j.rejects.map((r) => r.line)).toEqual([1, 2]);
    const pq = join(tempDir(), 'big.parquet');
    await store.conn.run(`COPY (SELECT TIMESTAMP '2026-05-01' AS timestamp, 'p1' AS request_id, 'gpt-5.5' AS model, 18446744073709551615::UBIGINT AS input_tokens, 1 AS output_tokens) TO '${pq}' (FORMAT parquet)`);
    const p = await importFile(store, pq, { today, acceptRejects: true });
    expect(p).toMatchObject({ kept: 0, rejected: 1, rejects: [{ line: 1, reason: expect.stringContaining('allowed an integer 0 ≤ value ≤ 10,000,000,000') }] });
    store.close();
  });
  it('OTLP spans, LiteLLM and Langfuse with huge tokens or timestamps: located rejections', async () => {
    const store = await memoryStore();
    const span = (id: string, start: string, tokens: string) => ({
      spanId: id,
      startTimeUnixNano: start,
      endTimeUnixNano: '1777593601000000000',
      attributes: [
        { key: 'gen_ai.request.model', value: { stringValue: 'gpt-5.5' } },
        { key: 'gen_ai.provider.name', value: { stringValue: 'openai' } },
        { key: 'gen_ai.usage.input_tokens', value: { intValue: tokens } },
        { key: 'gen_ai.usage.output_tokens', value: { intValue: '10' } },
      ],
    });
    const otel = { resourceSpans: [{ scopeSpans: [{ spans: [span('a', '1777593600000000000', '5'), span('b', '999999999999999999999999999999', '5'), span('c', '1777593600000000000', '1e308')] }] }] };
    const o = await importFile(store, writeTemp('spans.json', JSON.stringify(otel)), { today, acceptRejects: true });
    expect(o).toMatchObject({ kept: 1, rejected: 2 });
    expect(o.rejects.map((r) => r.line)).toEqual([2, 3]);
    const lite = ['request_id,spend,prompt_tokens,completion_tokens,startTime,endTime,model,custom_llm_provider', 'l1,0.1,1e308,5,2026-05-01T00:00:00Z,2026-05-01T00:00:01Z,gpt-5.5,openai', 'l2,0.1,5,5,infinity,2026-05-01T00:00:01Z,gpt-5.5,openai'];
    const l = await importFile(store, writeTemp('spend.csv', lite.join('\n')), { today, acceptRejects: true });
    expect(l).toMatchObject({ format: 'litellm', kept: 0, rejected: 2 });
    expect(l.rejects.map((r) => r.line)).toEqual([2, 3]);
    const fuse = [{ id: 'g1', traceId: 't', type: 'GENERATION', startTime: '2026-05-01T00:00:00Z', model: 'gpt-5.5', usageDetails: { input: 1e308, output: 3, cache_read_input_tokens: 9223372036854775807 } }];
    const f = await importFile(store, writeTemp('fuse.jsonl', fuse.map((x) => JSON.stringify(x)).join('\n')), { today, acceptRejects: true });
    expect(f).toMatchObject({ format: 'langfuse', kept: 0, rejected: 1, rejects: [{ line: 1 }] });
    store.close();
  });
  it('a NUL byte, quotes and backslashes in model are stored as written and break nothing after', async () => {
    const dir = tempDir();
    const db = join(dir, 's.duckdb');
    const models = ['gpt\u0000x', "o'neil", 'back\\slash', "'; DROP TABLE requests; --"];
    const lines = [HEADER, ...models.map((m, i) => row(`n${i}`, '2026-05-01T00:00:00Z', '1000', `"${m.replace(/"/g, '""')}"`))];
    expect((await cli('traces', 'import', writeTemp('nul.csv', lines.join('\n'), dir), '--db', db)).code).toBe(0);
    for (const args of [['summarize'], ['check'], ['summarize', '--by', 'model', '--json']]) {
      const r = await cli('traces', ...args, '--db', db);
      expect(r.stderr, args.join(' ')).not.toMatch(/internal error/);
      expect([0, 1]).toContain(r.code);
    }
    const store = await openStore(db, { create: false });
    expect((await query(store.conn, 'SELECT model FROM requests ORDER BY request_id')).map((r) => r.model)).toEqual(models);
    store.close();
  });
  it('date flags: 2026, 1, "May 1, 2026" are exit 2 naming the flag; an offset is applied', async () => {
    const dir = tempDir();
    const db = join(dir, 's.duckdb');
    await cli('traces', 'import', writeTemp('t.csv', [HEADER, row('a', '2026-05-01T06:00:00Z'), row('b', '2026-05-01T18:00:00Z')].join('\n'), dir), '--db', db);
    for (const v of ['2026', '1', 'May 1, 2026', '2026-02-30', '2026-05-01T25:00']) {
      for (const cmd of ['summarize', 'check']) {
        const r = await cli('traces', cmd, '--db', db, '--from', v);
        expect(r.code, `${cmd} --from ${v}`).toBe(2);
        expect(r.stderr).toMatch(/--from must be a date YYYY-MM-DD or a timestamp/);
      }
    }
    // 2026-05-02T00:00+12:00 is 2026-05-01T12:00Z: only request a lies before it.
    const s = JSON.parse((await cli('traces', 'summarize', '--db', db, '--to', '2026-05-02T00:00+12:00', '--json')).stdout);
    expect(s.groups.map((g: { requests: number }) => g.requests)).toEqual([1]);
    expect(parseInstant('--to', '2026-05-02T00:00+12:00')).toBe('2026-05-01T12:00:00.000000Z');
  });
  it('OpenAI usage with "batch": "maybe" or data not an array, OTel metrics with a huge timeUnixNano: located', async () => {
    const store = await memoryStore();
    const page = (batch: unknown) => ({ object: 'page', data: [{ start_time: 1777593600, end_time: 1777680000, results: [{ model: 'gpt-5.5', batch, num_model_requests: 1, input_tokens: 10, input_cached_tokens: 0, output_tokens: 1 }, { model: 'gpt-5.5', batch: false, num_model_requests: 1, input_tokens: 10, input_cached_tokens: 0, output_tokens: 1 }] }] });
    const u = await importFile(store, writeTemp('usage.json', JSON.stringify(page('maybe'))), { today, acceptRejects: true, format: 'openai-usage' });
    expect(u).toMatchObject({ kept: 1, rejected: 1, rejects: [{ line: 1, reason: 'batch is "maybe"; allowed true or false' }] });
    await expect(importFile(store, writeTemp('usage.json', JSON.stringify({ data: 'x' })), { today, format: 'openai-usage' })).rejects.toThrow(/page 1: "data" is varchar, not an array/);
    await expect(importFile(store, writeTemp('usage.json', JSON.stringify({ data: [{ results: 5 }] })), { today, format: 'openai-usage' })).rejects.toThrow(/page 1, data\[0\]: "results" is ubigint, not an array/);
    const point = (t: unknown) => ({
      attributes: [
        { key: 'gen_ai.provider.name', value: { stringValue: 'openai' } },
        { key: 'gen_ai.request.model', value: { stringValue: 'gpt-5.5' } },
        { key: 'gen_ai.token.type', value: { stringValue: 'input' } },
      ],
      timeUnixNano: t,
      count: '1',
      sum: 100,
      bucketCounts: ['1'],
      explicitBounds: [],
    });
    const doc = { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'gen_ai.client.token.usage', unit: '{token}', histogram: { aggregationTemporality: 1, dataPoints: [point('1777593600000000000'), point('99999999999999999999999999999')] } }] }] }] };
    const m = await importFile(store, writeTemp('metrics.json', JSON.stringify(doc)), { today, acceptRejects: true });
    expect(m).toMatchObject({ format: 'otel-metrics', kept: 1, rejected: 1 });
    expect(m.rejects[0]!.reason).toMatch(/timeUnixNano is "99999999999999999999999999999"; allowed nanoseconds since the epoch with 2000-01-01 ≤ timestamp < 2100-01-01 .*dataPoints\[1\]/);
    store.close();
  });
});


describe('resources', () => {
  it('a store bloated by killed imports (blocks no checkpoint references) is compacted by the next import, rows intact', async () => {
    const dir = tempDir();
    const db = join(dir, 's.duckdb');
    await cli('traces', 'import', writeTemp('a.csv', [HEADER, ...csvRows(500)].join('\n'), dir), '--db', db);
    const clean = statSync(db).size;
    // What a killed import leaves: written blocks past the checkpointed ones (here 24 MB of them).
    appendFileSync(db, Buffer.alloc(24 * 1024 * 1024));
    const r = await cli('traces', 'import', writeTemp('b.csv', [HEADER, ...csvRows(10, 500)].join('\n'), dir), '--db', db, '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/reclaimed 2\d\.\d MB that interrupted imports had left/);
    expect(statSync(db).size).toBeLessThan(clean + 4 * 1024 * 1024);
    const store = await openStore(db, { create: false });
    expect(await query(store.conn, 'SELECT count(*) AS n, count(DISTINCT import_id) AS i FROM requests')).toEqual([{ n: 510, i: 2 }]);
    store.close();
  });
  it('summarize says what it needs when its exact percentiles would hold more than the DuckDB memory limit', async () => {
    const { memoryNote, parseMemorySetting } = await import('../../src/traces/memory-estimate.js');
    expect(parseMemorySetting('732.4 MiB')).toBeCloseTo(732.4 * 1024 ** 2, 0);
    const note = memoryNote({ attempts: 50_000_000, limitBytes: 768e6, percentileBytes: 50_000_000 * 80, peakBytes: 768e6 + 4e9 });
    expect(note).toMatch(/50,000,000 attempts; their exact percentiles hold about 4\.0 GB outside DuckDB's 768 MB memory limit .* needs about 4\.8 GB/);
    expect(memoryNote({ attempts: 1000, limitBytes: 768e6, percentileBytes: 80_000, peakBytes: 768e6 })).toBeUndefined();
  });
});
