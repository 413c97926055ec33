import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempYaml } from './helpers/cli.js';

const ex = (f: string) => resolve(import.meta.dirname, '../examples', f);
const tempFile = (name: string, text: string) => {
  const file = join(mkdtempSync(join(tmpdir(), 'routefit-')), name);
  writeFileSync(file, text);
  return file;
};

describe('routefit breakeven', () => {
  it('prints the Part 1 break-even against Together and Fireworks with the utilization view', async () => {
    const r = await cli('breakeven', '--gpu', 'lambda/h100-sxm', '--vs', 'together/deepseek-v3,fireworks/llama-3.3-70b', '--utilization', '40%', '--as-of', '2026-05-15', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.results[0].breakeven.breakevenTokensPerDay).toBeCloseTo(56_329_411.76, 1);
    expect(j.results[1].breakeven.breakevenAtUtilizationTokensPerDay).toBeCloseTo(266_000_000, -5);
    expect(j.results[0].breakeven.inputs.gpuHourly.evidence).toBe('public');
    expect(j.gpu.serves).toBe('llama-3.3-70b');
  });
  it('says which throughput it assumed in the text output', async () => {
    const r = await cli('breakeven', '--gpu', 'lambda/h100-sxm', '--vs', 'together/deepseek-v3', '--as-of', '2026-05-15');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('assumed: serving llama-3.3-70b');
    expect(r.stdout).toContain('56.3M');
  });
  it('rejects a per-token route as --gpu and a bad utilization with exit 2', async () => {
    const a = await cli('breakeven', '--gpu', 'together/deepseek-v3', '--vs', 'together/deepseek-v3');
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('per-token route');
    const b = await cli('breakeven', '--gpu', 'lambda/h100-sxm', '--vs', 'together/deepseek-v3', '--utilization', 'abc');
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('--utilization is "abc"; allowed 0 < value ≤ 1');
  });
  it('asks for --throughput when the catalog has no figure for the SKU', async () => {
    const r = await cli('breakeven', '--gpu', 'aws-bedrock/custom-model-unit', '--vs', 'together/deepseek-v3');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pass --throughput');
  });
  it('has --help with examples', async () => {
    const r = await cli('breakeven', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
  });
});

describe('routefit dedicated', () => {
  const base = ['dedicated', ex('support-drafting.yaml'), '--goodput', '800', '--serverless-cost', '0.012', '--ops-per-hour', '0.5', '--json'];
  it('reproduces the ch. 18 diurnal row: serverless $2,016 beats dedicated $2,664', async () => {
    const r = await cli(...base, '--pattern', 'diurnal:10h@70%');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.gate.uRequired).toBeCloseTo(0.3854, 4);
    expect(j.winner).toBe('serverless');
    const cost = (id: string) => j.options.find((o: { id: string }) => o.id === id).monthlyCost;
    expect(cost('serverless')).toBeCloseTo(2016, 6);
    expect(cost('dedicated')).toBeCloseTo(2664, 6);
  });
  it('picks a hybrid or autoscaled fleet for a bursty shape and never costs more than both pure options', async () => {
    const r = await cli(...base, '--pattern', 'bursty:4x@60%');
    const j = JSON.parse(r.stdout);
    const cost = (id: string) => j.options.find((o: { id: string }) => o.id === id).monthlyCost;
    expect(cost('hybrid')).toBeLessThanOrEqual(Math.min(cost('dedicated'), cost('serverless')));
    expect(j.cheapest.monthlyCost).toBeLessThan(cost('serverless'));
  });
  it('reads a week of hourly requests from CSV', async () => {
    const r = await cli('dedicated', ex('stage2.yaml'), '--pattern-csv', ex('hourly-week.csv'), '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    // Σ of the CSV × 720/168 requests, at the file's 95% pass rate.
    expect(j.requestsPerMonth).toBeCloseTo((2_360_000 * 720) / 168, 0);
    expect(j.notes.join(' ')).toContain('estimated');
  });
  it('names file and line for a bad CSV row, exit 2', async () => {
    const csv = tempFile('bad.csv', ['requests', ...Array(100).fill('10'), '-5', ...Array(67).fill('10')].join('\n'));
    const r = await cli('dedicated', ex('stage2.yaml'), '--pattern-csv', csv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${csv}:102`);
    expect(r.stderr).toContain('allowed a number ≥ 0');
  });
  it('rejects a pattern it cannot read, naming the allowed forms', async () => {
    const r = await cli('dedicated', ex('stage2.yaml'), '--pattern', 'diurnal:30h@70%');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pattern hours is 30; allowed 1 ≤ value ≤ 24');
  });
  it('needs a GPU route in the file', async () => {
    const f = tempYaml('requests_per_month: 1000\ninput_tokens: 100\nroutes: [together/deepseek-v3]\n');
    const r = await cli('dedicated', f, '--pattern', 'stable:50%');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no GPU route');
  });
});

describe('routefit size', () => {
  it('sizes Llama 3.3 70B at FP16, batch 32, 4K: 42.9 GB of KV cache, GQA named', async () => {
    const r = await cli('size', '--model', 'llama-3.3-70b', '--gpu', 'h100-sxm', '--context', '4096', '--precision', 'fp16', '--batch', '32', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.kvAtBatchGb).toBeCloseTo(42.95, 2);
    expect(j.weightsGb).toBeCloseTo(141.2, 1);
    expect(j.gpus).toBe(3);
    expect(j.groupedQueryAttention).toBe(true);
    expect(j.decode.bound).toBe('memory');
  });
  it('takes a provider SKU and rounds GPUs to whole instances', async () => {
    const r = await cli('size', '--model', 'llama-3.3-70b', '--gpu', 'lambda/2xh100-80gb', '--context', '4096', '--precision', 'fp16', '--batch', '32', '--json');
    const j = JSON.parse(r.stdout);
    expect(j.gpus).toBe(4);
    expect(j.gpu.sku).toBe('lambda/2xh100-80gb');
  });
  it("adds Little's law and the speculative-decoding batch caveat", async () => {
    const r = await cli('size', '--model', 'llama-3.1-8b', '--gpu', 'l40s', '--context', '4096', '--precision', 'bf16', '--batch', '12', '--arrival-rate', '100', '--latency', '2', '--spec-alpha', '0.55');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Little's law: requests in flight\s+200/);
    expect(r.stdout).toContain('0.92x at batch 12');
  });
  it('suggests the model id on a typo and rejects unknown precisions', async () => {
    const a = await cli('size', '--model', 'llama-3.3-70', '--gpu', 'h100-sxm', '--context', '4096', '--precision', 'fp16');
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('did you mean "llama-3.3-70b"');
    const b = await cli('size', '--model', 'llama-3.3-70b', '--gpu', 'h100-sxm', '--context', '4096', '--precision', 'fp12');
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('allowed fp32, fp16');
  });
});

describe('routefit tco', () => {
  it('prices the seed 003 rows from the catalog and gives the verdict the numbers support', async () => {
    const r = await cli('tco', ex('open-vs-closed-tco.yaml'), '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.instance.reservedHourly).toBe(2.8);
    expect(j.overhead.perDay).toBeCloseTo(1041.1, 1);
    expect(j.rows.every((x: { winner: string }) => x.winner === 'serverless')).toBe(true);
    expect(j.firstSelfHostedWin).toBeNull();
  });
  it('finds where self-hosting wins when compute is cheap enough', async () => {
    const f = tempYaml('tco:\n  serverless_per_million: 0.88\n  instance: { on_demand_hourly: 6, throughput_tokens_per_second: 4762, utilization: 0.7 }\n  daily_output_tokens: [1e6, 100e6, 250e6]\n', 'tco.yaml');
    const r = await cli('tco', f, '--json');
    const j = JSON.parse(r.stdout);
    expect(j.rows.map((x: { winner: string }) => x.winner)).toEqual(['serverless', 'serverless', 'self_hosted']);
    expect(j.firstSelfHostedWin).toBe(250e6);
  });
  it('names file, line and field for a bad value, exit 2', async () => {
    const f = tempYaml('tco:\n  serverless_per_million: 0.88\n  instance:\n    on_demand_hourly: -6\n    tokens_per_day: 50e6\n  daily_output_tokens: [1e6]\n', 'tco.yaml');
    const r = await cli('tco', f);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}:4`);
    expect(r.stderr).toContain('tco.instance.on_demand_hourly');
  });
});

describe('routefit self-managed', () => {
  it('10 H100s: managed dedicated wins; the 2-FTE floor is a 209% tax', async () => {
    const r = await cli('self-managed', '--gpus', '10', '--self', 'lambda/h100-sxm', '--managed', 'fireworks/h100', '--as-of', '2026-05-15', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.winner).toBe('managed_dedicated');
    expect(j.selfManagedMonthly).toBeCloseTo(10 * 3.99 * 720 + 60_000, 6);
    expect(j.tax.tax).toBeCloseTo(60_000 / 28_728, 6);
  });
  it('prices a reserved term per GPU and fires devolution signals', async () => {
    const r = await cli('self-managed', '--gpus', '40', '--self', 'together/h100', '--term', '91-180d', '--managed', 'fireworks/h100', '--fleet-by-quarter', '60,45,40', '--on-call', '1', '--as-of', '2026-05-15');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('$2.95/GPU-h');
    expect(r.stdout).toContain('2 of 2 fired');
  });
  it('rejects half of --hours/--rate', async () => {
    const r = await cli('self-managed', '--gpus', '10', '--self', 'lambda/h100-sxm', '--managed', 'fireworks/h100', '--hours', '40');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--hours and --rate together');
  });
});
