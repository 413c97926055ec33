import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempYaml } from './helpers/cli.js';

const ex = (name: string) => join(resolve(import.meta.dirname, '..'), 'examples', name);

describe('routefit compare --uncertainty', () => {
  it('--json adds P10–P90, win probabilities summing to 1, and a value-of-information ranking led by the unmeasured output length', async () => {
    const r = await cli('compare', ex('uncertain-race.yaml'), '--uncertainty', '--samples', '4000', '--seed', '3', '--json');
    expect(r.code, r.stderr).toBe(0);
    const w = JSON.parse(r.stdout).workloads[0];
    // The plain comparison is still there…
    expect(w.cheapestByLcpr).toBe('fireworks/llama-3.3-70b');
    // …with the Monte Carlo beside it.
    const u = w.uncertainty;
    expect(u.samples).toBe(4000);
    expect(u.seed).toBe(3);
    const sum = u.routes.reduce((s: number, x: { winProbability: number }) => s + x.winProbability, 0);
    expect(sum).toBeCloseTo(1, 12);
    for (const route of u.routes) expect(route.lcpr.p10).toBeLessThanOrEqual(route.lcpr.p90);
    expect(u.recommended).toBe('fireworks/llama-3.3-70b');
    expect(u.wrongPickProbability).toBeGreaterThan(0.1);
    expect(u.valueOfInformation[0]).toMatchObject({ name: 'output_tokens', status: 'assumed', unmeasured: true });
    // The file's statuses: a January eval run is stale by mid-May; the gateway counts are fresh.
    const status = (id: string) => u.inputs.find((i: { id: string }) => i.id === id).status;
    expect(status('qualityPassRate')).toBe('stale');
    expect(status('requestsPerMonth')).toBe('measured_in_logs');
  });

  it('gives the same answer for the same seed and a different one for another', async () => {
    const run = async (seed: string) => JSON.parse((await cli('compare', ex('uncertain-race.yaml'), '--uncertainty', '--samples', '500', '--seed', seed, '--json')).stdout).workloads[0].uncertainty;
    const a = await run('42');
    expect(await run('42')).toEqual(a);
    expect((await run('43')).routes[0].lcpr.p50).not.toBe(a.routes[0].lcpr.p50);
  });

  it('text output says which route is cheapest, how sure, and what to measure first', async () => {
    const r = await cli('compare', ex('uncertain-race.yaml'), '--uncertainty', '--samples', '2000');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Cheapest: fireworks\/llama-3\.3-70b in \d+\.\d% of samples — the chance this pick is wrong is \d+\.\d%/);
    expect(r.stdout).toContain('→ Measure output_tokens first');
    expect(r.stdout).toContain('P(cheapest)');
  });

  it('adds the probability that migrating off the current route pays back within the horizon', async () => {
    const r = await cli('compare', ex('saas-chat.yaml'), '--uncertainty', '--samples', '1000', '--current', 'openai/gpt-5.5', '--migration-weeks', '8', '--migration-rate', '150', '--horizon', '3', '--json');
    expect(r.code, r.stderr).toBe(0);
    const u = JSON.parse(r.stdout).workloads[0].uncertainty;
    expect(u.migration).toEqual({ from: 'openai/gpt-5.5', oneTimeCost: 48_000, horizonMonths: 3 });
    const together = u.routes.find((x: { route: string }) => x.route === 'together/deepseek-v3');
    // $48,000 against ~$7,600/month savings (6.3 months at the point estimate): rarely within 3 months.
    expect(together.paybackProbability).toBeLessThan(0.2);
    expect(u.routes.find((x: { route: string }) => x.route === 'openai/gpt-5.5').paybackProbability).toBeUndefined();
  });

  it('bad flags exit 2 naming the flag and the allowed range', async () => {
    const cases: [string[], RegExp][] = [
      [['--samples', '0'], /--samples is "0"; allowed a whole number 1 ≤ value ≤ 1000000/],
      [['--samples', 'lots'], /--samples is "lots"/],
      [['--seed', '1.5'], /--seed is "1.5"; allowed a whole number/],
      [['--correlate', 'retry_rate=0.5'], /expected a:b=rho/],
      [['--correlate', 'retry_rate:quality_pass_rate=2'], /allowed -1 ≤ value ≤ 1/],
      [['--correlate', 'retry_rate:cache_hit_rate=0.5'], /cache_hit_rate, which this workload does not set/],
      [['--current', 'openai/gpt-5.5'], /--current needs --migration-weeks/],
      [['--horizon', '12'], /need --current/],
      [['--csv'], /--csv is not available with --uncertainty/],
    ];
    for (const [flags, message] of cases) {
      const r = await cli('compare', ex('saas-chat.yaml'), '--uncertainty', ...flags);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.stderr, flags.join(' ')).toMatch(message);
      expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    }
  });

  it('a bad range in the file is reported with file, line and field', async () => {
    const file = tempYaml(`name: w
requests_per_month: 1000
input_tokens: 800
retry_rate: {value: 0.03, evidence: assumed, range: [0.05, 0.2]}
routes: [together/deepseek-v3]
`);
    const r = await cli('compare', file, '--uncertainty');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/workload\.yaml:4:\d+: retry_rate\.range: \[0\.05, 0\.2\] must contain the value 0\.03/);
    const bad = [
      ['quality_pass_rate: {value: 0.9, evidence: measured, range: [0.8, 1.2]}', /quality_pass_rate\.range: range end 1\.2 is out of range: allowed 0 < value ≤ 1/],
      ['output_tokens: {value: 400, evidence: assumed, range: [100, 900], dist: gamma}', /output_tokens\.dist: dist must be one of triangular, uniform, normal, lognormal/],
      ['output_tokens: {value: 400, evidence: measured, sample_size: 100}', /output_tokens\.sample_size: sample_size applies to rates/],
      ['retry_rate: {value: 0.03, evidence: measured, status: checked}', /retry_rate\.status: status must be one of assumed, measured_in_logs, load_tested, invoice_reconciled, contract_confirmed, stale/],
      ['retry_rate: {value: 0.03, evidence: measured, measured_at: yesterday}', /retry_rate\.measured_at: expected a date YYYY-MM-DD/],
    ] as const;
    for (const [line, message] of bad) {
      const f = tempYaml(`requests_per_month: 1000\ninput_tokens: 800\n${line}\nroutes: [together/deepseek-v3]\n`);
      const res = await cli('compare', f, '--uncertainty');
      expect(res.code, line).toBe(2);
      expect(res.stderr, line).toMatch(/workload\.yaml:3:\d+: /);
      expect(res.stderr, line).toMatch(message);
    }
  });

  it('correlations declared in the file reach the Monte Carlo, after validation with file:line', async () => {
    const r = await cli('compare', ex('uncertain-race.yaml'), '--uncertainty', '--samples', '300', '--correlate', 'retry_rate:quality_pass_rate=-0.3', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).workloads[0].uncertainty.correlations).toEqual([
      { inputs: ['output_tokens', 'quality_pass_rate'], rho: -0.4 },
      { inputs: ['retry_rate', 'quality_pass_rate'], rho: -0.3 },
    ]);
    const bad = tempYaml(`requests_per_month: 1000
input_tokens: 800
correlations:
  - {inputs: [retry_rate, quality_pass_rte], rho: 0.5}
  - {inputs: [retry_rate, quality_pass_rate], rho: 1.5}
routes: [together/deepseek-v3]
`);
    const e = await cli('compare', bad, '--uncertainty');
    expect(e.code).toBe(2);
    expect(e.stderr).toMatch(/workload\.yaml:4:\d+: correlations\[0\]\.inputs\[1\]: Invalid option: expected one of "requests_per_month"/);
    expect(e.stderr).toMatch(/workload\.yaml:5:\d+: correlations\[1\]\.rho: Too big: expected number to be <=1/);
  });

  it('route inputs (utilization, price overrides) carry their own ranges and statuses', async () => {
    const file = tempYaml(`requests_per_month: 3000000
input_tokens: 800
as_of: 2026-05-15
routes:
  - together/deepseek-v3
  - route: lambda/h100-sxm
    serves: llama-3.3-70b
    utilization: {value: 0.5, evidence: measured, status: load_tested, measured_at: 2026-01-01, range: [0.3, 0.6]}
  - route: together/llama-3.3-70b
    price: {input: {value: 0.88, evidence: contracted, range: [0.8, 0.95]}, output: 0.88}
`);
    const r = await cli('compare', file, '--uncertainty', '--samples', '500', '--json');
    expect(r.code, r.stderr).toBe(0);
    const inputs = JSON.parse(r.stdout).workloads[0].uncertainty.inputs as { id: string; status: string; distribution: unknown }[];
    const by = (id: string) => inputs.find((i) => i.id === id)!;
    // Load-tested in January, priced in May: older than 90 days.
    expect(by('lambda/h100-sxm:utilization')).toMatchObject({ status: 'stale', distribution: { kind: 'triangular', lo: 0.3, mode: 0.5, hi: 0.6 } });
    expect(by('together/llama-3.3-70b:price.input')).toMatchObject({ status: 'contract_confirmed', distribution: { kind: 'triangular', lo: 0.8, hi: 0.95 } });
    // A bare-number override is an assumption: ±50%.
    expect(by('together/llama-3.3-70b:price.output')).toMatchObject({ status: 'assumed', distribution: { kind: 'triangular', lo: 0.44, hi: 1.32 } });
  });

  it('without --uncertainty, compare behaves as before', async () => {
    const r = await cli('compare', ex('saas-chat.yaml'), '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).workloads[0].uncertainty).toBeUndefined();
  });
});

describe('routefit sensitivity', () => {
  it('--json gives a tornado per route, largest swing first, and a sweep with its crossover for each --vary', async () => {
    const r = await cli('sensitivity', ex('uncertain-race.yaml'), '--vary', 'output_tokens=100:600:50', '--json');
    expect(r.code, r.stderr).toBe(0);
    const w = JSON.parse(r.stdout).workloads[0];
    expect(w.tornado.map((t: { route: string }) => t.route)).toEqual(['together/deepseek-v3', 'fireworks/llama-3.3-70b', 'openai/gpt-5.5']);
    for (const t of w.tornado) {
      const swings = t.bars.map((b: { swing: number }) => b.swing);
      expect(swings).toEqual([...swings].sort((a: number, b: number) => b - a));
      expect(t.bars.find((b: { name: string }) => b.name === 'output_tokens')).toMatchObject({ low: 100, high: 600, rangeFrom: 'given' });
    }
    expect(w.sweeps).toHaveLength(1);
    expect(w.sweeps[0].points.map((p: { value: number }) => p.value)).toEqual([100, 150, 200, 250, 300, 350, 400, 450, 500, 550, 600]);
    expect(w.sweeps[0].crossovers).toHaveLength(1);
    expect(w.sweeps[0].crossovers[0].at).toBeCloseTo(300, 6);
  });

  it('--route and --top narrow the tornado; text shows the crossover', async () => {
    const r = await cli('sensitivity', ex('uncertain-race.yaml'), '--route', 'openai/gpt-5.5', '--top', '2', '--vary', 'output_tokens=100:600:50');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('openai/gpt-5.5 — LCPR');
    expect(r.stdout).not.toContain('together/deepseek-v3 — LCPR');
    expect(r.stdout).toContain('Crossover: fireworks/llama-3.3-70b overtakes together/deepseek-v3 at output_tokens ≈ 300.');
  });

  it('rejects unknown inputs, malformed and out-of-range --vary with exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['--vary', 'retry_rte=0:0.3'], /unknown input "retry_rte"; allowed requests_per_month/],
      [['--vary', 'retry_rate'], /expected input=lo:hi\[:step\]/],
      [['--vary', 'retry_rate=0:1.5:0.5'], /retry_rate high is 1.5; allowed 0 ≤ value ≤ 1/],
      [['--vary', 'retry_rate=0.3:0'], /low end must not exceed the high end/],
      [['--route', 'nope/x'], /--route names "nope\/x"/],
      [['--top', '0'], /--top is "0"/],
    ];
    for (const [flags, message] of cases) {
      const r = await cli('sensitivity', ex('saas-chat.yaml'), ...flags);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.stderr, flags.join(' ')).toMatch(message);
    }
  });
});

describe('routefit sweep', () => {
  it('--volume 1e4:1e8 finds where dedicated H100 overtakes serverless', async () => {
    const r = await cli('sweep', ex('saas-chat.yaml'), '--volume', '1e4:1e8', '--routes', 'together/deepseek-v3,lambda/h100-sxm', '--json');
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout).workloads[0].sweeps[0];
    expect(s.name).toBe('requests_per_month');
    expect(s.points[0].value).toBe(1e4);
    expect(s.points.at(-1).value).toBe(1e8);
    expect(s.points[0].cheapest).toBe('together/deepseek-v3');
    expect(s.crossovers[0]).toMatchObject({ from: 'together/deepseek-v3', to: 'lambda/h100-sxm' });
    expect(s.crossovers[0].at).toBeGreaterThan(1e6);
    expect(s.crossovers[0].at).toBeLessThan(1e7);
  });

  it('--output-tokens includes the I/O-ratio table lengths and marks the cheapest in text', async () => {
    const r = await cli('sweep', ex('saas-chat.yaml'), '--output-tokens', '100:2000:300', '--json');
    expect(r.code, r.stderr).toBe(0);
    const values = JSON.parse(r.stdout).workloads[0].sweeps[0].points.map((p: { value: number }) => p.value);
    for (const v of [100, 400, 1000, 1500, 2000]) expect(values).toContain(v);
    const text = await cli('sweep', ex('saas-chat.yaml'), '--output-tokens', '100:2000');
    expect(text.stdout).toContain('output_tokens sweep');
    expect(text.stdout).toMatch(/No crossover: deepinfra\/gpt-oss-120b stays cheapest from 100 to 2,000\./);
  });

  it('--volume and --output-tokens without a range use 10K–100M requests and 100–2,000 tokens', async () => {
    const r = await cli('sweep', ex('saas-chat.yaml'), '--volume', '--output-tokens', '--json');
    expect(r.code, r.stderr).toBe(0);
    const [v, o] = JSON.parse(r.stdout).workloads[0].sweeps;
    expect([v.points[0].value, v.points.at(-1).value]).toEqual([1e4, 1e8]);
    expect([o.points[0].value, o.points.at(-1).value]).toEqual([100, 2000]);
  });

  it('without a flag sweeps the volume over the default range its help promises', async () => {
    const r = await cli('sweep', ex('saas-chat.yaml'), '--json');
    expect(r.code, r.stderr).toBe(0);
    const sweeps = JSON.parse(r.stdout).workloads[0].sweeps;
    expect(sweeps).toHaveLength(1);
    expect([sweeps[0].points[0].value, sweeps[0].points.at(-1).value]).toEqual([1e4, 1e8]);
    expect((await cli('sweep', '--help')).stdout).toMatch(/default\s+1e4:1e8/);
  });

  it('rejects bad ranges with exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['--volume', '0:1e6'], /requests per month must be above 0/],
      [['--volume', '1e4'], /expected lo:hi/],
      [['--output-tokens', '100:2000:0'], /--output-tokens is "0"; allowed 0 < value/],
      [['--volume', '1e4:1e8', '--points-per-decade', '500'], /--points-per-decade is "500"/],
    ];
    for (const [flags, message] of cases) {
      const r = await cli('sweep', ex('saas-chat.yaml'), ...flags);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.stderr, flags.join(' ')).toMatch(message);
    }
  });

  it('every new command has --help with an Examples block', async () => {
    for (const cmd of [['sensitivity'], ['sweep'], ['compare']]) {
      const r = await cli(...cmd, '--help');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Examples:');
    }
    expect((await cli('compare', '--help')).stdout).toContain('--uncertainty');
  });
});

describe('compare dispatches between its paths', () => {
  it('--help lists both the uncertainty and the trace options of the one compare command', async () => {
    const help = (await cli('compare', '--help')).stdout;
    expect(help).toContain('--uncertainty');
    expect(help).toContain('--traces <db>');
  });
});
