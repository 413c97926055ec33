import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeLcpr, type GpuRouteSpec, type TokenRouteSpec, type WorkloadProfile } from '../src/engine/cost/lcpr.js';
import { RoutefitError } from '../src/engine/errors.js';
import { attemptCost } from '../src/engine/cost/token-pricing.js';

const s = (value: number) => ({ value, evidence: 'public' as const });

const profileArb = fc.record({
  requestsPerMonth: fc.integer({ min: 1, max: 100_000_000 }),
  inputTokens: fc.integer({ min: 0, max: 200_000 }),
  outputTokens: fc.integer({ min: 1, max: 8_000 }),
  retryRate: fc.double({ min: 0, max: 1, noNaN: true }),
  qualityPassRate: fc.double({ min: 0.01, max: 1, noNaN: true }),
  repairCostPerFailure: fc.double({ min: 0, max: 1, noNaN: true }),
  engineeringHoursPerMonth: fc.double({ min: 0, max: 200, noNaN: true }),
  engineeringHourlyRate: fc.double({ min: 0, max: 400, noNaN: true }),
  cacheHitRate: fc.double({ min: 0, max: 1, noNaN: true }),
  batchEligibleShare: fc.double({ min: 0, max: 1, noNaN: true }),
}) satisfies fc.Arbitrary<WorkloadProfile>;

const tokenRouteArb: fc.Arbitrary<TokenRouteSpec> = fc
  .record({
    input: fc.double({ min: 0.01, max: 100, noNaN: true }),
    output: fc.double({ min: 0.01, max: 200, noNaN: true }),
    cachedShare: fc.double({ min: 0, max: 1, noNaN: true }),
    batchShare: fc.double({ min: 0.1, max: 1, noNaN: true }),
  })
  .map(({ input, output, cachedShare, batchShare }) => ({
    id: 'x/y',
    billing: 'tokens',
    mode: 'serverless',
    price: {
      input: s(input),
      output: s(output),
      cachedInput: s(input * cachedShare),
      batchInput: s(input * batchShare),
      batchOutput: s(output * batchShare),
    },
  }));

const gpuRouteArb: fc.Arbitrary<GpuRouteSpec> = fc
  .record({
    hourly: fc.double({ min: 0.1, max: 20, noNaN: true }),
    throughput: fc.double({ min: 10, max: 20_000, noNaN: true }),
    utilization: fc.double({ min: 0.05, max: 1, noNaN: true }),
  })
  .map(({ hourly, throughput, utilization }) => ({
    id: 'g/h100',
    billing: 'gpu',
    mode: 'self_managed',
    gpuHourly: hourly,
    throughputTokensPerSecond: throughput,
    utilization,
  }));

const routeArb = fc.oneof(tokenRouteArb, gpuRouteArb);

describe('LCPR invariants', () => {
  it('every valid input gives finite, non-negative numbers and LCPR ≥ raw cost (overhead ratio ≥ 1)', () => {
    fc.assert(
      fc.property(profileArb, routeArb, (p, r) => {
        const out = computeLcpr(p, r);
        for (const v of [out.lcpr, out.monthlyCost, out.rawCostPerRequest, out.acceptedRequestsPerMonth]) {
          expect(Number.isFinite(v)).toBe(true);
          expect(v).toBeGreaterThanOrEqual(0);
        }
        expect(out.lcpr).toBeGreaterThanOrEqual(out.rawCostPerRequest * (1 - 1e-12));
        if (out.overheadRatio !== null) expect(out.overheadRatio).toBeGreaterThanOrEqual(1 - 1e-12);
        const b = out.breakdown;
        expect(b.tokens + b.gpu + b.repair + b.engineering + b.eval + b.human + b.ops + b.invoiceDelta).toBeCloseTo(out.monthlyCost, 6);
        expect(b.retries).toBeLessThanOrEqual(b.tokens + 1e-9);
      }),
    );
  });

  it('LCPR rises with retry rate on token routes, never falls on GPU routes', () => {
    fc.assert(
      fc.property(profileArb, routeArb, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (p, r, a, b) => {
        const [lo, hi] = a < b ? [a, b] : [b, a];
        fc.pre(hi - lo > 1e-6);
        const l = computeLcpr({ ...p, retryRate: lo }, r).lcpr;
        const h = computeLcpr({ ...p, retryRate: hi }, r).lcpr;
        if (r.billing === 'tokens') expect(h).toBeGreaterThan(l);
        else expect(h).toBeGreaterThanOrEqual(l);
      }),
    );
  });

  it('LCPR falls as the quality pass rate rises', () => {
    fc.assert(
      fc.property(profileArb, routeArb, fc.double({ min: 0.01, max: 1, noNaN: true }), fc.double({ min: 0.01, max: 1, noNaN: true }), (p, r, a, b) => {
        const [lo, hi] = a < b ? [a, b] : [b, a];
        fc.pre(hi - lo > 1e-6);
        expect(computeLcpr({ ...p, qualityPassRate: hi }, r).lcpr).toBeLessThan(computeLcpr({ ...p, qualityPassRate: lo }, r).lcpr);
      }),
    );
  });

  it('LCPR rises with engineering hours whenever the rate is positive', () => {
    fc.assert(
      fc.property(profileArb, routeArb, fc.double({ min: 1, max: 100, noNaN: true }), (p, r, extra) => {
        fc.pre(p.engineeringHourlyRate >= 0.01); // below a cent per hour the increment vanishes in floating point
        const base = computeLcpr(p, r).lcpr;
        const more = computeLcpr({ ...p, engineeringHoursPerMonth: Math.min(744, p.engineeringHoursPerMonth + extra) }, r).lcpr;
        if (p.engineeringHoursPerMonth + extra <= 744) expect(more).toBeGreaterThan(base);
      }),
    );
  });

  // With a batch share, uncached input pays the batch rate while cache reads keep the cached rate, so
  // caching can cost more than batch when cached > batch input price: the property holds without batch.
  it('caching never raises the cost when the cached price is at most the input price (no batch share)', () => {
    fc.assert(
      fc.property(profileArb, tokenRouteArb, fc.double({ min: 0, max: 1, noNaN: true }), (p, r, extra) => {
        const lo = computeLcpr({ ...p, batchEligibleShare: 0, cacheHitRate: 0 }, r).lcpr;
        const hi = computeLcpr({ ...p, batchEligibleShare: 0, cacheHitRate: extra }, r).lcpr;
        expect(hi).toBeLessThanOrEqual(lo * (1 + 1e-9)); // equal prices differ only by float rounding
      }),
    );
  });

  it('a larger batch share never raises the cost when batch prices are at most standard', () => {
    fc.assert(
      fc.property(profileArb, tokenRouteArb, fc.double({ min: 0, max: 1, noNaN: true }), (p, r, share) => {
        const none = computeLcpr({ ...p, batchEligibleShare: 0 }, r).lcpr;
        const some = computeLcpr({ ...p, batchEligibleShare: share }, r).lcpr;
        expect(some).toBeLessThanOrEqual(none * (1 + 1e-9));
      }),
    );
  });

  it('GPU count is at least one, never falls as volume grows, and the fleet never runs above 100%', () => {
    fc.assert(
      fc.property(profileArb, gpuRouteArb, fc.integer({ min: 1, max: 50 }), (p, r, k) => {
        const a = computeLcpr(p, r).gpu!;
        const b = computeLcpr({ ...p, requestsPerMonth: p.requestsPerMonth * k }, r).gpu!;
        expect(a.count).toBeGreaterThanOrEqual(1);
        expect(b.count).toBeGreaterThanOrEqual(a.count);
        expect(a.realizedUtilization).toBeLessThanOrEqual(r.utilization as number + 1e-9);
      }),
    );
  });
});

describe('impossible inputs are errors, never Infinity or NaN', () => {
  const route: TokenRouteSpec = { id: 'x/y', billing: 'tokens', mode: 'serverless', price: { input: s(1), output: s(1) } };
  const base: WorkloadProfile = {
    requestsPerMonth: 1000, inputTokens: 100, outputTokens: 100, retryRate: 0, qualityPassRate: 0.9,
    repairCostPerFailure: 0, engineeringHoursPerMonth: 0, engineeringHourlyRate: 0,
  };
  const cases: [string, WorkloadProfile, GpuRouteSpec | TokenRouteSpec, string][] = [
    ['pass rate 0', { ...base, qualityPassRate: 0 }, route, 'qualityPassRate'],
    ['zero requests', { ...base, requestsPerMonth: 0 }, route, 'requestsPerMonth'],
    ['NaN tokens', { ...base, inputTokens: Number.NaN }, route, 'inputTokens'],
    ['infinite retry rate', { ...base, retryRate: Number.POSITIVE_INFINITY }, route, 'retryRate'],
    ['cache hit + write above 1', { ...base, cacheHitRate: 0.7, cacheWriteRate: 0.5 }, route, 'cacheWriteRate'],
    ['GPU with zero throughput', base, { id: 'g', billing: 'gpu', mode: 'self_managed', gpuHourly: 3, throughputTokensPerSecond: 0, utilization: 0.4 }, 'throughputTokensPerSecond'],
    ['GPU at zero utilization', base, { id: 'g', billing: 'gpu', mode: 'self_managed', gpuHourly: 3, throughputTokensPerSecond: 1000, utilization: 0 }, 'utilization'],
  ];
  for (const [name, p, r, field] of cases) {
    it(name, () => {
      try {
        computeLcpr(p, r);
        expect.fail('expected an error');
      } catch (err) {
        expect(err).toBeInstanceOf(RoutefitError);
        expect((err as RoutefitError).field).toBe(field);
      }
    });
  }
  it('a missing output price names what is missing', () => {
    expect(() => attemptCost({ input: s(1) }, { inputTokens: 1, outputTokens: 1, cacheHitRate: 0, cacheWriteRate: 0, cacheWriteTtl: '5m', batchShare: 0 }, 'p/m')).toThrow(
      'p/m has no output price',
    );
  });
});

describe('pricing mechanics', () => {
  const shape = { inputTokens: 300_000, outputTokens: 1000, cacheHitRate: 0, cacheWriteRate: 0, cacheWriteTtl: '5m' as const, batchShare: 0 };
  const sheet = { input: s(5), output: s(30), longContext: { thresholdTokens: 272_000, input: s(10), output: s(45) } };
  it('past the long-context threshold the whole request pays the tier price (a cliff)', () => {
    const over = attemptCost(sheet, shape, 'x');
    expect(over.longContextTier).toBe(true);
    expect(over.total).toBeCloseTo((300_000 * 10 + 1000 * 45) / 1e6, 12);
    const under = attemptCost(sheet, { ...shape, inputTokens: 272_000 }, 'x');
    expect(under.total).toBeCloseTo((272_000 * 5 + 1000 * 30) / 1e6, 12);
  });
  it('cache writes pay the TTL premium; without one they bill as input, with a note', () => {
    const w = { ...shape, inputTokens: 1000, cacheWriteRate: 0.5, cacheWriteTtl: '1h' as const };
    const priced = attemptCost({ input: s(3), output: s(15), cacheWrite1h: s(6) }, w, 'x');
    expect(priced.parts.cacheWrite).toBeCloseTo((500 * 6) / 1e6, 12);
    const unpriced = attemptCost({ input: s(3), output: s(15) }, w, 'x');
    expect(unpriced.parts.cacheWrite).toBeCloseTo((500 * 3) / 1e6, 12);
    expect(unpriced.notes.join()).toContain('cache writes priced as ordinary input');
  });
  it('batch share pays batch rates; a route without a batch tier says so', () => {
    const b = { ...shape, inputTokens: 1000, batchShare: 0.5 };
    const withBatch = attemptCost({ input: s(2), output: s(10), batchInput: s(1), batchOutput: s(5) }, b, 'x');
    expect(withBatch.total).toBeCloseTo(0.5 * (2000 + 10_000) / 1e6 + 0.5 * (1000 + 5000) / 1e6, 12);
    const none = attemptCost({ input: s(2), output: s(10) }, b, 'x');
    expect(none.total).toBeCloseTo((2000 + 10_000) / 1e6, 12);
    expect(none.notes.join()).toContain('no batch tier');
  });
});
