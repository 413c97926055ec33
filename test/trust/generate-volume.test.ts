import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempYaml } from '../helpers/cli.js';
import { tempDir } from '../traces/helpers.js';

const W = 'name: small\nrequests_per_month: 3000\ninput_tokens: 500\noutput_tokens: 100\nretry_rate: 0.05\nquality_pass_rate: 0.9\nroutes: [openai/gpt-5.5]\n';

describe('traces generate honours the workload volume (issue 11 item 4)', () => {
  it('defaults to the workload volume over a calendar month (May: 31 days), and measures back to it', async () => {
    const dir = tempDir();
    const out = join(dir, 'may.csv');
    const g = await cli('traces', 'generate', '--workload', tempYaml(W), '--out', out, '--json');
    expect(g.code, g.stderr).toBe(0);
    const j = JSON.parse(g.stdout);
    expect(j.days).toBe(31);
    expect(j.sampleFraction).toBe(1);
    // 3,000 requests per 30-day month over 31 days.
    expect(Math.abs(j.requests - 3100)).toBeLessThanOrEqual(2);
    const db = join(dir, 't.duckdb');
    expect((await cli('traces', 'import', out, '--db', db)).code).toBe(0);
    const s = JSON.parse((await cli('traces', 'summarize', '--db', db, '--by', 'workload', '--json')).stdout);
    const perMonth = (s.groups[0].requests / s.groups[0].window.days) * 30;
    expect(perMonth).toBeGreaterThan(2900);
    expect(perMonth).toBeLessThan(3100);
  });
  it('--rows is a stated sample of the volume', async () => {
    const out = join(tempDir(), 's.csv');
    const g = await cli('traces', 'generate', '--workload', tempYaml(W), '--out', out, '--rows', '315', '--days', '30');
    expect(g.code, g.stderr).toBe(0);
    expect(g.stdout).toMatch(/a sample: 10\.0% of the workload's 3,000 requests\/month .* multiply measured counts and volume by 10/);
  });
  it('a volume too large to write in full asks for --rows', async () => {
    const out = join(tempDir(), 'big.csv');
    const g = await cli('traces', 'generate', '--workload', tempYaml(W.replace('3000', '100000000')), '--out', out);
    expect(g.code).toBe(2);
    expect(g.stderr).toMatch(/give --rows N to write a sample/);
  });
});
