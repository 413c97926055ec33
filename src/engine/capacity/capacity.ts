import { RoutefitError, requireInRange } from '../errors.js';
import { HOURS_PER_MONTH, SECONDS_PER_MONTH } from '../units.js';

export interface GpuDemand {
  /** Attempts per month, retries included. */
  attemptsPerMonth: number;
  outputTokens: number;
  inputTokens: number;
  /** GPU time of one input token relative to one output token (0 = decode-bound, the seeds' default). */
  prefillEfficiency: number;
}

export interface GpuSupply {
  /** USD per hour for one instance of the SKU. */
  hourlyRate: number;
  /** Sustained output tokens per second of one instance at high batch. */
  throughputTokensPerSecond: number;
  /** Planned average utilization (0–1]. */
  utilization: number;
  /** A fixed instance count; otherwise sized to demand. */
  fixedCount?: number;
}

export interface GpuSizing {
  count: number;
  /** Tokens the workload demands per month (output, plus weighted input when prefill-bound). */
  demandTokensPerMonth: number;
  /** Tokens one instance delivers per month at the planned utilization. */
  capacityPerInstanceTokensPerMonth: number;
  /** demand ÷ (count × throughput × seconds per month): the utilization the fleet would really run at. */
  realizedUtilization: number;
  monthlyCost: number;
}

/** Float noise allowed below a whole GPU count (as gpuStepCount, sizing.ts). */
const STEP_TOLERANCE = 1e-9;

/**
 * Dedicated capacity (Inference Field Guide, Part 0/Part 1): GPUs = ceil(demand ÷ (throughput × utilization × s/month)), at least
 * one; monthly cost = GPUs × hourly rate × 720.
 */
export function sizeGpus(demand: GpuDemand, supply: GpuSupply): GpuSizing {
  requireInRange('throughputTokensPerSecond', supply.throughputTokensPerSecond, { min: 0, minExclusive: true });
  requireInRange('utilization', supply.utilization, { min: 0, minExclusive: true, max: 1 });
  requireInRange('gpuHourlyRate', supply.hourlyRate, { min: 0 });
  requireInRange('prefillEfficiency', demand.prefillEfficiency, { min: 0, max: 10 });

  const demandTokensPerMonth =
    demand.attemptsPerMonth * (demand.outputTokens + demand.prefillEfficiency * demand.inputTokens);
  const capacityPerInstance = supply.throughputTokensPerSecond * supply.utilization * SECONDS_PER_MONTH;
  const fullCapacityPerInstance = supply.throughputTokensPerSecond * SECONDS_PER_MONTH;

  let count: number;
  if (supply.fixedCount !== undefined) {
    requireInRange('gpus', supply.fixedCount, { min: 1 });
    if (!Number.isInteger(supply.fixedCount)) {
      throw new RoutefitError('invalid_input', `gpus is ${supply.fixedCount}; allowed a whole number ≥ 1`, { field: 'gpus', allowed: 'whole number ≥ 1' });
    }
    count = supply.fixedCount;
    if (demandTokensPerMonth > count * fullCapacityPerInstance) {
      const needed = Math.ceil(demandTokensPerMonth / fullCapacityPerInstance - STEP_TOLERANCE);
      throw new RoutefitError(
        'over_capacity',
        `${count} GPU(s) deliver at most ${fmt(count * fullCapacityPerInstance)} tokens/month at 100% utilization; the workload demands ${fmt(demandTokensPerMonth)} (needs at least ${needed})`,
        { field: 'gpus', allowed: `≥ ${needed}` },
      );
    }
  } else {
    // Same tolerance as gpuStepCount: a demand of exactly N GPUs must not round to N+1 on float noise.
    count = Math.max(1, Math.ceil(demandTokensPerMonth / capacityPerInstance - STEP_TOLERANCE));
  }
  return {
    count,
    demandTokensPerMonth,
    capacityPerInstanceTokensPerMonth: capacityPerInstance,
    realizedUtilization: demandTokensPerMonth / (count * fullCapacityPerInstance),
    monthlyCost: count * supply.hourlyRate * HOURS_PER_MONTH,
  };
}

/** Monthly cost of an hourly price: × 720 h (Inference Field Guide, Part 3 hardware table). */
export function monthlyFromHourly(hourlyRate: number): number {
  return hourlyRate * HOURS_PER_MONTH;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
