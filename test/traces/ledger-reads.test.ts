import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.js';
import { routesInUse, incidentsIn, checkStore } from '../../src/traces/checks.js';
import { type ChStore, openClickHouse } from '../../src/traces/clickhouse/connection.js';
import { importFileToClickHouse } from '../../src/traces/clickhouse/import.js';
import { openStore, query } from '../../src/traces/db.js';
import { gpuRoutes } from '../../src/traces/gpu.js';
import { preparePricing } from '../../src/traces/pricing.js';
import { reconcileStore } from '../../src/traces/reconcile.js';
import { chSource } from '../../src/traces/sql/index.js';
import { invoicePeriods } from '../../src/traces/trace-to-margin.js';
import { openChdb } from '../helpers/chdb.js';
import { useClickHouse } from '../helpers/clickhouse.js';
import { cli } from '../helpers/cli.js';
import { differences, tempDir, writeTemp } from './helpers.js';

/**
 * The ledger reads (src/traces/sql/ledgers.ts: reconcile, invoice periods, incidents, GPU routes) are
 * written once: on ClickHouse tables with the DuckDB ledger tables' names and columns (timestamps
 * also as `<name>_us`, the contract of the ClickHouse ledger tables) they give the DuckDB store's
 * numbers, on 18.16 and on current ClickHouse (chdb). The ledger tables are filled here from the
 * DuckDB store's own rows: how ClickHouse stores ledgers on import is the ledger importer's, not this.
 */
const server = useClickHouse();
const catalog = loadCatalog();
const today = '2026-11-22';

function traces(): string {
  const rows = ['timestamp,request_id,attempt,provider,model,route,input_tokens,output_tokens,quality,service_tier_requested,service_tier_served'];
  for (let i = 0; i < 10; i++) rows.push(`2026-05-0${(i % 9) + 1}T10:00:00Z,o${i},0,openai,gpt-5.5,,1000,100,${i === 0 ? 'fail' : 'pass'},${i === 3 ? 'priority' : ''},${i === 3 ? 'default' : ''}`);
  rows.push('2026-05-01T10:00:05Z,o0,1,openai,gpt-5.5,,1000,100,pass,,');
  rows.push('2026-05-03T10:00:00Z,a1,0,anthropic,claude-sonnet-4.6,,1000,100,pass,,', '2026-05-04T10:00:00Z,a2,0,anthropic,claude-sonnet-4.6,,1000,100,pass,,');
  rows.push('2026-05-05T10:00:00Z,a3,0,anthropic,claude-unknown-9,,500,50,pass,,');
  rows.push('2026-05-10T00:00:00Z,g1,0,,llama-3.3-70b,lambda/h100-sxm,1000,1350000,pass,,', '2026-05-10T00:30:00Z,g2,0,,llama-3.3-70b,lambda/h100-sxm,1000,1350000,pass,,');
  return rows.join('\n');
}

const FOCUS = [
  'BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,ProviderName,PublisherName,ServiceName,ChargeCategory,SkuId,ConsumedQuantity,ConsumedUnit,BilledCost,EffectiveCost,Tags',
  '2026-05-01,2026-06-01,2026-05-01T00:00:00Z,2026-06-01T00:00:00Z,OpenAI,OpenAI,API,Usage,gpt-5.5-tokens,12000,Tokens,0.0968,0.0968,"{""model"":""gpt-5.5""}"',
  '2026-05-01,2026-06-01,2026-05-01T00:00:00Z,2026-06-01T00:00:00Z,OpenAI,OpenAI,API,Tax,tax,,,0.01,0.01,',
  '2026-05-01,2026-06-01,2026-05-01T00:00:00Z,2026-06-01T00:00:00Z,Anthropic,Anthropic,API,Usage,sonnet,,,0.0125,0.0125,',
  '2026-06-01,2026-07-01,2026-06-01T00:00:00Z,2026-07-01T00:00:00Z,OpenAI,OpenAI,API,Usage,gpt-5.5-tokens,10,Tokens,0.5,0.5,"{""model"":""gpt-5.5""}"',
].join('\n');

const OPENAI_USAGE = JSON.stringify({
  object: 'page',
  data: [
    {
      object: 'bucket',
      start_time: Date.parse('2026-05-01T00:00:00Z') / 1000,
      end_time: Date.parse('2026-05-02T00:00:00Z') / 1000,
      results: [{ object: 'organization.usage.completions.result', model: 'gpt-5.5', input_tokens: 12000, input_cached_tokens: 0, output_tokens: 1100, num_model_requests: 12, batch: false }],
    },
  ],
});

const INCIDENTS = ['date,provider,route,severity,minutes,description', '2026-05-03,openai,openai/gpt-5.5,major,20,elevated errors', '2026-05-04,anthropic,,minor,,degraded', '2026-06-20,openai,,major,5,after the traces'].join('\n');

/** Ledger tables on ClickHouse as the contract has them (DuckDB's names and columns; timestamps also as `<name>_us`), filled with the DuckDB store's rows. */
const LEDGERS: Record<string, [string, string, string][]> = {
  // [column, ClickHouse type, DuckDB expression]
  invoice_lines: [
    ['period_start', "DateTime('UTC')", 'epoch(period_start)::BIGINT'],
    ['period_start_us', 'Int64', 'epoch_us(period_start)'],
    ['period_end', "DateTime('UTC')", 'epoch(period_end)::BIGINT'],
    ['period_end_us', 'Int64', 'epoch_us(period_end)'],
    ...['provider', 'sku', 'model'].map((c): [string, string, string] => [c, 'Nullable(String)', c]),
    ['quantity', 'Nullable(Float64)', 'quantity'],
    ['unit', 'Nullable(String)', 'unit'],
    ['amount_usd', 'Nullable(Float64)', 'amount_usd'],
    ['charge_category', 'Nullable(String)', 'charge_category'],
  ],
  usage_lines: [
    ['period_start', "DateTime('UTC')", 'epoch(period_start)::BIGINT'],
    ['period_start_us', 'Int64', 'epoch_us(period_start)'],
    ['period_end_us', 'Int64', 'epoch_us(period_end)'],
    ...['provider', 'model', 'service_tier'].map((c): [string, string, string] => [c, 'Nullable(String)', c]),
    ...['requests', 'input_tokens', 'cached_input_tokens', 'cache_write_tokens', 'output_tokens'].map((c): [string, string, string] => [c, 'Nullable(Int64)', c]),
  ],
  incidents: [
    ['day', 'Nullable(Date)', "strftime(day, '%Y-%m-%d')"],
    ...['provider', 'route', 'severity'].map((c): [string, string, string] => [c, 'Nullable(String)', c]),
    ['minutes', 'Nullable(Float64)', 'minutes'],
    ['description', 'Nullable(String)', 'description'],
  ],
};

async function copyLedgers(dbFile: string, ch: ChStore): Promise<void> {
  const duck = await openStore(dbFile, { create: false });
  try {
    for (const [table, cols] of Object.entries(LEDGERS)) {
      await ch.command(`CREATE TABLE ${ch.table(table)} (${cols.map(([c, t]) => `${c} ${t}`).join(', ')}) ENGINE = MergeTree ORDER BY tuple()`);
      const rows = await query(duck.conn, `SELECT ${cols.map(([c, , e]) => `${e} AS ${c}`).join(', ')} FROM ${table}`);
      if (rows.length) await ch.client.insert({ table: ch.table(table), values: rows, format: 'JSONEachRow' });
    }
  } finally {
    duck.close();
  }
}

async function compare(open: () => Promise<ChStore>) {
  const dir = tempDir();
  const db = join(dir, 's.duckdb');
  const file = writeTemp('t.csv', traces(), dir);
  const r = await cli('traces', 'import', file, writeTemp('focus.csv', FOCUS, dir), writeTemp('usage.json', OPENAI_USAGE, dir), writeTemp('incidents.csv', INCIDENTS, dir), '--db', db, '--json');
  expect(r.code, r.stderr).toBe(0);
  const ch = await open();
  const duck = await openStore(db, { create: false });
  try {
    await importFileToClickHouse(ch, file, { today });
    await copyLedgers(db, ch);
    const src = chSource(ch);
    await preparePricing(duck, catalog);
    await preparePricing(src, catalog);
    const [a, b] = [await reconcileStore(duck), await reconcileStore(src)];
    // What the comparison covers: two providers, a second period without traces, usage lines, a tier mismatch, an unpriced model.
    expect(a.providers.map((l) => `${l.provider} ${l.periodStart}`)).toEqual(['anthropic 2026-05-01T00:00:00Z', 'openai 2026-05-01T00:00:00Z', 'openai 2026-06-01T00:00:00Z']);
    // The usage export counted 12 requests against 11 traced: read from usage_lines.
    expect(a.providers[1]!.causes.find((c) => c.id === 'uncounted_retries')?.finding).toMatch(/12 vs 11/);
    expect(a.providers[1]!.causes.find((c) => c.id === 'tier_mismatch')?.finding).toMatch(/^1 attempts/);
    expect(a.providers[0]!.unpricedAttempts).toBe(1);
    expect(a.providers[2]!.traceCostUsd).toBe(0);
    expect(differences(a, b)).toEqual([]);
    expect(await invoicePeriods(src)).toEqual(await invoicePeriods(duck));
    const uses = await routesInUse(duck, {}, catalog);
    expect(differences(uses, await routesInUse(src, {}, catalog))).toEqual([]);
    const inc = await incidentsIn(duck, uses, catalog);
    expect(inc!.map((i) => i.date)).toEqual(['2026-05-03', '2026-05-04']);
    expect(await incidentsIn(src, uses, catalog)).toEqual(inc);
    const hours = new Map([['lambda/h100-sxm', 1]]);
    const gpu = { asOf: '2026-05-15' };
    const [g] = await gpuRoutes(duck, catalog, hours, gpu);
    expect(g!.result.utilization).toBeCloseTo(0.5, 12);
    expect(differences(await gpuRoutes(src, catalog, hours, gpu), [g])).toEqual([]);
    // check: invoice variance and the incident signals read the same ledgers on both.
    const opts = { catalog };
    const ids = ['invoice_variance', 'incident_frequency_2x', 'incident_mttr_over_slo'];
    const pick = (s: Awaited<ReturnType<typeof checkStore>>) => s.filter((x) => ids.includes(x.id));
    const sd = pick(await checkStore(duck, opts));
    expect(sd.find((x) => x.id === 'invoice_variance')!.checked).toBe(true);
    expect(differences(sd, pick(await checkStore(src, opts)))).toEqual([]);
  } finally {
    duck.close();
    await ch.close();
  }
}

describe('ledger reads written once: reconcile, invoice periods, incidents and GPU routes on ClickHouse', () => {
  it('ClickHouse 18.16 gives the DuckDB store\'s reconciliation, periods, incidents, GPU utilization and ledger signals', { timeout: 120_000 }, async () => {
    await compare(() => openClickHouse(server.fresh()));
  });

  it('current ClickHouse (chdb) gives the same', { timeout: 120_000 }, async () => {
    await compare(() => openChdb());
  });

  it('18.16 has no query parameters (the dialect renders checked literals there); current ClickHouse binds them', { timeout: 60_000 }, async () => {
    const old = await openClickHouse(server.fresh());
    try {
      await expect(old.query('SELECT {p0:Int64} AS v', { p0: 7 })).rejects.toThrow(/refused/);
      expect(old.dialect.binding).toBe('literal');
    } finally {
      await old.close();
    }
    const cur = await openChdb();
    try {
      expect(cur.dialect.binding).toBe('clickhouse');
      expect((await cur.query('SELECT {p0:Int64} + 1 AS v', { p0: 7 }))[0]!.v).toBe(8);
    } finally {
      await cur.close();
    }
  });
});
