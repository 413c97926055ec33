/**
 * The Traces view's red flags and reconciliation in Chromium against `routefit studio --db` started by
 * the test and stopped by PID: the figures equal `routefit traces check --json` and `traces reconcile
 * --json` for the same store, and the one filter bar (workload, route, period) narrows the whole page.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { CHROMIUM_ARGS, SHOTS, type Studio, exampleDir, startStudio, openPage } from './helpers.js';

let browser: Browser;
let studio: Studio;
let dir: string;
let db: string;
const errors: string[] = [];

async function open(): Promise<Page> {
  const page = await openPage(browser, studio.url, errors, 1500);
  await page.click('nav.views button[data-view=traces]');
  await page.waitForSelector('[data-testid=signals] tbody tr', { timeout: 60_000 });
  await page.waitForSelector('[data-testid=reconcile-providers] tbody tr', { timeout: 60_000 });
  return page;
}

/** `traces check` / `traces reconcile` exit 1 when a flag fires: the JSON is the report either way. */
async function json<T>(...args: string[]): Promise<T> {
  const r = await cli(...args);
  expect([0, 1], r.stderr).toContain(r.code);
  return JSON.parse(r.stdout) as T;
}

type Check = { fired: number; signals: { id: string; workload?: string; fired: boolean; checked: boolean; detail: string }[] };
type Line = { provider: string; sku?: string; periodStart: string; invoiceUsd: number; traceCostUsd: number | null; deltaUsd: number; deltaPct: number | null; flag: string; causes: { id: string; verdict: string }[] };
type Reconcile = { providers: Line[]; skus: Line[] };

const signalsOf = (page: Page) => page.$$eval('[data-testid=signals] tbody tr', (rs) => rs.map((r) => ({ id: r.getAttribute('data-signal'), workload: r.getAttribute('data-workload'), fired: r.getAttribute('data-fired') === 'true', checked: r.getAttribute('data-checked') === 'true', detail: r.lastElementChild!.textContent })));
const expected = (c: Check) => c.signals.map((s) => ({ id: s.id, workload: s.workload ?? '', fired: s.fired, checked: s.checked, detail: s.detail }));

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dir = exampleDir('saas-chat.yaml');
  db = join(dir, 'traces.duckdb');
  const gen = await cli('traces', 'generate', '--workload', join(dir, 'saas-chat.yaml'), '--days', '14', '--rows', '3000', '--seed', '7', '--out', join(dir, 'traces.csv'));
  expect(gen.code, gen.stderr).toBe(0);
  // An invoice above the traced cost (the generated traces cost about $51 in May 2026): a red flag to reconcile.
  writeFileSync(join(dir, 'invoice.csv'), 'period,provider,model,quantity,unit,amount\n2026-05,openai,gpt-5.5,100000,tokens,58.00\n');
  for (const f of ['traces.csv', 'invoice.csv']) {
    const imp = await cli('traces', 'import', join(dir, f), '--db', db, '--no-progress');
    expect(imp.code, imp.stderr).toBe(0);
  }
  studio = await startStudio([join(dir, 'saas-chat.yaml'), '--db', db]);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await studio?.stop();
});

describe('Studio Traces: red flags and reconciliation in Chromium', () => {
  it('shows the red flags of `traces check --json` and the reconciliation of `traces reconcile --json` for the same store', async () => {
    const page = await open();
    const check = await json<Check>('traces', 'check', '--db', db, '--json');
    expect(check.fired).toBeGreaterThan(0);
    expect(await signalsOf(page)).toEqual(expected(check));
    expect(Number(await page.getAttribute('[data-testid=fired-count]', 'data-fired'))).toBe(check.fired);

    const rec = await json<Reconcile>('traces', 'reconcile', '--db', db, '--json');
    const lines = (sel: string) => page.$$eval(`${sel} tbody tr`, (rs) => rs.map((r) => ({ provider: r.getAttribute('data-provider'), sku: r.getAttribute('data-sku'), period: r.getAttribute('data-period'), invoice: Number(r.getAttribute('data-invoice')), traces: r.getAttribute('data-traces'), delta: Number(r.getAttribute('data-delta')), pct: r.getAttribute('data-delta-pct'), flag: r.getAttribute('data-flag'), text: r.textContent })));
    const want = (ls: Line[]) => ls.map((l) => ({ provider: l.provider, sku: l.sku ?? '', period: l.periodStart, invoice: l.invoiceUsd, traces: l.traceCostUsd === null ? '' : String(l.traceCostUsd), delta: l.deltaUsd, pct: l.deltaPct === null ? '' : String(l.deltaPct), flag: l.flag }));
    const shown = await lines('[data-testid=reconcile-providers]');
    expect(shown.map(({ text: _, ...x }) => x)).toEqual(want(rec.providers));
    expect(rec.providers[0]!.flag).toBe('over_10pct');
    expect(shown[0]!.text).toContain(`${(rec.providers[0]!.deltaPct! * 100).toFixed(1)}%`);
    expect(shown[0]!.text).toContain('RED >10%');
    expect((await lines('[data-testid=reconcile-skus]')).map(({ text: _, ...x }) => x)).toEqual(want(rec.skus));
    // Causes as the CLI lists them, or the sentence that none the data can test explains the delta.
    const causes = rec.providers.flatMap((l) => l.causes.map((c) => [l.provider, c.id, c.verdict]));
    if (causes.length) expect(await page.$$eval('[data-testid=causes] li', (li) => li.map((x) => [x.getAttribute('data-provider'), x.getAttribute('data-cause'), x.getAttribute('data-verdict')]))).toEqual(causes);
    else expect(await page.isVisible('[data-testid=no-causes]')).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'studio-traces-checks.png'), fullPage: true });
    await page.close();
    expect(errors).toEqual([]);
  }, 120_000);

  it('an SLO typed in the page is the flag `traces check` takes: the same signals fire', async () => {
    // The CLI first: a DuckDB file takes one process at a time, and the page queries through the server.
    const check = await json<Check>('traces', 'check', '--db', db, '--slo-p99-ms', '3000', '--json');
    const page = await open();
    await page.fill('input[data-check="slo-p99-ms"]', '3000');
    await page.press('input[data-check="slo-p99-ms"]', 'Tab');
    const slo = check.signals.find((s) => s.id.includes('slo') || s.id.includes('p99'))!;
    expect(slo, JSON.stringify(check.signals.map((s) => s.id))).toBeDefined();
    await expect.poll(() => signalsOf(page), { timeout: 30_000 }).toEqual(expected(check));
    await page.close();
    expect(errors).toEqual([]);
  }, 120_000);

  it('the one filter bar narrows the whole page: period compare, red flags and reconciliation', async () => {
    // The CLI first: a DuckDB file takes one process at a time, and the page queries through the server.
    const now = await json<{ groups: { key: { workload: string; route: string }; requests: number; lcpr: { lcpr: number | null } }[] }>('traces', 'summarize', '--db', db, '--by', 'workload,route', '--from', '2026-05-08', '--to', '2026-05-15', '--json');
    const before = await json<typeof now>('traces', 'summarize', '--db', db, '--by', 'workload,route', '--from', '2026-05-01', '--to', '2026-05-08', '--json');
    const check = await json<Check>('traces', 'check', '--db', db, '--from', '2026-06-01', '--to', '2026-06-08', '--json');
    const page = await open();
    // The default comparison: the store's latest 7 days vs the 7 before, as `traces summarize` gives them.
    await page.waitForSelector('[data-testid=period-compare] tbody tr');
    const rows = () => page.$$eval('[data-testid=period-compare] tbody tr', (rs) => rs.map((r) => [r.getAttribute('data-group'), Number(r.getAttribute('data-requests')), Number(r.getAttribute('data-before-requests')), r.getAttribute('data-lcpr'), r.getAttribute('data-before-lcpr')]));
    expect(await rows()).toEqual(now.groups.map((g, i) => [`${g.key.workload}|${g.key.route}`, g.requests, before.groups[i]!.requests, String(g.lcpr.lcpr), String(before.groups[i]!.lcpr.lcpr)]));

    // A period after the invoice's month: reconciliation has no line in it; red flags are re-checked for the window.
    await page.fill('input[aria-label=from]', '2026-06-01');
    await page.fill('input[aria-label=to]', '2026-06-08');
    await expect.poll(() => page.$$('[data-testid=reconcile-providers] tbody tr').then((r) => r.length), { timeout: 30_000 }).toBe(0);
    await expect.poll(() => signalsOf(page), { timeout: 30_000 }).toEqual(expected(check));
    // Back to May: the invoice line returns.
    await page.fill('input[aria-label=from]', '2026-05-01');
    await page.fill('input[aria-label=to]', '2026-05-15');
    await page.waitForSelector('[data-testid=reconcile-providers] tbody tr');
    await page.screenshot({ path: join(SHOTS, 'studio-traces-filtered.png'), fullPage: true });
    await page.close();
    expect(errors).toEqual([]);
  }, 120_000);

  it('the check and reconcile endpoints take only their own parameters, with values of the right shape', async () => {
    const get = (path: string) => fetch(new URL(path, studio.url));
    const unknown = await get('api/traces/check?db=/etc/passwd');
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: string }).error).toContain('"db" is not a parameter of traces check');
    const spliced = await get(`api/traces/check?slo-p99-ms=${encodeURIComponent('3000 --db x')}`);
    expect(spliced.status).toBe(400);
    expect((await get('api/traces/reconcile?assumed-cache-hit-rate=1.5')).status).toBe(400);
    const ok = await get('api/traces/check?quality-floor=0.9');
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as Check;
    expect(body.signals.length).toBeGreaterThan(0);
  }, 60_000);
});
