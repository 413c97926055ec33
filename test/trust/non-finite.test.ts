import { describe, expect, it } from 'vitest';
import type { Sourced } from '../../src/engine/evidence.js';
import { RoutefitError } from '../../src/engine/errors.js';
import { computeLcpr, type GpuRouteSpec, type TokenRouteSpec, type WorkloadProfile } from '../../src/engine/cost/lcpr.js';
import { cli, tempYaml } from '../helpers/cli.js';

const pub = (value: number): Sourced => ({ value, evidence: 'public' });
const base: WorkloadProfile = {
  requestsPerMonth: 500_000,
  inputTokens: 800,
  outputTokens: 400,
  retryRate: 0.03,
  qualityPassRate: 0.95,
  repairCostPerFailure: 0.002,
  engineeringHoursPerMonth: 8,
  engineeringHourlyRate: 100,
};
const together: TokenRouteSpec = { id: 'together', mode: 'serverless', billing: 'tokens', price: { input: pub(0.6), output: pub(1.7) } };
const gpu: GpuRouteSpec = { id: 'gpu', mode: 'self_managed', billing: 'gpu', gpuHourly: pub(2), throughputTokensPerSecond: pub(1000), utilization: pub(0.5) };

function refusal(f: () => unknown): RoutefitError {
  try {
    f();
  } catch (e) {
    if (e instanceof RoutefitError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('the engine refuses a non-finite intermediate, naming the input (issue 17)', () => {
  it('engineering_hourly_rate 1e308 overflows the engineering cost: refused, naming it', () => {
    const e = refusal(() => computeLcpr({ ...base, engineeringHourlyRate: 1e308 }, together));
    expect(e.field).toBe('engineeringHourlyRate');
    expect(e.message).toMatch(/engineering cost .* overflows every finite number because engineering_hourly_rate is 1e\+308/);
  });
  it('a 1e308 price overflows the raw cost: refused, naming the price, not "monthly cost comes to NaN"', () => {
    const e = refusal(() => computeLcpr(base, { ...together, price: { ...together.price, output: pub(1e308) } }));
    expect(e.field).toBe('price.output');
    expect(e.message).not.toMatch(/NaN|Infinity/);
  });
  it('a volume that overflows the GPU demand is refused, naming requests_per_month', () => {
    const e = refusal(() => computeLcpr({ ...base, requestsPerMonth: 1.7e308 }, gpu));
    expect(e.field).toBe('requestsPerMonth');
    expect(e.message).not.toMatch(/NaN|Infinity/);
  });
  it('the CLI exits 2 with the message, and prints no Infinity or NaN, in text or JSON', async () => {
    const file = tempYaml(
      'name: t\nrequests_per_month: 500000\ninput_tokens: 800\noutput_tokens: 400\nretry_rate: 0.03\nquality_pass_rate: 0.95\nrepair_cost_per_failure: 0.002\nengineering_hours_per_month: 8\nengineering_hourly_rate: 1e308\nroutes: [together/deepseek-v3]\n',
    );
    for (const args of [[], ['--json']]) {
      const r = await cli('compare', file, ...args);
      expect(r.code).toBe(2);
      expect(r.stdout + r.stderr).not.toMatch(/NaN|Infinity/);
      expect(r.stderr).toContain('engineering_hourly_rate is 1e+308');
    }
  });
});
