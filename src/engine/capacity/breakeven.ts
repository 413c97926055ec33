import { type Quantity, type Sourced, sourced } from '../evidence.js';
import { requireInRange } from '../errors.js';
import type { Step } from '../cost/lcpr.js';
import { selfHostedPerMillion } from './tco.js';
import { HOURS_PER_MONTH, TOKENS_PER_MILLION } from '../units.js';

const SECONDS_PER_DAY = 86_400;
const HOURS_PER_DAY = 24;

export interface BreakevenInput {
  /** USD per hour for one GPU instance. */
  gpuHourly: Quantity;
  /** Sustained output tokens per second of one instance at full (saturated) utilization. */
  throughputTokensPerSecond: Quantity;
  /** Serverless price in USD per million output tokens (decode-bound workloads: Inference Field Guide, Part 1). */
  serverlessOutputPerMillion: Quantity;
  /** Planned real utilization, for the utilization-adjusted figures (Inference Field Guide, Part 1 uses 40%). */
  utilization?: Quantity;
  /** Response lengths (output tokens) at which to express the break-even as requests per day. */
  responseTokens?: number[];
}

export interface Breakeven {
  monthlyGpuCost: number;
  dailyGpuCost: number;
  /** Output tokens one instance produces in a day at 100% utilization. */
  fullUtilizationTokensPerDay: number;
  /** Daily output tokens at which serverless spend equals one instance's day (at full utilization). */
  breakevenTokensPerDay: number;
  /** breakeven ÷ full capacity: the utilization the GPU must sustain to pay for itself. */
  requiredUtilization: number;
  /** Hours per day of saturated throughput needed to break even. */
  saturatedHoursPerDay: number;
  /** The seed's utilization-adjusted figure, breakeven ÷ utilization (see docs/capacity.md for what it means). */
  breakevenAtUtilizationTokensPerDay?: number;
  /** Dedicated cost per output token ÷ serverless price, at the planned utilization (> 1: dedicated costs more). */
  costMultipleAtUtilization?: number;
  /** Dedicated USD per million output tokens at the planned utilization. */
  dedicatedPerMillionAtUtilization?: number;
  requestsPerDay: { responseTokens: number; atFull: number; atUtilization?: number }[];
  inputs: Record<string, Sourced>;
  steps: Step[];
  notes: string[];
}

const n = (v: number, d = 4) => v.toLocaleString('en-US', { maximumFractionDigits: d });

/**
 * Dedicated-vs-serverless break-even on output tokens (Inference Field Guide, Part 1, "The break-even math for dedicated GPU"):
 * daily GPU cost ÷ serverless output price = break-even tokens/day.
 */
export function dedicatedBreakeven(input: BreakevenInput): Breakeven {
  const hourly = sourced(input.gpuHourly);
  const thr = sourced(input.throughputTokensPerSecond);
  const rate = sourced(input.serverlessOutputPerMillion);
  requireInRange('gpuHourly', hourly.value, { min: 0, minExclusive: true });
  requireInRange('throughputTokensPerSecond', thr.value, { min: 0, minExclusive: true });
  requireInRange('serverlessOutputPerMillion', rate.value, { min: 0, minExclusive: true });
  const inputs: Record<string, Sourced> = { gpuHourly: hourly, throughputTokensPerSecond: thr, serverlessOutputPerMillion: rate };
  const steps: Step[] = [];
  const notes: string[] = [];

  // Inference Field Guide, Part 1: $3.99/hr × 720 h = $2,873/month.
  const monthlyGpuCost = hourly.value * HOURS_PER_MONTH;
  const dailyGpuCost = hourly.value * HOURS_PER_DAY;
  steps.push({ id: 'monthly', label: 'GPU cost per month', formula: 'hourly × 720 h', expression: `$${n(hourly.value)} × 720`, value: monthlyGpuCost, unit: 'USD/month', cite: 'Inference Field Guide, Part 1' });
  // Inference Field Guide, Part 1: 1,500 tok/s × 86,400 s = 129.6M output tokens/day.
  const full = thr.value * SECONDS_PER_DAY;
  steps.push({ id: 'full', label: 'Output tokens per day at 100%', formula: 'throughput × 86,400 s', expression: `${n(thr.value)} × 86,400`, value: full, unit: 'tokens/day', cite: 'Inference Field Guide, Part 1' });
  // Inference Field Guide, Part 1: break-even = daily GPU cost ÷ serverless $/token.
  const breakevenTokensPerDay = (dailyGpuCost / rate.value) * TOKENS_PER_MILLION;
  steps.push({
    id: 'breakeven',
    label: 'Break-even output tokens per day',
    formula: 'hourly × 24 ÷ serverless output price',
    expression: `$${n(hourly.value)} × 24 ÷ $${n(rate.value)}/M`,
    value: breakevenTokensPerDay,
    unit: 'tokens/day',
    cite: 'Inference Field Guide, Part 1',
  });
  const requiredUtilization = breakevenTokensPerDay / full;
  steps.push({ id: 'required-utilization', label: 'Utilization needed to break even', formula: 'break-even ÷ tokens per day at 100%', expression: `${n(breakevenTokensPerDay, 0)} ÷ ${n(full, 0)}`, value: requiredUtilization, unit: 'fraction', cite: 'Inference Field Guide, Part 5, Stage 2' });
  // Inference Field Guide, Part 5 Stage 2: "roughly 10-11 hours/day of saturated throughput".
  const saturatedHoursPerDay = requiredUtilization * HOURS_PER_DAY;
  steps.push({ id: 'hours', label: 'Saturated hours per day needed', formula: 'required utilization × 24 h', expression: `${n(requiredUtilization)} × 24`, value: saturatedHoursPerDay, unit: 'hours/day', cite: 'Inference Field Guide, Part 5, Stage 2' });
  if (requiredUtilization > 1) notes.push(`one instance cannot break even: it would need ${(requiredUtilization * 100).toFixed(0)}% utilization; serverless is cheaper at any volume one instance can carry`);

  const result: Breakeven = {
    monthlyGpuCost,
    dailyGpuCost,
    fullUtilizationTokensPerDay: full,
    breakevenTokensPerDay,
    requiredUtilization,
    saturatedHoursPerDay,
    requestsPerDay: [],
    inputs,
    steps,
    notes,
  };

  if (input.utilization !== undefined) {
    const u = sourced(input.utilization);
    requireInRange('utilization', u.value, { min: 0, minExclusive: true, max: 1 });
    inputs.utilization = u;
    // Inference Field Guide, Part 1: "At 40% real utilization, break-even against Together rises to 140.8M tokens/day" = 56.3M ÷ 0.4.
    result.breakevenAtUtilizationTokensPerDay = breakevenTokensPerDay / u.value;
    steps.push({
      id: 'breakeven-at-u',
      label: 'Break-even ÷ utilization (the seed\'s "at 40%" figure)',
      formula: 'break-even tokens/day ÷ utilization',
      expression: `${n(breakevenTokensPerDay, 0)} ÷ ${n(u.value)}`,
      value: result.breakevenAtUtilizationTokensPerDay,
      unit: 'tokens/day',
      cite: 'Inference Field Guide, Part 1',
    });
    // Dedicated $/M at utilization u, compared with the serverless price.
    result.dedicatedPerMillionAtUtilization = selfHostedPerMillion(hourly.value, thr.value, u.value);
    result.costMultipleAtUtilization = result.dedicatedPerMillionAtUtilization / rate.value;
    steps.push({
      id: 'cost-multiple',
      label: 'Dedicated cost ÷ serverless cost for the same tokens',
      formula: 'required utilization ÷ utilization',
      expression: `${n(requiredUtilization)} ÷ ${n(u.value)}`,
      value: result.costMultipleAtUtilization,
      unit: '×',
      cite: 'Inference Field Guide, Part 5, revert signals',
    });
    if (u.value < requiredUtilization) {
      notes.push(
        `at ${(u.value * 100).toFixed(0)}% utilization dedicated costs ${result.costMultipleAtUtilization.toFixed(2)}x serverless per output token at every volume: the GPU needs ${(requiredUtilization * 100).toFixed(1)}% to break even`,
      );
    }
  }
  for (const len of input.responseTokens ?? []) {
    requireInRange('responseTokens', len, { min: 0, minExclusive: true });
    // Inference Field Guide, Part 1: 140.8M tokens/day ≈ 4.7M requests at 30 tokens, 469,000 at 300.
    result.requestsPerDay.push({
      responseTokens: len,
      atFull: breakevenTokensPerDay / len,
      ...(result.breakevenAtUtilizationTokensPerDay !== undefined ? { atUtilization: result.breakevenAtUtilizationTokensPerDay / len } : {}),
    });
  }
  return result;
}

export interface Crossover {
  /** Sustained output tokens per minute at which serverless spend equals the dedicated hourly rate. */
  outputTokensPerMinute: number;
  /** Monthly spend on either side at the crossover. */
  monthlyAtCrossover: number;
  /** Output tokens per minute one replica sustains at 100%, when its throughput is known. */
  replicaCapacityTokensPerMinute?: number;
  /** Replicas needed to carry the crossover rate at 100%; > 1 means one replica cannot serve the traffic that pays for it. */
  replicasNeeded?: number;
  steps: Step[];
  notes: string[];
}

/**
 * Serverless → managed dedicated crossover in sustained output tokens per minute
 * (Inference Field Guide, Part 1, "The middle path: managed dedicated"): hourly ÷ 60 ÷ serverless $/token.
 */
export function managedCrossover(hourly: number, serverlessOutputPerMillion: number, throughputTokensPerSecond?: number): Crossover {
  requireInRange('gpuHourly', hourly, { min: 0, minExclusive: true });
  requireInRange('serverlessOutputPerMillion', serverlessOutputPerMillion, { min: 0, minExclusive: true });
  const perMinute = ((hourly / 60) / serverlessOutputPerMillion) * TOKENS_PER_MILLION;
  const steps: Step[] = [
    { id: 'crossover', label: 'Crossover output tokens per minute', formula: 'hourly ÷ 60 ÷ serverless output price', expression: `$${n(hourly)} ÷ 60 ÷ $${n(serverlessOutputPerMillion)}/M`, value: perMinute, unit: 'tokens/minute', cite: 'Inference Field Guide, Part 1' },
    { id: 'monthly', label: 'Monthly cost at the crossover', formula: 'hourly × 720 h', expression: `$${n(hourly)} × 720`, value: hourly * HOURS_PER_MONTH, unit: 'USD/month', cite: 'Inference Field Guide, Part 1' },
  ];
  const notes: string[] = [];
  const out: Crossover = { outputTokensPerMinute: perMinute, monthlyAtCrossover: hourly * HOURS_PER_MONTH, steps, notes };
  if (throughputTokensPerSecond !== undefined) {
    requireInRange('throughputTokensPerSecond', throughputTokensPerSecond, { min: 0, minExclusive: true });
    out.replicaCapacityTokensPerMinute = throughputTokensPerSecond * 60;
    out.replicasNeeded = Math.ceil(perMinute / out.replicaCapacityTokensPerMinute);
    if (out.replicasNeeded > 1) {
      notes.push(
        `one replica sustains ${n(out.replicaCapacityTokensPerMinute, 0)} tokens/minute at 100%, below the ${n(perMinute, 0)} crossover: the traffic that pays for one replica needs ${out.replicasNeeded}, so a single-rate crossover overstates dedicated's case`,
      );
    }
  }
  return out;
}
