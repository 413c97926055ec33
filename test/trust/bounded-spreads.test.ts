import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Sourced } from '../../src/engine/evidence.js';
import type { TokenRouteSpec, WorkloadProfile } from '../../src/engine/cost/lcpr.js';
import { quantile, resolveInput } from '../../src/engine/uncertainty/distributions.js';
import { monteCarlo } from '../../src/engine/uncertainty/monte-carlo.js';
import { tornado } from '../../src/engine/uncertainty/sensitivity.js';

const pub = (value: number): Sourced => ({ value, evidence: 'public' });
const fixed = (value: number): Sourced => ({ value, evidence: 'contracted' });
const base: WorkloadProfile = {
  requestsPerMonth: fixed(500_000),
  inputTokens: fixed(800),
  outputTokens: fixed(400),
  retryRate: fixed(0.03),
  qualityPassRate: { value: 0.95, evidence: 'assumed' },
  repairCostPerFailure: fixed(0.002),
  engineeringHoursPerMonth: fixed(8),
  engineeringHourlyRate: fixed(100),
};
const gpt: TokenRouteSpec = { id: 'gpt', mode: 'closed_api', billing: 'tokens', price: { input: pub(5), output: pub(30) } };
const PASS = { min: 0, minExclusive: true, max: 1 } as const;

describe('spreads of bounded rates stay in bounds and bracket the value (issue 11 item 8)', () => {
  it('sensitivity swings an assumed 0.95 pass rate below and above 0.95, not 0.6329 → 0.9487', () => {
    const [t] = tornado(base, [gpt], { levers: ['quality_pass_rate'] });
    const bar = t!.bars[0]!;
    expect(bar.low).toBeLessThan(0.95);
    expect(bar.high).toBeGreaterThan(0.95);
    expect(bar.high).toBeLessThan(1);
    // Odds 19 ×/÷ 1.5 bound the spread: 0.927 … 0.966.
    expect(bar.low).toBeGreaterThan(0.9268);
    expect(bar.high).toBeLessThan(0.9662);
    expect(bar.lcprAtLow).toBeGreaterThan(t!.baseLcpr);
    expect(bar.lcprAtHigh).toBeLessThan(t!.baseLcpr);
  });

  it('Monte Carlo never samples the 0.95 pass rate down to 47.5%', () => {
    const mc = monteCarlo(base, [gpt], { samples: 4000, seed: 1, defaultSpreads: true });
    const pass = mc.inputs.find((i) => i.id === 'qualityPassRate')!;
    expect(quantile(pass.distribution, 0)).toBeGreaterThan(0.92);
    expect(quantile(pass.distribution, 0.999999)).toBeLessThan(1);
    expect(quantile(pass.distribution, 0.5)).toBeCloseTo(0.95, 9);
  });

  it('for any rate strictly inside (0, 1) and any evidence, P10 < value < P90 and every quantile is inside (0, 1)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-6, max: 1 - 1e-6, noNaN: true }),
        fc.constantFrom<Sourced['evidence']>('assumed', 'estimated', 'industry_estimate', 'measured'),
        fc.option(fc.double({ min: 1e-6, max: 0.2, noNaN: true }), { nil: undefined }),
        (v, evidence, se) => {
          const s: Sourced = { value: v, evidence, ...(se !== undefined ? { uncertainty: { standardError: se } } : {}) };
          const d = resolveInput('quality_pass_rate', s, PASS).distribution;
          const p10 = quantile(d, 0.1);
          const p90 = quantile(d, 0.9);
          expect(p10).toBeLessThanOrEqual(v);
          expect(p90).toBeGreaterThanOrEqual(v);
          for (const u of [0, 0.1, 0.5, 0.9, 0.999999]) {
            const x = quantile(d, u);
            expect(x).toBeGreaterThan(0);
            expect(x).toBeLessThanOrEqual(1);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('the point estimate against its P10–P90 (issue 11 item 8)', () => {
  it('says why the point estimate can sit near an edge of the band', () => {
    // A declared range with the value at its top (0.5–0.95, mode 0.95): LCPR ∝ 1/pass sits mostly above the point.
    const skewed: WorkloadProfile = { ...base, qualityPassRate: { value: 0.95, evidence: 'assumed', uncertainty: { range: [0.5, 0.95] } } };
    const mc = monteCarlo(skewed, [gpt], { samples: 2000, seed: 2, defaultSpreads: false });
    const r = mc.routes[0]!;
    expect(r.pointLcpr).toBeLessThan(r.lcpr.p10 + 0.15 * (r.lcpr.p90 - r.lcpr.p10));
    expect(mc.notes.join(' ')).toMatch(/point estimate of gpt sits near an edge of its P10–P90 band/);
  });
});
