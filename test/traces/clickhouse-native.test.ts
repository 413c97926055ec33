import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { type ChStore, chLit, openClickHouse } from '../../src/traces/clickhouse/connection.js';
import { type ChImportStep, importFileToClickHouse } from '../../src/traces/clickhouse/import.js';
import { sniffDelimiter } from '../../src/traces/clickhouse/native-import.js';
import { STALE_S } from '../../src/traces/clickhouse/import-lock.js';
import { clusterNodes } from '../../src/traces/clickhouse/schema.js';
import { type ImportSummary, importFile } from '../../src/traces/import.js';
import { openChdb } from '../helpers/chdb.js';
import { STORE_TABLES, useClickHouse } from '../helpers/clickhouse.js';
import { BAD_COUNTS, BAD_TIMESTAMPS, HOSTILE_TEXT, normRows, rng, toCsv, toJsonl } from './fuzz-gen.js';
import { HEADER, csvRows, memoryStore, tempDir, writeTemp } from './helpers.js';

/**
 * Issue 14, "the row checks run as ClickHouse SQL over a staging table": the ClickHouse-native
 * check (src/traces/clickhouse/row-rules.ts) against the DuckDB check (src/traces/import.ts) on the
 * same hostile files — the same counts, rules, rejected lines and messages, and the same stored
 * values — on Debian's ClickHouse 18.16 and on current ClickHouse (chdb).
 */
const server = useClickHouse();
const today = '2026-11-22';
const opts = { today, acceptRejects: true, showRejects: 10_000 };

const STORED = 'ts_us, request_id, attempt, provider, model, route, input_tokens, cached_input_tokens, output_tokens, e2e_ms, ttft_ms, status, quality, batch';

/** What a DuckDB import of `file` reports and stores. */
async function onDuck(file: string): Promise<{ summary: ImportSummary; rows: unknown[] }> {
  const mem = await memoryStore();
  try {
    const summary = await importFile(mem, file, opts);
    const { query } = await import('../../src/traces/db.js');
    const rows = await query(
      mem.conn,
      `SELECT epoch_us(ts) AS ts_us, request_id, attempt, provider, model, route, input_tokens, cached_input_tokens, output_tokens, e2e_ms, ttft_ms, status, quality, CAST(batch AS INTEGER) AS batch FROM requests ORDER BY request_id, attempt`,
    );
    return { summary, rows: rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]))) };
  } finally {
    mem.close();
  }
}

async function onCh(ch: ChStore, file: string, chunkRows?: number) {
  const summary = await importFileToClickHouse(ch, file, { ...opts, ...(chunkRows ? { chunkRows } : {}) });
  const rows = summary.importId === null ? [] : await ch.query(`SELECT ${STORED} FROM ${ch.table('requests')} WHERE import_id = ${chLit(summary.importId)} ORDER BY request_id, attempt`);
  return { summary, rows };
}

const pick = (s: ImportSummary) => ({ rowsRead: s.rowsRead, kept: s.kept, rejected: s.rejected, rejectsByRule: s.rejectsByRule, rejects: s.rejects, aborted: s.aborted });

/** The hand-written hostile rows of clickhouse-hostile.test.ts and hostile-input.test.ts, plus every fuzz value in every column it can go in. */
function hostileCsv(): string {
  const row = (id: string, ts: string, input = '1000', model = 'gpt-5.5', extra: Partial<Record<'cached' | 'out' | 'ttft' | 'e2e' | 'status' | 'attempt', string>> = {}) =>
    `${ts},${id},${extra.attempt ?? '0'},chat,openai,"${model.replace(/"/g, '""')}",${input},${extra.cached ?? '0'},${extra.out ?? '100'},${extra.ttft ?? '100'},${extra.e2e ?? '200'},${extra.status ?? 'ok'},pass`;
  const t = '2026-05-01T00:00:00Z';
  const lines = [
    HEADER,
    row('ok', t),
    row('us', '1777593600000000'),
    row('ns', '1777593600123456789'),
    row('ms', '1777593600123'),
    row('s-frac', '1777593600.25'),
    row('offset', '2026-05-01 10:00:00+02:30'),
    row('frac', '2026-05-01T00:00:00.1234567Z'),
    row('short', '2026-5-1T1:2'),
    row('leap', '2028-02-29'),
    row('noleap', '2026-02-29'),
    row('midnight', '2026-05-01T24:00:00'),
    row('sec60', '2026-05-01T23:59:60'),
    row('utc', '2026-05-01 10:00:00 UTC'),
    row('epoch-word', 'epoch'),
    row('big', t, '9223372036854775808'),
    row('huge', t, '1e308'),
    row('plus', t, '+5'),
    row('under', t, '1_000'),
    row('float-int', t, '1000.0'),
    row('cached-over', t, '10', 'gpt-5.5', { cached: '20' }),
    row('ttft-over', t, '10', 'gpt-5.5', { ttft: '300.5', e2e: '200.25' }),
    row('neg-out', t, '10', 'gpt-5.5', { out: '-3' }),
    row('neg-inf', t, '-inf'),
    row('attempt-big', t, '10', 'gpt-5.5', { attempt: '1001' }),
    row('attempt-frac', t, '10', 'gpt-5.5', { attempt: '1.5' }),
    row('STATUS', t, '10', 'gpt-5.5', { status: 'TIMEOUT' }),
    row('status-bad', t, '10', 'gpt-5.5', { status: 'Ünknown' }),
    row('dup', t),
    row('dup', t),
    row('dup', t, '5'),
    `${t},,0,chat,openai,gpt,1,0,1,1,2,ok,pass`,
    `,nots,0,chat,openai,gpt,1,0,1,1,2,ok,pass`,
    `${t},nomodel,0,chat,,,1,0,1,1,2,ok,pass`,
    `${t},fewer,0`,
    `${t},"multi`,
    `line",0,chat,openai,gpt,1,0,1,1,2,ok,pass`,
    `${t},after-multi,0,chat,openai,gpt,1,0,1,1,2,ok,bogus`,
    '',
    `  ${t} ,spaces, 0 ,chat, openai ,gpt,  7 ,0,1,1,2, ok ,pass`,
  ];
  BAD_TIMESTAMPS.forEach((ts, i) => lines.push(row(`bt${i}`, ts)));
  BAD_COUNTS.forEach((c, i) => lines.push(row(`bc${i}`, t, c), row(`bo${i}`, t, '10', 'gpt-5.5', { out: c }), row(`be${i}`, t, '10', 'gpt-5.5', { e2e: c })));
  HOSTILE_TEXT.forEach((m, i) => lines.push(row(`ht${i}`, t, '10', m)));
  return lines.join('\n') + '\n';
}

function hostileJsonl(): string {
  const base = { timestamp: '2026-05-01T00:00:00Z', request_id: 'j', model: 'gpt-5.5', input_tokens: 10, output_tokens: 5 };
  const lines: string[] = [
    JSON.stringify(base),
    '{"timestamp":"2026-05-01T00:00:00Z","request_id":"raw-big","model":"m","input_tokens":9223372036854775808,"output_tokens":1}',
    '{"timestamp":"2026-05-01T00:00:00Z","request_id":"raw-exp","model":"m","input_tokens":1e21,"output_tokens":1.5e-7}',
    '{"timestamp":"2026-05-01T00:00:00Z","request_id":"float","model":"m","input_tokens":1e3,"output_tokens":1.0}',
    '{"timestamp":1777593600,"request_id":"epoch-num","model":"m","input_tokens":[1, 2],"output_tokens":{"a": [1, "x"]}}',
    '{"ts":"2026-05-01T00:00:00Z","request_id":"ts-key","model":"m","input_tokens":1,"output_tokens":1}',
    '{"timestamp":"2026-05-01T00:00:00Z","request_id":"bool","model":"m","input_tokens":true,"output_tokens":null}',
    '{"timestamp":"2026-05-01T00:00:00Z","request_id":"nested \\"q\\"","model":"m\\u0000x","input_tokens":1,"output_tokens":1,"batch":"YES","e2e_s":0.35}',
    '',
    '   ',
    'not json',
    '[1]',
    '{"timestamp":"2026-05-01T00:00:00Z", "request_id" : "spaced" , "model":"m", "input_tokens" : -0.0 , "output_tokens": 2 }',
  ];
  return lines.join('\n') + '\n';
}

async function expectParity(ch: ChStore, file: string, chunkRows?: number) {
  const duck = await onDuck(file);
  const native = await onCh(ch, file, chunkRows);
  expect(native.summary.checkedBy).toBe('clickhouse');
  expect(pick(native.summary)).toEqual(pick(duck.summary));
  expect(native.rows).toEqual(duck.rows);
  return native.summary;
}

describe('ClickHouse-native row checks agree with the DuckDB checks (18.16 server)', () => {
  it('hand-written hostile CSV: the same counts, rules, lines and messages, the same stored values', { timeout: 60_000 }, async () => {
    const ch = await openClickHouse(server.fresh());
    try {
      const s = await expectParity(ch, writeTemp('hostile.csv', hostileCsv()));
      // The fixture exercises what it claims: most rules fire, and structural rejects are located.
      expect(Object.keys(s.rejectsByRule).length).toBeGreaterThan(12);
      expect(s.rejectsByRule.malformed).toBeGreaterThan(0);
      expect(s.rejectsByRule.duplicate_id).toBe(2);
      expect(s.kept).toBeGreaterThan(10);
    } finally {
      await ch.close();
    }
  });

  it('a file naming only some of route, provider and model stores the route DuckDB derives (18.16 once refused the file)', { timeout: 60_000 }, async () => {
    // Absent columns are constant NULLs on the server; 18.16 refused `coalesce(route, concat(provider, '/', model), model)` over them.
    const files = {
      'route-only.csv': ['timestamp,request_id,attempt,workload,route,input_tokens,output_tokens,status,quality', '2026-05-01T10:00:00Z,r1,0,chat,openai/gpt-4o,100,50,ok,pass', '2026-05-01T10:01:00Z,r2,0,chat,,100,50,ok,pass'],
      'provider-model.csv': ['timestamp,request_id,attempt,provider,model,input_tokens,output_tokens', '2026-05-01T10:00:00Z,r1,0,openai,gpt-4o,100,50', '2026-05-01T10:01:00Z,r2,0,,gpt-4o,100,50', '2026-05-01T10:02:00Z,r3,0,openai,,100,50'],
      'model-only.csv': ['timestamp,request_id,model,input_tokens,output_tokens', '2026-05-01T10:00:00Z,r1,gpt-4o,100,50'],
    };
    for (const [name, lines] of Object.entries(files)) {
      const ch = await openClickHouse(server.fresh());
      try {
        const s = await expectParity(ch, writeTemp(name, `${lines.join('\n')}\n`));
        expect(s.rowsRead).toBe(lines.length - 1);
      } finally {
        await ch.close();
      }
    }
    const ch = await openClickHouse(server.fresh());
    try {
      const { rows } = await onCh(ch, writeTemp('provider-model-2.csv', `${files['provider-model.csv'].join('\n')}\n`));
      expect(rows.map((r) => (r as { route: string | null }).route)).toEqual(['openai/gpt-4o', 'gpt-4o']);
    } finally {
      await ch.close();
    }
  });

  it('hand-written hostile JSONL: numbers keep their digits, other JSON is compact text, bad lines are located', { timeout: 60_000 }, async () => {
    const ch = await openClickHouse(server.fresh());
    try {
      const s = await expectParity(ch, writeTemp('hostile.jsonl', hostileJsonl()));
      expect(s.rejects.map((r) => r.reason).join('\n')).toMatch(/"9223372036854775808"/);
      // 'not json' and '[1]'; blank and all-space lines are no rows.
      expect(s.rejectsByRule.malformed).toBe(2);
    } finally {
      await ch.close();
    }
  });

  it('seeded fuzz files (CSV and JSONL, 35% hostile rows): identical outcomes', { timeout: 600_000 }, async () => {
    const ch = await openClickHouse(server.fresh());
    try {
      // NATIVE_FUZZ_CASES runs it longer.
      for (let i = 0; i < Number(process.env.NATIVE_FUZZ_CASES ?? 12); i++) {
        const r = rng(1400 + i);
        const rows = normRows(r, 40 + i * 5, 0.35);
        // Unique request ids per case: each case imports into the same store without touching another's keys.
        for (const x of rows) x.fields.request_id = `c${i}-${x.fields.request_id}`;
        const file = i % 2 ? writeTemp('f.jsonl', toJsonl(r, rows)) : writeTemp('f.csv', toCsv(rows));
        // Every third case in chunks of a few rows (checked rows on disk, duplicates across chunks).
        await expectParity(ch, file, i % 3 === 2 ? 10 + i : undefined);
      }
    } finally {
      await ch.close();
    }
  });
});

describe('ClickHouse-native import in chunks (server memory bounded by the chunk, not the file)', () => {
  it('hostile CSV and JSONL checked a few rows at a time give what DuckDB gives; the checked rows sat in a MergeTree load table, dropped after', { timeout: 120_000 }, async () => {
    const ch = await openClickHouse(server.fresh());
    try {
      const engines: string[] = [];
      const seen = async () => {
        for (const r of await ch.query(`SELECT engine FROM system.tables WHERE database = ${chLit(ch.database)} AND startsWith(name, 'requests_load_')`)) engines.push(String(r.engine));
      };
      for (const [name, text, rows] of [['hostile.csv', hostileCsv(), 40], ['hostile.jsonl', hostileJsonl(), 3], ['hostile-17.csv', hostileCsv(), 17]] as const) {
        const file = writeTemp(name, text);
        const duck = await onDuck(file);
        const native = await importFileToClickHouse(ch, file, { ...opts, chunkRows: rows, onStep: (s) => (s === 'loaded' ? seen() : undefined) });
        expect(pick(native)).toEqual(pick(duck.summary));
        const stored = await ch.query(`SELECT ${STORED} FROM ${ch.table('requests')} WHERE import_id = ${chLit(native.importId!)} ORDER BY request_id, attempt`);
        expect(stored).toEqual(duck.rows);
        // The next file's keys must not collide with this one's: a fresh store per fixture.
        await ch.command(`DROP DATABASE ${ch.database}`);
      }
      expect(engines).toEqual(['MergeTree', 'MergeTree', 'MergeTree']);
      expect(await count(ch, `SELECT count() FROM system.tables WHERE is_temporary`)).toBe(0);
    } finally {
      await ch.close();
    }
  });

  it('duplicates across chunks are rejected naming the first line; the 1% rule counts the whole file; a refused chunked file leaves nothing behind', { timeout: 60_000 }, async () => {
    const ch = await openClickHouse(server.fresh());
    try {
      // r0…r199, then r5 again at line 202 and a bad row: 2 rejects of 202 rows (0.99%: under the limit only over the whole file).
      const lines = [HEADER, ...csvRows(200), csvRows(1, 5)[0]!, '2026-05-01T00:00:00Z,bad0,0,chat,openai,gpt-5.5,-5,0,100,300,2000,ok,pass'];
      const ok = await importFileToClickHouse(ch, writeTemp('d.csv', lines.join('\n')), { today, chunkRows: 50 });
      expect(ok).toMatchObject({ rowsRead: 202, kept: 200, rejected: 2, rejectsByRule: { duplicate_id: 1, negative_input_tokens: 1 }, checkedBy: 'clickhouse' });
      expect(ok.rejects[0]).toEqual({ line: 202, reason: 'duplicate request_id + attempt (r5, 0), first at line 7' });
      // Three bad rows of 103: refused, whichever chunk they fall in.
      const bad = [HEADER, ...csvRows(100, 1000), ...[1, 2, 3].map((k) => `2026-05-01T00:00:00Z,bad${k},0,chat,openai,gpt-5.5,-5,0,100,300,2000,ok,pass`)];
      const refused = await importFileToClickHouse(ch, writeTemp('r.csv', bad.join('\n')), { today, chunkRows: 10 });
      expect(refused.aborted).toMatch(/3 of 103 rows .* over the 1% limit/);
      expect(await count(ch, `SELECT count() FROM ${ch.table('requests')}`)).toBe(200);
      expect(await leftovers(ch)).toEqual([]);
    } finally {
      await ch.close();
    }
  });

  // Three imports of 11 chunks each: ~50 s on a loaded 2-core machine, so 60 s was at the edge.
  it('a refused chunked file into a new store leaves no database behind; a store that existed keeps its database', { timeout: 180_000 }, async () => {
    const ch = await openClickHouse(server.fresh());
    const dbs = async () => (await ch.query(`SELECT name FROM system.databases WHERE name = ${chLit(ch.database)}`)).length;
    try {
      // Over the 1% limit, and longer than one chunk: the checked rows spill to a real table, which opens the lease (and the database).
      const bad = [HEADER, ...csvRows(100, 2000), ...[1, 2, 3].map((k) => `2026-05-01T00:00:00Z,nb${k},0,chat,openai,gpt-5.5,-5,0,100,300,2000,ok,pass`)];
      const refused = await importFileToClickHouse(ch, writeTemp('new-refused.csv', bad.join('\n')), { today, chunkRows: 10 });
      expect(refused.aborted).toMatch(/3 of 103 rows .* over the 1% limit/);
      expect(await dbs()).toBe(0);
      // The store exists once a file lands; a later refused file keeps it and its rows.
      await importFileToClickHouse(ch, writeTemp('new-ok.csv', [HEADER, ...csvRows(30, 3000)].join('\n')), { today, chunkRows: 10 });
      const again = await importFileToClickHouse(ch, writeTemp('new-refused2.csv', bad.join('\n')), { today, chunkRows: 10 });
      expect(again.aborted).toMatch(/over the 1% limit/);
      expect(await dbs()).toBe(1);
      expect(await count(ch, `SELECT count() FROM ${ch.table('requests')}`)).toBe(30);
    } finally {
      await ch.close();
    }
  });

  it('a JSONL key seen only in a later chunk decides for the whole file, as DuckDB decides (timestamp over ts, e2e_ms over e2e_s)', { timeout: 60_000 }, async () => {
    const ch = await openClickHouse(server.fresh());
    try {
      const row = (i: number, extra: Record<string, unknown>) => JSON.stringify({ request_id: `k${i}`, model: 'm', input_tokens: 10, output_tokens: 5, ...extra });
      const lines = [
        ...Array.from({ length: 6 }, (_, i) => row(i, { ts: '2026-05-01T00:00:00Z', e2e_s: 0.5 })),
        row(6, { timestamp: '2026-05-02T00:00:00Z', ts: '2026-05-01T00:00:00Z', e2e_ms: 700 }),
        ...Array.from({ length: 5 }, (_, i) => row(7 + i, { timestamp: '2026-05-03T00:00:00Z', e2e_s: 0.25 })),
      ];
      const file = writeTemp('late.jsonl', lines.join('\n'));
      const s = await expectParity(ch, file, 4);
      // The ts-only rows have no timestamp once the file has a timestamp key (DuckDB's rule): rejected, not read from ts.
      expect(s.rejectsByRule.missing_timestamp).toBe(6);
    } finally {
      await ch.close();
    }
  });

  it('progress: the reader reports bytes read of the file, rising to its size (gzip: of the compressed file)', { timeout: 60_000 }, async () => {
    const ch = await openClickHouse(server.fresh());
    try {
      const text = [HEADER, ...csvRows(60_000)].join('\n');
      for (const file of [writeTemp('p.csv', text), writeTemp('p.csv.gz', '')]) {
        if (file.endsWith('.gz')) writeFileSync(file, gzipSync(text));
        const events: { bytesRead: number; totalBytes: number }[] = [];
        const s = await importFileToClickHouse(ch, file, { today, chunkRows: 20_000, onReadProgress: (p) => events.push(p) });
        expect(s).toMatchObject({ rowsRead: 60_000, checkedBy: 'clickhouse' });
        const size = statSync(file).size;
        expect(events.length).toBeGreaterThan(file.endsWith('.gz') ? 0 : 2);
        expect(events.every((e) => e.totalBytes === size)).toBe(true);
        expect(events.every((e, i) => i === 0 || e.bytesRead >= events[i - 1]!.bytesRead)).toBe(true);
        expect(events.at(-1)!.bytesRead).toBe(size);
      }
    } finally {
      await ch.close();
    }
  });
});

/** The same records with another delimiter: commas outside quotes become `d` (the quote state runs across lines, for multi-line fields). */
function redelimit(text: string, d: string): string {
  let quoted = false;
  let out = '';
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    out += c === ',' && !quoted ? d : c;
  }
  return out;
}

describe('ClickHouse-native import of tab-, pipe- and semicolon-separated files (the delimiter sniffed from the header)', () => {
  it('the hostile and fuzzed files give what DuckDB gives, as .tsv and as .csv with a ; or | header', { timeout: 300_000 }, async () => {
    for (const [d, ext] of [['\t', 'tsv'], ['|', 'csv'], [';', 'csv'], ['\t', 'csv']] as const) {
      const ch = await openClickHouse(server.fresh());
      try {
        const s = await expectParity(ch, writeTemp(`hostile.${ext}`, redelimit(hostileCsv(), d)));
        expect(s.kept, `${JSON.stringify(d)} ${ext}`).toBeGreaterThan(10);
        expect(s.rejectsByRule.malformed).toBeGreaterThan(0);
        for (let i = 0; i < 3; i++) {
          const r = rng(2400 + i);
          const rows = normRows(r, 40 + i * 10, 0.35);
          for (const x of rows) x.fields.request_id = `d${i}-${x.fields.request_id}`;
          await expectParity(ch, writeTemp(`f.${ext}`, redelimit(toCsv(rows), d)), i === 2 ? 13 : undefined);
        }
      } finally {
        await ch.close();
      }
    }
  });

  it('the delimiter is the one that splits the header into the most fields; a one-name header is comma-separated', () => {
    expect(sniffDelimiter(HEADER)).toBe(',');
    expect(sniffDelimiter(HEADER.replaceAll(',', ';'))).toBe(';');
    expect(sniffDelimiter(HEADER.replaceAll(',', '|'))).toBe('|');
    expect(sniffDelimiter(HEADER.replaceAll(',', '\t'))).toBe('\t');
    // A quoted name holding another candidate does not count for it.
    expect(sniffDelimiter('"a;b;c;d",timestamp,request_id')).toBe(',');
    expect(sniffDelimiter('timestamp')).toBe(',');
    // A tie goes to the first of DuckDB's candidates (, | ; tab).
    expect(sniffDelimiter('a;b|c')).toBe('|');
  });
});

/** A zstd frame (RFC 8878 §3.1.1) of raw blocks: the exact bytes of `text`, no compression (window 128 KiB, blocks of 100 kB). */
function rawZstd(text: string): Buffer {
  const data = Buffer.from(text);
  const parts = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 7 << 3])];
  for (let at = 0; at === 0 || at < data.length; at += 100_000) {
    const block = data.subarray(at, at + 100_000);
    const h = (block.length << 3) | (at + 100_000 >= data.length ? 1 : 0);
    parts.push(Buffer.from([h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff]), block);
  }
  return Buffer.concat(parts);
}

describe('ClickHouse-native import of .zst files (decompressed in JavaScript as they are read)', () => {
  it('hostile CSV and JSONL in zstd frames, and a zstd CSV DuckDB compressed, give what DuckDB gives', { timeout: 120_000 }, async () => {
    const ch = await openClickHouse(server.fresh());
    try {
      for (const [name, text] of [['hostile.csv.zst', hostileCsv()], ['hostile.jsonl.zst', hostileJsonl()]] as const) {
        const file = join(tempDir(), name);
        writeFileSync(file, rawZstd(text));
        await expectParity(ch, file);
      }
      // Real compressed blocks (DuckDB's zstd writer), checked in chunks.
      const file = join(tempDir(), 'duck.csv.zst');
      const mem = await memoryStore();
      try {
        await mem.conn.run(
          `COPY (SELECT 'z' || i AS request_id, TIMESTAMP '2026-05-01' + INTERVAL (i) SECOND AS timestamp, i % 3 AS attempt, 'gpt-5.5' AS model, 1000 + i AS input_tokens, CASE WHEN i % 997 = 0 THEN -1 ELSE 5 END AS output_tokens FROM range(60000) t(i)) TO '${file}' (FORMAT csv, COMPRESSION zstd)`,
        );
      } finally {
        mem.close();
      }
      const s = await expectParity(ch, file, 25_000);
      expect(s).toMatchObject({ rowsRead: 60_000, rejected: 61, rejectsByRule: { negative_output_tokens: 61 } });
    } finally {
      await ch.close();
    }
  });
});

describe('ClickHouse-native row checks on current ClickHouse (chdb)', () => {
  it('the hostile CSV and JSONL give what DuckDB gives', { timeout: 120_000 }, async () => {
    const ch = await openChdb();
    try {
      await expectParity(ch, writeTemp('hostile.csv', hostileCsv()));
      await expectParity(ch, writeTemp('hostile.jsonl', hostileJsonl()));
      const again = await importFileToClickHouse(ch, writeTemp('hostile.csv', hostileCsv()), opts);
      expect(again).toMatchObject({ kept: 0, checkedBy: 'clickhouse' });
      expect(again.alreadyStored).toBeGreaterThan(10);
    } finally {
      await ch.close();
    }
  });
});

const leftovers = async (ch: ChStore) =>
  (await ch.query(`SELECT name FROM system.tables WHERE database = ${chLit(ch.database)} ORDER BY name`)).map((r) => String(r.name)).filter((n) => !STORE_TABLES.includes(n));
const count = async (ch: ChStore, sql: string) => Number(Object.values((await ch.query(sql))[0]!)[0]);

describe('ClickHouse-native import: idempotent, all or nothing', () => {
  it('re-import skips identical rows, a corrected file is a conflict with counts, --replace wins; checkedBy says which path checked', { timeout: 60_000 }, async () => {
    const ch = await openClickHouse(server.fresh());
    try {
      const a = writeTemp('a.csv', [HEADER, ...csvRows(300)].join('\n'));
      expect(await importFileToClickHouse(ch, a, { today })).toMatchObject({ kept: 300, checkedBy: 'clickhouse' });
      expect(await importFileToClickHouse(ch, a, { today })).toMatchObject({ kept: 0, alreadyStored: 300 });
      const fixed = csvRows(300).map((l, i) => (i % 30 === 0 ? l.replace(',100,300,', ',101,300,') : l));
      const b = writeTemp('b.csv', [HEADER, ...fixed].join('\n'));
      const refused = await importFileToClickHouse(ch, b, { today });
      expect(refused).toMatchObject({ conflicts: 10, importId: null });
      expect(refused.aborted).toMatch(/10 rows conflict/);
      expect(await importFileToClickHouse(ch, b, { today, replace: true })).toMatchObject({ kept: 10, alreadyStored: 290, replaced: 10 });
      expect(await count(ch, `SELECT sum(output_tokens) FROM ${ch.table('requests')}`)).toBe(300 * 100 + 10);
      // The DuckDB check is still there, by option: the same file is already stored either way.
      expect(await importFileToClickHouse(ch, b, { today, check: 'duckdb' })).toMatchObject({ kept: 0, alreadyStored: 300, checkedBy: 'duckdb' });
      expect(await leftovers(ch)).toEqual([]);
    } finally {
      await ch.close();
    }
  });

  it('a failure at any step leaves the store as it was and no staging table; a refused first file creates no database', { timeout: 60_000 }, async () => {
    const ch = await openClickHouse(server.fresh());
    try {
      const dirty = writeTemp('dirty.csv', [HEADER, ...csvRows(10), '2026-05-01T00:00:00Z,bad0,0,chat,openai,gpt-5.5,-5,0,100,300,2000,ok,pass'].join('\n'));
      expect((await importFileToClickHouse(ch, dirty, { today })).aborted).toMatch(/over the 1% limit/);
      expect(await count(ch, `SELECT count() FROM system.databases WHERE name = ${chLit(ch.database)}`)).toBe(0);
      await importFileToClickHouse(ch, writeTemp('base.csv', [HEADER, ...csvRows(100)].join('\n')), { today });
      const file = writeTemp('more.jsonl', csvRows(100, 100).map((l) => JSON.stringify(Object.fromEntries(HEADER.split(',').map((k, i) => [k, l.split(',')[i]])))).join('\n'));
      for (const step of ['loaded', 'locked', 'written'] as ChImportStep[]) {
        const onStep = (s: ChImportStep) => {
          if (s === step) throw new Error(`connection lost after ${s}`);
        };
        await expect(importFileToClickHouse(ch, file, { today, onStep })).rejects.toThrow(`connection lost after ${step}`);
        expect(await count(ch, `SELECT count() FROM ${ch.table('requests')}`), step).toBe(100);
        expect(await count(ch, `SELECT count() FROM ${ch.table('imports')}`), step).toBe(1);
        expect(await leftovers(ch), step).toEqual([]);
        // The session's temporary staging tables are gone too.
        expect(await count(ch, `SELECT count() FROM system.tables WHERE is_temporary`), step).toBe(0);
      }
      expect(await importFileToClickHouse(ch, file, { today })).toMatchObject({ kept: 100, alreadyStored: 0, checkedBy: 'clickhouse' });
      // JSONL rows keep their line; CSV rows NULL (as on the DuckDB path).
      expect(await count(ch, `SELECT countIf(isNull(source_line)) FROM ${ch.table('requests')}`)).toBe(100);
      expect(await count(ch, `SELECT max(source_line) FROM ${ch.table('requests')}`)).toBe(100);
    } finally {
      await ch.close();
    }
  });

  it('a file the reader refuses (missing columns, a bad gzip) touches nothing', { timeout: 60_000 }, async () => {
    const ch = await openClickHouse(server.fresh());
    try {
      await expect(importFileToClickHouse(ch, writeTemp('m.csv', 'timestamp,request_id\n2026-05-01,a\n'), { today })).rejects.toThrow(/missing required columns input_tokens, output_tokens/);
      await expect(importFileToClickHouse(ch, writeTemp('m.jsonl', '{"timestamp":"2026-05-01","request_id":"a","model":"m"}\n'), { today })).rejects.toThrow(/missing required columns input_tokens, output_tokens/);
      const gz = join(tempDir(), 'x.csv.gz');
      writeFileSync(gz, Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]));
      await expect(importFileToClickHouse(ch, gz, { today })).rejects.toThrow(/x\.csv\.gz/);
      expect(await count(ch, `SELECT count() FROM system.databases WHERE name = ${chLit(ch.database)}`)).toBe(0);
    } finally {
      await ch.close();
    }
  });
});

/** The CLI as a user runs it, in its own process (two importers are two machines' worth of processes). */
const DIST = join(import.meta.dirname, '../../dist');
const MAIN = join(DIST, 'cli/main.js');
function routefit(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('traces import --check-with: the user picks the engine that checks the rows', () => {
  it('duckdb checks a CSV locally, clickhouse refuses a format it cannot check, and a DuckDB store or a bad value is a usage error', { timeout: 60_000 }, async () => {
    const url = server.fresh();
    const csv = writeTemp('pick.csv', [HEADER, ...csvRows(40)].join('\n'));
    const viaDuck = await routefit(['traces', 'import', csv, '--clickhouse', url, '--check-with', 'duckdb', '--json']);
    expect(viaDuck.code, viaDuck.stderr).toBe(0);
    expect(JSON.parse(viaDuck.stdout).imports[0]).toMatchObject({ kept: 40, checkedBy: 'duckdb' });
    const again = await routefit(['traces', 'import', csv, '--clickhouse', url, '--check-with', 'clickhouse', '--json']);
    expect(JSON.parse(again.stdout).imports[0]).toMatchObject({ kept: 0, alreadyStored: 40, checkedBy: 'clickhouse' });
    const parquet = writeTemp('pick.parquet', 'not read: refused on its format');
    const refused = await routefit(['traces', 'import', parquet, '--clickhouse', url, '--check-with', 'clickhouse']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--check-with clickhouse checks CSV, TSV and JSONL files only \(plain, \.gz or \.zst\) \(parquet files are converted by DuckDB\); pass --check-with duckdb/);
    const onDuckStore = await routefit(['traces', 'import', csv, '--db', join(tempDir(), 'x.duckdb'), '--check-with', 'duckdb']);
    expect(onDuckStore.code).toBe(2);
    expect(onDuckStore.stderr).toMatch(/--check-with chooses how rows are checked on their way into a ClickHouse store/);
    const bad = await routefit(['traces', 'import', csv, '--clickhouse', url, '--check-with', 'sqlite']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--check-with is "sqlite"; allowed: duckdb, clickhouse/);
  });
});

describe('ClickHouse-native import on the two-shard cluster: concurrent importers', () => {
  const provided = inject('clickhouseCluster');
  const CLUSTER_TABLES = ['imports_local', 'replaced_local', 'requests_local'];

  it('two processes importing overlapping files at once: every key stored exactly once, the counts add up', { timeout: 240_000 }, async () => {
    if (provided.error) throw new Error(provided.error);
    const url = `${provided.url}/n_${randomBytes(6).toString('hex')}`;
    const args = (f: string) => ['traces', 'import', f, '--clickhouse', url, '--cluster', provided.cluster!, '--json'];
    expect((await routefit(args(writeTemp('seed.csv', [HEADER, ...csvRows(5, 900_000)].join('\n'))))).code).toBe(0);
    // A: keys 0…5999 (CSV); B: keys 3000…8999 (JSONL): 3000 keys in both.
    const a = writeTemp('a.csv', [HEADER, ...csvRows(6000)].join('\n'));
    const b = writeTemp('b.jsonl', csvRows(6000, 3000).map((l) => JSON.stringify(Object.fromEntries(HEADER.split(',').map((k, i) => [k, l.split(',')[i]])))).join('\n'));
    for (let round = 0; round < 2; round++) {
      const [ra, rb] = await Promise.all([routefit(args(a)), routefit(args(b))]);
      expect(ra.code, ra.stderr).toBe(0);
      expect(rb.code, rb.stderr).toBe(0);
      const sa = JSON.parse(ra.stdout).imports[0];
      const sb = JSON.parse(rb.stdout).imports[0];
      expect([sa.checkedBy, sb.checkedBy]).toEqual(['clickhouse', 'clickhouse']);
      // Whichever committed first stored all its keys; the other skipped the 3000 shared ones. Second round: nothing new.
      expect(sa.kept + sb.kept).toBe(round === 0 ? 9000 : 0);
      expect(sa.alreadyStored + sb.alreadyStored).toBe(round === 0 ? 3000 : 12_000);
      expect([sa.conflicts, sb.conflicts]).toEqual([0, 0]);
    }
    const ch = await openClickHouse(url);
    try {
      expect(await count(ch, `SELECT count() FROM ${ch.table('requests')}`)).toBe(9005);
      expect(await count(ch, `SELECT uniqExact(request_id, attempt) FROM ${ch.table('requests')}`)).toBe(9005);
      // Every written row is a committed one: nothing was written twice and hidden.
      expect(await count(ch, `SELECT count() FROM ${ch.table('requests_data')}`)).toBe(9005);
      expect(await count(ch, `SELECT sum(kept) FROM ${ch.table('imports')}`)).toBe(9005);
      expect(await leftovers(ch)).toEqual(CLUSTER_TABLES);
    } finally {
      await ch.close();
    }
  });

  it('an importer SIGKILLed after its checked rows went to a load table on shard 2 leaves nothing visible; the next import (via shard 1) drops the table once the killed one stops beating', { timeout: 240_000 }, async () => {
    if (provided.error) throw new Error(provided.error);
    const url = `${provided.url}/n_${randomBytes(6).toString('hex')}`;
    expect((await routefit(['traces', 'import', writeTemp('base.csv', [HEADER, ...csvRows(100)].join('\n')), '--clickhouse', url, '--cluster', provided.cluster!])).code).toBe(0);
    const ch = await openClickHouse(url);
    const second = await openClickHouse((await clusterNodes(ch, url, provided.cluster!))[1]!);
    const file = writeTemp('big.csv', [HEADER, ...csvRows(200_000, 100)].join('\n'));
    const script = `const { openClickHouse } = await import(${JSON.stringify(join(DIST, 'traces/clickhouse/connection.js'))});
      const { importFileToClickHouse } = await import(${JSON.stringify(join(DIST, 'traces/clickhouse/import.js'))});
      const ch = await openClickHouse(process.argv[1], { cluster: process.argv[2] });
      await importFileToClickHouse(ch, process.argv[3], { today: '${today}', chunkRows: 5000 });`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, (await clusterNodes(ch, url, provided.cluster!))[1]!, provided.cluster!, file], { stdio: 'ignore' });
    const loadTables = async () => (await second.query(`SELECT name, engine FROM system.tables WHERE database = ${chLit(ch.database)} AND startsWith(name, 'requests_load_')`)).map((r) => `${r.engine}`);
    try {
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && !(await loadTables()).length) await new Promise((r) => setTimeout(r, 20));
      expect(await loadTables()).toEqual(['MergeTree']);
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      expect(await count(ch, `SELECT count() FROM ${ch.table('requests')}`)).toBe(100);
      // Still there: a killed importer is known dead only when its heartbeat is STALE_S old.
      expect(await loadTables()).toEqual(['MergeTree']);
      await new Promise((r) => setTimeout(r, (STALE_S + 1) * 1000));
      const r = await routefit(['traces', 'import', file, '--clickhouse', url, '--cluster', provided.cluster!, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const s = JSON.parse(r.stdout).imports[0];
      expect(s).toMatchObject({ kept: 200_000, alreadyStored: 0, checkedBy: 'clickhouse' });
      expect(s.notes.join('\n')).toMatch(/dropped 1 load\/stage table an interrupted import had left \(requests_load_[0-9a-f]{16}\)/);
      expect(await loadTables()).toEqual([]);
      expect(await count(ch, `SELECT count() FROM ${ch.table('requests')}`)).toBe(200_100);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await second.close();
      await ch.close();
    }
  });

  it('a native importer SIGKILLed while it stages leaves the store as it was and nothing behind; the import is then redone', { timeout: 240_000 }, async () => {
    if (provided.error) throw new Error(provided.error);
    const url = `${provided.url}/n_${randomBytes(6).toString('hex')}`;
    expect((await routefit(['traces', 'import', writeTemp('base.csv', [HEADER, ...csvRows(100)].join('\n')), '--clickhouse', url, '--cluster', provided.cluster!])).code).toBe(0);
    const file = writeTemp('big.csv', [HEADER, ...csvRows(300_000, 100)].join('\n'));
    const child = spawn(process.execPath, [MAIN, 'traces', 'import', file, '--clickhouse', url, '--cluster', provided.cluster!], { stdio: 'ignore' });
    const ch = await openClickHouse(url);
    try {
      // Killed once its staging insert runs on the server (its INSERT … FORMAT TabSeparated is in system.processes).
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && !(await count(ch, `SELECT count() FROM system.processes WHERE query LIKE 'INSERT INTO requests_stage_%'`))) await new Promise((r) => setTimeout(r, 20));
      expect(Date.now()).toBeLessThan(deadline);
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      expect(await count(ch, `SELECT count() FROM ${ch.table('requests')}`)).toBe(100);
      expect(await count(ch, `SELECT count() FROM ${ch.table('imports')}`)).toBe(1);
      expect(await leftovers(ch)).toEqual(CLUSTER_TABLES);
      const r = await routefit(['traces', 'import', file, '--clickhouse', url, '--cluster', provided.cluster!, '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).imports[0]).toMatchObject({ kept: 300_000, alreadyStored: 0, checkedBy: 'clickhouse' });
      expect(await count(ch, `SELECT count() FROM ${ch.table('requests')}`)).toBe(300_100);
      expect(await leftovers(ch)).toEqual(CLUSTER_TABLES);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await ch.close();
    }
  });
});
