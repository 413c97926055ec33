import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WORKLOAD_FIELDS } from '../src/workload/fields.js';
import { flagOf } from '../src/cli/field-flags.js';
import { cli } from './helpers/cli.js';

// Issue 10: a CLI flag that sets a workload field is derived from the registry entry (bounds, name, unit).
const EX = join(import.meta.dirname, '..', 'examples');
const STAGE2 = join(EX, 'stage2.yaml');

const lcprOf = (stdout: string, route: string) => JSON.parse(stdout).workloads[0].routes.find((r: { route: string }) => r.route === route).lcpr as number;

describe('workload-field flags from the registry', () => {
  it('compare, plan, sensitivity and sweep list a flag for every workload field of the registry', async () => {
    for (const cmd of ['compare', 'plan', 'sensitivity', 'sweep']) {
      const r = await cli(cmd, '--help');
      for (const f of WORKLOAD_FIELDS) {
        if (cmd === 'sweep' && f.key === 'output_tokens') continue; // sweep's own axis
        expect(r.stdout, `${cmd} ${flagOf(f)}`).toContain(flagOf(f) + ' ');
      }
    }
  });
  it('a value outside the registry bounds is refused with the flag and the allowed range, exit 2, nothing printed', async () => {
    const cases: [string, string, RegExp][] = [
      ['--quality-pass-rate', '1.5', /--quality-pass-rate is "1\.5"; allowed 0 < value ≤ 1/],
      ['--quality-pass-rate', '0', /--quality-pass-rate is "0"; allowed 0 < value ≤ 1/],
      ['--requests-per-month', '0', /--requests-per-month is "0"; allowed 0 < value ≤ 1000000000000/],
      ['--engineering-hours-per-month', '745', /--engineering-hours-per-month is "745"; allowed 0 ≤ value ≤ 744/],
      ['--retry-rate', 'abc', /--retry-rate is "abc"/],
    ];
    for (const cmd of ['compare', 'plan', 'sensitivity', 'sweep']) {
      for (const [flag, v, msg] of cases) {
        const r = await cli(cmd, STAGE2, flag, v);
        expect(r.code, `${cmd} ${flag} ${v}`).toBe(2);
        expect(r.stderr, `${cmd} ${flag} ${v}`).toMatch(msg);
        expect(r.stdout).toBe('');
      }
    }
  }, 120_000);
  it('a flag replaces the file value, labelled with the flag; LCPR moves as the formula says', async () => {
    const base = await cli('compare', STAGE2, '--json');
    const half = await cli('compare', STAGE2, '--json', '--quality-pass-rate', '50%', '--repair-cost-per-failure', '0');
    expect(base.code, base.stderr).toBe(0);
    expect(half.code, half.stderr).toBe(0);
    const w = JSON.parse(half.stdout).workloads[0];
    expect(w.assumptions.quality_pass_rate).toEqual({ value: 0.5, evidence: 'assumed', source: 'command line: --quality-pass-rate' });
    // LCPR = monthly cost ÷ accepted outputs; with repair cost 0 on both sides the cost is unchanged, so 0.95 → 0.5 scales LCPR by 0.95/0.5.
    const zeroRepair = await cli('compare', STAGE2, '--json', '--repair-cost-per-failure', '0');
    expect(lcprOf(half.stdout, 'openai/gpt-5.5')).toBeCloseTo((lcprOf(zeroRepair.stdout, 'openai/gpt-5.5') * 0.95) / 0.5, 12);
  });
  it('plan, sensitivity and sweep use the flag value', async () => {
    const plan0 = await cli('plan', join(EX, 'fleet.yaml'), '--json');
    const plan = await cli('plan', join(EX, 'fleet.yaml'), '--json', '--requests-per-month', '2e6');
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).not.toEqual(plan0.stdout);
    const sens = await cli('sensitivity', STAGE2, '--json', '--retry-rate', '0.2');
    expect(sens.code, sens.stderr).toBe(0);
    const bars = JSON.parse(sens.stdout).workloads[0].tornado[0].bars as { name: string; base: number }[];
    expect(bars.find((b) => b.name === 'retry_rate')!.base).toBe(0.2);
    const a = await cli('sweep', STAGE2, '--output-tokens', '100:200:100', '--json');
    const b = await cli('sweep', STAGE2, '--output-tokens', '100:200:100', '--json', '--input-tokens', '8000');
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).not.toEqual(a.stdout);
  }, 120_000);
});
