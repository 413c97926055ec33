import fc from 'fast-check';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.js';
import { measuredTraceKitMetrics } from '../../src/engine/measured/trace-kit.js';
import { importFile } from '../../src/traces/import.js';
import { query } from '../../src/traces/db.js';
import { groupRoutes, summarize } from '../../src/traces/metrics.js';
import { preparePricing } from '../../src/traces/pricing.js';
import { cli } from '../helpers/cli.js';
import { METRICS_FIXTURE as FIXTURE, memoryStore, tempDir, writeTemp } from './helpers.js';

const catalog = loadCatalog();
const today = '2026-11-22';

async function fixtureStore() {
  const store = await memoryStore();
  await importFile(store, writeTemp('f.csv', FIXTURE), { today });
  await preparePricing(store, catalog);
  return store;
}

describe('Trace Kit metrics from per-request rows (seed 002)', () => {
  it('one priced route: measured LCPR, e2e p95 at the Little’s-law concurrency, cache burden and batch share at catalog ratios', async () => {
    const store = await fixtureStore();
    const [unpriced, g] = await summarize(store, { by: ['route'], overheads: { repairCostPerFailure: 0.002 }, traceKit: { catalog } });
    const t = g!.traceKit!;
    // LCPR = (0.03228 + 3 × (1 − 2/3) × 0.002) ÷ (3 × 2/3) = 0.01714 (metrics.test.ts).
    expect(t.costPerAcceptedOutput).toBeCloseTo(0.01714, 12);
    // e2e of ok attempts 1100, 1290, 2200: p95 = 1290 + 0.9 × 910 = 2109; p50 = 1290.
    expect(t.p95LatencyAtConcurrency.p95Ms).toBeCloseTo(2109, 9);
    expect(t.p95LatencyAtConcurrency.p95OverP50).toBeCloseTo(2109 / 1290, 12);
    // Σ e2e 4,590 ms over a 12-hour window.
    expect(t.p95LatencyAtConcurrency.concurrency).toBeCloseTo(4590 / 43_200_000, 15);
    // 1,250 mean input, 30% cached at half price: 1250 × (1 − 0.3 × 0.5).
    expect(t.prices).toEqual({ cachedOverInput: 0.5, batchOverStandard: 0.5 });
    expect(t.cacheAdjustedInputBurden).toBeCloseTo(1062.5, 9);
    // 1 of 4 attempts on batch, batch at half price.
    expect(t.batchDisplacementShare).toBeCloseTo(0.125, 12);
    expect(t.throughputHeadroom).toBeNull();
    expect(t.reasons.throughputHeadroom).toMatch(/openai\/gpt-5\.5 is billed per token/);
    expect(Object.keys(t.reasons)).toEqual(['throughputHeadroom']);
    // The unpriced route: no cost, no ratios, said why.
    const u = unpriced!.traceKit!;
    expect(u.costPerAcceptedOutput).toBeNull();
    expect(u.reasons.costPerAcceptedOutput).toMatch(/1 attempts have no catalog price/);
    expect(u.prices).toEqual({ cachedOverInput: null, batchOverStandard: null });
    expect(u.cacheAdjustedInputBurden).toBe(10);
    expect(u.reasons.batchDisplacementShare).toMatch(/unknown route "acme\/mystery-1"/);
    expect(u.reasons.throughputHeadroom).toMatch(/acme\/mystery-1 is not a GPU route the catalog knows/);
    store.close();
  });

  it('a group over mixed routes has no price ratio: burden is the uncached tokens, marked a lower bound', async () => {
    const store = await fixtureStore();
    const [g] = await summarize(store, { by: ['workload'], traceKit: { catalog } });
    const t = g!.traceKit!;
    expect(t.prices).toEqual({ cachedOverInput: null, batchOverStandard: null });
    // Mean input 5,010 / 5 = 1,002 with 1,500 of 5,010 cached: 1,002 × (1 − 1500/5010) = 702.
    expect(t.cacheAdjustedInputBurden).toBeCloseTo(702, 9);
    expect(t.reasons.cacheAdjustedInputBurden).toMatch(/mixed routes \(acme\/mystery-1, openai\/gpt-5\.5\).*lower bound/);
    expect(t.batchDisplacementShare).toBeNull();
    expect(t.costPerAcceptedOutput).toBeNull();
    expect(t.reasons.throughputHeadroom).toMatch(/mixed routes/);
    store.close();
  });

  it('a fallback retry on another route makes its request\'s group mixed (groups follow the first attempt)', async () => {
    const store = await memoryStore();
    const csv = [
      'timestamp,request_id,attempt,workload,provider,model,input_tokens,cached_input_tokens,output_tokens,e2e_ms,status,quality,fallback',
      '2026-05-01T00:00:00Z,f1,0,chat,openai,gpt-5.5,1000,0,100,,error,unknown,false',
      '2026-05-01T00:00:02Z,f1,1,chat,anthropic,claude-sonnet-4.6,1000,0,100,900,ok,pass,true',
      '2026-05-01T01:00:00Z,f2,0,chat,openai,gpt-5.5,1000,0,100,800,ok,pass,false',
    ].join('\n');
    await importFile(store, writeTemp('fb.csv', csv), { today });
    await preparePricing(store, catalog);
    const groups = await summarize(store, { by: ['route'], traceKit: { catalog } });
    // The retry belongs to f1, whose first attempt was on GPT-5.5: that group is mixed; no Sonnet group exists.
    expect(groups.map((g) => g.key.route)).toEqual(['openai/gpt-5.5']);
    expect(groups[0]!.traceKit!.reasons.batchDisplacementShare).toBe('mixed routes (anthropic/claude-sonnet-4.6, openai/gpt-5.5): no single catalog price ratio');
    store.close();
  });

  it('property: groupRoutes groups by each request\'s first attempt in the window, as computed by hand from the priced rows', async () => {
    const store = await memoryStore();
    const routes = ['openai,gpt-5.5', 'anthropic,claude-sonnet-4.6', 'acme,mystery-1'];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ retries: fc.nat(2), routes: fc.array(fc.nat(2), { minLength: 3, maxLength: 3 }), hour: fc.nat(47), wl: fc.nat(1) }), { minLength: 1, maxLength: 12 }),
        fc.nat(47),
        async (reqs, cut) => {
          await store.conn.run('DELETE FROM requests; DELETE FROM imports');
          const lines = ['timestamp,request_id,attempt,workload,provider,model,input_tokens,output_tokens'];
          reqs.forEach((r, i) => {
            for (let a = 0; a <= r.retries; a++) {
              const t = new Date(Date.UTC(2026, 4, 1, r.hour + a * 12)).toISOString();
              lines.push(`${t},q${i},${a},w${r.wl},${routes[r.routes[a]!]},10,10`);
            }
          });
          await importFile(store, writeTemp('p.csv', lines.join('\n')), { today });
          await preparePricing(store, catalog);
          const from = new Date(Date.UTC(2026, 4, 1, cut)).toISOString().slice(0, 16);
          for (const by of [['route'], ['workload', 'day'], []] as const) {
            const opts = { by: [...by], from };
            const fast = await groupRoutes(store, opts);
            // The oracle, in TS from the priced rows of the window: a request's first attempt (in the window) gives its dimensions.
            const rows = await query(store.conn, `SELECT request_id, attempt, workload, route, price_key, strftime(ts, '%Y-%m-%d') AS day FROM priced WHERE ts >= CAST('${from}' AS TIMESTAMP)`);
            const first = new Map<string, Record<string, unknown>>();
            for (const r of rows) if (!first.has(String(r.request_id)) || Number(first.get(String(r.request_id))!.attempt) > Number(r.attempt)) first.set(String(r.request_id), r);
            const counts = new Map<string, number>();
            for (const r of rows) {
              const f = first.get(String(r.request_id))!;
              const k = JSON.stringify([by.map((d) => f[d] ?? null), r.route, r.price_key ?? null]);
              counts.set(k, (counts.get(k) ?? 0) + 1);
            }
            const slow = [...counts].map(([k, n]) => ({ k, n }));
            const norm = (xs: string[]) => xs.sort().join('|');
            const want = norm(slow.map(({ k }) => k));
            const got = norm([...fast].flatMap(([k, list]) => list.map((x) => JSON.stringify([JSON.parse(k), x.route, x.priceKey]))));
            expect(got).toEqual(want);
          }
        },
      ),
      { numRuns: 15 },
    );
    store.close();
  });

  it('without traceKit in the options, summaries stay as they were', async () => {
    const store = await fixtureStore();
    const [g] = await summarize(store, { by: [] });
    expect(g!.traceKit).toBeUndefined();
    store.close();
  });

  it('CLI: summarize shows the five metrics per group in text and --json; GPU headroom from --gpu-hours', async () => {
    const dir = tempDir();
    const db = join(dir, 's.duckdb');
    expect((await cli('traces', 'import', writeTemp('f.csv', FIXTURE, dir), '--db', db)).code).toBe(0);
    // 2 × 1,350,000 output tokens on one Lambda H100 (1,500 tok/s) over 1 GPU-hour: 50% utilization (gpu.test.ts).
    const gpuCsv = ['timestamp,request_id,route,model,input_tokens,output_tokens,quality,e2e_ms', '2026-05-10T00:00:00Z,g1,lambda/h100-sxm,llama-3.3-70b,1000,1350000,pass,1000', '2026-05-10T00:30:00Z,g2,lambda/h100-sxm,llama-3.3-70b,1000,1350000,pass,3000'].join('\n');
    expect((await cli('traces', 'import', writeTemp('g.csv', gpuCsv, dir), '--db', db)).code).toBe(0);
    const r = await cli('traces', 'summarize', '--db', db, '--by', 'route', '--gpu-hours', 'lambda/h100-sxm=1', '--json');
    expect(r.code, r.stderr).toBe(0);
    const groups = JSON.parse(r.stdout).groups as { key: { route: string }; traceKit: { throughputHeadroom: number | null; reasons: Record<string, string>; costPerAcceptedOutput: number | null } }[];
    const gpu = groups.find((x) => x.key.route === 'lambda/h100-sxm')!;
    expect(gpu.traceKit.throughputHeadroom).toBeCloseTo(0.5, 12);
    expect(gpu.traceKit.reasons.cacheAdjustedInputBurden).toBeUndefined(); // no cached tokens: nothing to bound
    expect(gpu.traceKit.reasons.batchDisplacementShare).toMatch(/billed by the GPU-hour/);
    const gpt = groups.find((x) => x.key.route === 'openai/gpt-5.5')!;
    // No overheads given: LCPR = token cost 0.03228 ÷ 2 accepted.
    expect(gpt.traceKit.costPerAcceptedOutput).toBeCloseTo(0.01614, 12);
    const noHours = JSON.parse((await cli('traces', 'summarize', '--db', db, '--by', 'route', '--json')).stdout).groups.find((x: { key: { route: string } }) => x.key.route === 'lambda/h100-sxm');
    expect(noHours.traceKit.throughputHeadroom).toBeNull();
    expect(noHours.traceKit.reasons.throughputHeadroom).toBe('no --gpu-hours given for lambda/h100-sxm');
    const text = await cli('traces', 'summarize', '--db', db, '--by', 'route', '--gpu-hours', 'lambda/h100-sxm=1');
    expect(text.stdout).toMatch(/Trace Kit metrics \(Inference Economics Playbook overview/);
    const row = text.stdout.split('\n').find((l) => l.includes('openai/gpt-5.5') && l.includes('12.5%'));
    expect(row, text.stdout).toBeDefined();
    expect(text.stdout).toMatch(/throughputHeadroom: no --gpu-hours|throughputHeadroom: openai\/gpt-5\.5 is billed per token/);
  });

  it('property: the burden lies between the uncached and all input tokens; displacement never exceeds the batch share', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
        fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
        (input, hit, batch, cached, batchRatio) => {
          const t = measuredTraceKitMetrics({ costPerRequest: 1, acceptedRate: 0.5, e2eP50Ms: 100, e2eP95Ms: 200, meanConcurrency: 1, meanInputTokens: input, cacheHitRate: hit, batchShare: batch, cachedOverInput: cached, batchOverStandard: batchRatio });
          const eps = 1e-9 * Math.max(1, input);
          expect(t.cacheAdjustedInputBurden).toBeGreaterThanOrEqual(input * (1 - hit) - eps);
          expect(t.cacheAdjustedInputBurden).toBeLessThanOrEqual(input + eps);
          if (t.batchDisplacementShare !== null) expect(t.batchDisplacementShare).toBeLessThanOrEqual(batch + 1e-12);
          expect(t.costPerAcceptedOutput).toBeCloseTo(2, 12);
        },
      ),
    );
  });

  it('rejects out-of-range inputs by name', () => {
    const base = { costPerRequest: 1, acceptedRate: 0.5, e2eP50Ms: 1, e2eP95Ms: 1, meanConcurrency: 1, meanInputTokens: 1, cacheHitRate: 0.1, batchShare: 0, cachedOverInput: null, batchOverStandard: null };
    expect(() => measuredTraceKitMetrics({ ...base, cacheHitRate: 1.2 })).toThrow(/cacheHitRate is 1.2; allowed 0 ≤ value ≤ 1/);
    expect(() => measuredTraceKitMetrics({ ...base, acceptedRate: -0.1 })).toThrow(/acceptedRate is -0.1/);
  });
});
