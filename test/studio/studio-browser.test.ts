/**
 * The Studio in a real browser (Debian chromium driven by playwright-core) against `routefit studio`
 * started by the test and stopped by PID. Screenshots of every view go to test-output/ (git-ignored).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PER_ROUTE_FIELDS } from '../../src/workload/fields.js';
import { cli } from '../helpers/cli.js';
import { CHROMIUM_ARGS, SHOTS, type Studio, exampleDir, startStudio, openPage } from './helpers.js';

let browser: Browser;
let studio: Studio;
let dir: string;
let db: string;
const errors: string[] = [];

async function open(url = studio.url): Promise<Page> {
  const page = await openPage(browser, url, errors);
  return page;
}

/** LCPR per route as the page shows it: the exact number (data-lcpr) and the text. */
async function lcprs(page: Page): Promise<Record<string, { value: number; text: string }>> {
  await page.waitForSelector('[data-testid=routes-table] tbody tr');
  return page.$$eval('[data-testid=routes-table] tbody tr', (rows) =>
    Object.fromEntries(
      rows.map((r) => {
        const cell = r.querySelector('td.lcpr')!;
        return [r.getAttribute('data-route')!, { value: Number(cell.getAttribute('data-lcpr')), text: cell.textContent!.trim() }];
      }),
    ),
  );
}

const usdPerRequest = (n: number) => (n !== 0 && Math.abs(n) < 0.001 ? `$${n.toPrecision(3)}` : `$${n.toFixed(4)}`);

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dir = exampleDir('saas-chat.yaml', 'fleet.yaml');
  db = join(dir, 'traces.duckdb');
  const gen = await cli('traces', 'generate', '--workload', join(dir, 'saas-chat.yaml'), '--days', '14', '--rows', '3000', '--seed', '7', '--out', join(dir, 'traces.csv'));
  expect(gen.code, gen.stderr).toBe(0);
  const imp = await cli('traces', 'import', join(dir, 'traces.csv'), '--db', db, '--no-progress');
  expect(imp.code, imp.stderr).toBe(0);
  studio = await startStudio([join(dir, 'saas-chat.yaml'), '--db', db]);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await studio?.stop();
});

describe('Studio in Chromium', () => {
  it('every view loads without a console error (screenshots in test-output/)', async () => {
    const page = await open();
    await page.waitForSelector('[data-win-probability]', { timeout: 60_000 });
    const views = await page.$$eval('nav.views button', (b) => b.map((x) => x.getAttribute('data-view')!));
    expect(views).toEqual(['compare', 'editor', 'volume', 'dedicated', 'sensitivity', 'decisions', 'sizing', 'calculators', 'agent', 'traces', 'catalog']);
    const ready: Record<string, string> = {
      compare: '[data-chart=cost-breakdown][data-drawn]',
      editor: '[data-testid=fields] tbody tr',
      volume: '[data-chart=cost-vs-volume][data-drawn]',
      dedicated: '[data-testid=shape-options] tbody tr',
      sensitivity: '[data-testid=bands]',
      decisions: '[data-testid=matrix-table] tbody tr',
      sizing: '[data-testid=sizing]',
      calculators: '[data-testid=goodput]',
      // The file open is a workload without an agent block: the view says so and lists the folder's agent files.
      agent: '[data-testid=view-agent] section.agent h2',
      traces: '[data-testid=trace-groups] tbody tr',
      catalog: '[data-testid=catalog-tokens] tbody tr',
    };
    for (const v of views) {
      await page.click(`nav.views button[data-view=${v}]`);
      await page.waitForSelector(`[data-testid=view-${v}]`);
      await page.waitForSelector(ready[v]!, { timeout: 60_000 });
      await page.screenshot({ path: join(SHOTS, `studio-${v}.png`), fullPage: true });
    }
    await page.close();
    expect(errors).toEqual([]);
  }, 180_000);

  it('editing the volume and a pass rate shows exactly the LCPR `routefit compare --json` gives for the saved file', async () => {
    const page = await open();
    const before = await lcprs(page);
    await page.fill('input[data-field=requests_per_month]', '2000000');
    const perRoute = PER_ROUTE_FIELDS.some((f) => f.key === 'quality_pass_rate');
    // Per-route pass rate when the file format has it (the one-file-format issue); the workload's otherwise.
    if (perRoute) await page.fill('input[data-pass-rate="together/deepseek-v3"]', '0.8');
    else await page.fill('input[data-field=quality_pass_rate]', '0.9');
    await page.waitForFunction(`document.querySelector('tr[data-route="openai/gpt-5.5"] td.lcpr')?.getAttribute('data-lcpr') !== '${before['openai/gpt-5.5']!.value}'`);
    const edited = await lcprs(page);
    await page.screenshot({ path: join(SHOTS, 'studio-compare-edited.png'), fullPage: true });
    await page.click('[data-testid=save]');
    await page.waitForSelector('.save-msg:has-text("saved")');
    const file = join(dir, 'saas-chat.yaml');
    const saved = readFileSync(file, 'utf8');
    expect(saved).toContain('requests_per_month: 2000000');
    expect(saved).toContain('# Inference Field Guide, Part 0 "Worked example');
    const r = await cli('compare', file, '--json');
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { workloads: { routes: { route: string; lcpr: number }[] }[] };
    const routes = json.workloads[0]!.routes;
    expect(Object.keys(edited).sort()).toEqual(routes.map((x) => x.route).sort());
    for (const x of routes) {
      expect(edited[x.route]!.value, x.route).toBe(x.lcpr);
      expect(edited[x.route]!.text, x.route).toBe(usdPerRequest(x.lcpr));
      expect(edited[x.route]!.value).not.toBe(before[x.route]!.value);
    }
    // The verdict names the winner the CLI ranks first, and the margin to the runner-up.
    expect(await page.getAttribute('[data-testid=winner]', 'data-route')).toBe(routes[0]!.route);
    expect(await page.textContent('[data-testid=margin]')).toContain(usdPerRequest(routes[1]!.lcpr - routes[0]!.lcpr));
    await page.close();
  }, 120_000);

  it('a rate typed as a percent shows the message the CLI gives for the same file, never NaN', async () => {
    const page = await open();
    await page.fill('input[data-field=quality_pass_rate]', '95');
    await page.waitForSelector('[data-testid=problems]');
    const shown = (await page.textContent('[data-testid=problems] li'))!;
    expect(shown).toContain('quality_pass_rate');
    expect(await page.textContent('body')).not.toContain('NaN');
    const { tempYaml } = await import('../helpers/cli.js');
    const text = readFileSync(join(dir, 'saas-chat.yaml'), 'utf8').replace(/quality_pass_rate: [\d.]+/, 'quality_pass_rate: 95');
    const r = await cli('compare', tempYaml(text, 'saas-chat.yaml'), '--json');
    expect(r.code).toBe(2);
    // Same field and message; the CLI adds the file path in front.
    const message = shown.replace(/^saas-chat\.yaml:\d+: /, '');
    expect(r.stderr).toContain(message);
    await page.close();
  }, 60_000);

  it('a shared URL reopens the same state: edits, view, selection, pinned scenario', async () => {
    const page = await open();
    await lcprs(page);
    await page.fill('input[data-field=requests_per_month]', '123456');
    await page.click('tr[data-route="together/deepseek-v3"]');
    await page.click('[data-testid=pin]');
    await page.fill('input[data-field=requests_per_month]', '7654321');
    await page.waitForSelector('[data-testid=scenarios] [data-card="0"]');
    const shown = await lcprs(page);
    const card = await page.$$eval('[data-card="0"] li', (l) => l.map((x) => x.getAttribute('data-lcpr')));
    // The app writes the state into the URL once the edits pause.
    await page.waitForSelector('html[data-url=current]');
    const url = page.url();
    expect(url).toMatch(/#s=/);
    const again = await open(url);
    const reopened = await lcprs(again);
    expect(reopened).toEqual(shown);
    expect(await again.inputValue('input[data-field=requests_per_month]')).toBe('7654321');
    expect(await again.getAttribute('tr.selected', 'data-route')).toBe('together/deepseek-v3');
    expect(await again.$$eval('[data-card="0"] li', (l) => l.map((x) => x.getAttribute('data-lcpr')))).toEqual(card);
    expect(await again.textContent('[data-testid=explain] h2')).toContain('together/deepseek-v3');
    // A damaged link says so instead of opening half a state.
    const broken = await open(`${studio.url}#s=garbage!!`);
    await broken.waitForSelector('.note[role=alert]');
    expect(await broken.textContent('.note')).toContain('could not be opened');
    await Promise.all([page.close(), again.close(), broken.close()]);
  }, 120_000);

  it('the dedicated view shows the u_required and options `routefit dedicated --json` gives for a preset shape', async () => {
    const page = await open();
    await page.click('nav.views button[data-view=dedicated]');
    await page.selectOption('select[aria-label="traffic mode"]', 'preset');
    await page.fill('input[aria-label="pattern preset"]', 'bursty:4x@60%');
    await page.fill('input[aria-label="Ops $/hour"]', '0.5');
    await page.waitForFunction(`document.querySelector('[data-testid=shape-options] tbody tr') && document.body.textContent.includes('bursty, 4x peaks')`);
    const u = Number(await page.getAttribute('[data-testid=u-required]', 'data-u'));
    const options = await page.$$eval('[data-testid=shape-options] tbody tr', (rs) => rs.map((r) => [r.getAttribute('data-option'), Number(r.getAttribute('data-monthly'))]));
    const file = join(dir, 'saas-chat.yaml');
    const r = await cli('dedicated', file, '--pattern', 'bursty:4x@60%', '--ops-per-hour', '0.5', '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { gate: { uRequired: number }; options: { id: string; monthlyCost: number }[] };
    expect(u).toBe(j.gate.uRequired);
    expect(options).toEqual(j.options.map((o) => [o.id, o.monthlyCost]));
    await page.screenshot({ path: join(SHOTS, 'studio-dedicated-bursty.png'), fullPage: true });
    await page.close();
  }, 60_000);

  it('the traces view shows the figures of `traces summarize --json`', async () => {
    // The CLI's figures first: a DuckDB file takes one process at a time, and the page's traces view keeps querying it (red flags, reconciliation, period compare).
    const r = await cli('traces', 'summarize', '--db', db, '--by', 'workload,route', '--json');
    expect(r.code, r.stderr).toBe(0);
    const groups = (JSON.parse(r.stdout) as { groups: { key: { workload: string; route: string }; requests: number; attempts: number; lcpr: { lcpr: number | null }; rates: { retry: number } }[] }).groups;
    expect(groups.length).toBeGreaterThan(0);
    const page = await open();
    await page.click('nav.views button[data-view=traces]');
    await page.waitForSelector('[data-testid=trace-groups] tbody tr');
    const rows = await page.$$eval('[data-testid=trace-groups] tbody tr', (rs) => rs.map((r) => ({ group: r.getAttribute('data-group'), requests: r.getAttribute('data-requests'), lcpr: r.getAttribute('data-lcpr'), text: r.textContent })));
    expect(rows.map((x) => x.group)).toEqual(groups.map((g) => `${g.key.workload}|${g.key.route}`));
    for (const [i, g] of groups.entries()) {
      expect(rows[i]!.requests).toBe(String(g.requests));
      expect(rows[i]!.lcpr).toBe(g.lcpr.lcpr === null ? '' : String(g.lcpr.lcpr));
      expect(rows[i]!.text).toContain(g.requests.toLocaleString('en-US'));
      expect(rows[i]!.text).toContain(`${(g.rates.retry * 100).toFixed(1)}%`);
    }
    await page.close();
  }, 60_000);
});
