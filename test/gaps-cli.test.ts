import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempYaml } from './helpers/cli.js';

const ex = (f: string) => resolve(import.meta.dirname, '../examples', f);
const json = async (...args: string[]) => {
  const r = await cli(...args, '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};
const bad = async (args: string[], ...needles: string[]) => {
  const r = await cli(...args);
  expect(r.code).toBe(2);
  for (const n of needles) expect(r.stderr).toContain(n);
};

describe('routefit cache-gate', () => {
  it('Sonnet 4.6 from the catalog: h* = 0.75 ÷ 3.45 (5m) and 3 ÷ 5.7 (1h), savings at 10 reads of 4,000 tokens', async () => {
    const j = await json('cache-gate', '--route', 'anthropic/claude-sonnet-4.6', '--as-of', '2026-05-15', '--prefix-tokens', '4000', '--reads', '10');
    expect(j.breakEvenHitRate).toBeCloseTo(0.75 / 3.45, 9);
    // 11 × 4000 × $3/M − (4000 × $3.75/M + 10 × 4000 × $0.30/M) = 0.132 − 0.027.
    expect(j.savings[0].savingsUsd).toBeCloseTo(0.105, 9);
    expect(j.pricesUsed.cacheWrite5m.evidence).toBe('public');
    expect((await json('cache-gate', '--route', 'anthropic/claude-sonnet-4.6', '--ttl', '1h', '--as-of', '2026-05-15')).breakEvenHitRate).toBeCloseTo(3 / 5.7, 9);
  });
  it('storage per hour raises the gate: Gemini 2.5 Pro, $1.25 write + $4.50 × 1 h over a $1.25 − $0.125 saving', async () => {
    const j = await json('cache-gate', '--route', 'google/gemini-2.5-pro', '--storage-per-hour', '4.5', '--stored-hours', '1', '--as-of', '2026-05-15');
    expect(j.rates.input).toBe(1.25);
    expect(j.readsToBreakEven).toBeCloseTo((1.25 + 4.5 - 1.25) / (1.25 - j.rates.cachedInput), 9);
  });
  it('prints the gate and the working in text', async () => {
    const r = await cli('cache-gate', '--route', 'anthropic/claude-sonnet-4.6', '--as-of', '2026-05-15', '--hit-rate', '20%');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Break-even hit rate: 21.7%');
    expect(r.stdout).toContain('costs');
    expect(r.stdout).toContain('(write cost − input rate) ÷ (write cost − cached rate)');
  });
  it('bad input exits 2 naming the flag and its range', async () => {
    await bad(['cache-gate', '--route', 'anthropic/claude-sonnet-4.6', '--ttl', '2h'], '--ttl must be 5m or 1h');
    await bad(['cache-gate', '--route', 'anthropic/claude-sonnet-4.6', '--hit-rate', '1.5'], '--hit-rate is "1.5"; allowed 0 ≤ value ≤ 1');
    await bad(['cache-gate', '--route', 'anthropic/claude-sonnet-4.6', '--storage-per-hour', '-1'], '--storage-per-hour is "-1"');
    await bad(['cache-gate', '--route', 'lambda/h100-sxm'], 'GPU route');
    await bad(['cache-gate', '--route', 'fireworks/llama-3.3-70b', '--as-of', '2026-05-15'], 'no cached-input price');
  });
});

describe('routefit goodput', () => {
  it('50 req/s × 0.9 × 0.8 = 36/s; $0.01 ÷ 0.72 per good output', async () => {
    const j = await json('goodput', '--rps', '50', '--pass-rate', '90%', '--slo-share', '0.8', '--cost-per-request', '0.01');
    expect(j.goodputPerSecond).toBeCloseTo(36, 9);
    expect(j.costPerGoodAccepted).toBeCloseTo(0.01 / 0.72, 9);
  });
  it('from a latency distribution: an SLO at the TTFT p95 keeps 95%', async () => {
    const j = await json('goodput', '--rps', '10', '--pass-rate', '1', '--ttft-p50', '200', '--ttft-p95', '600', '--slo-ttft-ms', '600');
    expect(j.sloShare).toBeCloseTo(0.95, 6);
    expect(j.sloShareFrom).toBe('latency distribution');
  });
  it('bad input exits 2', async () => {
    await bad(['goodput', '--rps', '10', '--pass-rate', '1.2'], '--pass-rate is "1.2"; allowed 0 ≤ value ≤ 1');
    await bad(['goodput', '--rps', '10', '--pass-rate', '1', '--ttft-p50', '200'], 'together');
    await bad(['goodput', '--rps', '10', '--pass-rate', '1', '--ttft-p50', '600', '--ttft-p95', '200', '--slo-ttft-ms', '500'], 'p95 ≥ p50');
    await bad(['goodput', '--rps', '10', '--pass-rate', '1', '--slo-share', '0.5', '--ttft-p50', '1', '--ttft-p95', '2', '--slo-ttft-ms', '3'], 'not both');
  });
});

describe('routefit margin', () => {
  it('(1000 + 50 + 200 + 300 + 150) ÷ 10,000 = $0.17 loaded, $0.10 naive, 66% margin on $0.50', async () => {
    const j = await json('margin', '--trace-cost', '1000', '--invoice-delta', '50', '--eval', '200', '--human', '300', '--ops', '150', '--accepted', '10000', '--revenue-per-unit', '0.5');
    expect(j.loadedCostPerAccepted).toBeCloseTo(0.17, 12);
    expect(j.naiveCostPerAccepted).toBeCloseTo(0.1, 12);
    expect(j.marginPct).toBeCloseTo(0.66, 12);
  });
  it('a negative invoice delta is allowed; bad input exits 2', async () => {
    expect((await json('margin', '--trace-cost', '1000', '--invoice-delta', '-100', '--accepted', '1000')).loadedCostPerAccepted).toBeCloseTo(0.9, 12);
    await bad(['margin', '--trace-cost', '-1', '--accepted', '10'], '--trace-cost is "-1"; allowed 0 ≤ value');
    await bad(['margin', '--trace-cost', '1', '--accepted', '10', '--revenue-per-unit', '0'], '--revenue-per-unit is "0"; allowed 0 < value');
    await bad(['margin', '--trace-cost', '1'], "required option '--accepted");
  });
});

describe('routefit forecast', () => {
  const file = tempYaml(`name: chat
requests_per_month: 1000000
input_tokens: 1000
output_tokens: 500
retry_rate: 0
quality_pass_rate: 1
repair_cost_per_failure: 0
engineering_hours_per_month: 0
as_of: 2026-05-15
routes:
  - { route: custom/a, mode: serverless, price: { input: 1, output: 2 } }
`);
  it('linear 10% from $2,000/month (1M × (1000 × $1 + 500 × $2)/M): $2,500 monthly budget passed in month 3, $9,000 total in month 4', async () => {
    const j = await json('forecast', file, '--growth', 'linear:10%', '--horizon', '6', '--monthly-budget', '2500', '--budget', '9000');
    expect(j.months[0].spend).toBeCloseTo(2000, 9);
    expect(j.months[6].spend).toBeCloseTo(3200, 9);
    expect(j.budgetMonthlyExceededAt).toBe(3);
    expect(j.budgetTotalExhaustedAt).toBe(4);
  });
  it('reads a fleet file with its current routes; one workload growing 3× fires the traffic-mix red flag', async () => {
    const j = await json('forecast', ex('fleet.yaml'), '--growth', 'one-grows:support-resolution:3', '--horizon', '6', '--as-of', '2026-05-15');
    expect(j.months[0].workloads.map((w: { route: string }) => w.route)).toEqual(['anthropic/claude-sonnet-4.6', 'anthropic/claude-sonnet-4.6', 'anthropic/claude-sonnet-4.6']);
    expect(j.events.some((e: { kind: string; month: number }) => e.kind === 'traffic_mix_shift' && e.month === 6)).toBe(true);
  });
  it('bad input exits 2 naming the flag', async () => {
    await bad(['forecast', file, '--growth', 'exponential:2'], 'growth "exponential:2" is not a scenario');
    await bad(['forecast', file, '--horizon', '0'], '--horizon is "0"');
    await bad(['forecast', file, '--growth', 'one-grows:nobody'], 'growth workload "nobody" is not in the file');
    await bad(['forecast', file, '--route', 'openai/gpt-5.5'], 'not a priced route');
  });
});

describe('routefit agent', () => {
  it('prices examples/coding-agent.yaml phase by phase and routes machine-facing steps', async () => {
    const j = await json('agent', ex('coding-agent.yaml'));
    // plan on Sonnet: (3000 × $3 + 800 × $15) ÷ 1e6 = $0.021 per call.
    expect(j.phases[0].costPerCall).toBeCloseTo(0.021, 12);
    // tool calls: 6000 × (0.3 × $3 + 0.7 × $0.30) + 300 × $15 = $0.01116 per call, 30 calls.
    expect(j.phases[1].costPerTask).toBeCloseTo(30 * (6000 * 0.3 * 3 + 6000 * 0.7 * 0.3 + 300 * 15) / 1e6, 9);
    expect(j.callsPerAcceptedTask).toBeCloseTo(36 / 0.85, 9);
    expect(j.routing.steps.map((s: { to: string }) => s.to)).toEqual(['realtime', 'batch', 'async', 'realtime']);
  });
  it('a bad phase names the file, line and field (exit 2)', async () => {
    const f = tempYaml(`agent:
  user_prompt_tokens: 500
  task_success_rate: 0.9
  phases:
    - { name: a, calls: 2, input_tokens: 100, output_tokens: 10, facing: machine, route: openai/gpt-5.5, cache_hit_rate: 1.5 }
    - { name: b, calls: 2, input_tokens: 100, output_tokens: 10, facing: robot, price: { input: 1, output: 2 } }
`, 'agent.yaml');
    const r = await cli('agent', f);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('agent.yaml:5');
    expect(r.stderr).toContain('phases[0].cache_hit_rate');
    expect(r.stderr).toContain('phases[1].facing');
  });
});

describe('routefit size: any shape, raw KV pool, KV hand-off, spec decoding at a batch', () => {
  const shape = ['--layers', '80', '--kv-heads', '8', '--head-dim', '128', '--params', '70.6e9'];
  it('a 40 GB pool for a hand-given 70B shape: floor(40 GB ÷ (2 × 80 × 8 × 128 × 4096 × 2 B)) = 29; 29 ÷ 2 s = 14.5 req/s', async () => {
    const j = await json('size', ...shape, '--precision', 'fp16', '--context', '4096', '--kv-pool-gb', '40', '--latency', '2');
    expect(j.maxConcurrentSequences).toBe(29);
    expect(j.kvEqualsWeightsAtContext).toBeCloseTo((70.6e9 * 2) / (2 * 80 * 8 * 128 * 2), 6);
    expect(j.maxRequestsPerSecond).toBeCloseTo(14.5, 12);
  });
  it('--weight-bytes stands in for --precision; the shape works on a GPU without a catalog model', async () => {
    const a = await json('size', ...shape, '--weight-bytes', '1', '--context', '8192', '--gpu', 'h100-sxm', '--batch', '16');
    const b = await json('size', '--model', 'llama-3.3-70b', '--precision', 'fp8', '--context', '8192', '--gpu', 'h100-sxm', '--batch', '16');
    expect(a.maxConcurrentSequences).toBe(b.maxConcurrentSequences);
    expect(a.decode.tokensPerSecond).toBeCloseTo(b.decode.tokensPerSecond, 6);
  });
  it('KV hand-off over InfiniBand NDR: 6,000 prompt tokens of FP8 KV = 2 × 80 × 8 × 128 × 6000 × 1 B ÷ 50 GB/s', async () => {
    const j = await json('size', '--model', 'llama-3.3-70b', '--gpu', 'h100-sxm', '--context', '8192', '--precision', 'fp8', '--batch', '16', '--kv-link', 'ib-ndr', '--prompt-tokens', '6000', '--link-latency-ms', '1');
    expect(j.kvTransfer.transferMs).toBeCloseTo(((2 * 80 * 8 * 128 * 6000) / 50e9) * 1000 + 1, 9);
    expect(j.kvTransfer.decodeStepsEquivalent).toBeCloseTo(j.kvTransfer.transferMs / j.decode.stepMs, 9);
    expect((await json('size', '--model', 'llama-3.3-70b', '--gpu', 'h100-sxm', '--context', '8192', '--precision', 'fp8', '--kv-link', '100')).kvTransfer.link.gbPerS).toBe(100);
  });
  it('spec decoding: batch 1 reproduces the single-request arithmetic; batch 12 carries the seed warning', async () => {
    const one = await json('size', '--model', 'llama-3.1-8b', '--gpu', 'l40s', '--context', '4096', '--precision', 'bf16', '--spec-alpha', '0.55', '--batch', '1');
    expect(one.speculativeDecoding.batchSpeedup).toBeCloseTo(one.speculativeDecoding.netSpeedup, 6);
    const twelve = await json('size', '--model', 'llama-3.1-8b', '--gpu', 'l40s', '--context', '4096', '--precision', 'bf16', '--spec-alpha', '0.55', '--batch', '12');
    expect(twelve.speculativeDecoding.notes.join(' ')).toContain('0.92x at batch 12');
    expect(twelve.speculativeDecoding.batchSpeedup).toBeLessThanOrEqual(one.speculativeDecoding.batchSpeedup + 1e-9);
  });
  it('bad input exits 2 naming the flag', async () => {
    await bad(['size', '--layers', '80', '--kv-heads', '8', '--precision', 'fp16', '--context', '4096', '--kv-pool-gb', '40'], 'missing: --head-dim, --params');
    await bad(['size', ...shape, '--kv-heads', '0', '--precision', 'fp16', '--context', '4096', '--kv-pool-gb', '40'], '--kv-heads is "0"');
    await bad(['size', ...shape, '--precision', 'fp16', '--context', '4096', '--kv-pool-gb', '-3'], '--kv-pool-gb is "-3"');
    await bad(['size', '--model', 'llama-3.3-70b', '--gpu', 'h100-sxm', '--context', '4096', '--precision', 'fp8', '--kv-link', 'carrier-pigeon'], '--kv-link is "carrier-pigeon"');
    await bad(['size', '--model', 'llama-3.3-70b', '--context', '4096', '--precision', 'fp8'], 'give --gpu');
    await bad(['size', '--model', 'llama-3.3-70b', ...shape, '--gpu', 'h100-sxm', '--context', '4096', '--precision', 'fp8'], 'not both');
  });
});

describe('routefit readiness: gaps and their payback', () => {
  it('a Standard score without evals: one gap, $12,000-$24,000 at $150/h, 2-4 months at $6,000/month savings', async () => {
    const j = await json('readiness', '--factors', '3,2,1,2,1,1', '--savings-per-month', '6000');
    expect(j.tier).toBe('Standard');
    expect(j.readiness.gaps.map((g: { rule: string }) => g.rule)).toEqual(['evals-before-cutover']);
    expect(j.readiness.gaps[0].closeCost).toEqual([12_000, 24_000]);
    expect(j.readiness.gaps[0].paybackMonths).toEqual([2, 4]);
    // Migration (Standard: 6-10 engineer-weeks × 40 h × $150) plus the gap.
    expect(j.readiness.totalCost).toEqual([6 * 6000 + 12_000, 10 * 6000 + 24_000]);
  });
  it('text names each gap, what it blocks and what closing it costs; a bad rate exits 2', async () => {
    const r = await cli('readiness', '--factors', '3,3,3,3,1,3');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('team-or-partner (blocks Complex)');
    await bad(['readiness', '--factors', '3,3,3,3,1,3', '--rate', '-5'], '--rate is "-5"');
  });
});

describe('routefit fine-tune', () => {
  it("the playbook's LoRA case: 50K × 1,500 tokens on a 7B base at $0.48/M = $36; payback = $36 ÷ ($0.06 × 5% × 10,000 × 30 / 30 days)", async () => {
    const j = await json('fine-tune', '--examples', '50000', '--tokens-per-example', '1500', '--base-params-b', '7', '--lcpr', '0.06', '--reduction', '5%', '--accepted-per-day', '10000');
    expect(j.training.computeCost).toEqual([36, 36]);
    // Savings per month = 0.06 × 0.05 × 10,000 × 30 = $900; payback = 36 ÷ 900 × 30 days = 1.2 days.
    expect(j.paybackOnCompute.monthlySavings).toBeCloseTo(900, 9);
    expect(j.paybackOnCompute.paybackDays).toBeCloseTo(1.2, 9);
    // Program cost (2-5x compute): $72-$180.
    expect(j.training.programCost).toEqual([72, 180]);
  });
  it('serving on the adapter route: the reduction is 1 − LCPR(lora) ÷ LCPR(current) from the workload file', async () => {
    const j = await json('fine-tune', ex('lora.yaml'), '--route', 'openai/gpt-5.5', '--lora-route', 'fireworks/llama-8b-multi-lora', '--examples', '50000', '--tokens-per-example', '1500', '--base-params-b', '8', '--iteration-cost', '2000');
    expect(j.economics.reduction).toBeCloseTo(1 - j.economics.lcprAfter / j.economics.lcprBefore, 12);
    // 3M requests × 0.95 pass ÷ 30 days.
    expect(j.economics.acceptedPerDay).toBeCloseTo(95_000, 6);
    expect(j.paybackOnCompute.breakEvenPerDay).toBeCloseTo(2000 / 30 / (j.economics.lcprBefore * j.economics.reduction), 6);
  });
  it('bad input exits 2', async () => {
    await bad(['fine-tune', '--examples', '1000', '--tokens-per-example', '100', '--base-params-b', '200', '--lcpr', '0.01', '--reduction', '0.1', '--accepted-per-day', '100'], '--base-params-b is "200"; allowed 0 < value ≤ 100');
    await bad(['fine-tune', '--examples', '1000', '--tokens-per-example', '100', '--base-params-b', '8'], 'give FILE with --route and --lora-route, or --lcpr');
    await bad(['fine-tune', ex('lora.yaml'), '--route', 'openai/gpt-5.5', '--lora-route', 'together/deepseek-v3', '--examples', '1', '--tokens-per-example', '1', '--base-params-b', '8'], 'not a priced route');
  });
});

describe('routefit multi-source', () => {
  it('per-provider slices sum to the split; net = savings − overhead; revert rule at 20%', async () => {
    const j = await json('multi-source', ex('multi-source.yaml'), '--split', 'together/deepseek-v3=0.6', '--split', 'fireworks/deepseek-v3.1=0.4', '--cache-hit', 'together/deepseek-v3=0.45', '--cache-hit', 'fireworks/deepseek-v3.1=0', '--baseline', 'openai/gpt-5.5', '--routing-overhead', '300');
    const sum = j.split.providers.reduce((a: number, p: { monthlyCost: number }) => a + p.monthlyCost, 0);
    expect(j.split.monthlyCost).toBeCloseTo(sum + 300, 6);
    const gross = j.baseline.monthlyCost - j.split.monthlyCost;
    expect(j.netBenefit[0].netBenefit).toBeCloseTo(gross - 800, 6);
    expect(j.netBenefit[1].netBenefit).toBeCloseTo(gross - 1600, 6);
    expect(j.netBenefit[1].revert.status).toBe('pass');
    expect(j.split.hiddenCost.cacheFragmentation).toBeGreaterThan(0);
    // together loses 0.72 − 0.45 of its cache hits to the split; fireworks has no cached price in the catalog, so its reads bill as input either way.
    expect(j.split.providers[0].route).toBe('together/deepseek-v3');
  });
  it('bad input exits 2', async () => {
    await bad(['multi-source', ex('multi-source.yaml'), '--split', 'together/deepseek-v3=0.6'], 'at least two routes');
    await bad(['multi-source', ex('multi-source.yaml'), '--split', 'together/deepseek-v3=0.6', '--split', 'openai/gpt-5.5=0.6'], 'shares sum to 1.2');
    await bad(['multi-source', ex('multi-source.yaml'), '--split', 'together/deepseek-v3=1.5', '--split', 'openai/gpt-5.5=0.6'], '--split takes ROUTE=NUMBER');
    await bad(['multi-source', ex('multi-source.yaml'), '--split', 'x/y=0.5', '--split', 'openai/gpt-5.5=0.5'], 'not a priced route');
  });
});

describe('routefit plan: devolution signals from the fleet file', () => {
  const fleet = (block: string) => tempYaml(`name: gpu-fleet
as_of: 2026-05-15
${block}
workloads:
  - name: chat
    requests_per_month: 500000
    input_tokens: 800
    output_tokens: 400
    current_route: openai/gpt-5.5
    routes: [openai/gpt-5.5, together/deepseek-v3]
`, 'fleet.yaml');
  it('fleet under 50 GPUs two quarters running and a one-person on-call fire two signals: run the gate', async () => {
    const j = await json('plan', fleet('self_managed: { fleet_gpus_by_quarter: [60, 45, 40], on_call_engineers: 1, serving_engine_majors_behind: 1 }'));
    expect(j.devolution.signals.map((s: { id: string; fired: boolean }) => [s.id, s.fired])).toEqual([['small-fleet', true], ['on-call', true], ['engine-drift', false]]);
    expect(j.devolution.recommendGate).toBe(true);
    const t = await cli('plan', fleet('self_managed: { fleet_gpus_by_quarter: [80, 70], on_call_engineers: 3 }'));
    expect(t.stdout).toContain('devolution signals (the playbook, ch. 20): 0 of 2 fire');
  });
  it('a bad fact names its line and field (exit 2)', async () => {
    const r = await cli('plan', fleet('self_managed: { on_call_engineers: -1 }'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('fleet.yaml:3');
    expect(r.stderr).toContain('self_managed.on_call_engineers');
  });
});
