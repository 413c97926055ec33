import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempYaml } from './helpers/cli.js';

const ROOT = resolve(import.meta.dirname, '..');
const ex = (name: string) => join(ROOT, 'examples', name);

const MINI = (extra = '', workloadExtra = '') => `name: mini
as_of: 2026-05-15
${extra}routes: [openai/gpt-5.5, together/deepseek-v3]
workloads:
  - name: chat
    requests_per_month: 800000
    input_tokens: 1000
    output_tokens: 500
    retry_rate: 0.05
    quality_pass_rate: 0.92
    engineering_hours_per_month: 12
    current_route: openai/gpt-5.5
${workloadExtra}`;

describe('routefit plan', () => {
  it('turns examples/fleet.yaml into a brief: migrate, stay, measure first — each with the rule and the numbers behind it', async () => {
    const r = await cli('plan', ex('fleet.yaml'), '--json');
    expect(r.code, r.stderr).toBe(0);
    const b = JSON.parse(r.stdout);
    const by = Object.fromEntries(b.workloads.map((w: { workload: string }) => [w.workload, w]));
    const support = by['support-resolution'];
    expect(support.action).toBe('migrate');
    expect(support.recommended.route).toBe('together/llama-3.3-70b');
    // (0.041 − 0.031) × 500,000 × 0.91 accepted; $11K rewrite (seed 001 ch. 17).
    expect(support.savings.monthly).toBeCloseTo(4550, 6);
    expect(support.savings.paybackFromCutoverMonths).toBeCloseTo(11000 / 4550, 6);
    expect(support.savings.paybackFromDecisionMonths).toBeGreaterThan(support.savings.paybackFromCutoverMonths);
    expect(support.leaveApi.decidedBy).toBe('volume-gate');
    expect(support.stage.stage).toBe(1);
    const extraction = by['document-extraction'];
    expect(extraction.action).toBe('stay');
    expect(extraction.funnel.cells.filter((c: { status: string }) => c.status === 'eliminated')).toHaveLength(3);
    const cls = by['background-classification'];
    expect(cls.action).toBe('measure_first');
    expect(cls.recommended).toMatchObject({ route: 'lambda/h100-sxm', evidence: 'estimated' });
    expect(cls.headline).toMatch(/cheapest measured route is together\/h100-endpoint/);
    expect(cls.measureNext.join()).toMatch(/from traces/);
    expect(b.fleetStage.stage).toBe(2);
    expect(b.totalMonthlySavings).toBeCloseTo(4550, 6);
  });

  it('prints the gates, the Do Nothing check and what to measure next', async () => {
    const r = await cli('plan', ex('fleet.yaml'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/support-resolution — MIGRATE/);
    expect(r.stdout).toMatch(/Volume gate\s+PASS/);
    expect(r.stdout).toMatch(/Do Nothing check/);
    expect(r.stdout).toMatch(/Measure next:/);
    expect(r.stdout).toMatch(/payback 2\.4 months after cutover, \d+\.\d months from the decision/);
  });

  it('the seed Volume-gate worked example: the gate passes, savings $15,582/month, but a modeled target LCPR means canary first (ch. 16)', async () => {
    const r = await cli('plan', tempYaml(MINI('', '    complexity_factors: [2, 2, 2, 2, 2, 2]\n    eval_suite: true\n    current_provider_improving: false\n    planning_horizon_months: 12\n    current_spend_per_month: 18128\n')), '--json');
    expect(r.code, r.stderr).toBe(0);
    const w = JSON.parse(r.stdout).workloads[0];
    expect(w.leaveApi.gates.map((g: { status: string }) => g.status)).toEqual(['unknown', 'unknown', 'pass']);
    expect(w.recommended.route).toBe('together/deepseek-v3');
    expect(w.savings.monthly).toBeCloseTo(18128 - 2545.8, 0);
    expect(w.action).toBe('measure_first');
    expect(w.headline).toMatch(/LCPRs are estimates/);
    expect(w.measureNext.join()).toMatch(/from traces/);
    expect(w.migration.complexity.tier).toBe('Standard');
    expect(w.migration.cost).toBe(8 * 40 * 150);
  });

  it('a workload without current_route is ranked as a greenfield choice, saying which fact is missing', async () => {
    const file = tempYaml(MINI().replace('    current_route: openai/gpt-5.5\n', ''));
    const r = await cli('plan', file);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/no current_route in the file: ranked as a greenfield choice/);
    expect(r.stdout).not.toMatch(/Savings:/);
  });

  it('names file, line and field for bad decision facts, with did-you-mean', async () => {
    const r1 = await cli('plan', tempYaml(MINI('', '    constraints: { quality_flor: 0.9 }\n')));
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/:13:\d+: workloads\[0\]\.constraints\.quality_flor: unknown key \(did you mean "quality_floor"\?\)/);
    const r2 = await cli('plan', tempYaml(MINI('', '    candidates:\n      together/deepseek-v3: { pass_rate: 1.4 }\n')));
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/workloads\[0\]\.candidates\.together\/deepseek-v3\.pass_rate: 1\.4 is out of range: allowed 0 ≤ value ≤ 1/);
    const r3 = await cli('plan', tempYaml(MINI('', '    candidates:\n      fireworks/llama-3.3-70b: { pass_rate: 0.9 }\n')));
    expect(r3.code).toBe(2);
    expect(r3.stderr).toMatch(/:14:\d+: workloads\[0\]\.candidates\.fireworks\/llama-3\.3-70b: "fireworks\/llama-3\.3-70b" is not one of this workload's routes/);
    const r4 = await cli('plan', tempYaml(MINI().replace('current_route: openai/gpt-5.5', 'current_route: openai/gpt-4o')));
    expect(r4.code).toBe(2);
    expect(r4.stderr).toMatch(/workloads\[0\]\.current_route: "openai\/gpt-4o" is not one of this workload's routes/);
    const r5 = await cli('plan', tempYaml(MINI('', '    complexity_factors: [1, 2, 3]\n')));
    expect(r5.code).toBe(2);
    expect(r5.stderr).toMatch(/complexity_factors: six factor scores/);
    expect(`${r1.stderr}${r2.stderr}${r3.stderr}${r4.stderr}${r5.stderr}`).not.toMatch(/NaN|Infinity|at .*\.ts:\d+/);
  });

  it('a single-workload file without current_route is a fleet of one, ranked as a greenfield choice, and says so', async () => {
    const r = await cli('plan', ex('saas-chat.yaml'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('no current_route in the file: ranked as a greenfield choice');
    const j = JSON.parse((await cli('plan', ex('saas-chat.yaml'), '--json')).stdout);
    const ranking = j.greenfield[0].ranking as { route: string; lcpr: number }[];
    // Ranked cheapest first, and the recommendation is the first feasible cell.
    expect(ranking.map((c) => c.lcpr)).toEqual([...ranking.map((c) => c.lcpr)].sort((a, b) => a - b));
    expect(j.greenfield[0].recommended.route).toBe(ranking[0]!.route);
  });
});

describe('routefit matrix', () => {
  it('--csv has one row per workload × route with status, evidence and the recommended flag', async () => {
    const r = await cli('matrix', ex('fleet.yaml'), '--csv');
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.trim().split('\n');
    expect(rows).toHaveLength(1 + 3 * 4);
    expect(rows.find((x) => x.startsWith('support-resolution,together/llama-3.3-70b'))).toMatch(/,priced,,0\.031,measured,yes,/);
    expect(rows.find((x) => x.startsWith('document-extraction,together/h100-endpoint'))).toMatch(/,eliminated,constraints,,,no,compliance: lacks hipaa_baa/);
    expect(rows.find((x) => x.startsWith('support-resolution,lambda/h100-sxm'))).toMatch(/,not_applicable,constraints,/);
  });
  it('the table marks the recommended cell and flags estimates', async () => {
    const r = await cli('matrix', ex('fleet.yaml'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\$0\.0050 estimated \*/);
    expect(r.stdout).toMatch(/lambda\/h100-sxm \(flagged\)/);
  });
  it('--json carries every cell', async () => {
    const r = await cli('matrix', ex('fleet.yaml'), '--json', '--workload', 'support-resolution');
    const m = JSON.parse(r.stdout);
    expect(m.rows).toHaveLength(1);
    expect(m.rows[0].recommended.route).toBe('together/llama-3.3-70b');
    const bad = await cli('matrix', ex('fleet.yaml'), '--workload', 'nope');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--workload "nope" is not in/);
  });
});

describe('routefit readiness', () => {
  it('--factors in the seed order gives the score, tier, timeline and team', async () => {
    const r = await cli('readiness', '--factors', '1,1,1,2,1,1', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ score: 7, tier: 'Simple', spec: { timelineWeeks: [4, 6], engineers: [1, 2] } });
    const t = await cli('readiness', '--factors', '2,2,2,2,2,2');
    expect(t.stdout).toMatch(/Score 12 → Standard \(10-14\): 8-12 weeks, 2-3 engineers/);
  });
  it('rejects bad factors and explains the interactive mode needs a terminal', async () => {
    for (const f of ['1,1,1', '0,1,1,1,1,1', '1,1,1,1,1,x']) {
      const r = await cli('readiness', '--factors', f);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/six scores 1-3/);
    }
    const r = await cli('readiness');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/pass --factors/);
  });
});

describe('routefit scorecard', () => {
  it('eliminates the vendor failing compliance on a regulated workload; failover mitigates a reliability failure', async () => {
    const r = await cli('scorecard', ex('vendors.yaml'), '--json');
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    const by = Object.fromEntries(s.vendors.map((v: { vendor: string }) => [v.vendor, v]));
    expect(by.together.outcome).toBe('eliminated');
    expect(by.fireworks.outcome).toBe('shortlist');
    expect(by.fireworks.gates.find((g: { rule: string }) => g.rule === 'vendor-reliability').status).toBe('conditional');
    expect(s.negotiation.tier).toBe('committed_use');
  });
  it('bad vendor files name the line and the allowed values', async () => {
    const r = await cli('scorecard', tempYaml('vendors:\n  - name: a\n    uptime: 1.5\n  - name: b\n    gates: { compliance: { status: maybe } }\n'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/:3:\d+: vendors\[0\]\.uptime/);
    expect(r.stderr).toMatch(/:5:\d+: vendors\[1\]\.gates\.compliance\.status/);
  });
});

describe('routefit procurement', () => {
  it('five gates over five routes; the furthest viable route per workload', async () => {
    const r = await cli('procurement', ex('fleet.yaml'), '--json');
    expect(r.code, r.stderr).toBe(0);
    const by = Object.fromEntries(JSON.parse(r.stdout).workloads.map((w: { workload: string; result: unknown }) => [w.workload, w.result]));
    expect(by['background-classification'].furthestViable).toBe('hosted_open_weight');
    expect(by['background-classification'].routes.find((x: { route: string }) => x.route === 'dedicated_endpoint').status).toBe('conditional');
    expect(by['document-extraction'].routes.find((x: { route: string }) => x.route === 'self_host_cloud').status).toBe('unknown');
  });
});

describe('--help has examples for every decision command', () => {
  for (const c of ['plan', 'matrix', 'readiness', 'scorecard', 'procurement']) {
    it(c, async () => {
      const r = await cli(c, '--help');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Examples:\n\s+\$ routefit /);
      expect(r.stdout).toMatch(/--json/);
    });
  }
});

describe('plan with vendor facts (seed 000 Part 4 inside the funnel)', () => {
  const fleet = (vendors: string) =>
    tempYaml(`as_of: 2026-05-15
${vendors}routes: [openai/gpt-5.5, together/deepseek-v3, fireworks/llama-3.3-70b]
workloads:
  - name: regulated
    requests_per_month: 800000
    input_tokens: 1000
    output_tokens: 500
    current_route: openai/gpt-5.5
    constraints: { certifications: [soc2, hipaa_baa] }
    ownership: { zero_retention_required: true }
    candidates:
      openai/gpt-5.5: { certifications: [soc2, hipaa_baa] }
      together/deepseek-v3: { certifications: [soc2, hipaa_baa] }
      fireworks/llama-3.3-70b: { certifications: [soc2, hipaa_baa] }
`);
  it('a vendor failing compliance on a regulated workload eliminates its routes; failover keeps a reliability miss in play', async () => {
    const r = await cli('plan', fleet(`vendors_file: ${ex('vendors.yaml')}\n`), '--json');
    expect(r.code, r.stderr).toBe(0);
    const w = JSON.parse(r.stdout).workloads[0];
    const cell = (id: string) => w.funnel.cells.find((c: { route: string }) => c.route === id);
    expect(cell('together/deepseek-v3')).toMatchObject({ status: 'eliminated', eliminatedAt: 'constraints' });
    expect(cell('together/deepseek-v3').reasons.join()).toMatch(/vendor gates: together scorecard: eliminated/);
    expect(cell('fireworks/llama-3.3-70b').status).toBe('priced');
    expect(cell('fireworks/llama-3.3-70b').checks.find((c: { constraint: string }) => c.constraint === 'vendor gates').status).toBe('pass');
    expect(w.recommended.route).toBe('fireworks/llama-3.3-70b');
  });
  it('inline vendors work the same, and a bad vendor field is a file error with its line', async () => {
    const ok = await cli('plan', fleet('vendors:\n  - { name: together, zero_retention_default: false, certifications: [soc2, hipaa_baa] }\n'), '--json');
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).workloads[0].funnel.cells.find((c: { route: string }) => c.route === 'together/deepseek-v3').status).toBe('eliminated');
    const bad = await cli('plan', fleet('vendors:\n  - { name: together, uptme: 0.99 }\n'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/:3:\d+: vendors\[0\]\.uptme: unknown key \(did you mean "uptime"\?\)/);
  });
});

describe('unpriceable routes in a fleet', () => {
  it('are eliminated at economics with the reason, never $0, and the exit code is 2', async () => {
    const file = tempYaml(`as_of: 2026-05-15
workloads:
  - name: chat
    requests_per_month: 800000
    input_tokens: 1000
    output_tokens: 500
    current_route: openai/gpt-5.5
    routes:
      - openai/gpt-5.5
      - { route: together/deepseek-v3, as_of: 2020-01-01 }
`);
    const r = await cli('matrix', file, '--json');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/could not be priced/);
    const cell = JSON.parse(r.stdout).rows[0].cells.find((c: { route: string }) => c.route === 'together/deepseek-v3');
    expect(cell).toMatchObject({ status: 'eliminated', eliminatedAt: 'economics' });
    expect(cell.lcpr).toBeUndefined();
    const p = await cli('plan', file, '--json');
    expect(p.code).toBe(2);
    expect(JSON.parse(p.stdout).workloads[0].action).toBe('stay');
  });
});
