import { describe, expect, it } from 'vitest';
import type { Sourced } from '../../src/engine/evidence.js';
import { computeLcpr, type GpuRouteSpec, type TokenRouteSpec, type WorkloadProfile } from '../../src/engine/cost/lcpr.js';
import { monteCarlo } from '../../src/engine/uncertainty/monte-carlo.js';

const pub = (value: number): Sourced => ({ value, evidence: 'public' });
const fixed = (value: number): Sourced => ({ value, evidence: 'contracted' });
const base: WorkloadProfile = {
  requestsPerMonth: fixed(500_000),
  inputTokens: fixed(800),
  outputTokens: fixed(400),
  retryRate: fixed(0.03),
  qualityPassRate: fixed(0.95),
  repairCostPerFailure: fixed(0.002),
  engineeringHoursPerMonth: fixed(8),
  engineeringHourlyRate: fixed(100),
};
// DeepInfra gpt-oss-120b has no cached-input price; Together DeepSeek-V3 has one (seed prices).
const deepinfra: TokenRouteSpec = { id: 'deepinfra', mode: 'serverless', billing: 'tokens', price: { input: pub(0.09), output: pub(0.45) } };
const together: TokenRouteSpec = { id: 'together', mode: 'serverless', billing: 'tokens', price: { input: pub(0.6), output: pub(1.7), cachedInput: pub(0.3) } };
// A measured cache hit of 0 with a tiny sampling error: every sample draws a hit just above zero.
const measuredZeroHit: WorkloadProfile = { ...base, cacheHitRate: { value: 0, evidence: 'measured', uncertainty: { standardError: 0.0000141 } } };

describe('Monte Carlo never states false certainty (issue 11 item 1)', () => {
  it('a route without a cached price bills cached tokens at its input price, with a note', () => {
    const r = computeLcpr({ ...base, cacheHitRate: fixed(0.5) }, deepinfra);
    const none = computeLcpr(base, deepinfra);
    expect(r.lcpr).toBeCloseTo(none.lcpr, 12);
    expect(r.notes.join(' ')).toMatch(/no cached-input price.*billed at the input price/);
  });

  it('a sampled cache hit above zero keeps the cheapest route priced and winning', () => {
    const mc = monteCarlo(measuredZeroHit, [deepinfra, together], { samples: 500, seed: 1 });
    const d = mc.routes.find((x) => x.route === 'deepinfra')!;
    expect(d.unpricedSamples).toBe(0);
    expect(Number.isFinite(d.lcpr.p50)).toBe(true);
    expect(mc.recommended).toBe('deepinfra');
    expect(d.winProbability).toBe(1);
    expect(mc.notes.join(' ')).toMatch(/deepinfra has no cached-input price: cached tokens are billed at the input price/);
    expect(JSON.stringify(mc)).not.toMatch(/NaN|null/);
  });

  it('a sample where a route cannot be priced counts as a win for no route, and says so', () => {
    // A fixed one-GPU fleet that the uncertain volume overflows in some samples: it is cheapest when it fits.
    const gpu: GpuRouteSpec = { id: 'gpu', mode: 'self_managed', billing: 'gpu', gpuHourly: pub(0.5), throughputTokensPerSecond: pub(100), utilization: pub(0.5), gpus: 1 };
    const vol: WorkloadProfile = { ...base, requestsPerMonth: { value: 500_000, evidence: 'assumed', uncertainty: { range: [400_000, 800_000], dist: 'uniform' } } };
    const mc = monteCarlo(vol, [gpu, together], { samples: 2000, seed: 4, defaultSpreads: false });
    const g = mc.routes.find((x) => x.route === 'gpu')!;
    // 1 GPU × 100 tok/s × 2,592,000 s = 259.2M tokens/month at most: 259.2M ÷ (400 × 1.03) = 629,126 requests.
    expect(g.unpricedSamples).toBeGreaterThan(0);
    expect(mc.undecidedSamples).toBe(g.unpricedSamples);
    const sum = mc.routes.reduce((s, x) => s + x.winProbability, 0);
    expect(sum).toBeCloseTo(1 - mc.undecidedSamples / 2000, 12);
    // Together never silently "wins" the samples where the GPU route could not be priced.
    expect(mc.routes.find((x) => x.route === 'together')!.winProbability).toBe(0);
    expect(mc.wrongPickProbability).toBeCloseTo(mc.undecidedSamples / 2000, 12);
    expect(mc.notes.join(' ')).toMatch(/samples could not price every route .*count as a win for no route/);
  });
});
