import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorkloadFile } from '../../src/workload/load.js';
import { cli } from '../helpers/cli.js';

const ex = (name: string) => join(resolve(import.meta.dirname, '../..'), 'examples', name);

describe('routefit dedicated compares like with like and prints rounded working (issue 11 item 5, words)', () => {
  it('C_serverless leaves out the fixed $800/month engineering the bare GPU side does not carry', async () => {
    const r = await cli('dedicated', ex('stage2.yaml'), '--pattern-csv', ex('hourly-week.csv'), '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    const cs = j.gate.inputs.serverlessCostPerAccepted.value as number;
    const all = j.options.find((o: { label: string }) => o.label === 'all serverless');
    // All-serverless = volume × C_serverless; with the fixed $800 spread in, it would be $800 more.
    const text = await cli('dedicated', ex('stage2.yaml'), '--pattern-csv', ex('hourly-week.csv'));
    expect(text.stdout).toMatch(/same basis on both sides: C_serverless is together\/deepseek-v3's cost per accepted output without the workload's fixed monthly overheads \(engineering \$800\)/);
    const t = await cli('compare', ex('stage2.yaml'), '--json');
    const together = JSON.parse(t.stdout).workloads[0].routes.find((x: { route: string }) => x.route === 'together/deepseek-v3');
    // The full LCPR carries engineering; C_serverless is the same cost without it (at the pattern's volume).
    expect(cs).toBeLessThan(together.lcpr);
    expect(all.monthlyCost).toBeCloseTo(j.volumePerMonth * cs, 6);
  });
  it('the working shows rounded figures, not 12451.45631067961 × 0.0014462063633660423', async () => {
    const r = await cli('dedicated', ex('stage2.yaml'), '--pattern-csv', ex('hourly-week.csv'));
    const working = r.stdout.slice(r.stdout.indexOf('Working:'));
    expect(working).not.toMatch(/\.\d{9,}/);
    expect(working).not.toContain("12451.45631067961");
    expect(working).toContain('12451.5 ×');
  });
});
