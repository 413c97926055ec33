import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { usd, usdPerRequest } from '../src/charts/format.js';
import { EXAMPLES } from './helpers/claims.js';
import { cli } from './helpers/cli.js';

const SAAS = resolve(EXAMPLES, 'saas-chat.yaml');
const dir = mkdtempSync(join(tmpdir(), 'routefit-report-traces-'));
const db = join(dir, 'traces.duckdb');

beforeAll(async () => {
  const traces = join(dir, 'may.csv');
  expect((await cli('traces', 'generate', '--workload', SAAS, '--rows', '3000', '--days', '14', '--seed', '3', '--shift', 'retry=+0.06@8', '--out', traces)).code).toBe(0);
  expect((await cli('traces', 'import', traces, '--db', db)).code).toBe(0);
  const invoice = join(dir, 'invoice.csv');
  writeFileSync(invoice, 'period,provider,model,quantity,unit,amount\n2026-05,openai,gpt-5.5,1000000,tokens,58.00\n');
  expect((await cli('traces', 'import', invoice, '--db', db)).code).toBe(0);
}, 120_000);

const text = (html: string) => html.replace(/<svg[\s\S]*?<\/svg>/g, ' ').replace(/<style[\s\S]*?<\/style>/g, ' ').replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&');

describe('routefit report --traces DB (section 5, Measured)', () => {
  it('shows the measured LCPR of traces summarize, the reconciliation of traces reconcile, the signals of traces check', async () => {
    const out = join(dir, 'measured.html');
    const r = await cli('report', SAAS, '--traces', db, '--out', out, '--samples', '300');
    expect(r.code, r.stderr).toBe(0);
    const t = text(readFileSync(out, 'utf8'));
    const section = t.slice(t.indexOf('5. Measured'), t.indexOf('6. Assumptions'));
    const summary = JSON.parse((await cli('traces', 'summarize', '--db', db, '--by', 'workload,route', '--json')).stdout);
    const groups = summary.groups ?? summary;
    expect(groups.length).toBeGreaterThan(0);
    for (const g of groups) {
      expect(section).toContain(usdPerRequest(g.lcpr.lcpr));
      expect(section).toContain(usd(g.cost.tokenCostUsd, 2));
    }
    const rec = JSON.parse((await cli('traces', 'reconcile', '--db', db, '--json')).stdout);
    for (const l of rec.providers) {
      expect(section).toContain(usd(l.invoiceUsd, 2));
      expect(section).toContain(usd(l.traceCostUsd, 2));
      expect(section).toContain(usd(l.deltaUsd, 2));
    }
    const check = JSON.parse((await cli('traces', 'check', '--db', db, '--json')).stdout);
    const fired = check.signals.filter((s: { fired: boolean }) => s.fired);
    expect(fired.length, 'the planted retry shift fires a red flag').toBeGreaterThan(0);
    expect((section.match(/FIRED/g) ?? []).length).toBe(fired.length);
    // Assumed beside measured: the file's retry rate and the one the traces measured.
    expect(section).toMatch(/retry_rate\s+0\.03\s+assumed/);
  }, 120_000);

  it('a trace store that does not exist is bad input (exit 2) and writes nothing', async () => {
    const out = join(dir, 'none.html');
    const r = await cli('report', SAAS, '--traces', join(dir, 'missing.duckdb'), '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no trace store/);
    expect(existsSync(out)).toBe(false);
  });
});
