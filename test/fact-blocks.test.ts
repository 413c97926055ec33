import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempYaml } from './helpers/cli.js';

// Issue 10: vendors and TCO instances are optional blocks of the one workload file format.
const EX = join(import.meta.dirname, '..', 'examples');
const FILES = readdirSync(EX).filter((f) => f.endsWith('.yaml'));

const WORKLOAD = 'name: chat\nrequests_per_month: 3000000\ninput_tokens: 1000\noutput_tokens: 500\nretry_rate: 0.04\n';

describe('scorecard and tco read every example', () => {
  it('scorecard: a vendors block is scored; without one the routes\' providers are scored from no facts, and it says so', async () => {
    for (const f of FILES) {
      const r = await cli('scorecard', join(EX, f), '--json');
      // A TCO table or an agent workflow names no provider routes of a workload: nothing to score.
      if (f === 'open-vs-closed-tco.yaml' || f === 'coding-agent.yaml') {
        expect(r.code, f).toBe(2);
        expect(r.stderr).toMatch(/needs vendor facts: this file has no vendors block and no provider routes/);
        continue;
      }
      expect(r.code, `${f}: ${r.stderr}`).toBe(0);
      const s = JSON.parse(r.stdout);
      expect(s.vendorsFrom, f).toBe(f === 'vendors.yaml' ? 'vendors' : 'route providers');
      if (s.vendorsFrom === 'route providers') {
        expect(s.notes.join(' '), f).toMatch(/no vendors block: scored the providers of this file's routes/);
        for (const c of s.vendors) expect(c.outcome, `${f} ${c.vendor}`).not.toBe('shortlist');
      }
    }
  }, 120_000);
  it('tco: the tco block is computed; a file without one needs it (exit 2) and names the block', async () => {
    for (const f of FILES) {
      const r = await cli('tco', join(EX, f), '--json');
      if (f === 'open-vs-closed-tco.yaml') {
        expect(r.code, r.stderr).toBe(0);
        const t = JSON.parse(r.stdout);
        expect(t.rows.map((x: { dailyOutputTokens: number }) => x.dailyOutputTokens)).toEqual([1e6, 10e6, 25e6, 50e6, 100e6, 250e6, 500e6, 1e9, 2.5e9, 10e9]);
        expect(t.notes).toEqual([]);
        continue;
      }
      expect(r.code, f).toBe(2);
      expect(r.stderr, f).toMatch(/needs TCO facts: this file has no tco block/);
      expect(r.stdout).toBe('');
    }
  }, 120_000);
});

describe('fact blocks on a workload file', () => {
  it('scorecard checks vendors against the workload\'s own constraints when there is no vendor_requirements block', async () => {
    const file = tempYaml(`${WORKLOAD}routes: [together/llama-3.3-70b]\nconstraints: { certifications: [hipaa_baa] }\nvendors:\n  - { name: together, certifications: [soc2] }\n  - { name: fireworks, certifications: [soc2, hipaa_baa], uptime: 0.9995, uptime_evidence: reported }\n`);
    const r = await cli('scorecard', file, '--json');
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.requirementsFrom).toBe('workloads');
    expect(s.requirements.certifications).toEqual(['hipaa_baa']);
    const by = Object.fromEntries(s.vendors.map((v: { vendor: string }) => [v.vendor, v]));
    expect(by.together.outcome).toBe('eliminated');
    expect(by.fireworks.outcome).not.toBe('eliminated');
    expect(by.together.reason).toMatch(/Compliance/);
  });
  it('tco without daily_output_tokens uses the workload\'s own daily output, retries included, and says so', async () => {
    const file = tempYaml(`${WORKLOAD}routes: [together/llama-3.3-70b]\ntco:\n  serverless_per_million: 0.88\n  instance: { on_demand_hourly: 6, tokens_per_day: 50e6 }\n`);
    const r = await cli('tco', file, '--json');
    expect(r.code, r.stderr).toBe(0);
    const t = JSON.parse(r.stdout);
    // 3M requests × 1.04 × 500 output tokens ÷ (365/12) days
    expect(t.rows[0].dailyOutputTokens).toBeCloseTo((3e6 * 1.04 * 500) / (365 / 12), 3);
    expect(t.notes[0]).toMatch(/daily_output_tokens not given: used the file's workloads' own volume \(chat\)/);
  });
  it('a bad tco block names the field and line inside the block', async () => {
    const r = await cli('tco', tempYaml(`tco:\n  serverless_per_million: 0.88\n  instance: { on_demand_hourly: -6, tokens_per_day: 50e6 }\n  daily_output_tokens: [1e6]\n`));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/:3:\d+: tco\.instance\.on_demand_hourly/);
  });
  it('the old top-level TCO shape is an unknown key with its line, not a silent default', async () => {
    const r = await cli('tco', tempYaml(`serverless_per_million: 0.88\ninstance: { on_demand_hourly: 6, tokens_per_day: 50e6 }\ndaily_output_tokens: [1e6]\n`));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/serverless_per_million|instance/);
  });
});
