import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { routeAgentSteps, workflowFailureRate } from '../src/engine/decisions/agent-workflow.js';
import { complexityScore } from '../src/engine/decisions/complexity.js';
import { fineTunePayback, fineTuneReadiness } from '../src/engine/decisions/fine-tune.js';
import { runFunnel } from '../src/engine/decisions/funnel.js';
import { migrationChecklist, reversionSignals } from '../src/engine/decisions/migration-checklist.js';
import { volumeGate } from '../src/engine/decisions/migration-gates.js';
import { splitWorkload } from '../src/engine/decisions/multi-source.js';
import { playbookStage, revertSignals } from '../src/engine/decisions/playbook.js';
import { procurementMatrix } from '../src/engine/decisions/procurement.js';
import { negotiationTier } from '../src/engine/decisions/vendor-scorecard.js';
import { example } from './helpers/claims.js';

describe('staged playbook (seed 000 Part 5)', () => {
  it('stage from spend at the band edges', () => {
    expect(playbookStage({ monthlySpend: 9_999 }).stage).toBe(0);
    expect(playbookStage({ monthlySpend: 10_000 }).stage).toBe(1);
    expect(playbookStage({ monthlySpend: 99_999 }).stage).toBe(1);
    expect(playbookStage({ monthlySpend: 100_000 }).stage).toBe(2);
    expect(playbookStage({ monthlySpend: 1_000_000 }).stage).toBe(3);
  });
  it('stage 0 graduates on a residency request even under $10K; unknown exits say what to measure', () => {
    const s = playbookStage({ monthlySpend: 4_116, residencyAsked: true });
    expect(s.graduate).toBe(true);
    const u = playbookStage({ monthlySpend: 4_116 });
    expect(u.graduate).toBe(false);
    expect(u.exits.filter((e) => e.status === 'unknown').flatMap((e) => e.measureNext)).toHaveLength(2);
  });
  it('stage 1 exits on 50M output tokens/day only with steady traffic', () => {
    expect(playbookStage({ monthlySpend: 40_000, maxWorkloadOutputTokensPerDay: 60e6, steadyTraffic: true }).graduate).toBe(true);
    expect(playbookStage({ monthlySpend: 40_000, maxWorkloadOutputTokensPerDay: 60e6, steadyTraffic: false }).exits[0]!.status).toBe('fail');
    expect(playbookStage({ monthlySpend: 40_000, maxWorkloadOutputTokensPerDay: 60e6 }).exits[0]!.status).toBe('unknown');
  });
  it('revert signals: 2 months under 40% utilization, > 50% ops time', () => {
    const r = revertSignals({ dedicatedUtilizationByMonth: [0.5, 0.35, 0.38], opsTimeShare: 0.6 });
    expect(r.map((x) => x.status)).toEqual(['fail', 'fail']);
    expect(revertSignals({ dedicatedUtilizationByMonth: [0.35, 0.41] })[0]!.status).toBe('pass');
  });
});

describe('migration gates and reversion signals (seed 001 ch. 22)', () => {
  it('missing gates raise risk without forbidding the move', () => {
    const c = migrationChecklist({ eval_readiness: true, quality_floor: true, lcpr_measurement: false });
    expect(c.risk).toBe('high');
    expect(c.missing).toContain('LCPR measurement');
    expect(c.gates.find((g) => g.title === 'Rollback path')!.status).toBe('unknown');
    const all = migrationChecklist(Object.fromEntries(['eval_readiness', 'quality_floor', 'lcpr_measurement', 'compliance_clearance', 'operational_readiness', 'rollback_path', 'traffic_ramp_plan'].map((k) => [k, true])));
    expect(all.risk).toBe('low');
  });
  it('a signal firing holds the ramp; quiet signals continue; missing data is listed', () => {
    const r = reversionSignals({ passRateWindows: [0.9, 0.84, 0.83], qualityFloor: 0.85, escalationRateBefore: 0.03, escalationRateAfter: 0.05 });
    expect(r.action).toBe('hold');
    expect(r.signals.map((s) => s.status)).toEqual(['fail', 'pass']);
    expect(r.unmeasured).toContain('weekly LCPR on both routes');
    expect(reversionSignals({ escalationRateBefore: 0.03, escalationRateAfter: 0.09 }).signals[0]!.status).toBe('fail');
  });
});

describe('procurement matrix (seed 002)', () => {
  it('a managed API always survives; unknown facts block the committed routes', () => {
    const r = procurementMatrix({});
    expect(r.furthestViable).toBe('managed_api');
    expect(r.routes.find((x) => x.route === 'self_host_cloud')!.status).toBe('unknown');
  });
  it('measured utilization above 40% with owners and fallback unlocks self-hosting; buying needs a budget horizon', () => {
    const facts = { demandShape: 'steady' as const, utilization: { value: 0.55, evidence: 'measured' as const }, memoryFits: true, operationsOwner: true, fallbackRoute: true };
    const r = procurementMatrix(facts);
    expect(r.furthestViable).toBe('self_host_cloud');
    expect(r.routes.find((x) => x.route === 'buy_hardware')!.status).toBe('conditional');
    expect(procurementMatrix({ ...facts, budgetHorizonMonths: 36 }).furthestViable).toBe('buy_hardware');
  });
  it('an estimated utilization is only conditional; under 40% fails', () => {
    expect(procurementMatrix({ demandShape: 'steady', utilization: 0.6, memoryFits: true, fallbackRoute: true }).routes.find((x) => x.route === 'dedicated_endpoint')!.status).toBe('conditional');
    expect(procurementMatrix({ demandShape: 'steady', utilization: { value: 0.28, evidence: 'measured' }, memoryFits: true, fallbackRoute: true }).routes.find((x) => x.route === 'dedicated_endpoint')!.status).toBe('fail');
  });
});

describe('fine-tune amortization (seed 001 ch. 19)', () => {
  it('payback and break-even volume', () => {
    const p = fineTunePayback({ upfrontCost: 30, lcprBefore: 0.01, reduction: 0.05, acceptedPerDay: 10_000, iterationCostPerMonth: 60 });
    // 0.01 × 0.05 × 10,000 = $5/day → $150/month; net $90/month; $30 pays back in 10 days.
    expect(p.monthlySavings).toBeCloseTo(150, 10);
    expect(p.paybackDays).toBeCloseTo(10, 10);
    expect(p.breakEvenPerDay).toBeCloseTo(4000, 10);
    expect(fineTunePayback({ upfrontCost: 30, lcprBefore: 0.01, reduction: 0.05, acceptedPerDay: 1_000, iterationCostPerMonth: 60 }).paybackDays).toBeNull();
  });
  it('readiness needs all five', () => {
    expect(fineTuneReadiness({ evalSuite: true, namedFailureMode: true, trainingData: true, licensePermits: true, requestsPerDay: 5000 }).ready).toBe(true);
    const r = fineTuneReadiness({ evalSuite: true, namedFailureMode: true, trainingData: true, licensePermits: true, requestsPerDay: 200 });
    expect(r.ready).toBe(false);
    expect(fineTuneReadiness({}).items.every((i) => i.status === 'unknown')).toBe(true);
  });
});

describe('multi-source split and agent step routing (seed 001 ch. 21)', () => {
  const [w] = example('saas-chat.yaml');
  const together = w!.routes.find((r) => r.id === 'together/deepseek-v3')!;
  const fw = w!.routes.find((r) => r.id === 'fireworks/llama-3.3-70b')!;
  // Fireworks has no cached-input price in the catalog; the split needs one on both sides.
  const fireworks = fw.billing === 'tokens' ? { ...fw, price: { ...fw.price, cachedInput: { value: 0.45, evidence: 'assumed' as const } } } : fw;
  it('an error-rate delta and fragmented caches show up as hidden cost', () => {
    const profile = { ...w!.profile, cacheHitRate: 0.72 };
    const s = splitWorkload(profile, [
      { route: together, share: 0.7, errorRateDelta: 0.04, cacheHitRate: 0.45 },
      { route: fireworks, share: 0.3, cacheHitRate: 0.45 },
    ], 300);
    expect(s.hiddenCost.errorRetries).toBeGreaterThan(0);
    expect(s.hiddenCost.cacheFragmentation).toBeGreaterThan(0);
    expect(s.providers.reduce((a, p) => a + p.acceptedRequestsPerMonth, 0)).toBeCloseTo(500_000 * 0.95, 6);
    expect(s.monthlyCost).toBeCloseTo(s.providers.reduce((a, p) => a + p.monthlyCost, 0) + 300, 6);
    expect(() => splitWorkload(profile, [{ route: together, share: 0.7 }, { route: fireworks, share: 0.2 }])).toThrow(/sum to 0.9/);
  });
  it('machine-facing steps move to batch at 50%; human-facing steps stay real-time', () => {
    const r = routeAgentSteps([
      { name: 'plan', calls: 2, costPerCall: 0.01, facing: 'human' },
      { name: 'tools', calls: 30, costPerCall: 0.01, facing: 'machine' },
      { name: 'repair', calls: 8, costPerCall: 0.01, facing: 'machine', latencyToleranceSeconds: 120 },
    ]);
    expect(r.steps.map((s) => s.to)).toEqual(['realtime', 'batch', 'async']);
    expect(r.savings).toBeCloseTo(0.15, 10);
    expect(r.savingsShare).toBeCloseTo(0.15 / 0.4, 10);
  });
});

describe('negotiation tiers (seed 000 Part 4)', () => {
  it('by monthly spend', () => {
    expect([24_999, 25_000, 100_000, 500_000].map((s) => negotiationTier(s).tier)).toEqual(['public_pricing', 'committed_use', 'custom_pricing', 'capacity_commitment']);
  });
});

describe('properties', () => {
  it('workflow failure grows with calls and stays a probability', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 50 }), (p, n) => {
        const a = workflowFailureRate(p, n);
        const b = workflowFailureRate(p, n + 1);
        return a >= 0 && a <= 1 && b >= a - 1e-12 && a >= p - 1e-12;
      }),
    );
  });
  it('complexity tier never goes down as any factor goes up', () => {
    const order = { Simple: 0, Standard: 1, Complex: 2 };
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 6, maxLength: 6 }), fc.integer({ min: 0, max: 5 }), (f, i) => {
        if (f[i] === 3) return true;
        const up = [...f];
        up[i] = f[i]! + 1;
        return order[complexityScore(up).tier] >= order[complexityScore(f).tier];
      }),
    );
  });
  it('more closed-API spend never turns a volume-gate pass into a fail (same target and migration cost)', () => {
    const rank = { fail: 0, unknown: 1, conditional: 2, pass: 3 };
    fc.assert(
      fc.property(fc.double({ min: 0, max: 2e5, noNaN: true }), fc.double({ min: 0, max: 2e5, noNaN: true }), fc.double({ min: 0, max: 5e3, noNaN: true }), (a, extra, target) => {
        const g1 = volumeGate({ closedApiSpendPerMonth: a, targetMonthly: target, migrationCost: 48_000 });
        const g2 = volumeGate({ closedApiSpendPerMonth: a + extra, targetMonthly: target, migrationCost: 48_000 });
        return rank[g2.status] >= rank[g1.status];
      }),
    );
  });
  it('the recommended funnel cell is never beaten by another priced cell', () => {
    const [w] = example('saas-chat.yaml');
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.5, max: 1, noNaN: true }), { minLength: 5, maxLength: 5 }), fc.double({ min: 0.5, max: 1, noNaN: true }), (rates, floor) => {
        const r = runFunnel({ name: 'w', profile: w!.profile, constraints: { qualityFloor: floor }, candidates: w!.routes.map((route, i) => ({ route, facts: { passRate: rates[i]! } })) });
        const priced = r.cells.filter((c) => c.status === 'priced');
        if (!r.recommended) return priced.length === 0;
        return priced.every((c) => c.lcpr! >= r.recommended!.lcpr!) && r.cells.filter((c) => c.eliminatedAt === 'capability').every((c) => rates[w!.routes.findIndex((x) => x.id === c.route)]! < floor);
      }),
      { numRuns: 50 },
    );
  });
});

describe('lead time (seed 000 Part 1) properties', () => {
  it('payback from the decision is at least 8 weeks (prepare + shadow, no savings) after payback from cutover, and grows with migration cost', async () => {
    const { leadTimeSchedule } = await import('../src/engine/decisions/migration-gates.js');
    fc.assert(
      fc.property(fc.double({ min: 1000, max: 1e6, noNaN: true }), fc.double({ min: 0, max: 0.99, noNaN: true }), fc.double({ min: 0, max: 5e5, noNaN: true }), (current, targetShare, cost) => {
        const a = leadTimeSchedule({ currentMonthly: current, targetMonthly: current * targetShare, migrationCost: cost });
        const b = leadTimeSchedule({ currentMonthly: current, targetMonthly: current * targetShare, migrationCost: cost + 1000 });
        if (a.paybackFromDecisionMonths === null) return b.paybackFromDecisionMonths === null;
        return a.paybackFromDecisionMonths >= a.paybackFromCutoverMonths! + (8 * 12) / 52 - 1e-9 && (b.paybackFromDecisionMonths ?? Infinity) >= a.paybackFromDecisionMonths;
      }),
      { numRuns: 200 },
    );
  });
});
