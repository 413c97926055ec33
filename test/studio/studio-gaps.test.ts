/**
 * Issue 15's calculators that had no Studio view (agent workflow, multi-source split, fine-tune from a
 * file's routes, the TCO block in Decisions) and the Monte Carlo progress display, in Chromium against
 * `routefit studio`: each view loads without a console error and shows exactly the figures
 * `routefit <command> --json` gives for the same input; an edit moves them as the CLI says for the
 * edited file; a bad value shows the loader's or the flag's own message, never NaN.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { CHROMIUM_ARGS, SHOTS, type Studio, cliJson as json, exampleDir, figs, get, startStudio, openPage } from './helpers.js';

// The page's globals, in the functions this file runs in Chromium (the test's own types are Node's).
declare const document: any, window: any, MutationObserver: any;

let browser: Browser;
let studio: Studio;
let dir: string;
const errors: string[] = [];

async function open(file: string, view: string): Promise<Page> {
  const page = await openPage(browser, studio.url, errors);
  await page.waitForSelector('nav.views');
  await page.selectOption('[aria-label="workload file"]', file);
  await page.click(`nav.views button[data-view=${view}]`);
  await page.waitForSelector(`[data-testid=view-${view}]`);
  return page;
}


beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dir = exampleDir('coding-agent.yaml', 'multi-source.yaml', 'lora.yaml', 'open-vs-closed-tco.yaml', 'saas-chat.yaml');
  studio = await startStudio([join(dir, 'saas-chat.yaml')]);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await studio?.stop();
});

describe('Agent workflow view', () => {
  it('shows `routefit agent --json` per phase and in total; an edit re-prices as the CLI does for the edited file; Save writes it', async () => {
    const page = await open('saas-chat.yaml', 'agent');
    // A workload file without an agent block lists the folder's agent files.
    await page.click('[data-agent-file="coding-agent.yaml"]');
    await page.waitForSelector('[data-testid=agent-totals]');
    const cliOut = await json('agent', join(dir, 'coding-agent.yaml'));
    const totals = await figs(page, '[data-testid=agent-totals]');
    for (const k of ['callsPerTask', 'callsPerAcceptedTask', 'tokenFanout', 'uncachedShare', 'costPerTask', 'costPerAcceptedTask', 'costPerAcceptedTaskAfterRouting', 'monthly.cost']) {
      expect(totals[k], k).toBe(get(cliOut, k));
    }
    for (const p of cliOut.phases as { name: string; costPerCall: number; costPerTask: number; costShare: number }[]) {
      const row = await figs(page, `[data-testid=agent-phases] tr[data-phase="${p.name}"]`);
      expect(row.costPerCall, p.name).toBe(p.costPerCall);
      expect(row.costPerTask, p.name).toBe(p.costPerTask);
      expect(row.costShare, p.name).toBe(p.costShare);
    }
    // Step routing: the tool-calls phase tolerates a day, so it can move to batch (the CLI's routing step).
    const toolStep = (cliOut.routing.steps as { name: string; to: string }[]).find((s) => s.name === 'tool-calls')!;
    expect(await page.getAttribute('[data-testid=agent-phases] tr[data-phase="tool-calls"] td[data-to]', 'data-to')).toBe(toolStep.to);
    await page.screenshot({ path: join(SHOTS, 'agent.png'), fullPage: true });

    // Edit: 30 → 45 tool calls; the page equals the CLI on the file with that edit.
    await page.fill('input[data-field="agent.phases.1.calls"]', '45');
    await page.waitForFunction(() => document.querySelector('[data-testid=edit-count]')?.textContent?.includes('1 unsaved'));
    const edited = readFileSync(join(dir, 'coding-agent.yaml'), 'utf8').replace('calls: 30,', 'calls: 45,');
    expect(edited).toContain('calls: 45,');
    const editedFile = join(dir, 'coding-agent-edited.yaml');
    writeFileSync(editedFile, edited);
    const after = await json('agent', editedFile);
    await page.waitForFunction((v) => document.querySelector('[data-testid=agent-totals] [data-fig=costPerTask]')?.getAttribute('data-value') === String(v), after.costPerTask);
    expect((await figs(page, '[data-testid=agent-totals]')).costPerAcceptedTask).toBe(after.costPerAcceptedTask);

    // A bad value: the loader's own message with its line and range, never NaN.
    await page.fill('input[data-field="agent.task_success_rate"]', '1.5');
    const problem = (await page.textContent('[data-testid=problems] li[data-field="agent.task_success_rate"]'))!;
    const badFile = join(dir, 'coding-agent-bad.yaml');
    writeFileSync(badFile, edited.replace('task_success_rate: 0.85', 'task_success_rate: 1.5'));
    const bad = await cli('agent', badFile);
    expect(bad.code).toBe(2);
    // The same line, field and range as the CLI's message (the page names the file without its folder).
    const [, line, rest] = /^coding-agent\.yaml:(\d+): (.*)$/.exec(problem)!;
    expect(bad.stderr).toContain(`coding-agent-bad.yaml:${line}:`);
    expect(bad.stderr).toContain(rest);
    expect(await page.textContent('main')).not.toContain('NaN');
    await page.fill('input[data-field="agent.task_success_rate"]', '0.85');
    await page.waitForSelector('[data-testid=agent-totals]');

    // Save: the file on disk now gives the CLI the edited figures.
    await page.click('[data-testid=save]');
    await page.waitForFunction(() => document.querySelector('.save-msg')?.textContent?.startsWith('saved'));
    const saved = await json('agent', join(dir, 'coding-agent.yaml'));
    expect(saved.costPerTask).toBe(after.costPerTask);
    expect(readFileSync(join(dir, 'coding-agent.yaml'), 'utf8')).toContain('# A background coding agent');
    await page.close();
  }, 120_000);
});

describe('Calculators: multi-source split and fine-tune from the file', () => {
  it('multi-source shows `routefit multi-source --json` for the same split; a bad share shows the flag message', async () => {
    const page = await open('multi-source.yaml', 'calculators');
    const set = async (k: string, v: string) => page.fill(`[data-ms="${k}"]`, v);
    await set('split.together/deepseek-v3', '0.6');
    await set('split.fireworks/deepseek-v3.1', '0.4');
    await set('cacheHit.together/deepseek-v3', '0.45');
    await set('cacheHit.fireworks/deepseek-v3.1', '0');
    await page.selectOption('[data-flag="multisource.baseline"]', 'openai/gpt-5.5');
    const cliOut = await json('multi-source', join(dir, 'multi-source.yaml'), '--split', 'together/deepseek-v3=0.6', '--split', 'fireworks/deepseek-v3.1=0.4', '--cache-hit', 'together/deepseek-v3=0.45', '--cache-hit', 'fireworks/deepseek-v3.1=0', '--baseline', 'openai/gpt-5.5');
    await page.waitForFunction((v) => document.querySelector('[data-testid=multi-source-totals] [data-fig="split.monthlyCost"]')?.getAttribute('data-value') === String(v), cliOut.split.monthlyCost);
    const t = await figs(page, '[data-testid=multi-source-totals]');
    for (const k of ['split.monthlyCost', 'split.lcpr', 'split.hiddenCost.errorRetries', 'split.hiddenCost.cacheFragmentation', 'split.hiddenCost.routing', 'baseline.monthlyCost', 'overhead.monthlyCost.1', 'netBenefit.1.netBenefit', 'netBenefit.0.netBenefit']) {
      expect(t[k], k).toBe(get(cliOut, k));
    }
    for (const p of cliOut.split.providers as { route: string; lcpr: number; monthlyCost: number }[]) {
      const row = await figs(page, `[data-testid=multi-source] tr[data-provider="${p.route}"]`);
      expect(row.lcpr, p.route).toBe(p.lcpr);
      expect(row.monthlyCost, p.route).toBe(p.monthlyCost);
    }
    await page.screenshot({ path: join(SHOTS, 'multi-source.png'), fullPage: true });
    // A share out of range: the message `routefit multi-source` prints for it.
    await set('split.fireworks/deepseek-v3.1', '1.4');
    const shown = (await page.textContent('[data-refusal="multi-source"]', { timeout: 10_000 }))!;
    const bad = await cli('multi-source', join(dir, 'multi-source.yaml'), '--split', 'together/deepseek-v3=0.6', '--split', 'fireworks/deepseek-v3.1=1.4');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(shown);
    expect(await page.textContent('main')).not.toContain('NaN');
    await page.close();
  }, 120_000);

  it('fine-tune from the file (--route, --lora-route) shows `routefit fine-tune FILE --json`', async () => {
    const page = await open('lora.yaml', 'calculators');
    await page.selectOption('[aria-label="fine-tune mode"]', 'file');
    await page.selectOption('[data-flag="finetune.route"]', 'openai/gpt-5.5');
    await page.selectOption('[data-flag="finetune.loraRoute"]', 'fireworks/llama-8b-multi-lora');
    await page.fill('[data-flag="finetune.iterationCost"]', '2000');
    const cliOut = await json('fine-tune', join(dir, 'lora.yaml'), '--route', 'openai/gpt-5.5', '--lora-route', 'fireworks/llama-8b-multi-lora', '--examples', '50000', '--tokens-per-example', '1500', '--base-params-b', '8', '--iteration-cost', '2000');
    await page.waitForFunction((v) => document.querySelector('[data-testid=fine-tune] [data-fig="paybackOnCompute.netMonthlySavings"]')?.getAttribute('data-value') === String(v), cliOut.paybackOnCompute.netMonthlySavings);
    const f = await figs(page, '[data-testid=fine-tune]');
    for (const k of ['economics.reduction', 'training.trainingTokens', 'training.computeCost.1', 'training.programCost.1', 'paybackOnCompute.netMonthlySavings', 'paybackOnCompute.paybackDays', 'paybackOnProgram.1.paybackDays', 'paybackOnCompute.breakEvenPerDay']) {
      expect(f[k], k).toBe(get(cliOut, k));
    }
    await page.close();
  }, 120_000);
});

describe('Decisions: the TCO block', () => {
  it('a file with a tco block shows `routefit tco --json` row by row', async () => {
    const page = await open('open-vs-closed-tco.yaml', 'decisions');
    await page.waitForSelector('[data-testid=tco-rows]');
    const cliOut = await json('tco', join(dir, 'open-vs-closed-tco.yaml'));
    const rows = cliOut.rows as { dailyOutputTokens: number; instances: number; serverless: number; onDemand: number; reserved: number; overhead: number; selfHosted: { total: number }; winner: string }[];
    expect(rows.length).toBeGreaterThan(3);
    for (const r of rows) {
      const sel = `[data-testid=tco-rows] tr[data-daily="${r.dailyOutputTokens}"]`;
      const shown = await figs(page, sel);
      expect(shown, String(r.dailyOutputTokens)).toEqual({ instances: r.instances, serverless: r.serverless, onDemand: r.onDemand, reserved: r.reserved, overhead: r.overhead, 'selfHosted.total': r.selfHosted.total });
      expect(await page.getAttribute(sel, 'data-winner')).toBe(r.winner);
    }
    expect(await page.getAttribute('[data-testid=tco-first-win]', 'data-value')).toBe(String(cliOut.firstSelfHostedWin));
    await page.screenshot({ path: join(SHOTS, 'decisions-tco.png'), fullPage: true });
    await page.close();
  }, 120_000);
});

describe('Monte Carlo progress', () => {
  it('streams samples done of the CLI total while it runs, then shows the same win probabilities as `compare --uncertainty --json`', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`${page.url()}: ${m.text()}`);
    });
    // Every state the progress line shows, recorded as it changes (the run is short on an idle machine).
    await page.addInitScript(() => {
      const seen: { done: number; total: number }[] = [];
      (window as unknown as { mcSeen: typeof seen }).mcSeen = seen;
      new MutationObserver(() => {
        const el = document.querySelector('[data-testid=mc-progress]');
        if (!el) return;
        const s = { done: Number(el.getAttribute('data-done')), total: Number(el.getAttribute('data-total')) };
        const last = seen[seen.length - 1];
        if (!last || last.done !== s.done || last.total !== s.total) seen.push(s);
      }).observe(document, { subtree: true, childList: true, attributes: true });
    });
    await page.goto(studio.url);
    await page.waitForSelector('nav.views');
    await page.selectOption('[aria-label="workload file"]', 'saas-chat.yaml');
    await page.click('nav.views button[data-view=sensitivity]');
    await page.waitForSelector('[data-testid=bands] td[data-win]', { timeout: 120_000 });
    const seen = await page.evaluate(() => (window as unknown as { mcSeen: { done: number; total: number }[] }).mcSeen);
    const cliOut = await json('compare', join(dir, 'saas-chat.yaml'), '--uncertainty');
    const u = cliOut.workloads[0].uncertainty;
    const total = u.samples;
    expect(seen.length).toBeGreaterThan(0);
    for (const s of seen) {
      expect(s.total).toBe(total);
      expect(s.done).toBeGreaterThanOrEqual(0);
      expect(s.done).toBeLessThanOrEqual(s.total);
    }
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.done).toBeGreaterThanOrEqual(seen[i - 1]!.done);
    // Done: the progress line is gone and the bands are the CLI's.
    expect(await page.$('[data-testid=mc-progress]')).toBeNull();
    const routes = u.routes as { route: string; winProbability: number }[];
    for (const r of routes) expect(Number(await page.getAttribute(`[data-testid=bands] tr[data-route="${r.route}"] td[data-win]`, 'data-win')), r.route).toBe(r.winProbability);
    await page.close();
  }, 180_000);
});

describe('genai-prices data from the server', () => {
  it('the Catalog view with genai-prices models lists every route and input price `routefit catalog list --origin all` gives (the page no longer loads the package)', async () => {
    const page = await open('saas-chat.yaml', 'catalog');
    const today: string = await page.evaluate(() => fetch('api/session').then((r: any) => r.json()).then((s: any) => s.today));
    await page.check('.catalog input[type=checkbox]');
    await page.waitForSelector('[data-testid=catalog-tokens] tr[data-catalog-route] small');
    const shown = new Map<string, string>(await page.$$eval('[data-testid=catalog-tokens] tr[data-catalog-route]', (rows) => rows.map((r) => [r.getAttribute('data-catalog-route')!, r.querySelector('[data-input]')?.getAttribute('data-input') ?? ''] as [string, string])));
    const cliOut = await json('catalog', 'list', '--origin', 'all', '--as-of', today);
    const routes = cliOut.tokenRoutes as { id: string; input?: number }[];
    expect(routes.length).toBeGreaterThan(100);
    for (const r of routes) {
      expect(shown.has(r.id), r.id).toBe(true);
      if (r.input !== undefined) expect(shown.get(r.id), r.id).toBe(String(r.input));
    }
    await page.close();
  }, 120_000);
});

describe('console', () => {
  it('no view logged a console error', () => {
    expect(errors).toEqual([]);
  });
});
