import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compareRoutes } from '../../src/engine/cost/compare.js';
import { complexityScore } from '../../src/engine/decisions/complexity.js';
import { engineeringOverhead } from '../../src/engine/cost/engineering-hours.js';
import { leadTimeSchedule, leaveApiDecision, ownershipGate, specializationGate, volumeGate } from '../../src/engine/decisions/migration-gates.js';
import { migrationCost } from '../../src/engine/decisions/migration.js';
import { multiSourceNetBenefit, multiSourceOverhead } from '../../src/engine/decisions/multi-source.js';
import { agentWorkflowCost, chainedWorstCaseMs, workflowFailureRate } from '../../src/engine/decisions/agent-workflow.js';
import { routefitMatrix } from '../../src/engine/decisions/funnel.js';
import type { DeploymentMode, RouteSpec } from '../../src/engine/cost/lcpr.js';
import { serverlessMigration } from '../../src/engine/decisions/serverless-migration.js';
import { DPO_MULTIPLIER, loraTrainingCost } from '../../src/engine/decisions/fine-tune.js';
import { loadCatalog, loraTrainingTiers } from '../../src/catalog/load.js';
import { doNothing, stayOnClosedApi } from '../../src/engine/decisions/do-nothing.js';
import { scoreVendor } from '../../src/engine/decisions/vendor-scorecard.js';
import { CLAIMS_FILE, example, expectPrinted, printed } from '../helpers/claims.js';

const claims = parse(readFileSync(CLAIMS_FILE, 'utf8')) as { id: string; printed?: unknown }[];
const printedRaw = (id: string) => claims.find((c) => c.id === id)!.printed;
const DISCREPANCIES = readFileSync(resolve(import.meta.dirname, '../../docs/discrepancies.md'), 'utf8');

describe('p1-complexity-examples: the three worked examples score into their tiers', () => {
  const rows = printedRaw('p1-complexity-examples') as { factors: number[]; score: number; tier: string }[];
  rows.forEach((row, i) => {
    it(`p1-complexity-examples #${i + 1}: factors ${row.factors.join(',')} → ${row.tier}`, () => {
      const factors = row.factors.map((_, j) => printed('p1-complexity-examples', i, 'factors', j).value);
      const r = complexityScore(factors);
      expectPrinted(r.score, printed('p1-complexity-examples', i, 'score'));
      expect(r.tier).toBe(row.tier);
    });
  });
  it('tiers carry the seed timelines and team sizes', () => {
    expect(complexityScore([1, 1, 1, 2, 1, 1]).spec).toMatchObject({ timelineWeeks: [4, 6], engineers: [1, 2] });
    expect(complexityScore([2, 2, 2, 2, 2, 2]).spec).toMatchObject({ timelineWeeks: [8, 12], engineers: [2, 3] });
    expect(complexityScore([3, 3, 3, 3, 1, 3]).spec.timelineWeeks).toEqual([12, 20]);
    // Boundaries: 9 is still Simple, 10 Standard, 14 Standard, 15 Complex.
    expect(complexityScore([2, 2, 2, 1, 1, 1]).tier).toBe('Simple');
    expect(complexityScore([2, 2, 2, 2, 1, 1]).tier).toBe('Standard');
    expect(complexityScore([3, 3, 2, 2, 2, 2]).tier).toBe('Standard');
    expect(complexityScore([3, 3, 3, 2, 2, 2]).tier).toBe('Complex');
  });
  it('rejects a factor outside 1-3 or the wrong count', () => {
    expect(() => complexityScore([1, 1, 1, 4, 1, 1])).toThrow(/latencySensitivity is 4; allowed 1 ≤ value ≤ 3/);
    expect(() => complexityScore([1, 1, 1.5, 1, 1, 1])).toThrow(/allowed 1, 2 or 3/);
    expect(() => complexityScore([1, 1, 1])).toThrow(/expected 6 scores/);
  });
});

describe('p1-engineering-overhead: self-managed dedicated at $100-$200/h', () => {
  it('p1-engineering-overhead: 30-60 h/month adds $3,000-$12,000/month', () => {
    const o = engineeringOverhead('self_managed')!;
    expectPrinted(o.monthlyCost[0], printed('p1-engineering-overhead', 'monthly_range', 0));
    expectPrinted(o.monthlyCost[1], printed('p1-engineering-overhead', 'monthly_range', 1));
  });
  it('orders the modes serverless < managed dedicated < self-managed, and has no row for closed APIs', () => {
    const s = engineeringOverhead('serverless')!.monthlyCost;
    const m = engineeringOverhead('managed_dedicated')!.monthlyCost;
    const x = engineeringOverhead('self_managed')!.monthlyCost;
    expect(s).toEqual([200, 1000]);
    expect(m).toEqual([500, 2000]);
    expect(s[1] < x[0] && m[1] < x[0]).toBe(true);
    expect(engineeringOverhead('closed_api')).toBeNull();
  });
});

describe('p2-multisource-overhead: the complexity tax', () => {
  it('p2-multisource-overhead: 8-16 h at $100 is $800-$1,600; $5,000 saved − $1,200 = $3,800', () => {
    const o = multiSourceOverhead();
    expectPrinted(o.monthlyCost[0], printed('p2-multisource-overhead', 'overhead_range', 0));
    expectPrinted(o.monthlyCost[1], printed('p2-multisource-overhead', 'overhead_range', 1));
    const n = multiSourceNetBenefit(5000, 1200);
    expectPrinted(n.netBenefit, printed('p2-multisource-overhead', 'net_benefit'));
  });
  it("the seed's own example trips Part 5's 20% revert rule (1,200 / 5,000 = 24%)", () => {
    const n = multiSourceNetBenefit(5000, 1200);
    expect(n.overheadShare).toBeCloseTo(0.24, 10);
    expect(n.revert.status).toBe('fail');
    expect(multiSourceNetBenefit(5000, 1000).revert.status).toBe('pass');
  });
});

describe('p2-agent-failure: compounding across chained calls', () => {
  it('p2-agent-failure: 5% per call across 6 calls is a 26% workflow failure', () => {
    expectPrinted(workflowFailureRate(0.05, 6), printed('p2-agent-failure', 'workflow_failure_rate'));
  });
  it('p2-agent-failure: 2 s P99 across 5 chained calls is a 10 s worst case', () => {
    expectPrinted(chainedWorstCaseMs(2000, 5) / 1000, printed('p2-agent-failure', 'worst_case_latency_s'));
  });
  it('a restart-the-chain retry policy costs more per successful workflow than retrying the call', () => {
    const w = agentWorkflowCost(0.01, 6, 0.05);
    expect(w.perWorkflow).toBeCloseTo(0.06, 10);
    expect(w.callsIfRetryCall).toBeCloseTo(6 / 0.95, 10);
    expect(w.callsIfRestartChain).toBeGreaterThan(w.callsIfRetryCall);
    // Closed form check: (1 − q^n)/(p q^n) with q = 0.95, n = 6.
    expect(w.callsIfRestartChain).toBeCloseTo((1 - 0.95 ** 6) / (0.05 * 0.95 ** 6), 10);
  });
});

/** Placeholder token route: the matrix cells below carry the seed's measured LCPRs, so prices are not read. */
const stub = (id: string, mode: DeploymentMode): RouteSpec => ({ id, mode, billing: 'tokens', price: { input: { value: 1, evidence: 'assumed' }, output: { value: 1, evidence: 'assumed' } } });

describe('c15-funnel-routefit: the three-workload routefit matrix', () => {
  const cols: [string, DeploymentMode][] = [
    ['closed', 'closed_api'],
    ['serverless_open', 'serverless'],
    ['managed_dedicated', 'managed_dedicated'],
    ['self_managed', 'self_managed'],
  ];
  const table = printedRaw('c15-funnel-routefit') as Record<string, Record<string, number | string>>;
  const volume: Record<string, number> = { 'support-resolution': 500_000, 'document-extraction': 80_000, 'background-classification': 60_000_000 };
  const m = routefitMatrix(
    Object.entries(table).map(([name, row]) => ({
      name,
      profile: { name, requestsPerMonth: volume[name]!, inputTokens: 1000, outputTokens: 300, retryRate: 0, qualityPassRate: 0.9, repairCostPerFailure: 0, engineeringHoursPerMonth: 0, engineeringHourlyRate: 0 },
      // Document extraction is compliance-bound; self-managed needs volume the first two workloads lack.
      constraints: { ...(name === 'document-extraction' ? { certifications: ['hipaa_baa'] } : {}), minRequestsPerMonth: { self_managed: 10_000_000 } },
      candidates: cols.map(([col, mode]) => ({
        route: stub(col, mode),
        facts: {
          certifications: row[col] === 'eliminated' ? ['soc2'] : ['soc2', 'hipaa_baa'],
          ...(typeof row[col] === 'number' ? { lcpr: { value: row[col], evidence: 'measured' as const } } : {}),
        },
      })),
    })),
  );
  for (const row of m.rows) {
    it(`c15-funnel-routefit: ${row.workload} cells match the printed matrix`, () => {
      for (const cell of row.cells) {
        const p = table[row.workload]![cell.route];
        if (typeof p === 'number') {
          expect(cell.status).toBe('priced');
          expectPrinted(cell.lcpr!, printed('c15-funnel-routefit', row.workload, cell.route));
          expect(cell.evidence).toBe('measured');
        } else if (p === 'N/A') {
          expect(cell.status).toBe('not_applicable');
          expect(cell.eliminatedAt).toBe('constraints');
        } else {
          expect(cell.status).toBe('eliminated');
          expect(cell.reasons.join()).toMatch(/compliance: lacks hipaa_baa/);
        }
      }
    });
  }
  it('c15-funnel-routefit: the recommended route is the cheapest feasible cell per workload', () => {
    const rec = Object.fromEntries(m.rows.map((r) => [r.workload, r.recommended?.route]));
    expect(rec).toEqual({ 'support-resolution': 'serverless_open', 'document-extraction': 'closed', 'background-classification': 'self_managed' });
    expect(m.rows.every((r) => r.flags.length === 0)).toBe(true);
  });
  it('a modeled cell resting on assumed inputs is flagged, and a pass rate under the floor eliminates at capability', () => {
    const [w] = example('saas-chat.yaml');
    const r = routefitMatrix([
      {
        name: w!.name,
        profile: w!.profile,
        constraints: { qualityFloor: 0.9 },
        candidates: w!.routes.map((route) => ({ route, facts: route.id === 'deepinfra/gpt-oss-120b' ? { passRate: 0.8 } : {} })),
      },
    ]).rows[0]!;
    const dropped = r.cells.find((c) => c.route === 'deepinfra/gpt-oss-120b')!;
    expect(dropped).toMatchObject({ status: 'eliminated', eliminatedAt: 'capability' });
    expect(r.recommended!.evidence).toBe('estimated');
    expect(r.flags.join()).toMatch(/estimated inputs/);
    expect(r.counts).toEqual({ start: 5, constraints: 5, capability: 4, economics: 4 });
  });
});

describe('c17-serverless-migration: the 4-week canary worked example', () => {
  const r = serverlessMigration({ baselineLcpr: 0.041, candidateLcpr: 0.031, acceptedPerMonth: 500_000, migrationCost: 11_000, tokenPriceGap: 0.78 });
  it('c17-serverless-migration: ~$5K/month full-ramp savings and ~2.2-month payback', () => {
    expectPrinted(r.monthlySavings, printed('c17-serverless-migration', 'monthly_savings'));
    expectPrinted(r.paybackMonths!, printed('c17-serverless-migration', 'payback_months'));
    expect(r.paybackWithRampMonths![0]).toBeCloseTo(2.7, 10);
    expect(r.paybackWithRampMonths![1]).toBeCloseTo(3.2, 10);
    expect(r.economic).toBe(true);
  });
  it('c17-serverless-migration: headline savings compute to 24.4%, not the printed 22% (docs/discrepancies.md)', () => {
    expect(r.headlineSavings).toBeCloseTo(0.2439, 4);
    const p = printed('c17-serverless-migration', 'headline_savings');
    expect(Math.abs(r.headlineSavings - p.value)).toBeGreaterThan(p.tolerance);
    expect(DISCREPANCIES).toContain('c17-serverless-migration');
  });
  it('reports which canary metrics got better and which worse', () => {
    const m = serverlessMigration({
      baselineLcpr: 0.041,
      candidateLcpr: 0.031,
      acceptedPerMonth: 500_000,
      migrationCost: 11_000,
      baseline: { cacheHitRate: 0.71, qualityPassRate: 0.91, repairRate: 0.052, repairSuccessRate: 0.87, escalationRate: 0.031 },
      candidate: { cacheHitRate: 0.79, qualityPassRate: 0.86, repairRate: 0.098, repairSuccessRate: 0.94, escalationRate: 0.049 },
    });
    const better = Object.fromEntries(m.metricDeltas.map((d) => [d.metric, d.better]));
    expect(better).toEqual({ 'cache hit rate': true, 'quality pass rate': false, 'repair rate': false, 'repair success rate': true, 'escalation rate': false });
  });
});

describe('c19-lora-training: LoRA economics', () => {
  // The rates are catalog data (catalog/fine-tuning.yaml), in force on the seed's date.
  const LORA = loraTrainingTiers(loadCatalog(), '2026-05-15');
  it('c19-lora-training: 50K examples × 1,500 tokens on a 7B base at $0.48/M trains for under $40', () => {
    const c = loraTrainingCost({ examples: 50_000, tokensPerExample: 1500, baseParamsB: 7, tiers: LORA });
    expect(c.trainingTokens).toBe(75_000_000);
    expect(c.tier.ratePerMillion).toBe(0.48);
    expect(c.computeCost[0]).toBeCloseTo(36, 10);
    expect(c.computeCost[0]).toBeLessThan(printed('c19-lora-training', 'training_cost_under').value);
  });
  it('tiers by base size, DPO at 2-3x SFT, hidden costs at 2-5x compute', () => {
    expect(loraTrainingCost({ examples: 1e6, tokensPerExample: 1, baseParamsB: 16, tiers: LORA }).computeCost[0]).toBeCloseTo(0.48, 10);
    expect(loraTrainingCost({ examples: 1e6, tokensPerExample: 1, baseParamsB: 17, tiers: LORA }).computeCost[0]).toBeCloseTo(1.5, 10);
    expect(loraTrainingCost({ examples: 1e6, tokensPerExample: 1, baseParamsB: 70, tiers: LORA }).computeCost[0]).toBeCloseTo(2.9, 10);
    const dpo = loraTrainingCost({ examples: 50_000, tokensPerExample: 1500, baseParamsB: 7, method: 'dpo', tiers: LORA });
    expect(dpo.computeCost).toEqual([36 * DPO_MULTIPLIER[0], 36 * DPO_MULTIPLIER[1]].map((x) => expect.closeTo(x, 10)));
    expect(dpo.programCost[1]).toBeCloseTo(36 * 3 * 5, 10);
    expect(() => loraTrainingCost({ examples: 1, tokensPerExample: 1, baseParamsB: 405, tiers: LORA })).toThrow(/baseParamsB is 405/);
  });
});

describe('Leaving the API: the seed worked decisions as verdicts', () => {
  const monthly = (file: string, i = 0) => new Map(compareRoutes(example(file)[i]!.profile, example(file)[i]!.routes).routes.map((r) => [r.route, r.monthlyCost]));

  it('p1-volume-gate: 800K requests on GPT-5.5 is a clear Volume-gate pass with a 3.1-month payback', () => {
    const m = monthly('volume-gate.yaml');
    const g = volumeGate({ closedApiSpendPerMonth: m.get('openai/gpt-5.5')!, targetMonthly: m.get('together/deepseek-v3')!, migrationCost: migrationCost(8, 150) });
    expect(g.status).toBe('pass');
    expect(g.band).toBe('execution_risk');
    expectPrinted(g.paybackMonths!, printed('p1-volume-gate', 'payback_months'));
    const d = leaveApiDecision(specializationGate({}), ownershipGate({}), g);
    expect(d).toMatchObject({ decision: 'migrate', decidedBy: 'volume-gate' });
  });

  it('p1-volume-gate-low: the 500K workload is marginal — 6.3-month payback but under $10K spend, so stay unless another gate passes', () => {
    const m = monthly('saas-chat.yaml');
    const g = volumeGate({ closedApiSpendPerMonth: m.get('openai/gpt-5.5')!, targetMonthly: m.get('together/deepseek-v3')!, migrationCost: migrationCost(8, 150) });
    expect(g.band).toBe('marginal');
    expect(g.status).toBe('fail');
    expectPrinted(g.paybackMonths!, printed('p1-volume-gate-low', 'payback_months'));
    // 12 weeks instead of 8 stretches payback by half again.
    expect(g.paybackIfOverrun).toBeCloseTo((12 * 40 * 150) / g.monthlySavings!, 10);
    expect(g.reason).toMatch(/marginal/);
    expect(leaveApiDecision(specializationGate({ fineTuneParity: false, p99SloMs: 2000, modelModifications: false }), ownershipGate({ residencyRequired: false, zeroRetentionRequired: false, outageCost: 1000, monthlyRevenue: 1_000_000 }), g).decision).toBe('stay');
    expect(leaveApiDecision(specializationGate({}), ownershipGate({}), g).decision).toBe('stay_and_measure');
  });

  it('the flowchart order: Specialization decides before Ownership and Volume', () => {
    const spec = specializationGate({ p99SloMs: 400, chainedCalls: 5 });
    const own = ownershipGate({ outageCost: 20_000, monthlyRevenue: 1_000_000 });
    expect(own.status).toBe('pass');
    const d = leaveApiDecision(spec, own, volumeGate({ closedApiSpendPerMonth: 2000 }));
    expect(d).toMatchObject({ decision: 'migrate', decidedBy: 'specialization-gate' });
    // 400 ms on a single call is not "chained": the condition does not hold.
    expect(specializationGate({ p99SloMs: 400, chainedCalls: 1, fineTuneParity: false, modelModifications: false }).status).toBe('fail');
    // Exactly 1% of revenue does not exceed 1%.
    expect(ownershipGate({ outageCost: 10_000, monthlyRevenue: 1_000_000, residencyRequired: false, zeroRetentionRequired: false }).status).toBe('fail');
  });

  it('Gemini keeps input-heavy classification: 1.9x gap, but the savings do not repay a migration', () => {
    const m = monthly('gemini-question.yaml', 2);
    const gemini = m.get('google/gemini-2.5-pro')!;
    const together = m.get('together/deepseek-v3')!;
    const g = volumeGate({ closedApiSpendPerMonth: gemini, targetMonthly: together, migrationCost: migrationCost(8, 150) });
    expect(g.band).toBe('marginal');
    expect(g.paybackMonths!).toBeGreaterThan(12);
    expect(leaveApiDecision(specializationGate({ fineTuneParity: false, p99SloMs: 3000, modelModifications: false }), ownershipGate({ residencyRequired: false, zeroRetentionRequired: false, outageCost: 0, monthlyRevenue: 100_000 }), g).decision).toBe('stay');
    // The output-heavy shape at the same volume is not marginal: output pricing makes Gemini cost enough to move.
    const code = monthly('gemini-question.yaml', 1);
    expect(code.get('google/gemini-2.5-pro')!).toBeGreaterThan(10_000);
    expect(volumeGate({ closedApiSpendPerMonth: code.get('google/gemini-2.5-pro')!, targetMonthly: code.get('together/deepseek-v3')!, migrationCost: 48_000 }).status).toBe('pass');
  });

  it('payback counted from the decision date is later than from cutover, by less than the 16-week lead time', () => {
    const m = monthly('volume-gate.yaml');
    const s = leadTimeSchedule({ currentMonthly: m.get('openai/gpt-5.5')!, targetMonthly: m.get('together/deepseek-v3')!, migrationCost: 48_000 });
    const cut = s.paybackFromCutoverMonths!;
    const dec = s.paybackFromDecisionMonths!;
    expect(dec).toBeGreaterThan(cut + (8 * 12) / 52);
    expect(dec).toBeLessThan(cut + (16 * 12) / 52);
    // Shadow weeks pay for both routes: four weeks of the target bill.
    expect(s.shadowCost).toBeCloseTo((m.get('together/deepseek-v3')! * 4 * 12) / 52, 6);
  });
});

describe('Do Nothing (seed 001 ch. 16) and staying on closed APIs', () => {
  const base = { currentLcpr: { value: 0.041, evidence: 'measured' as const }, targetLcpr: { value: 0.031, evidence: 'measured' as const }, acceptedPerMonth: 500_000, migrationCost: 11_000, planningHorizonMonths: 12, monthlySpend: 20_500, evalSuite: true, targetBlockedByCompliance: false, currentProviderImproving: false };
  it('payback = migration cost ÷ ((current − target LCPR) × accepted volume)', () => {
    const r = doNothing(base);
    expect(r.paybackMonths).toBeCloseTo(11_000 / (0.01 * 500_000), 10);
    expect(r.decision).toBe('migrate');
  });
  it('each of the five conditions alone makes staying right', () => {
    expect(doNothing({ ...base, monthlySpend: 4_000 }).decision).toBe('stay');
    expect(doNothing({ ...base, evalSuite: false }).decision).toBe('stay');
    expect(doNothing({ ...base, targetBlockedByCompliance: true }).decision).toBe('stay');
    expect(doNothing({ ...base, planningHorizonMonths: 4 }).decision).toBe('stay');
    expect(doNothing({ ...base, currentProviderImproving: true }).decision).toBe('stay');
  });
  it('payback past 6 months on an estimated target LCPR means stay and measure; past the horizon means stay', () => {
    const est = doNothing({ ...base, targetLcpr: 0.0395, migrationCost: 5_000 });
    expect(est.paybackMonths!).toBeGreaterThan(6);
    expect(est.decision).toBe('stay_and_measure');
    expect(est.payback.restsOnAssumptions).toBe(true);
    expect(doNothing({ ...base, migrationCost: 100_000 }).decision).toBe('stay');
  });
  it('missing facts leave conditions unknown, never a silent pass', () => {
    const r = doNothing({ currentLcpr: base.currentLcpr, targetLcpr: base.targetLcpr, acceptedPerMonth: 500_000, migrationCost: 11_000 });
    expect(r.conditions.filter((c) => c.status === 'unknown')).toHaveLength(5);
    expect(r.decision).toBe('stay_and_measure');
  });
  it('stay on closed APIs permanently: a 15-point quality gap, rotation every 2-3 months, no ML engineers under $50K', () => {
    const v = stayOnClosedApi({ qualityGap: 0.15, modelRotationMonths: 2, mlEngineers: 0, monthlySpend: 30_000 });
    expect(v.map((x) => x.status)).toEqual(['fail', 'fail', 'fail']);
    const w = stayOnClosedApi({ qualityGap: 0.1, modelRotationMonths: 6, mlEngineers: 0, monthlySpend: 60_000 });
    expect(w.map((x) => x.status)).toEqual(['pass', 'pass', 'pass']);
  });
});

describe('Vendor scorecard (seed 000 Part 4)', () => {
  const good = { servesModel: true, p99Ms: 800, latencyTestDays: 7, uptime: 0.9995, certifications: ['soc2', 'hipaa_baa'], zeroRetentionDefault: true, openaiCompatible: true, raisedPricesLast12Months: false, lcpr: 0.003 };
  const req = { regulated: true, certifications: ['soc2', 'hipaa_baa'], zeroRetention: true, p99SloMs: 1000, bestLcpr: 0.003 };
  it('a vendor failing the compliance gate on a regulated workload is eliminated, even with a compensating control', () => {
    const v = scoreVendor({ name: 'stores-by-default', ...good, zeroRetentionDefault: false, gates: {} }, req);
    expect(v.outcome).toBe('eliminated');
    expect(v.gates.find((g) => g.rule === 'vendor-compliance')!.status).toBe('fail');
    const withControl = scoreVendor({ name: 'x', ...good, zeroRetentionDefault: false, gates: { compliance: { status: 'fail', compensatingControl: 'settings toggle' } } }, req);
    expect(withControl.outcome).toBe('eliminated');
  });
  it('a reliability failure is mitigated by multi-vendor failover', () => {
    const noFailover = scoreVendor({ name: 'flaky', ...good, uptime: 0.995 }, req);
    expect(noFailover.outcome).toBe('eliminated');
    const failover = scoreVendor({ name: 'flaky', ...good, uptime: 0.995, failover: true }, req);
    const rel = failover.gates.find((g) => g.rule === 'vendor-reliability')!;
    expect(rel.status).toBe('conditional');
    expect(rel.reason).toMatch(/failover/);
    expect(failover.outcome).toBe('shortlist');
  });
  it('no uptime history is scored at an assumed 99.5%, and two conditionals trigger deeper evaluation', () => {
    const v = scoreVendor({ name: 'new', ...good, uptime: undefined, failover: true, raisedPricesLast12Months: true }, req);
    const rel = v.gates.find((g) => g.rule === 'vendor-reliability')!;
    expect(rel.compared[0]).toMatchObject({ value: 0.995, evidence: 'assumed' });
    expect(rel.restsOnAssumptions).toBe(true);
    expect(v.outcome).toBe('deeper_evaluation');
  });
});
