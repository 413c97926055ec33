import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore, query } from '../../src/traces/db.js';
import { detectFormat } from '../../src/traces/import.js';
import { cli } from '../helpers/cli.js';
import { tempDir, writeTemp } from './helpers.js';

// Two Sonnet 4.6 requests ($3 in, $15 out per M): 1000 × 3 + 100 × 15 = $0.0045 each, one a day.
const TRACES = [
  'timestamp,request_id,attempt,provider,model,input_tokens,output_tokens,quality',
  '2026-05-03T10:00:00Z,a1,0,anthropic,claude-sonnet-4.6,1000,100,pass',
  '2026-05-04T10:00:00Z,a2,0,anthropic,claude-sonnet-4.6,1000,100,pass',
].join('\n');

const tokens = (model: string, tokenType: string, amount: string) => ({
  amount,
  currency: 'USD',
  cost_type: 'tokens',
  description: `Claude Sonnet 4.6 Usage - ${tokenType}`,
  model,
  token_type: tokenType,
  service_tier: 'standard',
  context_window: '0-200k',
  workspace_id: null,
});

// Amounts in cents: 0.3 ¢ = $0.003 input, 0.15 ¢ = $0.0015 output per day; web search 1000 ¢ = $10.
const REPORT = {
  data: [
    {
      starting_at: '2026-05-03T00:00:00Z',
      ending_at: '2026-05-04T00:00:00Z',
      results: [
        tokens('claude-sonnet-4.6', 'uncached_input_tokens', '0.3'),
        tokens('claude-sonnet-4.6', 'output_tokens', '0.15'),
        { amount: '1000', currency: 'USD', cost_type: 'web_search', description: 'Web Search Usage', model: null, token_type: null, service_tier: null, context_window: null, workspace_id: null },
      ],
    },
    { starting_at: '2026-05-04T00:00:00Z', ending_at: '2026-05-05T00:00:00Z', results: [tokens('claude-sonnet-4.6', 'uncached_input_tokens', '0.3'), tokens('claude-sonnet-4.6', 'output_tokens', '0.15')] },
  ],
  has_more: false,
  next_page: null,
};

describe('Anthropic cost report (Admin API cost_report) → invoice lines', () => {
  it('is detected before the usage report although it names uncached_input_tokens', () => {
    expect(detectFormat(writeTemp('cost.json', JSON.stringify(REPORT)))).toBe('anthropic-cost');
    expect(detectFormat(writeTemp('cost.csv', 'starting_at,ending_at,amount,currency,cost_type\n'))).toBe('anthropic-cost');
  });

  it('converts cents to USD and reconciles per day against the traces; server-tool fees kept apart', async () => {
    const dir = tempDir();
    const db = join(dir, 's.duckdb');
    expect((await cli('traces', 'import', writeTemp('t.csv', TRACES, dir), '--db', db)).code).toBe(0);
    const imp = await cli('traces', 'import', writeTemp('cost.json', JSON.stringify(REPORT), dir), '--db', db, '--json');
    expect(imp.code, imp.stderr).toBe(0);
    const [s] = JSON.parse(imp.stdout).imports;
    expect(s).toMatchObject({ format: 'anthropic-cost', rowsRead: 5, kept: 5, rejected: 0 });
    expect(s.notes.join(' ')).toMatch(/cents.*divided by 100.*excludes Priority Tier/);
    const r = await cli('traces', 'reconcile', '--db', db, '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.providers).toHaveLength(2);
    const [may3, may4] = out.providers;
    expect(may3).toMatchObject({ provider: 'anthropic', periodStart: '2026-05-03T00:00:00Z', periodEnd: '2026-05-04T00:00:00Z', flag: 'ok' });
    expect(may3.invoiceUsd).toBeCloseTo(0.0045, 12);
    expect(may3.traceCostUsd).toBeCloseTo(0.0045, 12);
    expect(may3.otherChargesUsd).toBeCloseTo(10, 12);
    expect(may4.invoiceUsd).toBeCloseTo(0.0045, 12);
    expect(may4.otherChargesUsd).toBe(0);
    // Per model: the token lines name the model; the web search line does not.
    expect(out.skus.map((l: { sku: string }) => l.sku)).toEqual(['claude-sonnet-4.6', 'claude-sonnet-4.6']);
    const text = await cli('traces', 'reconcile', '--db', db);
    expect(text.stdout).toMatch(/anthropic 2026-05-03 has \$10\.00 of non-usage charges .*server-tool fees/);
    // Importing the same report again adds nothing.
    const again = JSON.parse((await cli('traces', 'import', join(dir, 'cost.json'), '--db', db, '--json')).stdout).imports[0];
    expect(again).toMatchObject({ kept: 0, alreadyStored: 5 });
  });

  it('keeps the cents exactly: "123.45" ¢ is $1.2345', async () => {
    const dir = tempDir();
    const db = join(dir, 's.duckdb');
    const report = { data: [{ starting_at: '2026-05-01T00:00:00Z', ending_at: '2026-05-02T00:00:00Z', results: [tokens('claude-opus-4.7', 'output_tokens', '123.45')] }], has_more: false };
    expect((await cli('traces', 'import', writeTemp('c.json', JSON.stringify(report), dir), '--db', db)).code).toBe(0);
    const s = await openStore(db, { create: false });
    const rows = await query(s.conn, 'SELECT provider, model, amount_usd, charge_category, sku FROM invoice_lines');
    expect(rows).toEqual([{ provider: 'anthropic', model: 'claude-opus-4.7', amount_usd: 1.2345, charge_category: 'usage', sku: 'Claude Sonnet 4.6 Usage - output_tokens' }]);
    s.close();
  });

  it('rejects bad results with where they sit (JSON) or their line (CSV), and writes nothing past 1%', async () => {
    const dir = tempDir();
    const db = join(dir, 's.duckdb');
    const bad = {
      data: [
        { starting_at: '2026-05-01T00:00:00Z', ending_at: '2026-05-02T00:00:00Z', results: [tokens('m', 'output_tokens', '10'), { ...tokens('m', 'output_tokens', '5'), currency: 'EUR' }] },
        { starting_at: 'yesterday', ending_at: '2026-05-03T00:00:00Z', results: [tokens('m', 'output_tokens', 'ten')] },
      ],
      has_more: false,
    };
    const r = await cli('traces', 'import', writeTemp('bad.json', JSON.stringify(bad), dir), '--db', db, '--json');
    expect(r.code).toBe(2);
    const [s] = JSON.parse(r.stdout).imports;
    expect(s).toMatchObject({ format: 'anthropic-cost', rowsRead: 3, kept: 0, rejected: 2, lineLabel: 'row' });
    expect(s.rejects).toEqual([
      { line: 2, reason: 'currency is "EUR"; allowed USD (amounts are compared with USD catalog prices) (data[0].results[1])' },
      { line: 3, reason: 'amount "ten" is not a decimal number of cents (data[1].results[0])' },
    ]);
    expect(s.aborted).toMatch(/nothing was imported/);
    const store = await openStore(db, { create: false });
    expect(await query(store.conn, 'SELECT count(*) AS n FROM invoice_lines')).toEqual([{ n: 0 }]);
    store.close();

    const csv = ['starting_at,ending_at,amount,currency,cost_type,model,token_type', '2026-05-01T00:00:00Z,2026-05-02T00:00:00Z,250,USD,tokens,m,output_tokens', 'not-a-date,,10,USD,tokens,m,output_tokens', '2026-05-01T00:00:00Z,,99,USD,code_execution,,'].join('\n');
    const c = await cli('traces', 'import', writeTemp('cost.csv', csv, dir), '--db', db, '--accept-rejects', '--json');
    expect(c.code, c.stderr).toBe(0);
    const [cs] = JSON.parse(c.stdout).imports;
    expect(cs).toMatchObject({ format: 'anthropic-cost', kept: 2, rejected: 1, lineLabel: 'line' });
    expect(cs.rejects).toEqual([{ line: 3, reason: 'period start "not-a-date" is not a date' }]);
    const store2 = await openStore(db, { create: false });
    // A CSV line without ending_at is a one-day bucket (the cost report's only bucket width).
    const rows = await query(store2.conn, `SELECT strftime(period_end, '%Y-%m-%d') AS e, amount_usd, charge_category FROM invoice_lines ORDER BY amount_usd`);
    expect(rows).toEqual([
      { e: '2026-05-02', amount_usd: 0.99, charge_category: 'code_execution' },
      { e: '2026-05-02', amount_usd: 2.5, charge_category: 'usage' },
    ]);
    store2.close();
  });

  it('a file that is not a cost report is refused by name, and the store is unchanged', async () => {
    const dir = tempDir();
    const db = join(dir, 's.duckdb');
    expect((await cli('traces', 'import', writeTemp('t.csv', TRACES, dir), '--db', db)).code).toBe(0);
    const r = await cli('traces', 'import', writeTemp('broken.json', '{"data": [ {"starting_at": ', dir), '--db', db, '--format', 'anthropic-cost');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.json: not an Anthropic cost report/);
    const s = await openStore(db, { create: false });
    expect(await query(s.conn, 'SELECT count(*) AS n FROM invoice_lines')).toEqual([{ n: 0 }]);
    expect(await query(s.conn, 'SELECT count(*) AS n FROM imports')).toEqual([{ n: 1 }]);
    s.close();
  });
});
