import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.js';
import { findRoute, pointAt } from '../../src/catalog/lookup.js';
import type { TokenRouteEntry } from '../../src/catalog/types.js';
import { attemptCost } from '../../src/engine/cost/token-pricing.js';
import { query } from '../../src/traces/db.js';
import { importFile } from '../../src/traces/import.js';
import { summarize } from '../../src/traces/metrics.js';
import { preparePricing } from '../../src/traces/pricing.js';
import { METRICS_FIXTURE as FIXTURE, memoryStore, writeTemp } from './helpers.js';

const catalog = loadCatalog();
const today = '2026-11-22';

async function fixtureStore() {
  const store = await memoryStore();
  await importFile(store, writeTemp('f.csv', FIXTURE), { today });
  const pricing = await preparePricing(store, catalog);
  return { store, pricing };
}

describe('metric SQL against hand-computed values', () => {
  it('prices each attempt at query time and reports the unpriced route, never $0', async () => {
    const { store, pricing } = await fixtureStore();
    const costs = await query(store.conn, `SELECT request_id || '/' || attempt AS k, cost, unpriced_reason FROM priced ORDER BY k`);
    expect(costs.map((c) => c.k)).toEqual(['r1/0', 'r1/1', 'r2/0', 'r3/0', 'r4/0']);
    expect(costs.slice(0, 4).map((c) => c.cost)).toEqual([0.008, 0.00975, 0.01053, 0.004].map((v) => expect.closeTo(v, 12)));
    expect(costs[4]).toMatchObject({ cost: null });
    expect(String(costs[4]!.unpriced_reason)).toMatch(/no price for "acme\/mystery-1"/);
    expect(pricing.unresolved).toHaveLength(1);
    store.close();
  });

  it('rates, token profile, latency, LCPR and naive cost per route', async () => {
    const { store } = await fixtureStore();
    const [unpriced, g] = await summarize(store, { by: ['route'], overheads: { repairCostPerFailure: 0.002 } });
    expect(g!.key).toEqual({ route: 'openai/gpt-5.5' });
    expect(g).toMatchObject({ requests: 3, attempts: 4, quality: { pass: 2, fail: 1, repaired: 0, unknown: 0 } });
    expect(g!.rates.retry).toBeCloseTo(1 / 3, 12);
    expect(g!.rates.pass).toBeCloseTo(2 / 3, 12);
    expect(g!.rates.cacheHitTokens).toBeCloseTo(1500 / 5000, 12);
    expect(g!.rates.cacheHitRequests).toBeCloseTo(0.5, 12);
    expect(g!.rates.batchShare).toBeCloseTo(0.25, 12);
    expect(g!.rates.errorRate).toBeCloseTo(0.25, 12);
    expect(g!.rates.escalation).toBeCloseTo(1 / 3, 12);
    expect(g!.cost.tokenCostUsd).toBeCloseTo(0.03228, 12);
    // Naive = mean first-attempt cost: (0.008 + 0.01053 + 0.004) / 3.
    expect(g!.lcpr.naiveCostPerRequest).toBeCloseTo(0.02253 / 3, 12);
    // LCPR = (0.03228 + 3 × (1 − 2/3) × 0.002) ÷ (3 × 2/3) = 0.03428 / 2.
    expect(g!.lcpr.lcpr).toBeCloseTo(0.01714, 12);
    expect(g!.lcpr.overheadRatio).toBeCloseTo(0.01714 / (0.02253 / 3), 10);
    expect(g!.latency.ttftMs.p50).toBe(200);
    expect(g!.latency.tpotMs.p50).toBeCloseTo(10, 12);
    expect(g!.latency.e2eMs.p50).toBe(1290);
    expect(g!.tokens.input.mean).toBe(1250);
    expect(g!.window.days).toBeCloseTo(0.5, 12);
    // Little's law: (2200 + 1100 + 1290) ms in flight over a 12-hour window.
    expect(g!.latency.meanConcurrency).toBeCloseTo(4590 / 43_200_000, 15);
    expect(unpriced!.key).toEqual({ route: 'acme/mystery-1' });
    expect(unpriced!.lcpr.lcpr).toBeNull();
    expect(unpriced!.lcpr.missing).toMatch(/1 attempts have no catalog price/);
    store.close();
  });

  it('fixed monthly overheads are prorated to the window (12 h of a 31-day month: each day is 1/31 of its month)', async () => {
    const { store } = await fixtureStore();
    const [, g] = await summarize(store, { by: ['route'], overheads: { engineeringHoursPerMonth: 8, engineeringHourlyRate: 100 } });
    expect(g!.lcpr.breakdown.engineering).toBeCloseTo((800 * 0.5) / 31, 9);
    expect(g!.lcpr.lcpr).toBeCloseTo((0.03228 + 800 / 62) / 2, 9);
    store.close();
  });

  it('goodput counts accepted requests inside the SLO; workflows succeed only when every call passed', async () => {
    const { store } = await fixtureStore();
    const [, g] = await summarize(store, { by: ['route'], slo: { ttftMs: 250 } });
    expect(g!.goodput!.acceptedWithinSlo).toBe(1);
    expect(g!.goodput!.perSecond).toBeCloseTo(1 / 43_200, 12);
    expect(g!.workflows).toMatchObject({ count: 2, successRate: 0.5, callsPerWorkflow: 1.5, callsPerAcceptedTask: 3 });
    expect(g!.workflows!.costPerAcceptedTask).toBeCloseTo(0.03228, 12);
    store.close();
  });

  it('segments by day and by workload × route', async () => {
    const { store } = await fixtureStore();
    const rows = await summarize(store, { by: ['workload', 'route'], from: '2026-05-01T01:00' });
    expect(rows.map((r) => [r.key.workload, r.key.route, r.requests])).toEqual([
      ['chat', 'acme/mystery-1', 1],
      ['chat', 'openai/gpt-5.5', 2],
    ]);
    await expect(summarize(store, { by: ['colour' as never] })).rejects.toThrow(/--by colour is not a dimension/);
    store.close();
  });
});

describe('SQL pricing agrees with the engine', () => {
  const routes = ['openai/gpt-5.5', 'anthropic/claude-opus-4.7'].map((id) => findRoute(catalog, id) as TokenRouteEntry);
  it('property: every attempt costs what engine attemptCost says, cache writes, batch and long context included', async () => {
    const shape = fc.record({
      route: fc.integer({ min: 0, max: 1 }),
      input: fc.integer({ min: 1, max: 400_000 }),
      cachedShare: fc.double({ min: 0, max: 0.5, noNaN: true }),
      writeShare: fc.double({ min: 0, max: 0.5, noNaN: true }),
      oneHour: fc.boolean(),
      output: fc.integer({ min: 0, max: 20_000 }),
      batch: fc.boolean(),
    });
    const samples = fc.sample(shape, { numRuns: 60, seed: 7 });
    const rows = samples.map((s, i) => {
      const cached = Math.floor(s.input * s.cachedShare);
      const write = Math.floor(s.input * s.writeShare);
      const r = routes[s.route]!;
      return { ...s, i, cached, write, r, line: `2026-05-10T00:00:00Z,p${i},${r.id},${s.input},${cached},${write},${s.oneHour ? write : 0},${s.output},${s.batch}` };
    });
    const store = await memoryStore();
    await importFile(store, writeTemp('p.csv', ['timestamp,request_id,route,input_tokens,cached_input_tokens,cache_write_tokens,cache_write_1h_tokens,output_tokens,batch', ...rows.map((r) => r.line)].join('\n')), { today });
    await preparePricing(store, catalog);
    const costs = new Map((await query(store.conn, 'SELECT request_id, cost FROM priced')).map((c) => [c.request_id, c.cost as number]));
    for (const r of rows) {
      const sheet = pointAt(r.r, '2026-05-10').sheet;
      const engine = attemptCost(
        sheet,
        { inputTokens: r.input, outputTokens: r.output, cacheHitRate: r.cached / r.input, cacheWriteRate: r.write / r.input, cacheWriteTtl: r.oneHour ? '1h' : '5m', batchShare: r.batch ? 1 : 0 },
        r.r.id,
      ).total;
      expect(costs.get(`p${r.i}`), `row p${r.i}`).toBeCloseTo(engine, 9);
    }
    store.close();
  });

  it('a corrected catalog price re-prices history (cost is not frozen at import)', async () => {
    const store = await memoryStore();
    await importFile(store, writeTemp('a.csv', 'timestamp,request_id,route,input_tokens,output_tokens\n2026-05-10,a,openai/gpt-5.5,100000,0\n'), { today });
    await preparePricing(store, catalog);
    expect((await query(store.conn, 'SELECT cost FROM priced'))[0]!.cost).toBeCloseTo(0.5, 12);
    const entry = catalog.tokenRoutes.get('openai/gpt-5.5')!;
    const patched = { ...catalog, tokenRoutes: new Map(catalog.tokenRoutes) };
    patched.tokenRoutes.set('openai/gpt-5.5', { ...entry, history: entry.history.map((p) => ({ ...p, sheet: { ...p.sheet, input: { value: 4, evidence: 'public' as const } } })) });
    await preparePricing(store, patched);
    expect((await query(store.conn, 'SELECT cost FROM priced'))[0]!.cost).toBeCloseTo(0.4, 12);
    store.close();
  });
});
