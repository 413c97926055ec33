import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.js';
import { type ChStore, chLit, chString, openClickHouse } from '../../src/traces/clickhouse/connection.js';
import { type ChImportStep, importFileToClickHouse } from '../../src/traces/clickhouse/import.js';
import { importsDdl, requestsDdl } from '../../src/traces/clickhouse/schema.js';
import { generateTraces } from '../../src/traces/generate.js';
import { importFile } from '../../src/traces/import.js';
import { type GroupSummary, type SummaryOptions, summarize } from '../../src/traces/metrics.js';
import { preparePricing } from '../../src/traces/pricing.js';
import { SUMMARY_QUANTILES } from '../../src/traces/sql/index.js';
import { query } from '../../src/traces/db.js';
import { loadWorkloadFile } from '../../src/workload/load.js';
import { STORE_TABLES, useClickHouse } from '../helpers/clickhouse.js';
import { cli, tempYaml } from '../helpers/cli.js';
import { HEADER, csvRows, differences, memoryStore, tempDir, writeTemp } from './helpers.js';
import { PARITY_WORKLOADS as WORKLOADS } from '../helpers/clickhouse.js';

const server = useClickHouse();
const catalog = loadCatalog();
const today = '2026-11-22';


/**
 * What the generator never writes, appended by hand: 5-minute and 1-hour cache writes (Claude
 * Sonnet), reasoning tokens, logged cost, missing latencies, a batch tier served without the batch
 * flag, rows without workload, provider or segment, and one price change crossed (DeepSeek V3 on
 * Together changes price on 2026-05-01: rows on 04-30 and 05-01).
 */
function extraRows(): Record<string, string | number>[] {
  const rows: Record<string, string | number>[] = [];
  for (let i = 0; i < 40; i++) {
    const input = 10_000 + i * 997;
    rows.push({
      timestamp: `2026-05-0${1 + (i % 4)}T0${i % 10}:1${i % 6}:00.${String(i).padStart(3, '0')}Z`,
      request_id: `extra-${i}`,
      attempt: 0,
      workload: i % 5 === 0 ? '' : 'extras',
      provider: i % 7 === 0 ? '' : 'anthropic',
      model: 'claude-sonnet-4.6',
      route: i % 7 === 0 ? 'anthropic/claude-sonnet-4.6' : '',
      service_tier_served: i % 6 === 0 ? 'batch' : '',
      input_tokens: input,
      cached_input_tokens: i % 3 === 0 ? 2000 : '',
      cache_write_tokens: i % 2 === 0 ? 3000 : '',
      cache_write_1h_tokens: i % 4 === 0 ? 1000 : '',
      output_tokens: 400 + i,
      reasoning_tokens: i % 2 === 1 ? 100 : '',
      ttft_ms: i % 9 === 0 ? '' : 250 + i,
      e2e_ms: i % 8 === 0 ? '' : 4000 + 10 * i,
      status: i % 11 === 0 ? 'error' : 'ok',
      quality: ['pass', 'fail', 'repaired', 'unknown'][i % 4]!,
      cost_usd: i % 3 === 1 ? 0.05 + i / 1000 : '',
      user_segment: i % 4 === 0 ? '' : 'beta',
    });
  }
  for (const [i, day] of ['2026-04-30', '2026-05-01'].entries()) {
    rows.push({ timestamp: `${day}T12:00:00Z`, request_id: `ds-${i}`, attempt: 0, workload: 'extras', route: 'together/deepseek-v3', input_tokens: 1_000_000, output_tokens: 1_000_000, status: 'ok', quality: 'pass' });
  }
  return rows;
}

function fixture(rows = 4000, seed = 5): string {
  const dir = tempDir();
  const out = join(dir, 'traces.csv');
  const workloads = loadWorkloadFile(writeTemp('workloads.yaml', WORKLOADS, dir)).workloads;
  generateTraces(out, { workloads, days: 4, rows, seed, format: 'csv' });
  const header = readFileSync(out, 'utf8').split('\n', 1)[0]!.split(',');
  appendFileSync(out, extraRows().map((r) => header.map((h) => r[h] ?? '').join(',')).join('\n') + '\n');
  return out;
}

async function count(ch: ChStore, sql: string): Promise<number> {
  const [row] = await ch.query(sql);
  return Number(Object.values(row ?? {})[0] ?? 0);
}

async function leftovers(ch: ChStore): Promise<string[]> {
  return (await ch.query(`SELECT name FROM system.tables WHERE database = ${chLit(ch.database)} ORDER BY name`)).map((r) => String(r.name)).filter((n) => !STORE_TABLES.includes(n));
}

async function bothStores(file: string) {
  const duck = await memoryStore();
  const d = await importFile(duck, file, { today });
  await preparePricing(duck, catalog);
  const ch = await openClickHouse(server.fresh());
  const c = await importFileToClickHouse(ch, file, { today });
  await preparePricing(ch, catalog);
  return { duck, ch, d, c };
}

describe('ClickHouse store: the same summaries as DuckDB', () => {
  it("18.16's quantiles (lo and hi selected among the values and sentinels) equal DuckDB's quantile_cont for every group size 1–260, with ties and NULLs", { timeout: 60_000 }, async () => {
    // Group k holds k values with repeats (0–36, ×1.5) and every 5th row NULL; the condition keeps about half.
    const rows = Array.from({ length: 260 }, (_, k) => Array.from({ length: k + 1 }, (_, i) => ({ g: k, x: i % 5 === 4 ? null : ((i * 7919 + k * 31) % 37) * 1.5, f: (i * 13 + k) % 2 }))).flat();
    const duck = await memoryStore();
    const ch = await openClickHouse(server.fresh());
    try {
      await duck.conn.run('CREATE TABLE q (g INTEGER, x DOUBLE, f INTEGER)');
      await duck.conn.run(`INSERT INTO q SELECT * FROM (VALUES ${rows.map((r) => `(${r.g}, ${r.x ?? 'NULL'}, ${r.f})`).join(', ')})`);
      await ch.command(`CREATE DATABASE ${ch.database}`);
      await ch.command(`CREATE TABLE ${ch.table('q')} (g Int32, x Nullable(Float64), f UInt8) ENGINE = MergeTree ORDER BY g`);
      await ch.client.insert({ table: ch.table('q'), values: rows, format: 'JSONEachRow' });
      const d = ch.dialect;
      const all = d.quantiles('x', SUMMARY_QUANTILES);
      const some = d.quantiles('x', SUMMARY_QUANTILES, 'f = 1');
      const got = await ch.query(`SELECT g, ${all.outer('s_all')} AS q_all, ${some.outer('s_some')} AS q_some FROM (SELECT g, ${all.inner} AS s_all, ${some.inner} AS s_some FROM ${ch.table('q')} GROUP BY g) ORDER BY g`);
      const want = await query(duck.conn, `SELECT g, quantile_cont(x, [0.5, 0.95, 0.99]) AS q_all, quantile_cont(x, [0.5, 0.95, 0.99]) FILTER (WHERE f = 1) AS q_some FROM q GROUP BY g ORDER BY g`);
      expect(SUMMARY_QUANTILES).toEqual([0.5, 0.95, 0.99]);
      expect(got.length).toBe(260);
      const nums = (v: unknown) => (v === null ? [] : (v as number[]).map(Number));
      for (const [i, w] of want.entries()) {
        for (const k of ['q_all', 'q_some']) {
          const a = nums(w[k]);
          const b = nums(got[i]![k]);
          expect(b.length, `group ${w.g} ${k}`).toBe(a.length);
          b.forEach((v, j) => expect(v, `group ${w.g} ${k}[${j}]`).toBeCloseTo(a[j]!, 9));
        }
      }
      // Group 0 holds one value (every quantile is it); group 3 one non-NULL value under f = 1 or none.
      expect(nums(got[0]!.q_all)).toEqual([0, 0, 0]);
    } finally {
      duck.close();
      await ch.close();
    }
  });

  it('prices groups of rows as each row would: inputs on both sides of both long-context thresholds (200k, 272k), batch and standard, cached, a retry, an unpriced route', { timeout: 120_000 }, async () => {
    // ClickHouse sums each group's tokens per (route, provider, model, day, long-context band, batch side)
    // and prices those sums; DuckDB prices every row. Inputs straddle each threshold on both routes, so a
    // band off by one (a row priced on the wrong side of its route's threshold) changes the cost.
    const fields = ['timestamp', 'request_id', 'attempt', 'workload', 'route', 'service_tier_served', 'input_tokens', 'cached_input_tokens', 'cache_write_tokens', 'output_tokens', 'batch', 'status', 'quality'];
    const inputs = [150_000, 200_000, 200_001, 250_000, 272_000, 272_001, 300_000];
    const rows: (string | number)[][] = [];
    let i = 0;
    for (const route of ['openai/gpt-5.5', 'google/gemini-2.5-pro', 'acme/mystery-1']) {
      for (const input of inputs) {
        for (const batch of [0, 1]) {
          for (const cached of [0, 40_000]) {
            const day = 1 + (i % 3);
            rows.push([`2026-05-0${day}T10:00:0${i % 10}Z`, `lc-${i}`, 0, i % 2 ? 'a' : 'b', route, batch && i % 4 === 1 ? 'batch' : '', input, cached || '', i % 5 === 0 ? 1000 : '', 300 + (i % 7) * 101, batch && i % 4 !== 1 ? 'true' : '', i % 9 === 0 ? 'error' : 'ok', 'pass']);
            i++;
          }
        }
      }
    }
    // A retry on the other route: the request's first attempt decides its route, each attempt is priced on its own.
    rows.push(['2026-05-02T11:00:00Z', 'lc-0', 1, 'b', 'google/gemini-2.5-pro', '', 250_000, '', '', 500, '', 'ok', 'pass']);
    // The generator's header (every column), the rows' fields in place and the rest empty.
    const file = fixture(10, 1);
    const header = readFileSync(file, 'utf8').split('\n', 1)[0]!.split(',');
    writeFileSync(file, [header.join(','), ...rows.map((r) => header.map((h) => (fields.includes(h) ? r[fields.indexOf(h)] : '')).join(','))].join('\n') + '\n');
    const { duck, ch, d, c } = await bothStores(file);
    try {
      expect(c.kept).toBe(d.kept);
      for (const by of [['workload', 'route'], ['route'], ['day'], []] as SummaryOptions['by'][]) {
        const a = await summarize(duck, { by });
        const b = await summarize(ch, { by });
        expect(differences(a, b), `--by ${by.join(',')}`).toEqual([]);
      }
      // The fixture crosses what it claims: some rows are billed past a threshold, some at batch rates, one route unpriced.
      const [all] = await summarize(duck, { by: [] });
      expect(all!.cost.unpricedAttempts).toBe(inputs.length * 4);
      expect(all!.rates.batchShare).toBeGreaterThan(0.3);
    } finally {
      duck.close();
      await ch.close();
    }
  });

  it('imports the same rows and agrees field by field for every segmentation, window and SLO', { timeout: 120_000 }, async () => {
    const { duck, ch, d, c } = await bothStores(fixture());
    try {
      expect(c.kept).toBe(d.kept);
      expect(c.kept).toBeGreaterThan(3900);
      expect(await count(ch, `SELECT count() FROM ${ch.table('requests')}`)).toBe(d.kept);
      const cases: SummaryOptions[] = [
        { by: ['workload', 'route'], slo: { ttftMs: 400, tpotMs: 60 }, overheads: { repairCostPerFailure: 0.002, engineeringHoursPerMonth: 8, engineeringHourlyRate: 100 } },
        { by: [] },
        { by: ['day', 'model'] },
        // Many small groups: quantiles over 1 and 2 values, empty TPOT sets.
        { by: ['hour', 'workload', 'user_segment'], slo: { ttftMs: 300 } },
        { by: ['provider', 'deployment'], from: '2026-05-02', to: '2026-05-03T12:00' },
      ];
      for (const opts of cases) {
        const a = await summarize(duck, opts);
        const b = await summarize(ch, opts);
        expect(b.length, `groups --by ${opts.by.join(',')}`).toBe(a.length);
        expect(differences(a, b), `--by ${opts.by.join(',')}`).toEqual([]);
      }
      // The fixture exercises what the comparison claims to cover.
      const [all] = await summarize(duck, { by: [] });
      const byWorkload = new Map((await summarize(ch, { by: ['workload'] })).map((g) => [g.key.workload, g] as [string, GroupSummary]));
      expect(all!.rates.retry).toBeGreaterThan(0.02);
      expect(all!.rates.cacheHitTokens).toBeGreaterThan(0.3);
      expect(all!.rates.batchShare).toBeGreaterThan(0.02);
      expect(byWorkload.get('mystery')!.cost.unpricedAttempts).toBe(byWorkload.get('mystery')!.attempts);
      expect(byWorkload.get('mystery')!.lcpr.lcpr).toBeNull();
      expect(byWorkload.get('chat-agent')!.workflows!.count).toBeGreaterThan(100);
      expect(byWorkload.get('chat-agent')!.cost.tokenCostUsd).toBeGreaterThan(1);
      // Some long-rag inputs cross Gemini 2.5 Pro's 200k long-context threshold (the cliff prices the whole request).
      expect(byWorkload.get('long-rag')!.tokens.input.p99).toBeGreaterThan(200_000);
      expect(byWorkload.get('extras')!.rates.cacheWriteTokens).toBeGreaterThan(0.01);
      expect(byWorkload.get('extras')!.cost.loggedCostUsd).toBeGreaterThan(0.5);
      expect(byWorkload.get(null as unknown as string)!.requests).toBe(8);
    } finally {
      duck.close();
      await ch.close();
    }
  });

  it('the CLI prints the same table and the same --json groups from either store', { timeout: 120_000 }, async () => {
    const file = fixture(2000, 9);
    const db = join(tempDir(), 's.duckdb');
    const url = server.fresh();
    const dimp = await cli('traces', 'import', file, '--db', db, '--json');
    expect(dimp.code).toBe(0);
    const kept = JSON.parse(dimp.stdout).imports[0].kept as number;
    expect(kept).toBeGreaterThan(1900);
    const imp = await cli('traces', 'import', file, '--clickhouse', url, '--json');
    expect(imp.code).toBe(0);
    expect(JSON.parse(imp.stdout)).toMatchObject({ clickhouse: url, imports: [{ kept, rejected: 0, alreadyStored: 0 }] });
    const flags = ['--by', 'workload,day', '--slo-ttft-ms', '500', '--repair-cost-per-failure', '0.002'];
    const d = await cli('traces', 'summarize', '--db', db, ...flags);
    const c = await cli('traces', 'summarize', '--clickhouse', url, ...flags);
    expect(c.stderr).toBe('');
    expect(c.code).toBe(0);
    expect(c.stdout).toBe(d.stdout);
    expect(c.stdout).toMatch(/Unpriced — counted, never costed at \$0:\n {2}acme\/mystery-1/);
    const dj = JSON.parse((await cli('traces', 'summarize', '--db', db, '--json', ...flags)).stdout);
    const cj = JSON.parse((await cli('traces', 'summarize', '--clickhouse', url, '--json', ...flags)).stdout);
    expect(cj.clickhouse).toBe(url);
    expect(differences(dj.groups, cj.groups)).toEqual([]);
    expect(cj.unpriced).toEqual(dj.unpriced);
  });
});

describe('measured inputs from the ClickHouse store', () => {
  it('compare --traces URL re-prices a workload on the same measured inputs as --traces FILE', { timeout: 120_000 }, async () => {
    const file = fixture(1500, 5);
    const db = join(tempDir(), 's.duckdb');
    const url = server.fresh();
    expect((await cli('traces', 'import', file, '--db', db)).code).toBe(0);
    expect((await cli('traces', 'import', file, '--clickhouse', url)).code).toBe(0);
    const groups = JSON.parse((await cli('traces', 'summarize', '--db', db, '--by', 'workload', '--json')).stdout).groups as { key: { workload: string | null } }[];
    const name = groups.map((g) => g.key.workload).find((w): w is string => !!w)!;
    const wl = tempYaml(`name: ${name}\nas_of: 2026-05-15\nrequests_per_month: 100000\ninput_tokens: 500\nroutes: [openai/gpt-5.5, together/deepseek-v3]\n`);
    const d = await cli('compare', wl, '--traces', db, '--json');
    const c = await cli('compare', wl, '--traces', url, '--json');
    expect(c.stderr).toBe('');
    expect(c.code).toBe(d.code);
    const [dw, cw] = [JSON.parse(d.stdout).workloads[0], JSON.parse(c.stdout).workloads[0]];
    expect(cw.replaced.length).toBeGreaterThan(5);
    const values = (w: { replaced: { field: string; measured: { value: number } }[] }) => w.replaced.map((r) => [r.field, r.measured.value]);
    expect(differences(values(dw), values(cw))).toEqual([]);
    expect(differences(dw.measured.routes.map((r: { lcpr: number }) => r.lcpr), cw.measured.routes.map((r: { lcpr: number }) => r.lcpr))).toEqual([]);
    expect(cw.replaced[0].measured.source).toContain(`traces ${url}:`);
    // traces whatif reads the same measured profile from either store.
    const wd = JSON.parse((await cli('traces', 'whatif', '--workload', name, '--route', 'together/deepseek-v3', '--as-of', '2026-05-15', '--db', db, '--json')).stdout);
    const wc = await cli('traces', 'whatif', '--workload', name, '--route', 'together/deepseek-v3', '--as-of', '2026-05-15', '--clickhouse', url, '--json');
    expect(wc.code).toBe(0);
    expect(JSON.parse(wc.stdout).whatif.lcpr).toBeGreaterThan(0);
    expect(differences(wd.whatif.lcpr, JSON.parse(wc.stdout).whatif.lcpr)).toEqual([]);
  });
});

describe('ClickHouse import: idempotent and all or nothing', () => {
  it('importing the same file again adds nothing; an overlapping file adds only its new keys', { timeout: 60_000 }, async () => {
    const ch = await openClickHouse(server.fresh());
    try {
      const first = writeTemp('a.csv', [HEADER, ...csvRows(300)].join('\n'));
      const a = await importFileToClickHouse(ch, first, { today });
      expect(a).toMatchObject({ importId: 1, kept: 300, alreadyStored: 0 });
      const again = await importFileToClickHouse(ch, first, { today });
      expect(again).toMatchObject({ importId: 2, kept: 0, alreadyStored: 300 });
      expect(again.notes.join('\n')).toMatch(/300 rows were already in the store/);
      const overlap = writeTemp('b.csv', [HEADER, ...csvRows(200, 250)].join('\n'));
      expect(await importFileToClickHouse(ch, overlap, { today })).toMatchObject({ importId: 3, kept: 150, alreadyStored: 50 });
      expect(await count(ch, `SELECT count() FROM ${ch.table('requests')}`)).toBe(450);
      expect(await count(ch, `SELECT uniqExact(request_id, attempt) FROM ${ch.table('requests')}`)).toBe(450);
      const log = await ch.query(`SELECT import_id, kept, already_stored FROM ${ch.table('imports')} ORDER BY import_id`);
      expect(log).toEqual([
        { import_id: 1, kept: 300, already_stored: 0 },
        { import_id: 2, kept: 0, already_stored: 300 },
        { import_id: 3, kept: 150, already_stored: 50 },
      ]);
      expect(await leftovers(ch)).toEqual([]);
    } finally {
      await ch.close();
    }
  });

  it('a failure at any step leaves requests and imports as they were, and no load or stage table behind', { timeout: 180_000 }, async () => {
    const ch = await openClickHouse(server.fresh());
    try {
      await importFileToClickHouse(ch, writeTemp('base.csv', [HEADER, ...csvRows(100)].join('\n')), { today });
      const file = writeTemp('more.csv', [HEADER, ...csvRows(100, 100)].join('\n'));
      for (const step of ['loaded', 'locked', 'written'] as ChImportStep[]) {
        const onStep = (s: ChImportStep) => {
          if (s === step) throw new Error(`connection lost after ${s}`);
        };
        await expect(importFileToClickHouse(ch, file, { today, onStep })).rejects.toThrow(`connection lost after ${step}`);
        expect(await count(ch, `SELECT count() FROM ${ch.table('requests')}`), step).toBe(100);
        expect(await count(ch, `SELECT count() FROM ${ch.table('imports')}`), step).toBe(1);
        expect(await leftovers(ch), step).toEqual([]);
      }
      // The same file then imports whole: nothing of the failed tries was left to make it "already stored".
      expect(await importFileToClickHouse(ch, file, { today })).toMatchObject({ kept: 100, alreadyStored: 0 });
      expect(await count(ch, `SELECT count() FROM ${ch.table('requests')}`)).toBe(200);
      // CSV rows carry no stored line (as in DuckDB): NULL, never a made-up 0.
      expect(await count(ch, `SELECT countIf(isNull(source_line)) FROM ${ch.table('requests')}`)).toBe(200);
    } finally {
      await ch.close();
    }
  });

  it('a store made before the ledger view (a requests table) is moved under it: committed rows stay, a partial import stays hidden', { timeout: 60_000 }, async () => {
    const ch = await openClickHouse(server.fresh());
    try {
      await ch.command(`CREATE DATABASE ${ch.database}`);
      await ch.command(requestsDdl(ch.table('requests')));
      await ch.command(importsDdl(ch.table('imports')));
      const row = (id: string, imp: number) =>
        `INSERT INTO ${ch.table('requests')} (ts_us, request_id, attempt, input_tokens, output_tokens, status, quality, escalated_to_human, batch, fallback, import_id) VALUES (1777593600000000, ${chLit(id)}, 0, 10, 5, 'ok', 'pass', 0, 0, 0, ${imp})`;
      await ch.command(row('old-1', 1));
      await ch.command(row('old-2', 1));
      await ch.command(`INSERT INTO ${ch.table('imports')} VALUES (1, 'old.csv', 'csv', '2026-05-01', 2, 2, 0, 0)`);
      // Import 2 was killed between its attach and its imports row (the old design's gap).
      await ch.command(row('partial-1', 2));
      const r = await importFileToClickHouse(ch, writeTemp('new.csv', [HEADER, ...csvRows(3)].join('\n')), { today });
      // The partial import's rows are gone (its partition dropped), so its id is free again.
      expect(r).toMatchObject({ importId: 2, kept: 3 });
      expect(r.notes.join(' ')).toMatch(/removed the rows of 1 import that never committed \(2\)/);
      const ids = (await ch.query(`SELECT request_id FROM ${ch.table('requests')} ORDER BY request_id`)).map((x) => x.request_id);
      expect(ids).toEqual(['old-1', 'old-2', 'r0', 'r1', 'r2']);
      expect(await leftovers(ch)).toEqual([]);
    } finally {
      await ch.close();
    }
  });

  it('more than 1% rejects, or a file DuckDB cannot read, writes nothing', { timeout: 60_000 }, async () => {
    const ch = await openClickHouse(server.fresh());
    try {
      const dirtyFirst = writeTemp('dirty.csv', [HEADER, ...csvRows(10), '2026-05-01T00:00:00Z,bad0,0,chat,openai,gpt-5.5,-5,0,100,300,2000,ok,pass'].join('\n'));
      expect((await importFileToClickHouse(ch, dirtyFirst, { today })).aborted).toMatch(/over the 1% limit/);
      // A refused first import does not even create the database.
      expect(await count(ch, `SELECT count() FROM system.databases WHERE name = ${chLit(ch.database)}`)).toBe(0);
      await importFileToClickHouse(ch, writeTemp('base.csv', [HEADER, ...csvRows(50)].join('\n')), { today });
      const dirty = [HEADER, ...csvRows(98, 1000), '2026-05-01T00:00:00Z,bad1,0,chat,openai,gpt-5.5,-5,0,100,300,2000,ok,pass', '2026-05-01T00:00:00Z,bad2,0,chat,openai,gpt-5.5,1000,0,100,300,2000,maybe,pass'];
      const refused = await importFileToClickHouse(ch, writeTemp('dirty.csv', dirty.join('\n')), { today });
      expect(refused.aborted).toMatch(/2 of 100 rows \(2\.00%\) would be rejected/);
      expect(refused.rejects.map((r) => r.line)).toEqual([100, 101]);
      // Half a Parquet file: DuckDB refuses it before ClickHouse sees a row.
      const dir = tempDir();
      const parquet = join(dir, 'p.parquet');
      const duck = await memoryStore();
      await duck.conn.run(`COPY (SELECT * FROM read_csv('${writeTemp('p.csv', [HEADER, ...csvRows(500, 2000)].join('\n'), dir)}', all_varchar = true)) TO '${parquet}' (FORMAT parquet)`);
      duck.close();
      const bytes = readFileSync(parquet);
      writeFileSync(parquet, bytes.subarray(0, Math.floor(bytes.length / 2)));
      await expect(importFileToClickHouse(ch, parquet, { today })).rejects.toThrow(/cannot read as parquet/);
      expect(await count(ch, `SELECT count() FROM ${ch.table('requests')}`)).toBe(50);
      expect(await count(ch, `SELECT count() FROM ${ch.table('imports')}`)).toBe(1);
      expect(await leftovers(ch)).toEqual([]);
    } finally {
      await ch.close();
    }
  });
});

describe('ClickHouse escaping', () => {
  const nasty = [`it's`, `back\\slash`, `\\'`, `'; DROP TABLE requests; --`, `tab\there`, `line\nbreak`, `nul\0byte`, `ünïcödé ✓`, `\\\\n`, `"double"`];

  it('chLit round-trips quotes, backslashes, NUL and newlines through a SELECT', async () => {
    const ch = await openClickHouse(server.url());
    try {
      for (const v of nasty) expect((await ch.query(`SELECT ${chLit(v)} AS v`))[0]!.v, JSON.stringify(v)).toBe(v);
      expect(chString(`a\\'b`)).toBe(`'a\\\\\\'b'`);
      expect(() => chLit(Number.NaN)).toThrow(/non-finite/);
      expect((await ch.query(`SELECT ${chLit(1e-7)} * 1e7 AS v, ${chLit(true)} AS t, ${chLit(null)} AS n`))[0]).toEqual({ v: 1, t: 1, n: null });
    } finally {
      await ch.close();
    }
  });

  it("a model and a file name with quotes and backslashes round-trip through import and summarize", { timeout: 60_000 }, async () => {
    const model = `we"ird \\ mo'del\\`;
    const quoted = `"${model.replace(/"/g, '""')}"`;
    const dir = tempDir();
    const file = join(dir, `it's \\ here.csv`);
    writeFileSync(file, [HEADER, `2026-05-01T00:00:00Z,q1,0,chat,acme,${quoted},100,0,10,5,50,ok,pass`, `2026-05-01T00:00:01Z,q2,0,chat,openai,gpt-5.5,100,0,10,5,50,ok,pass`].join('\n'));
    const ch = await openClickHouse(server.fresh());
    try {
      expect(await importFileToClickHouse(ch, file, { today })).toMatchObject({ kept: 2 });
      const pricing = await preparePricing(ch, catalog);
      expect(pricing.unresolved.map((u) => u.model)).toEqual([model]);
      const groups = await summarize(ch, { by: ['model'] });
      expect(groups.map((g) => g.key.model).sort()).toEqual(['gpt-5.5', model].sort());
      expect(groups.find((g) => g.key.model === model)!.cost.unpricedAttempts).toBe(1);
      expect(groups.find((g) => g.key.model === 'gpt-5.5')!.cost.tokenCostUsd).toBeCloseTo((100 * 5 + 10 * 30) / 1e6, 15);
      expect((await ch.query(`SELECT file FROM ${ch.table('imports')}`))[0]!.file).toBe(file);
    } finally {
      await ch.close();
    }
  });

  it('refuses a database name that is not a plain identifier', async () => {
    await expect(openClickHouse(`${server.url()}/bad%60name`)).rejects.toThrow(/bad`name" is not a plain ClickHouse name/);
  });
});

describe('routefit traces --clickhouse errors', () => {
  async function closedPort(): Promise<number> {
    return new Promise((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
  }

  it('an unreachable server exits 2 naming the URL, with no stack trace', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/traces`;
    const file = writeTemp('a.csv', [HEADER, ...csvRows(3)].join('\n'));
    for (const args of [['import', file], ['summarize']]) {
      const r = await cli('traces', ...args, '--clickhouse', url);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`cannot reach ClickHouse at ${url}: ECONNREFUSED`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('never prints the password of a URL: not in --json, not in an error', async () => {
    const url = server.fresh();
    const withUser = url.replace('http://', 'http://default@');
    const file = writeTemp('a.csv', [HEADER, ...csvRows(3)].join('\n'));
    const ok = await cli('traces', 'import', file, '--clickhouse', withUser, '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).clickhouse).toBe(url);
    const wrong = await cli('traces', 'summarize', '--clickhouse', url.replace('http://', 'http://default:s3cret-pw@'));
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(`ClickHouse at ${url} refused`);
    expect(wrong.stderr).not.toContain('s3cret-pw');
  });

  it('refuses --db with --clickhouse and a store never imported into; takes invoices; --gpu-hours needs rows on the route', async () => {
    const url = server.fresh();
    const both = await cli('traces', 'summarize', '--db', 'x.duckdb', '--clickhouse', url);
    expect(both).toMatchObject({ code: 2 });
    expect(both.stderr).toMatch(/--db and --clickhouse name two different stores/);
    const empty = await cli('traces', 'summarize', '--clickhouse', url);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/no trace store at .*run `routefit traces import FILE --clickhouse/);
    const invoice = writeTemp('inv.csv', 'period,provider,amount\n2026-05,openai,100\n');
    const inv = await cli('traces', 'import', invoice, '--clickhouse', url, '--json');
    expect(inv.code, inv.stderr).toBe(0);
    expect(JSON.parse(inv.stdout).imports[0]).toMatchObject({ format: 'invoice', kept: 1 });
    const gpu = await cli('traces', 'summarize', '--clickhouse', url, '--gpu-hours', 'lambda/h100-sxm=10');
    expect(gpu.code).toBe(2);
    expect(gpu.stderr).toMatch(/--gpu-hours lambda\/h100-sxm: no traced rows on that route in the window/);
  });
});
