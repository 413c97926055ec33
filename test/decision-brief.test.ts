import { describe, expect, it } from 'vitest';
import { type BriefWorkload, decisionBrief } from '../src/engine/decisions/decision-brief.js';
import { computeLcpr } from '../src/engine/cost/lcpr.js';
import { canaryComparison, canaryProfile } from '../src/engine/decisions/serverless-migration.js';
import { cli, tempYaml } from './helpers/cli.js';
import { example } from './helpers/claims.js';

const [chat] = example('saas-chat.yaml');
const base = (extra: Partial<BriefWorkload> = {}): BriefWorkload => ({
  name: 'saas-chat',
  profile: chat!.profile,
  constraints: {},
  candidates: chat!.routes.filter((r) => ['openai/gpt-5.5', 'together/deepseek-v3'].includes(r.id)).map((route) => ({ route, facts: {} })),
  currentRoute: 'openai/gpt-5.5',
  evalSuite: true,
  currentProviderImproving: false,
  planningHorizonMonths: 12,
  specialization: { fineTuneParity: false, modelModifications: false, p99SloMs: 2000 },
  ownership: { residencyRequired: false, zeroRetentionRequired: false, outageCost: 1000, monthlyRevenue: 1_000_000 },
  ...extra,
});

describe('decisionBrief: the flowchart decides, Do Nothing guards the economics', () => {
  it('the Part 0 workload under $10K with no specialization or ownership need: stay on the closed API', () => {
    const b = decisionBrief([base()]).workloads[0]!;
    expect(b.leaveApi!.gates.map((g) => g.status)).toEqual(['fail', 'fail', 'fail']);
    expect(b.action).toBe('stay');
    expect(b.savings!.monthly).toBeCloseTo(7643, 0);
    expect(b.stage.stage).toBe(0);
  });
  it('a hard P99 SLO under 500 ms on chained calls overrides the volume economics', () => {
    const b = decisionBrief([base({ specialization: { p99SloMs: 300, chainedCalls: 4 } })]).workloads[0]!;
    expect(b.leaveApi!.decidedBy).toBe('specialization-gate');
    expect(b.action).toBe('migrate');
    expect(b.headline).toMatch(/Specialization gate passes/);
  });
  it('even an overriding gate waits for an eval suite (Do Nothing: migrating without evals is moving blind)', () => {
    const b = decisionBrief([base({ specialization: { p99SloMs: 300, chainedCalls: 4 }, evalSuite: false })]).workloads[0]!;
    expect(b.action).toBe('measure_first');
    expect(b.migrationGates!.missing).toContain('Eval readiness');
  });
  it('no feasible route when the funnel eliminates every candidate; stay when the current route is already the cheapest', () => {
    const none = decisionBrief([base({ constraints: { qualityFloor: 0.99 }, candidates: base().candidates.map((c) => ({ ...c, facts: { passRate: 0.9 } })) })]).workloads[0]!;
    expect(none.action).toBe('no_feasible_route');
    const cheapest = decisionBrief([base({ candidates: base().candidates.map((c) => ({ ...c, facts: c.route.id === 'openai/gpt-5.5' ? {} : { lcpr: { value: 0.5, evidence: 'measured' } } })) })]).workloads[0]!;
    expect(cheapest.action).toBe('stay');
    expect(cheapest.recommended!.route).toBe('openai/gpt-5.5');
  });
  it('migration cost falls back to the complexity tier midpoint, then to the seed’s 8 weeks, and says which', () => {
    expect(decisionBrief([base({ complexityFactors: [3, 3, 3, 3, 1, 3] })]).workloads[0]!.migration).toMatchObject({ cost: 16 * 40 * 150, evidence: 'assumed' });
    const d = decisionBrief([base()]).workloads[0]!;
    expect(d.migration!.cost).toBe(48_000);
    expect(d.migration!.basis).toMatch(/8 engineer-weeks/);
    expect(d.measureNext.join()).toMatch(/complexity factors/);
  });
  it('the fleet stage sees a Stage 1 exit from a workload’s facts (sub-500 ms SLO)', () => {
    const f = decisionBrief([base({ specialization: { p99SloMs: 300, chainedCalls: 4 } }), { ...base(), name: 'other', profile: { ...chat!.profile, requestsPerMonth: 1_000_000 } }]);
    expect(f.fleetStage.stage).toBe(1);
    expect(f.fleetStage.exits.find((e) => e.rule === 'exit-1-latency')!.status).toBe('pass');
    expect(f.fleetStage.graduate).toBe(true);
  });
});

describe('canaryProfile (seed 001 ch. 17): canary rates priced by computeLcpr', () => {
  const together = chat!.routes.find((r) => r.id === 'together/deepseek-v3')!;
  it('a better cache hit lowers the token bill; a lower pass rate raises LCPR', () => {
    const cached = computeLcpr(canaryProfile(chat!.profile, { cacheHitRate: 0.79 }), together);
    const plain = computeLcpr(chat!.profile, together);
    expect(cached.breakdown.tokens).toBeLessThan(plain.breakdown.tokens);
    const worse = computeLcpr(canaryProfile(chat!.profile, { qualityPassRate: 0.86 }), together);
    expect(worse.lcpr).toBeGreaterThan(plain.lcpr);
    expect(worse.inputs.qualityPassRate!.value).toBe(0.86);
  });
  it('canaryComparison prices both routes on their own canary rates, then savings and payback with ramp-up', () => {
    const gpt = chat!.routes.find((r) => r.id === 'openai/gpt-5.5')!;
    const c = canaryComparison({
      profile: chat!.profile,
      baselineRoute: gpt,
      candidateRoute: together,
      baseline: { qualityPassRate: { value: 0.95, evidence: 'measured' }, escalationRate: { value: 0.031, evidence: 'measured' } },
      candidate: { qualityPassRate: { value: 0.9, evidence: 'measured' }, escalationRate: { value: 0.049, evidence: 'measured' } },
      migrationCost: 11_000,
    });
    expect(c.baselineResult.lcpr).toBeCloseTo(computeLcpr({ ...chat!.profile, qualityPassRate: 0.95, humanEscalationRate: 0.031 }, gpt).lcpr, 12);
    expect(c.monthlySavings).toBeCloseTo((c.baselineResult.lcpr - c.candidateResult.lcpr) * c.baselineResult.acceptedRequestsPerMonth, 6);
    expect(c.paybackWithRampMonths![1] - c.paybackMonths!).toBeCloseTo(1, 12);
    expect(c.compared[0]!.evidence).toBe('measured');
    expect(c.metricDeltas.find((d) => d.metric === 'escalation rate')!.better).toBe(false);
  });
  it('rejects a rate outside 0-1', () => {
    expect(() => canaryProfile(chat!.profile, { escalationRate: 1.2 })).toThrow(/escalationRate is 1.2/);
  });
});

describe('plan: reversion and revert signals from the fleet file', () => {
  const file = (extra: string) =>
    tempYaml(`as_of: 2026-05-15
routes: [openai/gpt-5.5, together/deepseek-v3]
${extra}workloads:
  - name: chat
    requests_per_month: 800000
    input_tokens: 1000
    output_tokens: 500
    current_route: openai/gpt-5.5
    reversion: { escalation_rate_before: 0.03, escalation_rate_after: 0.10, incidents_new: 5, incidents_old: 1 }
`);
  it('a firing reversion signal holds the ramp; the Part 5 revert rule fires over 20%', async () => {
    const r = await cli('plan', file('operations: { multi_source_overhead_per_month: 1200, inference_savings_per_month: 5000 }\n'), '--json');
    expect(r.code, r.stderr).toBe(0);
    const b = JSON.parse(r.stdout);
    expect(b.workloads[0].reversion.action).toBe('hold');
    expect(b.workloads[0].reversion.signals.map((s: { status: string }) => s.status)).toEqual(['fail', 'fail']);
    expect(b.revertSignals[0]).toMatchObject({ rule: 'revert-1-0', status: 'fail' });
    const t = await cli('plan', file(''));
    expect(t.stdout).toMatch(/Reversion signals: HOLD/);
  });
  it('a bad operations field is a file error with its line', async () => {
    const r = await cli('plan', file('operations: { ops_time_share: 2 }\n'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/:3:\d+: operations\.ops_time_share: 2 is out of range/);
  });
});

describe('deployment step (seed 000 Part 1 flowchart): serverless first, self-managed only with $50K GPU spend and inference engineers', () => {
  it('the gate itself', async () => {
    const { deploymentStepGate } = await import('../src/engine/decisions/migration-gates.js');
    expect(deploymentStepGate({ mode: 'self_managed', gpuSpendPerMonth: 60_000, inferenceEngineers: 2 }).status).toBe('pass');
    expect(deploymentStepGate({ mode: 'self_managed', gpuSpendPerMonth: 40_000, inferenceEngineers: 2 }).status).toBe('fail');
    expect(deploymentStepGate({ mode: 'self_managed', gpuSpendPerMonth: 60_000, inferenceEngineers: 0 }).status).toBe('fail');
    expect(deploymentStepGate({ mode: 'self_managed', gpuSpendPerMonth: 60_000 }).status).toBe('unknown');
    expect(deploymentStepGate({ mode: 'managed_dedicated', outputTokensPerMinute: 100_000 }).status).toBe('conditional');
    expect(deploymentStepGate({ mode: 'managed_dedicated', outputTokensPerMinute: 130_000 }).status).toBe('pass');
  });
  it('a fleet with no inference engineers is not sent to self-managed GPUs; plan names the next step', async () => {
    const { readFileSync } = await import('node:fs');
    const { resolve } = await import('node:path');
    const text = readFileSync(resolve(import.meta.dirname, '../examples/fleet.yaml'), 'utf8')
      .replace('inference_engineers: 1', 'inference_engineers: 0')
      .replace('lambda/h100-sxm: { pass_rate: { value: 0.97, evidence: measured }, lcpr: { value: 0.005, evidence: estimated, source: vendor benchmark } }', 'lambda/h100-sxm: { pass_rate: { value: 0.97, evidence: measured }, lcpr: { value: 0.005, evidence: measured } }');
    const r = await cli('plan', tempYaml(text), '--json', '--workload', 'background-classification');
    expect(r.code, r.stderr).toBe(0);
    const w = JSON.parse(r.stdout).workloads[0];
    expect(w.recommended.route).toBe('lambda/h100-sxm');
    expect(w.deploymentStep.status).toBe('fail');
    expect(w.action).toBe('measure_first');
    expect(w.headline).toMatch(/together\/h100-endpoint .* is the next step/);
  });
});

describe('a current route the funnel eliminates', () => {
  it('must be left even when the move costs more, and the brief says how much', () => {
    const b = decisionBrief([
      base({
        constraints: { residency: 'eu' },
        candidates: base().candidates.map((c) => ({ ...c, facts: c.route.id === 'openai/gpt-5.5' ? { regions: ['us'] } : { regions: ['eu'], lcpr: { value: 0.05, evidence: 'measured' as const } } })),
      }),
    ]).workloads[0]!;
    expect(b.action).toBe('migrate');
    expect(b.savings!.monthly).toBeLessThan(0);
    expect(b.headline).toMatch(/current route fails the funnel \(data residency: no eu deployment/);
    expect(b.headline).toMatch(/costs \$[\d,]+ more\/month/);
  });
});
