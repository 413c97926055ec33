import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { reconcile } from '../../src/engine/measured/reconciliation.js';
import { cli } from '../helpers/cli.js';
import { tempDir, writeTemp } from './helpers.js';

// May 2026 traces. OpenAI: 10 requests × (1000 in, 100 out) on GPT-5.5 = 10 × $0.008, plus one retry of r0 → $0.088.
// Anthropic: 2 × (1000 in, 100 out) on Sonnet 4.6 ($3/$15) = 2 × $0.0045 = $0.009, plus one row on an unknown model.
function traces(): string {
  const rows = ['timestamp,request_id,attempt,provider,model,input_tokens,output_tokens,quality'];
  for (let i = 0; i < 10; i++) rows.push(`2026-05-0${(i % 9) + 1}T10:00:00Z,o${i},0,openai,gpt-5.5,1000,100,${i === 0 ? 'fail' : 'pass'}`);
  rows.push('2026-05-01T10:00:05Z,o0,1,openai,gpt-5.5,1000,100,pass');
  rows.push('2026-05-03T10:00:00Z,a1,0,anthropic,claude-sonnet-4.6,1000,100,pass', '2026-05-04T10:00:00Z,a2,0,anthropic,claude-sonnet-4.6,1000,100,pass');
  rows.push('2026-05-05T10:00:00Z,a3,0,anthropic,claude-unknown-9,500,50,pass');
  return rows.join('\n');
}

const FOCUS = [
  'BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,ProviderName,PublisherName,ServiceName,ChargeCategory,SkuId,ConsumedQuantity,ConsumedUnit,BilledCost,EffectiveCost,Tags',
  '2026-05-01,2026-06-01,2026-05-01T00:00:00Z,2026-06-01T00:00:00Z,OpenAI,OpenAI,API,Usage,gpt-5.5-tokens,12000,Tokens,0.0968,0.0968,"{""model"":""gpt-5.5""}"',
  '2026-05-01,2026-06-01,2026-05-01T00:00:00Z,2026-06-01T00:00:00Z,OpenAI,OpenAI,API,Tax,tax,,,0.01,0.01,',
  '2026-05-01,2026-06-01,2026-05-01T00:00:00Z,2026-06-01T00:00:00Z,Anthropic,Anthropic,API,Usage,sonnet,,,0.0125,0.0125,',
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

async function setup() {
  const dir = tempDir();
  const db = join(dir, 's.duckdb');
  const r = await cli('traces', 'import', writeTemp('t.csv', traces(), dir), writeTemp('focus.csv', FOCUS, dir), writeTemp('usage.json', OPENAI_USAGE, dir), '--db', db, '--json');
  expect(r.code, r.stderr).toBe(0);
  return { db, dir, imports: JSON.parse(r.stdout).imports };
}

describe('reconciliation against FOCUS invoices and usage exports', () => {
  it('detects each file kind and stores it where it belongs', async () => {
    const { imports } = await setup();
    expect(imports.map((i: { format: string; kept: number }) => [i.format, i.kept])).toEqual([
      ['csv', 14],
      ['focus', 3],
      ['openai-usage', 1],
    ]);
  });

  it('a gzipped FOCUS invoice is detected as an invoice from its decompressed header, not taken for traces', async () => {
    const dir = tempDir();
    const gz = join(dir, 'focus.csv.gz');
    writeFileSync(gz, gzipSync(FOCUS));
    const r = await cli('traces', 'import', gz, '--db', join(dir, 's.duckdb'), '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).imports.map((i: { format: string; kept: number }) => [i.format, i.kept])).toEqual([['focus', 3]]);
  });

  it('known deltas: OpenAI 9.1% (watch), Anthropic 28% (red flag) with causes; exit code 1 on a red flag', async () => {
    const { db } = await setup();
    const r = await cli('traces', 'reconcile', '--db', db, '--json');
    expect(r.code).toBe(1);
    const { providers, skus } = JSON.parse(r.stdout);
    const [anthropic, openai] = providers;
    expect(openai).toMatchObject({ provider: 'openai', flag: 'over_5pct', deltaBase: 'invoice', otherChargesUsd: 0.01 });
    expect(openai.traceCostUsd).toBeCloseTo(0.088, 12);
    expect(openai.deltaUsd).toBeCloseTo(0.0088, 12);
    expect(openai.deltaPct).toBeCloseTo(0.0088 / 0.0968, 12);
    const oc = Object.fromEntries(openai.causes.map((c: { id: string }) => [c.id, c]));
    // Usage export counted 12 requests; the traces hold 11 attempts.
    expect(oc.uncounted_retries.verdict).toBe('explains_gap');
    expect(oc.uncounted_retries.impactUsd).toBeCloseTo(0.008, 12);
    // Billed 12,000 input vs 11,000 traced: 8.3% drift.
    expect(oc.token_drift).toMatchObject({ verdict: 'explains_gap' });
    expect(oc.token_drift.finding).toMatch(/8\.3% \(input\)/);
    expect(anthropic).toMatchObject({ provider: 'anthropic', flag: 'over_10pct' });
    // Unpriced attempts in the period: the JSON trace cost is null beside their count (issue 17), the priced part kept apart.
    expect(anthropic.traceCostUsd).toBeNull();
    expect(anthropic.unpricedAttempts).toBeGreaterThan(0);
    expect(anthropic.pricedTraceCostUsd).toBeCloseTo(0.009, 12);
    expect(anthropic.deltaPct).toBeCloseTo(0.0035 / 0.0125, 12);
    expect(anthropic.causes.find((c: { id: string }) => c.id === 'unpriced_rows')).toMatchObject({ verdict: 'explains_gap' });
    // Per SKU where the invoice names a model (FOCUS Tags.model).
    expect(skus).toHaveLength(1);
    expect(skus[0]).toMatchObject({ provider: 'openai', sku: 'gpt-5.5' });
    const text = await cli('traces', 'reconcile', '--db', db);
    expect(text.stdout).toMatch(/RED >10%/);
    expect(text.stdout).toMatch(/\$0\.01 of non-usage charges/);
  });

  it('the simple invoice CSV reconciles the same way; re-importing it does not double count', async () => {
    const dir = tempDir();
    const db = join(dir, 's.duckdb');
    const inv = writeTemp('invoice.csv', 'period,provider,model,quantity,unit,amount\n2026-05,openai,gpt-5.5,12000,tokens,0.088\n', dir);
    await cli('traces', 'import', writeTemp('t.csv', traces(), dir), inv, '--db', db);
    const again = await cli('traces', 'import', inv, '--db', db, '--json');
    expect(JSON.parse(again.stdout).imports[0]).toMatchObject({ format: 'invoice', kept: 0, alreadyStored: 1 });
    const r = await cli('traces', 'reconcile', '--db', db, '--json', '--revenue-per-accepted', '0.02');
    expect(r.code).toBe(0);
    const [line] = JSON.parse(r.stdout).providers;
    expect(line).toMatchObject({ provider: 'openai', flag: 'ok', periodStart: '2026-05-01T00:00:00Z', periodEnd: '2026-06-01T00:00:00Z' });
    expect(line.deltaUsd).toBeCloseTo(0, 12);
    // 10 accepted attempts; loaded = 0.088 / 10; margin = (0.02 − 0.0088) / 0.02.
    expect(line.margin.loadedCostPerAccepted).toBeCloseTo(0.0088, 12);
    expect(line.margin.marginPct).toBeCloseTo(0.56, 12);
  });

  it('reconcile without an invoice is a clear error', async () => {
    const dir = tempDir();
    const db = join(dir, 's.duckdb');
    await cli('traces', 'import', writeTemp('t.csv', traces(), dir), '--db', db);
    const r = await cli('traces', 'reconcile', '--db', db);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no invoice lines/);
  });

  it('Anthropic usage reports: cache reads and writes are added to input (Anthropic excludes them)', async () => {
    const dir = tempDir();
    const db = join(dir, 's.duckdb');
    const report = {
      data: [
        {
          starting_at: '2026-05-01T00:00:00Z',
          ending_at: '2026-05-02T00:00:00Z',
          results: [{ model: 'claude-sonnet-4.6', uncached_input_tokens: 1000, cache_read_input_tokens: 3000, cache_creation: { ephemeral_5m_input_tokens: 500, ephemeral_1h_input_tokens: 100 }, output_tokens: 200, service_tier: 'standard' }],
        },
      ],
      has_more: false,
    };
    const r = await cli('traces', 'import', writeTemp('anthropic.json', JSON.stringify(report), dir), '--db', db, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).imports[0]).toMatchObject({ format: 'anthropic-usage', kept: 1 });
    const { openStore, query } = await import('../../src/traces/db.js');
    const s = await openStore(db, { create: false });
    const [row] = await query(s.conn, 'SELECT input_tokens, cached_input_tokens, cache_write_tokens, output_tokens FROM usage_lines');
    expect(row).toEqual({ input_tokens: 4600, cached_input_tokens: 3000, cache_write_tokens: 600, output_tokens: 200 });
    s.close();
  });
});

describe('engine reconcile', () => {
  const base = { provider: 'p', periodStart: 'a', periodEnd: 'b', invoiceUsd: 100, traceCostUsd: 100, tracedAttempts: 10, retryAttempts: 1, retryCostUsd: 10, unpricedAttempts: 0, unpricedTokens: 0, tierMismatchAttempts: 0, tierMismatchCostUsd: 0, tracedInputTokens: 1000, tracedCachedTokens: 100, tracedOutputTokens: 100, loggedCostUsd: null };
  it('flags at 5% and 10% of the invoice', () => {
    expect(reconcile({ ...base, traceCostUsd: 95.5 }).flag).toBe('ok');
    expect(reconcile({ ...base, traceCostUsd: 94 }).flag).toBe('over_5pct');
    expect(reconcile({ ...base, traceCostUsd: 89 }).flag).toBe('over_10pct');
    expect(reconcile({ ...base, traceCostUsd: 111 }).flag).toBe('over_10pct');
  });
  it('tests the cache assumption and tier mismatches', () => {
    const r = reconcile({ ...base, traceCostUsd: 80, assumedCacheHitRate: 0.3, tierMismatchAttempts: 3, tierMismatchCostUsd: 12 });
    expect(r.causes.map((c) => [c.id, c.verdict])).toEqual([
      ['cache_below_assumed', 'possible'],
      ['tier_mismatch', 'possible'],
    ]);
    expect(r.causes[0]!.finding).toMatch(/10\.0% of input tokens, below the assumed 30\.0%/);
  });
});
