import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareRoutes } from '../../src/engine/cost/compare.js';
import { computeLcpr } from '../../src/engine/cost/lcpr.js';
import { resolveRoute } from '../../src/catalog/resolve.js';
import { DEFAULTS } from '../../src/workload/defaults.js';
import { catalog, example, expectPrinted, printed } from '../helpers/claims.js';

const discrepancies = readFileSync(resolve(import.meta.dirname, '../../docs/discrepancies.md'), 'utf8');
const route = (id: string, asOf: string) => resolveRoute(catalog(), { id, asOf }, { utilization: DEFAULTS.utilization });
const monthly = (name: string, file: string, id: string) => {
  const w = example(file).find((x) => x.name === name)!;
  return compareRoutes(w.profile, w.routes).routes.find((r) => r.route === id)!;
};

describe('p5-stage0: GPT-5.5 at 200K requests/month (Part 0 profile)', () => {
  const [saas] = example('saas-chat.yaml');
  const profile = { ...saas!.profile, requestsPerMonth: 200_000 };
  it('costs $4,116/month', () => {
    expectPrinted(computeLcpr(profile, route('openai/gpt-5.5', '2026-05-15')).monthlyCost, printed('p5-stage0', 'gpt55_monthly'));
  });
  it("saves $2,987/month only at Together's earlier $1.25/$1.25 DeepSeek-V3 price", () => {
    const gpt = computeLcpr(profile, route('openai/gpt-5.5', '2026-04-30')).monthlyCost;
    const old = computeLcpr(profile, route('together/deepseek-v3', '2026-04-30')).monthlyCost;
    expectPrinted(gpt - old, printed('p5-stage0', 'savings'));
    const current = computeLcpr(profile, route('together/deepseek-v3', '2026-05-15')).monthlyCost;
    expect(gpt - current).toBeCloseTo(3057.04, 2);
    expect(discrepancies).toContain('p5-stage0');
  });
});

describe('p5-stage0-caching: Sonnet with an 83% cache hit rate (examples/stage0-caching.yaml)', () => {
  const uncached = monthly('sonnet-uncached', 'stage0-caching.yaml', 'anthropic/claude-sonnet-4.6');
  const cached = monthly('sonnet-cached', 'stage0-caching.yaml', 'anthropic/claude-sonnet-4.6');
  const together = monthly('together-uncached', 'stage0-caching.yaml', 'together/deepseek-v3');
  it('uncached $12,901 and cached $7,361 per month, $5,540 saved, LCPR down 43%', () => {
    expectPrinted(uncached.monthlyCost, printed('p5-stage0-caching', 'uncached_monthly'));
    expectPrinted(cached.monthlyCost, printed('p5-stage0-caching', 'cached_monthly'));
    expectPrinted(uncached.monthlyCost - cached.monthlyCost, printed('p5-stage0-caching', 'savings'));
    expectPrinted(1 - cached.lcpr / uncached.lcpr, printed('p5-stage0-caching', 'lcpr_drop'));
  });
  it('cached Sonnet $0.0155 LCPR is 1.7x Together uncached $0.0091 (at the earlier $1.25/$1.25 price)', () => {
    expectPrinted(cached.lcpr, printed('p5-stage0-caching', 'cached_sonnet_lcpr'));
    expectPrinted(together.lcpr, printed('p5-stage0-caching', 'together_uncached_lcpr'));
    expectPrinted(cached.lcpr / together.lcpr, printed('p5-stage0-caching', 'ratio'));
  });
});

describe('p5-stage1-split: 2M requests/month, 70/30 split (examples/stage1-split.yaml)', () => {
  const all = monthly('all-on-gpt-5.5', 'stage1-split.yaml', 'openai/gpt-5.5').monthlyCost;
  const split =
    monthly('quality-sensitive-70pct', 'stage1-split.yaml', 'openai/gpt-5.5').monthlyCost +
    monthly('long-tail-30pct', 'stage1-split.yaml', 'together/deepseek-v3').monthlyCost;
  it('GPT-5.5 alone costs $33,960/month', () => {
    expectPrinted(all, printed('p5-stage1-split', 'gpt55_monthly'));
  });
  it('the split comes to $25,589 — "about $25,500" to the nearest $500 — saving $8,371, "about $8,400"', () => {
    expect(split).toBeCloseTo(25588.88, 2);
    expect(Math.abs(split - printed('p5-stage1-split', 'split_monthly').value)).toBeLessThanOrEqual(250);
    expect(Math.abs(all - split - printed('p5-stage1-split', 'savings').value)).toBeLessThanOrEqual(50);
    expect(discrepancies).toContain('p5-stage1-split');
  });
});

describe('p5-stage2: 10M requests/month (examples/stage2.yaml)', () => {
  const [w] = example('stage2.yaml');
  const r = new Map(compareRoutes(w!.profile, w!.routes).routes.map((x) => [x.route, x]));
  it('GPT-5.5 $166,600, Together $13,748, Lambda H100 at 40% $10,418 on three GPUs', () => {
    expectPrinted(r.get('openai/gpt-5.5')!.monthlyCost, printed('p5-stage2', 'gpt55_monthly'));
    expectPrinted(r.get('together/deepseek-v3')!.monthlyCost, printed('p5-stage2', 'together_monthly'));
    expectPrinted(r.get('lambda/h100-sxm')!.monthlyCost, printed('p5-stage2', 'lambda_monthly'));
    expect(r.get('lambda/h100-sxm')!.gpu!.count).toBe(3);
  });
});
