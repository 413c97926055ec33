import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blendedWriteRate, cacheBreakEven, cacheGate } from '../src/engine/cost/cache-gate.js';
import { goodput, goodputFromCounts, shareWithinSlo } from '../src/engine/measured/goodput.js';
import { kvEqualsWeightsContext, littlesLawCapacity, sizeKvPool } from '../src/engine/capacity/sizing.js';
import { kvTransfer } from '../src/engine/capacity/disaggregation.js';
import { speculativeThroughput } from '../src/engine/capacity/speculative-decoding.js';
import { traceToMargin } from '../src/engine/measured/reconciliation.js';
import { complexityScore, readinessGaps } from '../src/engine/decisions/complexity.js';
import { forecastSpend, parseScenario } from '../src/engine/decisions/forecast.js';
import { agentPhases } from '../src/engine/decisions/agent-workflow.js';
import { computeLcpr, type TokenRouteSpec, type WorkloadProfile } from '../src/engine/cost/lcpr.js';
import { RoutefitError } from '../src/engine/errors.js';

const pub = (value: number) => ({ value, evidence: 'public' as const });
// Claude Sonnet 4.6 as the catalog carries it: $3 input, 10% cached, 1.25x 5-minute and 2x 1-hour writes.
const sonnet = { input: pub(3), output: pub(15), cachedInput: pub(0.3), cacheWrite5m: pub(3.75), cacheWrite1h: pub(6) };

const fieldOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    if (e instanceof RoutefitError) return e.field;
    throw e;
  }
  return 'no error';
};

describe('cache break-even gate', () => {
  it('Sonnet 5-minute writes: N* = (3.75 − 3) ÷ (3 − 0.3), h* = (3.75 − 3) ÷ (3.75 − 0.3)', () => {
    const g = cacheGate({ routeId: 'anthropic/claude-sonnet-4.6', prices: sonnet, ttl: '5m', prefixTokens: 4000, reads: [0, 1, 10] });
    expect(g.readsToBreakEven).toBeCloseTo(0.75 / 2.7, 10);
    expect(g.minWholeReads).toBe(1);
    expect(g.breakEvenHitRate).toBeCloseTo(0.75 / 3.45, 10);
    // 10 reads of a 4,000-token prefix: uncached 11 × 4000 × $3/M = $0.132; cached 4000 × $3.75/M + 10 × 4000 × $0.30/M = $0.027.
    const ten = g.savings.find((s) => s.reads === 10)!;
    expect(ten.uncachedUsd).toBeCloseTo(0.132, 12);
    expect(ten.cachedUsd).toBeCloseTo(0.027, 12);
    expect(ten.savingsUsd).toBeCloseTo(0.105, 12);
    // No read at all: the write premium is lost, 4000 × ($3.75 − $3)/M = $0.003.
    expect(g.savings[0]!.savingsUsd).toBeCloseTo(-0.003, 12);
  });
  it('Sonnet 1-hour writes: N* = 3 ÷ 2.7 = 1.11 reads, so two whole reads; h* = 3 ÷ 5.7', () => {
    const g = cacheGate({ routeId: 'x', prices: sonnet, ttl: '1h' });
    expect(g.readsToBreakEven).toBeCloseTo(3 / 2.7, 10);
    expect(g.minWholeReads).toBe(2);
    expect(g.breakEvenHitRate).toBeCloseTo(3 / 5.7, 10);
  });
  it('storage per hour adds to the write: $1.25 write + $4.50/M/h × 1 h, N* = 4.5 ÷ 1.125 = 4 (ahead from the 5th read)', () => {
    const b = cacheBreakEven({ input: 1.25, cachedInput: 0.125, cacheWrite: 1.25, storagePerMillionPerHour: 4.5, storedHours: 1 });
    expect(b.effectiveWritePerMillion).toBeCloseTo(5.75, 12);
    expect(b.readsToBreakEven).toBeCloseTo(4, 12);
    expect(b.minWholeReads).toBe(5);
    expect(b.breakEvenHitRate).toBeCloseTo(4.5 / 5.625, 12);
  });
  it('no write premium: the gate is 0; a cached price at input: caching never pays', () => {
    expect(cacheBreakEven({ input: 1, cachedInput: 0.5, cacheWrite: 1 }).breakEvenHitRate).toBe(0);
    const never = cacheBreakEven({ input: 1, cachedInput: 1, cacheWrite: 1.25 });
    expect(never.readsToBreakEven).toBeNull();
    expect(never.breakEvenHitRate).toBeNull();
  });
  it('blends 5-minute and 1-hour writes by their tokens: (3.75 × 750 + 6 × 250) ÷ 1000 = 4.3125', () => {
    expect(blendedWriteRate({ input: 3, cacheWrite5m: 3.75, cacheWrite1h: 6 }, 1000, 250)).toBeCloseTo(4.3125, 12);
  });
  it('says which side of the gate a hit rate is on', () => {
    expect(cacheGate({ routeId: 'x', prices: sonnet, ttl: '5m', hitRate: 0.2 }).atHitRate!.pays).toBe(false);
    expect(cacheGate({ routeId: 'x', prices: sonnet, ttl: '5m', hitRate: 0.25 }).atHitRate!.pays).toBe(true);
  });
  it('refuses a route without a cached price and names bad inputs', () => {
    expect(() => cacheGate({ routeId: 'x', prices: { input: pub(1), output: pub(2) }, ttl: '5m' })).toThrow(/no cached-input price/);
    expect(fieldOf(() => cacheBreakEven({ input: 0, cachedInput: 0, cacheWrite: 1 }))).toBe('price.input');
    expect(fieldOf(() => cacheBreakEven({ input: 1, cachedInput: 0.1, cacheWrite: 1, storagePerMillionPerHour: -1 }))).toBe('storagePerMillionPerHour');
  });
  const rates = fc.record({ input: fc.double({ min: 0.01, max: 100, noNaN: true }), cachedShare: fc.double({ min: 0, max: 0.99, noNaN: true }), premium: fc.double({ min: 0, max: 3, noNaN: true }) });
  it('property: h* = N* ÷ (N* + 1), in [0, 1), and rises with the write premium', () => {
    fc.assert(
      fc.property(rates, fc.double({ min: 0.01, max: 2, noNaN: true }), (r, more) => {
        const a = cacheBreakEven({ input: r.input, cachedInput: r.input * r.cachedShare, cacheWrite: r.input * (1 + r.premium) });
        const b = cacheBreakEven({ input: r.input, cachedInput: r.input * r.cachedShare, cacheWrite: r.input * (1 + r.premium + more) });
        expect(a.breakEvenHitRate!).toBeGreaterThanOrEqual(0);
        expect(a.breakEvenHitRate!).toBeLessThan(1);
        expect(a.breakEvenHitRate!).toBeCloseTo(a.readsToBreakEven! / (a.readsToBreakEven! + 1), 9);
        expect(b.breakEvenHitRate!).toBeGreaterThan(a.breakEvenHitRate!);
      }),
    );
  });
  it('property: savings grow with every read', () => {
    fc.assert(
      fc.property(rates, fc.integer({ min: 0, max: 1000 }), (r, n) => {
        const g = cacheGate({ routeId: 'x', prices: { input: pub(r.input), cachedInput: pub(r.input * r.cachedShare), cacheWrite5m: pub(r.input * (1 + r.premium)) }, ttl: '5m', reads: [n, n + 1] });
        expect(g.savings[1]!.savingsUsd).toBeGreaterThan(g.savings[0]!.savingsUsd);
      }),
    );
  });
});

describe('goodput', () => {
  it('50 req/s × 0.9 pass × 0.8 within SLO = 36/s; $0.01 per request ÷ 0.72 = $0.013889 per good output', () => {
    const g = goodput({ requestsPerSecond: 50, qualityPassRate: 0.9, sloShare: 0.8, costPerRequest: 0.01 });
    expect(g.goodputPerSecond).toBeCloseTo(36, 12);
    expect(g.goodputPerHour).toBeCloseTo(129_600, 6);
    expect(g.costPerAccepted).toBeCloseTo(0.01 / 0.9, 12);
    expect(g.costPerGoodAccepted).toBeCloseTo(0.01 / 0.72, 12);
  });
  it('a TTFT SLO at the p95 keeps 95% (lognormal through p50 and p95); two SLOs multiply', () => {
    expect(shareWithinSlo({ p50Ms: 200, p95Ms: 600 }, 600)).toBeCloseTo(0.95, 6);
    expect(shareWithinSlo({ p50Ms: 200, p95Ms: 600 }, 200)).toBeCloseTo(0.5, 6);
    const g = goodput({ requestsPerSecond: 10, qualityPassRate: 1, ttft: { p50Ms: 200, p95Ms: 600, sloMs: 600 }, tpot: { p50Ms: 20, p95Ms: 40, sloMs: 20 } });
    expect(g.sloShare).toBeCloseTo(0.95 * 0.5, 6);
    expect(g.goodputPerSecond).toBeCloseTo(4.75, 5);
  });
  it('the traces definition: good ÷ window seconds, total cost ÷ good', () => {
    expect(goodputFromCounts(864, 86_400, 43.2)).toEqual({ perSecond: 0.01, costPerGoodAccepted: 0.05 });
    expect(goodputFromCounts(0, 86_400, 10).costPerGoodAccepted).toBeNull();
  });
  it('no good output is not $0', () => {
    expect(goodput({ requestsPerSecond: 10, qualityPassRate: 0, costPerRequest: 0.01 }).costPerGoodAccepted).toBeNull();
  });
  it('names bad inputs', () => {
    expect(fieldOf(() => goodput({ requestsPerSecond: 1, qualityPassRate: 1.2 }))).toBe('qualityPassRate');
    expect(fieldOf(() => goodput({ requestsPerSecond: 1, qualityPassRate: 1, ttft: { p50Ms: 300, p95Ms: 200, sloMs: 100 } }))).toBe('ttft.p95Ms');
  });
  it('property: goodput never rises as the SLO tightens, and rises with the pass rate', () => {
    fc.assert(
      fc.property(fc.double({ min: 1, max: 1000, noNaN: true }), fc.double({ min: 1.01, max: 10, noNaN: true }), fc.double({ min: 10, max: 5000, noNaN: true }), fc.double({ min: 0.1, max: 0.99, noNaN: true }), (p50, spread, slo, pass) => {
        const t = { p50Ms: p50, p95Ms: p50 * spread };
        const loose = goodput({ requestsPerSecond: 100, qualityPassRate: pass, ttft: { ...t, sloMs: slo * 1.5 } });
        const tight = goodput({ requestsPerSecond: 100, qualityPassRate: pass, ttft: { ...t, sloMs: slo } });
        expect(tight.goodputPerSecond).toBeLessThanOrEqual(loose.goodputPerSecond + 1e-9);
        const better = goodput({ requestsPerSecond: 100, qualityPassRate: Math.min(1, pass + 0.01), ttft: { ...t, sloMs: slo } });
        expect(better.goodputPerSecond).toBeGreaterThanOrEqual(tight.goodputPerSecond);
      }),
    );
  });
});

// Llama 3.3 70B's shape: 80 layers, 8 KV heads, head_dim 128, 70.6B parameters.
const llama = { parameters: 70.6e9, layers: 80, attentionHeads: 64, kvHeads: 8, headDim: 128 };

describe('KV capacity from any shape', () => {
  it('a 40 GB pool at 4,096 tokens FP16: 2 × 80 × 8 × 128 × 4096 × 2 B = 1.342 GB per sequence → 29 sequences', () => {
    const p = sizeKvPool({ model: llama, weightBytes: 2, kvBytes: 2, context: 4096, poolGb: 40, latencySeconds: 2 });
    expect(p.kvPerSequenceGb).toBeCloseTo((2 * 80 * 8 * 128 * 4096 * 2) / 1e9, 12);
    expect(p.maxConcurrentSequences).toBe(Math.floor(40e9 / (2 * 80 * 8 * 128 * 4096 * 2)));
    expect(p.maxConcurrentSequences).toBe(29);
    // KV equals the weights at 70.6e9 × 2 ÷ (2 × 80 × 8 × 128 × 2) tokens.
    expect(p.kvEqualsWeightsAtContext).toBeCloseTo((70.6e9 * 2) / (2 * 80 * 8 * 128 * 2), 6);
    // Little's law turned round: 29 slots ÷ 2 s = 14.5 requests/s.
    expect(p.maxRequestsPerSecond).toBeCloseTo(14.5, 12);
  });
  it('FP8 KV halves the cache, so KV equals FP16 weights at twice the context', () => {
    expect(kvEqualsWeightsContext(llama, 2, 1)).toBeCloseTo(2 * kvEqualsWeightsContext(llama, 2, 2), 6);
  });
  it('names bad shape fields', () => {
    expect(fieldOf(() => sizeKvPool({ model: { ...llama, kvHeads: 0 }, weightBytes: 2, kvBytes: 2, context: 4096, poolGb: 40 }))).toBe('kvHeads');
    expect(fieldOf(() => sizeKvPool({ model: llama, weightBytes: 2, kvBytes: 2, context: 4096, poolGb: 0 }))).toBe('kvPoolGb');
    expect(fieldOf(() => littlesLawCapacity(10, 0))).toBe('latencySeconds');
  });
  it('property: sequences never rise with context and never fall with the pool', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200_000 }), fc.integer({ min: 1, max: 200_000 }), fc.double({ min: 1, max: 1000, noNaN: true }), (c1, c2, pool) => {
        const [lo, hi] = c1 <= c2 ? [c1, c2] : [c2, c1];
        const at = (context: number, poolGb: number) => sizeKvPool({ model: llama, weightBytes: 2, kvBytes: 2, context, poolGb }).maxConcurrentSequences;
        expect(at(hi, pool)).toBeLessThanOrEqual(at(lo, pool));
        expect(at(lo, pool * 2)).toBeGreaterThanOrEqual(at(lo, pool));
      }),
    );
  });
});

describe('disaggregated serving: KV transfer', () => {
  it('4,096 prompt tokens of Llama 70B FP16 over 50 GB/s InfiniBand NDR: 1.342 GB ÷ 50 GB/s = 26.8 ms', () => {
    const t = kvTransfer({ model: llama, kvBytes: 2, promptTokens: 4096, linkGbPerS: 50, linkLatencyMs: 0.5, decodeStepMs: 25 });
    const gb = (2 * 80 * 8 * 128 * 4096 * 2) / 1e9;
    expect(t.transferMs).toBeCloseTo((gb / 50) * 1000 + 0.5, 9);
    expect(t.decodeStepsEquivalent).toBeCloseTo(((gb / 50) * 1000 + 0.5) / 25, 9);
  });
  it('property: transfer time rises with the prompt and falls with bandwidth', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.double({ min: 1, max: 1000, noNaN: true }), (tokens, bw) => {
        const t = (p: number, b: number) => kvTransfer({ model: llama, kvBytes: 2, promptTokens: p, linkGbPerS: b }).transferMs;
        expect(t(tokens + 1, bw)).toBeGreaterThan(t(tokens, bw));
        expect(t(tokens, bw * 2)).toBeLessThan(t(tokens, bw));
      }),
    );
  });
  it('names the bandwidth field', () => expect(fieldOf(() => kvTransfer({ model: llama, kvBytes: 2, promptTokens: 10, linkGbPerS: 0 }))).toBe('linkGbPerS'));
});

describe('speculative decoding at a batch size', () => {
  // α = 0.6, γ = 4: E = (1 − 0.6⁵) ÷ 0.4 = 2.3056 tokens per step; draft cost 0.05 per token.
  const E = (1 - 0.6 ** 5) / 0.4;
  it('memory-bound batch 1: 20 ms plain step, 20 + 4 × 0.05 × 20 = 24 ms speculative → E ÷ 1.2 speedup', () => {
    const s = speculativeThroughput({ alpha: 0.6, gamma: 4, draftCostRatio: 0.05, batch: 1, memoryStepMs: 20, computeStepMs: 0.1 });
    expect(s.plainTokensPerSecond).toBeCloseTo(50, 9);
    expect(s.specTokensPerSecond).toBeCloseTo(E / 0.024, 6);
    expect(s.batchSpeedup).toBeCloseTo(E / 1.2, 9);
    expect(s.batchSpeedup).toBeCloseTo(s.netSpeedup, 9);
  });
  it('compute-bound batch 64: verification computes γ + 1 = 5 positions, max(20, 10 × 5) + 4 ms = 54 ms → below 1×, with the seed warning', () => {
    const s = speculativeThroughput({ alpha: 0.6, gamma: 4, draftCostRatio: 0.05, batch: 64, memoryStepMs: 20, computeStepMs: 10 });
    expect(s.plainTokensPerSecond).toBeCloseTo(3200, 9);
    expect(s.specTokensPerSecond).toBeCloseTo((64 * E) / 0.054, 6);
    expect(s.batchSpeedup).toBeLessThan(1);
    expect(s.notes.join(' ')).toContain('0.92x at batch 12');
  });
  it('property: the speedup never rises as the compute share of a step grows', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 0.99, noNaN: true }), fc.integer({ min: 1, max: 16 }), fc.double({ min: 0.001, max: 50, noNaN: true }), fc.double({ min: 1.01, max: 5, noNaN: true }), (alpha, gamma, compute, more) => {
        const at = (c: number) => speculativeThroughput({ alpha, gamma, draftCostRatio: 0.03, batch: 8, memoryStepMs: 20, computeStepMs: c }).batchSpeedup;
        expect(at(compute * more)).toBeLessThanOrEqual(at(compute) + 1e-9);
      }),
    );
  });
});

describe('trace-to-margin from direct inputs', () => {
  it('(1000 + 50 + 200 + 300 + 150) ÷ 10,000 = $0.17 loaded vs $0.10 naive; margin on $0.50 = 66%', () => {
    const m = traceToMargin({ traceCostUsd: 1000, deltaUsd: 50, overheads: { eval: { usd: 200, source: 't' }, human: { usd: 300, source: 't' }, ops: { usd: 150, source: 't' } }, accepted: 10_000, revenuePerAccepted: 0.5 });
    expect(m.loadedCostPerAccepted).toBeCloseTo(0.17, 12);
    expect(m.naiveCostPerAccepted).toBeCloseTo(0.1, 12);
    expect(m.loadedOverNaive).toBeCloseTo(1.7, 12);
    expect(m.marginPerAccepted).toBeCloseTo(0.33, 12);
    expect(m.marginPct).toBeCloseTo(0.66, 12);
    expect(m.parts.totalUsd).toBe(1700);
  });
  it('a negative invoice delta (invoice below traces) lowers the loaded cost; no accepted unit is null, not $0', () => {
    expect(traceToMargin({ traceCostUsd: 1000, deltaUsd: -100, overheads: {}, accepted: 1000 }).loadedCostPerAccepted).toBeCloseTo(0.9, 12);
    expect(traceToMargin({ traceCostUsd: 1000, deltaUsd: 0, overheads: {}, accepted: 0 }).loadedCostPerAccepted).toBeNull();
  });
  it('property: margin falls as any overhead rises', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.double({ min: 0, max: 1e5, noNaN: true }), fc.double({ min: 0.01, max: 1e4, noNaN: true }), (trace, ops, extra) => {
        const base = { traceCostUsd: trace, deltaUsd: 0, accepted: 1000, revenuePerAccepted: 10 };
        const at = (o: number) => traceToMargin({ ...base, overheads: { ops: { usd: o, source: 't' } } }).marginPerAccepted!;
        expect(at(ops + extra)).toBeLessThan(at(ops));
      }),
    );
  });
});

describe('readiness gaps and payback', () => {
  it('the Guide\'s Complex example (3,3,3,3,1,3 = 16): no dedicated team → 3 engineers × 12-20 weeks at $30,000 per FTE-month', () => {
    const g = readinessGaps(complexityScore([3, 3, 3, 3, 1, 3]), { monthlySavings: 50_000 });
    expect(g.gaps.map((x) => x.rule)).toEqual(['team-or-partner']);
    const lo = 3 * (12 / (52 / 12)) * 30_000;
    const hi = 3 * (20 / (52 / 12)) * 30_000;
    expect(g.gaps[0]!.closeCost[0]).toBeCloseTo(lo, 6);
    expect(g.gaps[0]!.closeCost[1]).toBeCloseTo(hi, 6);
    expect(g.gaps[0]!.paybackMonths![0]).toBeCloseTo(lo / 50_000, 9);
    // Total: the Complex tier's 12-20 engineer-weeks × 40 h × $150 plus the gap.
    expect(g.totalCost[0]).toBeCloseTo(12 * 40 * 150 + lo, 6);
  });
  it('a Standard score with no evals: 2-4 engineer-weeks of eval work × 40 h × $150 = $12,000-$24,000', () => {
    const r = complexityScore([3, 2, 1, 2, 1, 1]);
    expect(r.tier).toBe('Standard');
    const g = readinessGaps(r, { hourlyRate: 150, monthlySavings: 6000 });
    expect(g.gaps.map((x) => x.rule)).toEqual(['evals-before-cutover']);
    expect(g.gaps[0]!.closeCost).toEqual([12_000, 24_000]);
    expect(g.gaps[0]!.paybackMonths).toEqual([2, 4]);
  });
  it('the Guide\'s Standard (all 2s) and Simple examples have no gap; a Complex with basic evals has all three', () => {
    expect(readinessGaps(complexityScore([2, 2, 2, 2, 2, 2])).gaps).toEqual([]);
    expect(readinessGaps(complexityScore([1, 1, 1, 2, 1, 1])).gaps).toEqual([]);
    expect(readinessGaps(complexityScore([3, 3, 1, 3, 2, 3])).gaps.map((x) => x.rule)).toEqual(['evals-before-cutover', 'parallel-run-validation', 'team-or-partner']);
  });
  it('savings of zero or less: payback null, never Infinity', () => {
    expect(readinessGaps(complexityScore([3, 2, 1, 2, 1, 1]), { monthlySavings: 0 }).gaps[0]!.paybackMonths).toBeNull();
  });
});

const profile = (requests: number): WorkloadProfile => ({ requestsPerMonth: requests, inputTokens: 1000, outputTokens: 500, retryRate: 0, qualityPassRate: 1, repairCostPerFailure: 0, engineeringHoursPerMonth: 0, engineeringHourlyRate: 100 });
const tokenRoute = (id: string, input: number, output: number): TokenRouteSpec => ({ id, mode: 'serverless', billing: 'tokens', price: { input: pub(input), output: pub(output) } });

describe('spend forecast', () => {
  // 1M requests × (1000 × $1/M + 500 × $2/M) = $2,000/month at month 0.
  const w = { name: 'chat', profile: profile(1_000_000), routes: [tokenRoute('p/a', 1, 2)] };
  it('linear 10%: month m spends $2,000 × (1 + 0.1 m); a $2,500 monthly budget goes at month 3, a $9,000 total at month 4', () => {
    const f = forecastSpend({ workloads: [w], horizonMonths: 6, scenario: { kind: 'linear', perMonth: 0.1 }, budgetMonthly: 2500, budgetTotal: 9000 });
    expect(f.months[0]!.spend).toBeCloseTo(2000, 9);
    expect(f.months[5]!.spend).toBeCloseTo(3000, 9);
    // cumulative months 1-4: 2200 + 2400 + 2600 + 2800 = 10,000 > 9,000; months 1-3 = 7,200.
    expect(f.months[4]!.cumulative).toBeCloseTo(10_000, 6);
    expect(f.budgetMonthlyExceededAt).toBe(3);
    expect(f.budgetTotalExhaustedAt).toBe(4);
    expect(f.months[0]!.spend).toBeCloseTo(computeLcpr(w.profile, w.routes[0]!).monthlyCost, 9);
  });
  it('compound 100%: $2,000 → $4,000 → $8,000 → $16,000 crosses the $10K Volume Gate band and Stage 1 in month 3', () => {
    const f = forecastSpend({ workloads: [w], horizonMonths: 4, scenario: { kind: 'compound', perMonth: 1 } });
    expect(f.months[3]!.spend).toBeCloseTo(16_000, 6);
    expect(f.events.filter((e) => e.month === 3).map((e) => e.kind).sort()).toEqual(['stage', 'volume_band']);
  });
  it('one workload growing 3× while the other is flat fires the traffic-mix red flag at the horizon', () => {
    const f = forecastSpend({ workloads: [w, { ...w, name: 'batch' }], horizonMonths: 6, scenario: parseScenario('one-grows:chat:3') });
    expect(f.months[6]!.workloads[0]!.requestsPerMonth).toBeCloseTo(3_000_000, 3);
    expect(f.months[6]!.workloads[1]!.requestsPerMonth).toBe(1_000_000);
    expect(f.events.find((e) => e.kind === 'traffic_mix_shift')?.month).toBe(6);
  });
  it('names the month a GPU route of the workload becomes its cheapest (dedicated break-even)', () => {
    const gpu = { id: 'g/h100', mode: 'self_managed' as const, billing: 'gpu' as const, gpuHourly: 3.99, throughputTokensPerSecond: 1500, utilization: 1 };
    // One H100 at full utilization: $3.99 × 720 h = $2,872.80/month. Serverless: 500K × (1 + 0.5 m) × 500 × $5/M
    // = $1,250 × (1 + 0.5 m): $2,500 at month 2, $3,125 at month 3, so the GPU is cheapest from month 3.
    const f = forecastSpend({ workloads: [{ name: 'chat', profile: { ...profile(500_000), inputTokens: 0 }, routes: [tokenRoute('p/a', 1, 5), gpu] }], horizonMonths: 6, scenario: { kind: 'linear', perMonth: 0.5 } });
    expect(f.months[2]!.workloads[0]!.monthlyCost).toBeCloseTo(2500, 9);
    expect(f.events.filter((e) => e.kind === 'dedicated_breakeven').map((e) => e.month)).toEqual([3]);
    expect(f.months[3]!.workloads[0]!.cheapest).toBe('g/h100');
  });
  it('property: spend never falls under non-negative linear growth', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 2, noNaN: true }), fc.integer({ min: 1, max: 24 }), (rate, h) => {
        const f = forecastSpend({ workloads: [w], horizonMonths: h, scenario: { kind: 'linear', perMonth: rate } });
        for (let m = 1; m <= h; m++) expect(f.months[m]!.spend).toBeGreaterThanOrEqual(f.months[m - 1]!.spend - 1e-9);
      }),
      { numRuns: 40 },
    );
  });
  it('bad scenarios and horizons name their field', () => {
    expect(fieldOf(() => parseScenario('exponential:3'))).toBe('growth');
    expect(fieldOf(() => forecastSpend({ workloads: [w], horizonMonths: 0, scenario: { kind: 'flat' } }))).toBe('horizonMonths');
    expect(fieldOf(() => forecastSpend({ workloads: [w], horizonMonths: 3, scenario: { kind: 'one-grows', workload: 'nope', factor: 3 } }))).toBe('growth.workload');
  });
});

describe('agent workflow per phase', () => {
  const phases = [
    { name: 'plan', callsPerTask: 1, inputTokensPerCall: 2000, outputTokensPerCall: 500, price: { input: 3, output: 15 }, facing: 'machine' as const, latencyToleranceSeconds: 30 },
    { name: 'tools', callsPerTask: 6, inputTokensPerCall: 3000, outputTokensPerCall: 200, cacheHitRate: 0.5, price: { input: 3, output: 15, cachedInput: 0.3 }, facing: 'machine' as const },
    { name: 'answer', callsPerTask: 1, inputTokensPerCall: 4000, outputTokensPerCall: 600, price: { input: 3, output: 15 }, facing: 'human' as const },
  ];
  it('hand-priced: plan $0.0135, tools 6 × $0.00795, answer $0.021 → $0.0822 per task, ÷ 0.8 success', () => {
    const a = agentPhases({ phases, userPromptTokens: 500, taskSuccessRate: 0.8 });
    // plan: (2000 × 3 + 500 × 15) ÷ 1e6; tools: (1500 × 3 + 1500 × 0.3 + 200 × 15) ÷ 1e6; answer: (4000 × 3 + 600 × 15) ÷ 1e6.
    expect(a.phases.map((p) => p.costPerCall)).toEqual([0.0135, 0.00795, 0.021].map((v) => expect.closeTo(v, 12)));
    expect(a.costPerTask).toBeCloseTo(0.0822, 12);
    expect(a.costPerAcceptedTask).toBeCloseTo(0.0822 / 0.8, 12);
    expect(a.callsPerAcceptedTask).toBeCloseTo(10, 12);
    // (24,000 input + 2,300 output) ÷ 500 prompt tokens.
    expect(a.tokenFanout).toBeCloseTo(26_300 / 500, 12);
    expect(a.uncachedShare).toBeCloseTo(15_000 / 24_000, 12);
    // Step routing: tools (machine, a day's tolerance) move to batch at half price; plan (30 s) and answer (human) stay.
    expect(a.routing.steps.map((s) => s.to)).toEqual(['realtime', 'batch', 'realtime']);
    expect(a.costPerAcceptedTaskAfterRouting).toBeCloseTo((0.0135 + 0.0477 / 2 + 0.021) / 0.8, 12);
  });
  it('names bad phase fields', () => {
    expect(fieldOf(() => agentPhases({ phases: [{ ...phases[0]!, callsPerTask: -1 }], userPromptTokens: 500, taskSuccessRate: 0.8 }))).toBe('phases.plan.callsPerTask');
    expect(fieldOf(() => agentPhases({ phases, userPromptTokens: 500, taskSuccessRate: 0 }))).toBe('taskSuccessRate');
    expect(fieldOf(() => agentPhases({ phases: [{ ...phases[0]!, cacheHitRate: 0.3 }], userPromptTokens: 500, taskSuccessRate: 0.8 }))).toBe('phases.plan.price.cachedInput');
  });
  it('property: cost per accepted task falls as the success rate rises', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.05, max: 0.95, noNaN: true }), (s) => {
        expect(agentPhases({ phases, userPromptTokens: 500, taskSuccessRate: s + 0.04 }).costPerAcceptedTask).toBeLessThan(agentPhases({ phases, userPromptTokens: 500, taskSuccessRate: s }).costPerAcceptedTask);
      }),
    );
  });
});
