/**
 * The Decisions view in Chromium (playwright-core, /usr/bin/chromium) against `routefit studio` started
 * by the test and stopped by PID: every section shows the figures `routefit plan / matrix / scorecard /
 * procurement / readiness --json` print for the same file, an edit that flips a decision flips it on
 * screen, and a section whose block is absent says which block to add. Screenshots go to test-output/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { CHROMIUM_ARGS, SHOTS, type Studio, exampleDir, startStudio, openPage } from './helpers.js';

let browser: Browser;
let studio: Studio;
let dir: string;
const errors: string[] = [];

async function open(file: string): Promise<Page> {
  const page = await openPage(browser, studio.url, errors, 1500);
  await page.waitForSelector('select[aria-label="workload file"]');
  await page.selectOption('select[aria-label="workload file"]', file);
  await page.click('nav.views button[data-view=decisions]');
  await page.waitForSelector('[data-testid=view-decisions] section.decisions');
  return page;
}

async function json<T>(...args: string[]): Promise<T> {
  const r = await cli(...args);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

const attr = (page: Page, sel: string, name: string) => page.$$eval(sel, (els, n) => els.map((e) => e.getAttribute(n)), name);
const num = (s: string | null) => (s === '' || s === null ? null : Number(s));

type PlanJson = {
  totalCurrentMonthly: number;
  totalMonthlySavings: number;
  fleetStage: { stage: number };
  workloads: { workload: string; action: string; stage: { stage: number }; recommended: { route: string } | null; savings: { monthly: number; paybackFromCutoverMonths: number | null; paybackFromDecisionMonths: number | null } | null; leaveApi: { gates: { rule: string; status: string }[] } | null }[];
  greenfield: { workload: string; recommended: { route: string } | null; ranking: { route: string; lcpr: number }[] }[];
};
type MatrixJson = { routes: string[]; rows: { workload: string; recommended: { route: string } | null; cells: { route: string; status: string; eliminatedAt?: string; lcpr?: number }[] }[] };
type ScorecardJson = { vendors: { vendor: string; outcome: string; gates: { status: string }[] }[]; negotiation: { tier: string } | null; vendorsFrom: string };
type ProcurementJson = { workloads: { workload: string; result: { furthestViable: string; routes: { route: string; status: string }[]; cells: { route: string; gate: string; verdict: { status: string } | null }[] } }[] };
type ReadinessJson = { score: number; tier: string; readiness: { gaps: { rule: string; blocks: string; closeCost: [number, number]; paybackMonths?: [number, number] | null }[]; totalCost: [number, number]; totalPaybackMonths?: [number, number] | null } };

/** Every figure of the plan table against `routefit plan --json`. */
async function expectPlan(page: Page, file: string) {
  const p = await json<PlanJson>('plan', file, '--json');
  await page.waitForSelector('[data-testid=plan-table] tbody tr');
  const rows = await page.$$eval('[data-testid=plan-table] tbody tr', (rs) => rs.map((r) => ({ workload: r.getAttribute('data-workload'), action: r.getAttribute('data-action'), stage: r.getAttribute('data-stage'), recommended: r.getAttribute('data-recommended'), savings: r.getAttribute('data-savings'), cutover: r.getAttribute('data-payback-cutover'), decision: r.getAttribute('data-payback-decision'), text: r.textContent })));
  expect(rows.map((r) => r.workload)).toEqual(p.workloads.map((w) => w.workload));
  for (const [i, w] of p.workloads.entries()) {
    const r = rows[i]!;
    expect(r.action, w.workload).toBe(w.action);
    expect(Number(r.stage)).toBe(w.stage.stage);
    expect(r.recommended).toBe(w.recommended?.route ?? '');
    expect(num(r.savings)).toBe(w.savings?.monthly ?? null);
    expect(num(r.cutover)).toBe(w.savings?.paybackFromCutoverMonths ?? null);
    expect(num(r.decision)).toBe(w.savings?.paybackFromDecisionMonths ?? null);
    if (w.savings) expect(r.text).toContain(`$${w.savings.monthly.toLocaleString('en-US', { maximumFractionDigits: 0 })}`);
    // The three gates of the brief, rule by rule.
    const gates = await page.$$eval(`[data-testid=brief][data-workload="${w.workload}"] [data-testid=gates] tr[data-rule]`, (g) => g.map((x) => [x.getAttribute('data-rule'), x.getAttribute('data-status')]));
    expect(gates).toEqual((w.leaveApi?.gates ?? []).map((g) => [g.rule, g.status]));
  }
  const fleet = await page.$eval('[data-testid=fleet-summary]', (e) => [e.getAttribute('data-current-monthly'), e.getAttribute('data-savings-monthly'), e.getAttribute('data-stage')]);
  expect(fleet.map(Number)).toEqual([p.totalCurrentMonthly, p.totalMonthlySavings, p.fleetStage.stage]);
  return p;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dir = exampleDir('fleet.yaml', 'vendors.yaml', 'saas-chat.yaml');
  studio = await startStudio([join(dir, 'fleet.yaml')]);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await studio?.stop();
});

describe('Studio Decisions view in Chromium', () => {
  it('every section shows the figures the CLI prints for examples/fleet.yaml', async () => {
    const file = join(dir, 'fleet.yaml');
    const page = await open('fleet.yaml');
    await expectPlan(page, file);

    // routefit matrix: each cell's status, the stage that eliminated it, its LCPR; the recommended route.
    const m = await json<MatrixJson>('matrix', file, '--json');
    expect(await page.$$eval('[data-testid=matrix-table] thead th', (h) => h.map((x) => x.textContent))).toEqual(['Workload', ...m.routes, 'Recommended']);
    for (const row of m.rows) {
      const cells = await page.$$eval(`[data-testid=matrix-table] tr[data-workload="${row.workload}"] td[data-route]`, (cs) => cs.map((c) => ({ route: c.getAttribute('data-route'), status: c.getAttribute('data-status'), at: c.getAttribute('data-eliminated-at'), lcpr: c.getAttribute('data-lcpr'), text: c.textContent })));
      expect(cells.map((c) => c.route)).toEqual(row.cells.map((c) => c.route));
      for (const [i, c] of row.cells.entries()) {
        expect(cells[i]!.status, `${row.workload} ${c.route}`).toBe(c.status);
        expect(cells[i]!.at).toBe(c.eliminatedAt ?? '');
        expect(num(cells[i]!.lcpr)).toBe(c.lcpr ?? null);
        if (c.status === 'eliminated') expect(cells[i]!.text).toBe(`— (${c.eliminatedAt})`);
        if (c.status === 'not_applicable') expect(cells[i]!.text).toBe('N/A');
      }
      expect(await page.textContent(`[data-testid=matrix-table] tr[data-workload="${row.workload}"] [data-testid=matrix-recommended]`)).toContain(row.recommended?.route ?? 'none feasible');
    }
    // At least one cell of the example is eliminated by the funnel: the test would notice a matrix that prices everything.
    expect(m.rows.some((r) => r.cells.some((c) => c.status === 'eliminated'))).toBe(true);

    // Vendor scorecard (the fleet names no vendors block: the routes' providers, and the hint to add one).
    const s = await json<ScorecardJson>('scorecard', file, '--json');
    expect(await attr(page, '[data-testid=scorecard-table] tbody tr', 'data-vendor')).toEqual(s.vendors.map((v) => v.vendor));
    expect(await attr(page, '[data-testid=scorecard-table] tbody tr', 'data-outcome')).toEqual(s.vendors.map((v) => v.outcome));
    expect(s.vendorsFrom).toBe('route providers');
    expect(await page.isVisible('[data-testid=scorecard] [data-testid=add-vendors]')).toBe(true);

    // Procurement: the furthest viable route and every gate per route.
    const pr = await json<ProcurementJson>('procurement', file, '--json');
    expect(await attr(page, '[data-testid=procurement-workload]', 'data-furthest')).toEqual(pr.workloads.map((w) => w.result.furthestViable));
    for (const w of pr.workloads) {
      const routes = await page.$$eval(`[data-testid=procurement-workload][data-workload="${w.workload}"] tbody tr`, (rs) => rs.map((r) => [r.getAttribute('data-route'), r.getAttribute('data-status'), ...[...r.querySelectorAll('td.gate')].map((c) => c.getAttribute('data-status'))]));
      expect(routes).toEqual(w.result.routes.map((r) => [r.route, r.status, ...w.result.cells.filter((c) => c.route === r.route).map((c) => c.verdict?.status ?? null)]));
    }

    // Readiness: per workload with complexity factors, what `routefit readiness` gives for those factors, the file's rate and the brief's savings.
    const plan = await json<PlanJson>('plan', file, '--json');
    const text = readFileSync(file, 'utf8');
    const scored = ['support-resolution', 'background-classification'];
    for (const name of scored) {
      const factors = new RegExp(`name: ${name}[\\s\\S]*?complexity_factors: \\[([\\d, ]+)\\]`).exec(text)![1]!.replace(/ /g, '');
      const savings = plan.workloads.find((w) => w.workload === name)!.savings?.monthly;
      const r = await json<ReadinessJson>('readiness', '--factors', factors, '--rate', '150', ...(savings !== undefined ? ['--savings-per-month', String(savings)] : []), '--json');
      const el = `[data-testid=readiness-workload][data-workload="${name}"]`;
      const shown = await page.$eval(el, (e) => ({ score: e.getAttribute('data-score'), tier: e.getAttribute('data-tier'), lo: e.getAttribute('data-total-low'), hi: e.getAttribute('data-total-high'), pb: e.getAttribute('data-total-payback') }));
      expect(Number(shown.score), name).toBe(r.score);
      expect(shown.tier).toBe(r.tier);
      expect([Number(shown.lo), Number(shown.hi)]).toEqual(r.readiness.totalCost);
      expect(shown.pb).toBe(r.readiness.totalPaybackMonths ? r.readiness.totalPaybackMonths.join(',') : String(r.readiness.totalPaybackMonths ?? ''));
      const gaps = await page.$$eval(`${el} [data-testid=gaps] tbody tr`, (rs) => rs.map((x) => [x.getAttribute('data-rule'), x.getAttribute('data-blocks'), Number(x.getAttribute('data-cost-low')), Number(x.getAttribute('data-cost-high')), x.getAttribute('data-payback')]));
      expect(gaps).toEqual(r.readiness.gaps.map((g) => [g.rule, g.blocks, g.closeCost[0], g.closeCost[1], g.paybackMonths ? g.paybackMonths.join(',') : String(g.paybackMonths ?? '')]));
    }
    // document-extraction scores no factors: the section says which block to add.
    expect(await page.textContent('[data-testid=readiness-workload][data-workload="document-extraction"] [data-testid=add-complexity_factors]')).toContain('complexity_factors: [1, 2, 2, 2, 2, 2]');
    expect(await page.textContent('body')).not.toMatch(/NaN|Infinity|undefined/);
    await page.screenshot({ path: join(SHOTS, 'studio-decisions.png'), fullPage: true });
    await page.close();
    expect(errors).toEqual([]);
  }, 180_000);

  it('lowering a workload’s volume flips MIGRATE to STAY on screen, as `routefit plan` does for the saved file; a factor change moves the tier', async () => {
    const file = join(dir, 'fleet.yaml');
    const page = await open('fleet.yaml');
    const row = '[data-testid=plan-table] tr[data-workload="support-resolution"]';
    await page.waitForSelector(row);
    expect(await page.getAttribute(row, 'data-action')).toBe('migrate');
    await page.fill('input[data-field="requests_per_month@support-resolution"]', '20000');
    await expect.poll(() => page.getAttribute(row, 'data-action'), { timeout: 30_000 }).toBe('stay');
    // The background workload's first factor 1 → 3: score 8 → 10 moves its tier.
    const tierBefore = await page.getAttribute('[data-testid=readiness-workload][data-workload="background-classification"]', 'data-tier');
    await page.selectOption('select[data-factor="background-classification:0"]', '3');
    await page.selectOption('select[data-factor="background-classification:2"]', '3');
    await expect.poll(() => page.getAttribute('[data-testid=readiness-workload][data-workload="background-classification"]', 'data-score'), { timeout: 30_000 }).toBe('11');
    const tierAfter = await page.getAttribute('[data-testid=readiness-workload][data-workload="background-classification"]', 'data-tier');
    expect(tierAfter).not.toBe(tierBefore);
    await page.screenshot({ path: join(SHOTS, 'studio-decisions-edited.png'), fullPage: true });
    await page.click('[data-testid=save]');
    await page.waitForSelector('.save-msg:has-text("saved")');
    const saved = readFileSync(file, 'utf8');
    const ws = (parse(saved) as { workloads: { name: string; requests_per_month: { value: number }; complexity_factors?: number[] }[] }).workloads;
    expect(ws.find((w) => w.name === 'support-resolution')!.requests_per_month.value).toBe(20000);
    const bg = ws.find((w) => w.name === 'background-classification')!;
    expect(bg.complexity_factors).toEqual([3, 1, 3, 1, 2, 1]);
    const p = await expectPlan(page, file);
    expect(p.workloads.find((w) => w.workload === 'support-resolution')!.action).toBe('stay');
    const r = await json<ReadinessJson>('readiness', '--factors', '3,1,3,1,2,1', '--rate', '150', '--savings-per-month', String(p.workloads.find((w) => w.workload === 'background-classification')!.savings!.monthly), '--json');
    expect(tierAfter).toBe(r.tier);
    await page.close();
    expect(errors).toEqual([]);
  }, 120_000);

  it('a vendors-only file shows the scorecard `routefit scorecard --json` gives, and says the other sections need a workload', async () => {
    const page = await open('vendors.yaml');
    await page.waitForSelector('[data-testid=scorecard-table] tbody tr');
    const s = await json<ScorecardJson>('scorecard', join(dir, 'vendors.yaml'), '--json');
    const rows = await page.$$eval('[data-testid=scorecard-table] tbody tr', (rs) => rs.map((r) => [r.getAttribute('data-vendor'), r.getAttribute('data-outcome'), ...[...r.querySelectorAll('td.gate')].map((c) => c.getAttribute('data-status'))]));
    expect(rows).toEqual(s.vendors.map((v) => [v.vendor, v.outcome, ...v.gates.map((g) => g.status)]));
    expect(new Set(s.vendors.map((v) => v.outcome)).size).toBeGreaterThan(1);
    expect(await page.getAttribute('[data-testid=negotiation]', 'data-tier')).toBe(s.negotiation!.tier);
    expect(await page.textContent('[data-testid=fleet-problems]')).toContain('needs a workload');
    await page.screenshot({ path: join(SHOTS, 'studio-decisions-vendors.png'), fullPage: true });
    await page.close();
    expect(errors).toEqual([]);
  }, 60_000);

  it('a file without decision blocks: each section says which block to add, never a blank or NaN', async () => {
    const page = await open('saas-chat.yaml');
    await page.waitForSelector('[data-testid=greenfield]');
    for (const block of ['current_route', 'constraints', 'vendors', 'vendor_requirements', 'procurement', 'complexity_factors']) {
      expect(await page.isVisible(`[data-testid=add-${block}]`), block).toBe(true);
    }
    const p = await json<PlanJson>('plan', join(dir, 'saas-chat.yaml'), '--json');
    const g = p.greenfield[0]!;
    expect(await page.getAttribute('[data-testid=greenfield]', 'data-recommended')).toBe(g.recommended!.route);
    expect(await page.$$eval('[data-testid=greenfield] tbody tr', (rs) => rs.map((r) => [r.getAttribute('data-route'), Number(r.getAttribute('data-lcpr'))]))).toEqual(g.ranking.map((c) => [c.route, c.lcpr]));
    expect(await page.textContent('body')).not.toMatch(/NaN|Infinity/);
    await page.screenshot({ path: join(SHOTS, 'studio-decisions-bare.png'), fullPage: true });
    await page.close();
    expect(errors).toEqual([]);
  }, 60_000);
});
