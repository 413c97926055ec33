/**
 * The Sizing and Calculators views in Chromium against `routefit studio`: every figure on screen is the
 * number `routefit <command> --json` gives for the same inputs; an edit moves it as the CLI says; a bad
 * input shows the CLI's own message beside its field, and no NaN. Screenshots go to test-output/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { CHROMIUM_ARGS, SHOTS, type Studio, cliJson as json, exampleDir, figs, get, startStudio, openPage } from './helpers.js';

let browser: Browser;
let studio: Studio;
let dir: string;
const errors: string[] = [];

async function open(view: string): Promise<Page> {
  const page = await openPage(browser, studio.url, errors);
  await page.click(`nav.views button[data-view=${view}]`);
  await page.waitForSelector(`[data-testid=view-${view}]`);
  return page;
}


async function fill(page: Page, fields: Record<string, string>) {
  for (const [k, v] of Object.entries(fields)) {
    const el = page.locator(`[data-flag="${k}"]`);
    if ((await el.evaluate((e) => e.tagName)) === 'SELECT') await el.selectOption(v);
    else await el.fill(v);
  }
}

/** A bad value: the CLI's message for the flag appears under that field, nothing is computed, no NaN. */
async function refusesLikeCli(page: Page, flag: string, text: string, cliArgs: string[]) {
  await page.fill(`[data-flag="${flag}"]`, text);
  const shown = (await page.textContent(`[data-error-for="${flag}"]`, { timeout: 10_000 }))!;
  const r = await cli(...cliArgs);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(shown);
  expect(await page.textContent('main')).not.toContain('NaN');
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dir = exampleDir('saas-chat.yaml', 'fleet.yaml');
  studio = await startStudio([join(dir, 'saas-chat.yaml')]);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await studio?.stop();
});

describe('Sizing view', () => {
  it('a model shape on a raw KV pool shows what `routefit size --kv-pool-gb` gives; a bad shape field shows the CLI message', async () => {
    const page = await open('sizing');
    await page.selectOption('[aria-label="sizing mode"]', 'pool');
    await page.selectOption('[aria-label=model]', '');
    await fill(page, { 'size.layers': '80', 'size.kvHeads': '8', 'size.headDim': '128', 'size.params': '70.6e9', 'size.precision': 'fp16', 'size.context': '4096', 'size.kvPoolGb': '40', 'size.latency': '2', 'size.batch': '16', 'size.kvLink': 'ib-ndr' });
    await page.waitForSelector('[data-testid=sizing] [data-fig=maxRequestsPerSecond]');
    const shown = await figs(page, '[data-testid=kv-sizing]');
    const want = await json('size', '--layers', '80', '--kv-heads', '8', '--head-dim', '128', '--params', '70.6e9', '--precision', 'fp16', '--context', '4096', '--kv-pool-gb', '40', '--latency', '2', '--batch', '16', '--kv-link', 'ib-ndr');
    for (const k of ['kvPerSequenceGb', 'maxConcurrentSequences', 'kvEqualsWeightsAtContext', 'maxRequestsPerSecond', 'kvTransfer.transferMs']) expect(shown[k], k).toBe(get(want, k));
    // An edit: a bigger pool holds more sequences, exactly as the CLI counts them.
    await page.fill('[data-flag="size.kvPoolGb"]', '80');
    await page.waitForFunction(`document.querySelector('[data-fig=maxConcurrentSequences]')?.getAttribute('data-value') !== '${shown.maxConcurrentSequences}'`);
    const bigger = await json('size', '--layers', '80', '--kv-heads', '8', '--head-dim', '128', '--params', '70.6e9', '--precision', 'fp16', '--context', '4096', '--kv-pool-gb', '80', '--latency', '2', '--batch', '16');
    expect((await figs(page, '[data-testid=kv-sizing]')).maxConcurrentSequences).toBe(bigger.maxConcurrentSequences);
    await page.screenshot({ path: join(SHOTS, 'studio-sizing-pool.png'), fullPage: true });
    await refusesLikeCli(page, 'size.kvHeads', '8.5', ['size', '--layers', '80', '--kv-heads', '8.5', '--head-dim', '128', '--params', '70.6e9', '--precision', 'fp16', '--context', '4096', '--kv-pool-gb', '40']);
    await page.close();
  }, 120_000);

  it('a catalog model on a GPU with speculative decoding shows `routefit size --gpu` figures and the batch ~8 warning', async () => {
    const page = await open('sizing');
    await page.selectOption('[aria-label=model]', 'llama-3.1-8b');
    await page.selectOption('[aria-label=gpu]', 'l40s');
    await fill(page, { 'size.precision': 'bf16', 'size.context': '4096', 'size.batch': '12', 'size.specAlpha': '0.55', 'size.arrivalRate': '10', 'size.latency': '2' });
    await page.waitForSelector('[data-fig="speculativeDecoding.specTokensPerSecond"]');
    const shown = await figs(page, '[data-testid=kv-sizing]');
    const want = await json('size', '--model', 'llama-3.1-8b', '--gpu', 'l40s', '--context', '4096', '--precision', 'bf16', '--batch', '12', '--spec-alpha', '0.55', '--arrival-rate', '10', '--latency', '2');
    for (const k of ['gpus', 'weightsGb', 'kvPerSequenceGb', 'kvAtBatchGb', 'usableGb', 'maxConcurrentSequences', 'kvEqualsWeightsAtContext', 'decode.tokensPerSecond', 'prefill.tokensPerSecond', 'concurrentRequests', 'maxRequestsPerSecond', 'speculativeDecoding.expectedTokensPerStep', 'speculativeDecoding.specTokensPerSecond']) expect(shown[k], k).toBe(get(want, k));
    expect(await page.textContent('[data-testid=specdec-warning]')).toContain('past batch ~8');
    // Below batch 8 the warning goes.
    await page.fill('[data-flag="size.batch"]', '4');
    await page.waitForSelector('[data-testid=specdec-warning]', { state: 'detached' });
    await page.screenshot({ path: join(SHOTS, 'studio-sizing-gpu.png'), fullPage: true });
    await refusesLikeCli(page, 'size.specAlpha', '1.5', ['size', '--model', 'llama-3.1-8b', '--gpu', 'l40s', '--context', '4096', '--precision', 'bf16', '--spec-alpha', '1.5']);
    await page.close();
  }, 120_000);

  it('the cache gate per route of the workload is `routefit cache-gate` for each, at the file\'s hit rate; the TTL edit follows the CLI', async () => {
    const page = await open('sizing');
    await page.waitForSelector('[data-testid=cache-gate-table] tbody tr');
    const asOf = (await page.getAttribute('[data-testid=cache-gate]', 'data-as-of'))!;
    const hit = await page.inputValue('[data-flag="cache.hitRate"]');
    const check = async (ttl: string) => {
      const rows = await page.$$eval('[data-testid=cache-gate-table] tbody tr', (trs) => trs.map((t) => ({ route: t.getAttribute('data-route')!, priced: t.querySelector('[data-fig]') !== null })));
      expect(rows.filter((r) => r.priced).length).toBeGreaterThan(0);
      for (const row of rows.filter((r) => r.priced)) {
        const shown = await figs(page, `[data-testid=cache-gate-table] tr[data-route="${row.route}"]`);
        const want = await json('cache-gate', '--route', row.route, '--ttl', ttl, '--as-of', asOf, ...(hit ? ['--hit-rate', hit] : []));
        for (const k of ['readsToBreakEven', 'minWholeReads', 'breakEvenHitRate']) expect(shown[k], `${row.route} ${k}`).toBe(want[k]);
        if (hit) expect(shown['atHitRate.savingsShare']).toBe(want.atHitRate.savingsShare);
        for (const s of want.savings) expect(shown[`savings.${s.reads}`], `${row.route} savings at ${s.reads}`).toBe(s.savingsUsd);
      }
    };
    // Prefilled with the file's cache_write_ttl (5m when it has none); then the other TTL.
    const ttl = await page.inputValue('[data-flag="cache.ttl"]');
    expect(['5m', '1h']).toContain(ttl);
    await check(ttl);
    const other = ttl === '5m' ? '1h' : '5m';
    await page.selectOption('[data-flag="cache.ttl"]', other);
    // The re-render is flushed by the next frame (Preact schedules it; the table follows the state).
    await page.evaluate('new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)))');
    await check(other);
    await refusesLikeCli(page, 'cache.hitRate', '1.5', ['cache-gate', '--route', 'anthropic/claude-sonnet-4.6', '--hit-rate', '1.5']);
    await page.screenshot({ path: join(SHOTS, 'studio-sizing-cache-gate.png'), fullPage: true });
    await page.close();
  }, 120_000);
});

describe('Calculators view', () => {
  it('goodput and trace-to-margin show the CLI figures, follow an edit, and refuse a bad value with the CLI message', async () => {
    const page = await open('calculators');
    // Prefilled from the file: the pass rate is the workload's.
    expect(await page.inputValue('[data-flag="goodput.passRate"]')).toBe('0.95');
    await fill(page, { 'goodput.rps': '50', 'goodput.passRate': '0.9', 'goodput.sloShare': '0.8', 'goodput.costPerRequest': '0.01' });
    await page.waitForFunction(`document.querySelector('[data-testid=goodput] [data-fig=goodputPerSecond]')?.getAttribute('data-value') === '${50 * 0.9 * 0.8}'`);
    let want = await json('goodput', '--rps', '50', '--pass-rate', '0.9', '--slo-share', '0.8', '--cost-per-request', '0.01');
    let shown = await figs(page, '[data-calc=goodput]');
    for (const k of ['acceptedPerSecond', 'sloShare', 'goodputPerSecond', 'costPerAccepted', 'costPerGoodAccepted']) expect(shown[k], k).toBe(want[k]);
    await page.fill('[data-flag="goodput.passRate"]', '95%');
    want = await json('goodput', '--rps', '50', '--pass-rate', '95%', '--slo-share', '0.8', '--cost-per-request', '0.01');
    await page.waitForFunction(`document.querySelector('[data-calc=goodput] [data-fig=goodputPerSecond]')?.getAttribute('data-value') === '${want.goodputPerSecond}'`);
    shown = await figs(page, '[data-calc=goodput]');
    expect(shown.costPerGoodAccepted).toBe(want.costPerGoodAccepted);
    await refusesLikeCli(page, 'goodput.rps', 'fast', ['goodput', '--rps', 'fast', '--pass-rate', '0.9']);
    // A combination the CLI refuses is refused with its message.
    await fill(page, { 'goodput.rps': '50', 'goodput.ttftP50': '250' });
    const refusal = (await page.textContent('[data-refusal=goodput]'))!;
    expect((await cli('goodput', '--rps', '50', '--pass-rate', '0.9', '--slo-share', '0.8', '--ttft-p50', '250')).stderr).toContain(refusal);

    await fill(page, { 'margin.traceCost': '1000', 'margin.invoiceDelta': '50', 'margin.eval': '200', 'margin.human': '300', 'margin.ops': '150', 'margin.accepted': '10000', 'margin.revenuePerUnit': '0.5' });
    await page.waitForSelector('[data-calc=margin] [data-fig=marginPerAccepted]');
    const m = await json('margin', '--trace-cost', '1000', '--invoice-delta', '50', '--eval', '200', '--human', '300', '--ops', '150', '--accepted', '10000', '--revenue-per-unit', '0.5');
    const ms = await figs(page, '[data-calc=margin]');
    for (const k of ['parts.totalUsd', 'loadedCostPerAccepted', 'naiveCostPerAccepted', 'loadedOverNaive', 'marginPerAccepted']) expect(ms[k], k).toBe(get(m, k));
    await refusesLikeCli(page, 'margin.accepted', '-3', ['margin', '--trace-cost', '1000', '--accepted', '-3']);
    await page.screenshot({ path: join(SHOTS, 'studio-calculators-goodput-margin.png'), fullPage: true });
    await page.close();
  }, 120_000);

  it('the spend forecast is `routefit forecast FILE` month by month, with budget and gate months and a drawn chart', async () => {
    const page = await open('calculators');
    await fill(page, { 'forecast.growth': 'linear:10%', 'forecast.monthlyBudget': '15000', 'forecast.horizon': '12' });
    await page.waitForSelector('[data-chart=spend-forecast][data-drawn]', { timeout: 60_000 });
    const want = await json('forecast', join(dir, 'saas-chat.yaml'), '--growth', 'linear:10%', '--monthly-budget', '15000', '--horizon', '12');
    const rows = await page.$$eval('[data-testid=forecast] tbody tr', (trs) => trs.map((t) => Object.fromEntries([...t.querySelectorAll('[data-fig]')].map((c) => [c.getAttribute('data-fig')!, Number(c.getAttribute('data-value'))]))));
    expect(rows.length).toBe(want.months.length);
    want.months.forEach((m: { spend: number; cumulative: number; lcpr: number }, i: number) => {
      expect(rows[i]).toEqual({ spend: m.spend, cumulative: m.cumulative, lcpr: m.lcpr });
    });
    const events = await page.$$eval('[data-testid=forecast-events] li[data-event]', (li) => li.map((l) => `${l.getAttribute('data-event')}@${l.getAttribute('data-month')}`));
    expect(events).toEqual([`budget_monthly@${String(want.budgetMonthlyExceededAt)}`, ...want.events.map((e: { kind: string; month: number }) => `${e.kind}@${e.month}`)]);
    await page.screenshot({ path: join(SHOTS, 'studio-calculators-forecast.png'), fullPage: true });
    await refusesLikeCli(page, 'forecast.growth', 'sideways', ['forecast', join(dir, 'saas-chat.yaml'), '--growth', 'sideways']);
    await page.close();
  }, 120_000);

  it('fine-tune economics and devolution signals show the CLI figures; a bad value gets the CLI message', async () => {
    const page = await open('calculators');
    const today = await page.evaluate(async () => ((await (await fetch('api/session')).json()) as { today: string }).today);
    await fill(page, { 'finetune.examples': '50000', 'finetune.tokensPerExample': '1500', 'finetune.baseParamsB': '8', 'finetune.lcpr': '0.004', 'finetune.reduction': '5%', 'finetune.acceptedPerDay': '10000', 'finetune.iterationCost': '2000' });
    await page.waitForSelector('[data-calc=fine-tune] [data-fig="paybackOnCompute.paybackDays"]');
    const want = await json('fine-tune', '--examples', '50000', '--tokens-per-example', '1500', '--base-params-b', '8', '--lcpr', '0.004', '--reduction', '5%', '--accepted-per-day', '10000', '--iteration-cost', '2000', '--as-of', today);
    const shown = await figs(page, '[data-calc=fine-tune]');
    for (const k of ['training.trainingTokens', 'training.computeCost.1', 'training.programCost.1', 'paybackOnCompute.netMonthlySavings', 'paybackOnCompute.paybackDays', 'paybackOnCompute.breakEvenPerDay', 'paybackOnProgram.1.paybackDays']) expect(shown[k], k).toBe(get(want, k) ?? null);
    await refusesLikeCli(page, 'finetune.baseParamsB', '400', ['fine-tune', '--examples', '1', '--tokens-per-example', '1', '--base-params-b', '400']);

    await fill(page, { 'devolution.fleetByQuarter': '60,40,30', 'devolution.onCall': '1', 'devolution.majorsBehind': '2' });
    await page.waitForSelector('[data-testid=devolution] tr[data-signal=engine-drift]');
    const sm = await json('self-managed', '--gpus', '32', '--self', 'lambda/h100-sxm', '--managed', 'fireworks/h100', '--fleet-by-quarter', '60,40,30', '--on-call', '1', '--majors-behind', '2');
    const signals = await page.$$eval('[data-testid=devolution] tr', (trs) => trs.map((t) => ({ id: t.getAttribute('data-signal'), fired: t.getAttribute('data-fired') === 'true' })));
    expect(signals).toEqual(sm.devolution.signals.map((s: { id: string; fired: boolean }) => ({ id: s.id, fired: s.fired })));
    expect(Number(await page.getAttribute('[data-testid=devolution-verdict]', 'data-fired'))).toBe(sm.devolution.fired);
    await refusesLikeCli(page, 'devolution.onCall', 'two', ['self-managed', '--gpus', '32', '--self', 'lambda/h100-sxm', '--managed', 'fireworks/h100', '--on-call', 'two']);
    await page.screenshot({ path: join(SHOTS, 'studio-calculators-finetune-devolution.png'), fullPage: true });
    await page.close();
    expect(errors).toEqual([]);
  }, 120_000);
});
