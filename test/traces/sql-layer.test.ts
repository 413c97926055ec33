import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChStore } from '../../src/traces/clickhouse/connection.js';
import { type Store, query } from '../../src/traces/db.js';
import { summarize } from '../../src/traces/metrics.js';
import { CLICKHOUSE_18, CLICKHOUSE_CURRENT, DUCKDB, type Dialect, type SqlSource, chSource, dayBucket, dayCombos, duckSource, firstQuantile, hourBucket, params, summaryRows } from '../../src/traces/sql/index.js';
import { openChdb } from '../helpers/chdb.js';
import { cli } from '../helpers/cli.js';
import { HEADER, csvRows, memoryStore, tempDir, writeTemp } from './helpers.js';

/**
 * The expression layer itself (src/traces/sql/): each dialect's spelling of quantiles, conditional
 * aggregates, buckets and argMin gives the hand-computed numbers on DuckDB and on current ClickHouse
 * (chdb), with values bound (DuckDB $name, ClickHouse {name:Type}) and, in the 18.16 spelling
 * (checked literals), on chdb too; and a hostile value in a flag can never alter a query.
 */

// Group a: x = 10, 20 … 100 (ok on x > 30), at 2026-05-01T23:59:59.5Z + k s; group b: one row x = 5, ok false.
const ROWS = [...Array.from({ length: 10 }, (_, k) => ({ g: 'a', x: 10 * (k + 1), us: Date.UTC(2026, 4, 1, 23, 59, 59, 500) * 1000 + k * 1_000_000 })), { g: 'b', x: 5, us: Date.UTC(2026, 4, 2, 0, 0, 0) * 1000 }];

let duck: Store;
let ch: ChStore;

beforeAll(async () => {
  duck = await memoryStore();
  await duck.conn.run('CREATE TABLE t (g VARCHAR, x DOUBLE, ok BOOLEAN, ts TIMESTAMP)');
  for (const r of ROWS) await duck.conn.run('INSERT INTO t VALUES ($1, $2, $3, make_timestamp($4::BIGINT))', [r.g, r.x, r.x > 30, BigInt(r.us)]);
  ch = await openChdb();
  await ch.command(`CREATE DATABASE IF NOT EXISTS ${ch.database}`);
  await ch.command(`CREATE TABLE ${ch.table('t')} (g String, x Float64, ok UInt8, ts_us Int64) ENGINE = MergeTree ORDER BY g`);
  await ch.client.insert({ table: ch.table('t'), values: ROWS.map((r) => ({ g: r.g, x: r.x, ok: r.x > 30 ? 1 : 0, ts_us: r.us })), format: 'JSONEachRow' });
}, 60_000);

afterAll(async () => {
  duck?.close();
  await ch?.close();
});

/** The same store with another dialect's spelling (the 18.16 spelling runs on current ClickHouse too). */
const spelled = (src: SqlSource, dialect: Dialect): SqlSource => ({ ...src, dialect, params: () => params(dialect) });

const sources = (): [string, SqlSource][] => [
  ['DuckDB', duckSource(duck)],
  ['ClickHouse current (chdb)', spelled(chSource(ch), CLICKHOUSE_CURRENT)],
  ['ClickHouse 18.16 spelling (chdb)', spelled(chSource(ch), CLICKHOUSE_18)],
];

describe('the expression layer: one spelling per dialect, the same numbers', () => {

  it('the pricing keys span every day from first to last attempt per (route, provider, model), or list the held days past the limit', async () => {
    // Route a has attempts on 05-01, 05-02 and (one added row) 05-05; route b on 05-02; provider NULL.
    const extraUs = Date.UTC(2026, 4, 5, 12) * 1000;
    const relation = (src: SqlSource) =>
      src.dialect.engine === 'duckdb'
        ? `(SELECT g AS route, CAST(NULL AS VARCHAR) AS provider, 'm' AS model, ts FROM t UNION ALL SELECT 'a', NULL, 'm', make_timestamp(${extraUs}))`
        : `(SELECT g AS route, CAST(NULL AS Nullable(String)) AS provider, 'm' AS model, ts_us FROM ${ch.table('t')} UNION ALL SELECT 'a', CAST(NULL AS Nullable(String)), 'm', toInt64(${extraUs}))`;
    const keys = (rows: Record<string, unknown>[]) => rows.map((r) => `${String(r.route)}|${String(r.provider)}|${String(r.model)}|${String(r.day)}`).sort();
    for (const [name, src] of sources()) {
      const over = { ...src, attempts: relation(src) };
      expect(keys(await dayCombos(over)), name).toEqual([
        ...['01', '02', '03', '04', '05'].map((d) => `a|null|m|2026-05-${d}`),
        'b|null|m|2026-05-02',
      ]);
      expect(keys(await dayCombos(over, 5)), `${name}, past the limit`).toEqual(['a|null|m|2026-05-01', 'a|null|m|2026-05-02', 'a|null|m|2026-05-05', 'b|null|m|2026-05-02']);
    }
  });
  it('quantiles, conditional counts, sums, averages, argMin and day/hour buckets match the hand-computed values on every dialect', async () => {
    for (const [name, src] of sources()) {
      const d = src.dialect;
      const table = src.table('t');
      const q = d.quantiles('x', [0.5, 0.95, 0.99]);
      const qf = d.quantiles('x', [0.5, 0.95, 0.99], 'x > 30');
      const p = src.params();
      const cut = p.bind('Float64', 30);
      const rows = await src.query(
        `SELECT g, ${q.outer('s_all')} AS q_all, ${qf.outer('s_big')} AS q_big, n_big, s_big2, avg_none, avg_ok, first_g, lo_day, lo_hour, lo_iso
         FROM (SELECT g, ${q.inner} AS s_all, ${qf.inner} AS s_big, ${d.countIf(`x > ${cut}`)} AS n_big, ${d.sumIf('x', d.isTrue('ok'))} AS s_big2,
                 ${d.avgIf('x', 'x > 1000')} AS avg_none, ${d.avgIf('x', d.isTrue('ok'))} AS avg_ok, ${d.argMin('x', d.ts)} AS first_g,
                 ${dayBucket(d, `min(${d.ts})`)} AS lo_day, ${hourBucket(d, `min(${d.ts})`)} AS lo_hour, ${d.format(`max(${d.ts})`, '%Y-%m-%dT%H:%M:%SZ')} AS lo_iso
               FROM ${table} GROUP BY g) AS x ORDER BY g`,
        p,
      );
      const [a, b] = rows as Record<string, unknown>[];
      const nums = (v: unknown) => (v as number[]).map(Number);
      // quantile_cont over 10..100: rn = 9q → p50 = 55, p95 = 90·0.45 + 100·0.55 = 95.5, p99 = 90·0.09 + 100·0.91 = 99.1.
      expect(nums(a!.q_all), name).toEqual([55, 95.5, 99.1].map((v) => expect.closeTo(v, 9)));
      // Over 40..100 (7 values): rn = 6q → 70, 90·0.3 + 100·0.7 = 97, 90·0.06 + 100·0.94 = 99.4.
      expect(nums(a!.q_big), name).toEqual([70, 97, 99.4].map((v) => expect.closeTo(v, 9)));
      expect(Number(a!.n_big), name).toBe(7);
      expect(Number(a!.s_big2), name).toBe(40 + 50 + 60 + 70 + 80 + 90 + 100);
      expect(a!.avg_none, name).toBeNull();
      expect(Number(a!.avg_ok), name).toBeCloseTo(70, 12);
      expect(Number(a!.first_g), name).toBe(10);
      // The one spelling that differs by release: 18.16's minute (%M) is the month's name on current ClickHouse (dialectFor picks %i there).
      const iso = src.dialect === CLICKHOUSE_18 ? '2026-05-02T00:May:08Z' : '2026-05-02T00:00:08Z';
      expect([a!.lo_day, a!.lo_hour, a!.lo_iso], name).toEqual(['2026-05-01', '2026-05-01T23:00', iso]);
      // Group b: one value (every quantile is it); none above 30 (no quantile: null, as quantile_cont over no row).
      expect(nums(b!.q_all), name).toEqual([5, 5, 5]);
      expect(firstQuantile(b!.q_big), name).toBeNull();
      expect(Number(b!.n_big), name).toBe(0);
      expect([b!.lo_day, b!.lo_hour], name).toEqual(['2026-05-02', '2026-05-02T00:00']);
    }
  });

  it('a window bound as microseconds selects the same rows on every dialect, to the microsecond', async () => {
    for (const [name, src] of sources()) {
      const d = src.dialect;
      const p = src.params();
      // From the 3rd row of group a (23:59:59.5 + 2 s) inclusive to its 10th exclusive: x = 30 … 90 (b, at midnight, is before).
      const from = ROWS[2]!.us;
      const to = ROWS[9]!.us;
      const [r] = await src.query(`SELECT count(*) AS n, sum(x) AS s FROM ${src.table('t')} WHERE ${d.ts} >= ${d.fromMicros(p.bind('Int64', from))} AND ${d.ts} < ${d.fromMicros(p.bind('Int64', to))}`, p);
      expect([Number(r!.n), Number(r!.s)], name).toEqual([7, 30 + 40 + 50 + 60 + 70 + 80 + 90]);
    }
  });
});

describe('values reach the SQL as data', () => {
  const hostile = ["x' OR 1=1 --", "a\\'; DROP TABLE t; --", 'nul\0byte', '{p0:String}', '$p0'];

  it('a hostile string round-trips as the same string on every dialect (bound, or escaped on 18.16)', async () => {
    for (const [name, src] of sources()) {
      for (const v of hostile) {
        if (src.dialect === DUCKDB && v.includes('\0')) continue; // DuckDB VARCHAR binds a NUL as data too, but the JS client cuts at it: covered by the import tests.
        const p = src.params();
        const rows = await src.query(`SELECT ${p.bind('String', v)} AS v`, p);
        expect(rows[0]!.v, `${name} ${JSON.stringify(v)}`).toBe(v);
      }
    }
    // The table is still there.
    expect(Number((await query(duck.conn, 'SELECT count(*) AS n FROM t'))[0]!.n)).toBe(ROWS.length);
  });

  it('refuses a value that is not of its type before any SQL: NaN, Infinity, a fraction of a microsecond, a date with SQL in it', () => {
    for (const d of [DUCKDB, CLICKHOUSE_CURRENT, CLICKHOUSE_18]) {
      const p = params(d);
      expect(() => p.bind('Float64', Number.NaN)).toThrow(/not a finite number/);
      expect(() => p.bind('Float64', Number.POSITIVE_INFINITY)).toThrow(/not a finite number/);
      expect(() => p.bind('Int64', 1.5)).toThrow(/not a whole number/);
      expect(() => p.bind('Int64', 2 ** 60)).toThrow(/not a whole number/);
      expect(() => p.bind('Date', "2026-05-01') OR ('1")).toThrow(/not a date/);
      expect(() => p.bind('Date', '2026-13-45')).toThrow(/not a date/);
      expect(() => p.bind('Float64', '400' as unknown as number)).toThrow(/not a finite number/);
    }
  });

  it('an SLO threshold and the window are placeholders in the summary SQL, never its text', async () => {
    const seen: Record<string, string> = {};
    const capture = (name: string, d: Dialect): SqlSource => ({
      dialect: d,
      attempts: d === DUCKDB ? 'requests' : 'db.requests',
      table: (t) => t,
      hasTable: async () => true,
      params: () => params(d),
      query: async (sql, p) => {
        // The summary query (a ClickHouse summary first lists day_prices' long-context thresholds: no value of the caller's in it).
        if (!sql.includes('ttft_ms')) return [];
        seen[name] = sql;
        if (d.binding !== 'literal') expect(Object.values(p!.values).map(Number)).toEqual(expect.arrayContaining([123.25, 61.5]));
        return [];
      },
      run: async () => undefined,
      tempTable: async () => undefined,
    });
    for (const [name, d] of [['duck', DUCKDB], ['current', CLICKHOUSE_CURRENT], ['18', CLICKHOUSE_18]] as const) {
      await summaryRows(capture(name, d), { by: ['workload'], from: '2026-05-01T00:00:00Z', slo: { ttftMs: 123.25, tpotMs: 61.5 } });
    }
    expect(seen.duck).toMatch(/ttft_ms <= CAST\(\$p\d+ AS DOUBLE\)/);
    expect(seen.duck).not.toMatch(/123\.25/);
    expect(seen.current).toMatch(/ttft_ms <= \{p\d+:Float64\}/);
    expect(seen.current).toMatch(/ts_us >= \{p\d+:Int64\}/);
    expect(seen.current).not.toMatch(/123\.25|1777593600000000/);
    // 18.16 has no query parameters: a typed literal of the checked value.
    expect(seen['18']).toMatch(/ttft_ms <= toFloat64\(123\.25\)/);
    expect(seen['18']).toMatch(/ts_us >= toInt64\(1777593600000000\)/);
  });

  it('a hostile --from or SLO flag exits 2 naming the flag, and the store is unchanged', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const db = `${dir}/s.duckdb`;
    expect((await cli('traces', 'import', writeTemp('a.csv', [HEADER, ...csvRows(20)].join('\n'), dir), '--db', db)).code).toBe(0);
    for (const args of [
      ['--from', "2026-05-01' OR 1=1 --"],
      ['--to', '2026-05-02; DROP TABLE requests'],
      ['--slo-ttft-ms', '1 OR 1=1'],
      ['--slo-tpot-ms', 'NaN'],
    ]) {
      const r = await cli('traces', 'summarize', '--db', db, ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain(args[0]!);
    }
    const ok = await cli('traces', 'summarize', '--db', db, '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).groups.reduce((s: number, g: { attempts: number }) => s + g.attempts, 0)).toBe(20);
  });

  it('summarize on a window reads the same groups through bound parameters as without them over the same rows', async () => {
    const dir = tempDir();
    const store = await memoryStore();
    const { importFile } = await import('../../src/traces/import.js');
    const { preparePricing } = await import('../../src/traces/pricing.js');
    const { loadCatalog } = await import('../../src/catalog/load.js');
    await importFile(store, writeTemp('a.csv', [HEADER, ...csvRows(60)].join('\n'), dir), { today: '2026-11-22' });
    await preparePricing(store, loadCatalog());
    const [all] = await summarize(store, { by: [] });
    const [win] = await summarize(store, { by: [], from: all!.window.start, to: '2100-01-01' });
    expect(win!.attempts).toBe(all!.attempts);
    expect(win!.cost.tokenCostUsd).toBeCloseTo(all!.cost.tokenCostUsd, 12);
    store.close();
  });
});
