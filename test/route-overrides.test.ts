import { describe, expect, it } from 'vitest';
import { cli, tempYaml } from './helpers/cli.js';

const base = (routes: string, extra = '') => `name: t
as_of: 2026-05-15
requests_per_month: 500000
input_tokens: 800
output_tokens: 400
${extra}routes:
${routes}`;

async function lcprs(text: string) {
  const r = await cli('compare', tempYaml(text), '--json');
  expect(r.code, r.stderr).toBe(0);
  return new Map((JSON.parse(r.stdout).workloads[0].routes as { route: string; lcpr: number; inputs: Record<string, { value: number; evidence: string; source?: string }> }[]).map((x) => [x.route, x]));
}

describe('per-route inputs (issue 10)', () => {
  it("a route's own pass rate, with its evidence label, is what its LCPR uses", async () => {
    const plain = await lcprs(base('  - together/deepseek-v3\n  - openai/gpt-5.5\n'));
    const own = await lcprs(base('  - route: together/deepseek-v3\n    quality_pass_rate: {value: 0.6, evidence: measured, source: eval run 12}\n  - openai/gpt-5.5\n'));
    const cheap = own.get('together/deepseek-v3')!;
    expect(cheap.inputs.qualityPassRate).toMatchObject({ value: 0.6, evidence: 'measured', source: 'eval run 12' });
    expect(cheap.lcpr).toBeGreaterThan(plain.get('together/deepseek-v3')!.lcpr * (0.95 / 0.6) * 0.99);
    // The other route keeps the workload's value.
    expect(own.get('openai/gpt-5.5')!.lcpr).toBe(plain.get('openai/gpt-5.5')!.lcpr);
    expect(own.get('openai/gpt-5.5')!.inputs.qualityPassRate!.value).toBe(0.95);
  });

  it('retry rate, repair cost and cache hit rate can differ by route too', async () => {
    const own = await lcprs(base('  - route: together/deepseek-v3\n    retry_rate: 0.2\n    repair_cost_per_failure: 0.05\n  - openai/gpt-5.5\n'));
    const r = own.get('together/deepseek-v3')!;
    expect([r.inputs.retryRate!.value, r.inputs.repairCostPerFailure!.value]).toEqual([0.2, 0.05]);
  });

  it('a self-managed route takes its mode’s engineering hours (labelled) unless the file states hours', async () => {
    const gpu = '  - route: lambda/h100-sxm\n    serves: llama-3.3-70b\n  - together/deepseek-v3\n';
    const silent = await lcprs(base(gpu));
    expect(silent.get('lambda/h100-sxm')!.inputs.engineeringHoursPerMonth).toMatchObject({ value: 45, evidence: 'estimated' });
    expect(silent.get('lambda/h100-sxm')!.inputs.engineeringHoursPerMonth!.source).toContain('Inference Field Guide, Part 1');
    expect(silent.get('together/deepseek-v3')!.inputs.engineeringHoursPerMonth!.value).toBe(8);
    const stated = await lcprs(base(gpu, 'engineering_hours_per_month: 12\n'));
    expect(stated.get('lambda/h100-sxm')!.inputs.engineeringHoursPerMonth!.value).toBe(12);
    const own = await lcprs(base('  - route: lambda/h100-sxm\n    serves: llama-3.3-70b\n    engineering_hours_per_month: 20\n'));
    expect(own.get('lambda/h100-sxm')!.inputs.engineeringHoursPerMonth!.value).toBe(20);
  });
});
