import { describe, expect, it } from 'vitest';
import { compareRoutes } from '../../src/engine/cost/compare.js';
import { computeLcpr } from '../../src/engine/cost/lcpr.js';
import { example, expectPrinted, printed } from '../helpers/claims.js';

const [saas] = example('saas-chat.yaml');
const byRoute = (results: ReturnType<typeof compareRoutes>) => new Map(results.routes.map((r) => [r.route, r]));

const CLAIM_ROUTE: Record<string, string> = {
  'openai/gpt-5.5': 'openai/gpt-5.5',
  'lambda/h100-dedicated': 'lambda/h100-sxm',
  'together/deepseek-v3': 'together/deepseek-v3',
  'fireworks/llama-70b': 'fireworks/llama-3.3-70b',
  'deepinfra/gpt-oss-120b': 'deepinfra/gpt-oss-120b',
};

describe('p0-worked-example: the Part 0 table from examples/saas-chat.yaml', () => {
  const results = byRoute(compareRoutes(saas!.profile, saas!.routes));
  for (const [claimRoute, route] of Object.entries(CLAIM_ROUTE)) {
    it(`${claimRoute} reproduces raw $/request, LCPR, monthly cost and overhead ratio`, () => {
      const r = results.get(route)!;
      expect(r, route).toBeDefined();
      expectPrinted(r.rawCostPerRequest, printed('p0-worked-example', claimRoute, 'raw_per_request'), 'raw');
      expectPrinted(r.lcpr, printed('p0-worked-example', claimRoute, 'lcpr'), 'lcpr');
      expectPrinted(r.monthlyCost, printed('p0-worked-example', claimRoute, 'monthly'), 'monthly');
      expectPrinted(r.overheadRatio!, printed('p0-worked-example', claimRoute, 'overhead_ratio'), 'overhead');
    });
  }
  it('sizes the Lambda H100 route to one GPU: 206M output tokens fit in 1,555M of 40% capacity', () => {
    const gpu = results.get('lambda/h100-sxm')!.gpu!;
    expect(gpu.count).toBe(1);
    expect(gpu.demandTokensPerMonth).toBe(500_000 * 1.03 * 400);
    expect(gpu.monthlyCost).toBeCloseTo(2872.8, 6);
  });
});

describe('p0-ratios and the reliability variants', () => {
  const gpt = saas!.routes.find((r) => r.id === 'openai/gpt-5.5')!;
  const together = saas!.routes.find((r) => r.id === 'together/deepseek-v3')!;
  const pair = (overrides: Partial<NonNullable<typeof saas>["profile"]>) => {
    const p = { ...saas!.profile, ...overrides };
    return [computeLcpr(p, gpt), computeLcpr(p, together)] as const;
  };

  it('p0-ratios: GPT-5.5 vs Together is 13.8x raw and 6.3x at LCPR', () => {
    const [g, t] = pair({});
    expectPrinted(g.rawCostPerRequest / t.rawCostPerRequest, printed('p0-ratios', 'raw_ratio'));
    expectPrinted(g.lcpr / t.lcpr, printed('p0-ratios', 'lcpr_ratio'));
  });
  it('p0-retry-20: at a 20% retry rate GPT-5.5 $0.0220, Together $0.0033, ratio 6.8x', () => {
    const [g, t] = pair({ retryRate: 0.2 });
    expectPrinted(g.lcpr, printed('p0-retry-20', 'gpt55_lcpr'));
    expectPrinted(t.lcpr, printed('p0-retry-20', 'together_lcpr'));
    expectPrinted(g.lcpr / t.lcpr, printed('p0-retry-20', 'ratio'));
  });
  it('p0-quality-70: at a 70% pass rate GPT-5.5 $0.0267, Together $0.0048, ratio 5.5x', () => {
    const [g, t] = pair({ qualityPassRate: 0.7 });
    expectPrinted(g.lcpr, printed('p0-quality-70', 'gpt55_lcpr'));
    expectPrinted(t.lcpr, printed('p0-quality-70', 'together_lcpr'));
    expectPrinted(g.lcpr / t.lcpr, printed('p0-quality-70', 'ratio'));
  });
  [0, 1, 2, 3].forEach((i) => {
    const out = printed('p0-io-ratio-table', i, 'output_tokens').value;
    it(`p0-io-ratio-table: ${out} output tokens gives the printed raw and LCPR ratios`, () => {
      const [g, t] = pair({ outputTokens: out });
      expectPrinted(g.rawCostPerRequest / t.rawCostPerRequest, printed('p0-io-ratio-table', i, 'raw_ratio'));
      expectPrinted(g.lcpr / t.lcpr, printed('p0-io-ratio-table', i, 'lcpr_ratio'));
    });
  });
  it('p0-low-volume-engineering: at 50K requests, 8 h at $100 adds $0.016 per request', () => {
    const r = computeLcpr({ ...saas!.profile, requestsPerMonth: 50_000 }, together);
    expectPrinted(r.breakdown.engineering / 50_000, printed('p0-low-volume-engineering', 'engineering_per_request'));
  });
});
