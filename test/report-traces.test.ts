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

  it('this period vs last: the table is two traces summarize --json --from/--to runs (the period and the same-length one before)', async () => {
    const all = JSON.parse((await cli('traces', 'summarize', '--db', db, '--by', 'workload,route', '--json')).stdout);
    const first = new Date(String((all.groups ?? all)[0].window.start).slice(0, 10) + 'T00:00:00Z').getTime();
    const day = (n: number) => new Date(first + n * 86_400_000).toISOString().slice(0, 10);
    const [from, to, before] = [day(7), day(14), day(0)];
    const out = join(dir, 'period.md');
    const r = await cli('report', SAAS, '--traces', db, '--from', from, '--to', to, '--out', out, '--samples', '300');
    expect(r.code, r.stderr).toBe(0);
    const md = readFileSync(out, 'utf8');
    const at = md.indexOf(`This period vs last (traces summarize --by workload,route): ${from} – ${to} vs ${before} – ${from}`);
    expect(at).toBeGreaterThan(0);
    const tableText = md.slice(md.lastIndexOf('| Route | LCPR this period', at), at);
    const run = async (f: string, t: string) => {
      const j = JSON.parse((await cli('traces', 'summarize', '--db', db, '--by', 'workload,route', '--from', f, '--to', t, '--json')).stdout);
      return (j.groups ?? j) as { key: { route: string }; requests: number; rates: { pass: number | null }; lcpr: { lcpr: number | null } }[];
    };
    const now = await run(from, to);
    const last = await run(before, from);
    expect(now.length).toBeGreaterThan(0);
    expect(last.length).toBeGreaterThan(0);
    for (const g of now) {
      const p = last.find((x) => x.key.route === g.key.route)!;
      const row = tableText.split('\n').find((l) => l.startsWith(`| ${g.key.route} |`))!;
      expect(row, g.key.route).toBeDefined();
      const cells = row.split('|').slice(2, -1).map((c) => c.trim());
      expect(cells[0]).toBe(g.lcpr.lcpr === null ? '—' : usdPerRequest(g.lcpr.lcpr));
      expect(cells[1]).toBe(p.lcpr.lcpr === null ? '—' : usdPerRequest(p.lcpr.lcpr));
      expect(cells[3]!.replace(/,/g, '')).toBe(String(g.requests));
      expect(cells[4]!.replace(/,/g, '')).toBe(String(p.requests));
      expect(cells[5]).toBe(g.rates.pass === null ? '—' : `${(g.rates.pass * 100).toFixed(1)}%`);
      expect(cells[6]).toBe(p.rates.pass === null ? '—' : `${(p.rates.pass * 100).toFixed(1)}%`);
    }
    // The CSV beside the Markdown carries both periods' rows.
    const csv = readFileSync(join(dir, 'period.csv'), 'utf8');
    for (const g of now) expect(csv).toContain(`this_period,saas-chat,${g.key.route},requests,${g.requests},requests,measured,${from}/${to}`);
    for (const g of last) expect(csv).toContain(`last_period,saas-chat,${g.key.route},requests,${g.requests},requests,measured,${before}/${from}`);
    // The two periods split the store: their requests add up to the whole (days 0-13 of 14).
    const sum = (gs: { requests: number }[]) => gs.reduce((a, g) => a + g.requests, 0);
    expect(sum(now) + sum(last)).toBe(sum(all.groups ?? all));
  }, 180_000);

  it('a trace store that does not exist is bad input (exit 2) and writes nothing', async () => {
    const out = join(dir, 'none.html');
    const r = await cli('report', SAAS, '--traces', join(dir, 'missing.duckdb'), '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no trace store/);
    expect(existsSync(out)).toBe(false);
  });
});
