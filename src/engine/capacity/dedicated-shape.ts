import { type Sourced, valueOf } from '../evidence.js';
import type { GpuRouteSpec, TokenRouteSpec, WorkloadProfile } from '../cost/lcpr.js';
import { type VariableCost, variableCostPerAccepted } from '../cost/variable-cost.js';
import { HOURS_PER_MONTH } from '../units.js';
import { HOURS_PER_WEEK, type TrafficPattern, patternFromHourly } from './traffic.js';
import { type ShapeResult, estimatedGoodputPerHour, evaluateShape } from './utilization-gate.js';
import { RoutefitError } from '../errors.js';

export interface DedicatedShapeInput {
  profile: WorkloadProfile;
  gpu: GpuRouteSpec;
  serverless: TokenRouteSpec;
  /** A traffic shape in replica units (patternPreset), or hourly request counts (168 or 24 values); neither: the file's volume spread evenly. */
  pattern?: TrafficPattern;
  hourlyRequests?: { label: string; values: readonly number[] };
  /** Measured accepted outputs per replica-hour under SLO; default estimated from throughput. */
  goodput?: number;
  /** Measured serverless cost per accepted output; default the serverless route's LCPR at the pattern's volume. */
  serverlessCost?: number;
  opsPerHour?: number;
  minReplicas?: number;
  maxUtilization?: number;
  coldStartMinutes?: number;
  minBillingMinutes?: number;
  gpusPerReplica?: number;
}

export interface DedicatedShape extends ShapeResult {
  requestsPerMonth: number;
  /** The shape evaluated, per hour, in replica units. */
  replicaLoad: number[];
  goodputPerHour: Sourced;
  serverlessCostPerAccepted: Sourced;
  /** The serverless side's variable cost and the fixed overheads it leaves out (absent when measured). */
  serverlessVariable?: VariableCost;
}

/**
 * A workload's dedicated-vs-serverless-vs-hybrid question for one traffic shape (Inference Economics Playbook, ch. 18):
 * goodput per replica-hour, the shape in replica units, the serverless side's cost per accepted
 * output at the shape's volume, then evaluateShape. What `routefit dedicated` and the Studio both run.
 */
export function dedicatedShape(i: DedicatedShapeInput): DedicatedShape {
  const v = valueOf;
  const { profile, gpu, serverless } = i;
  const retry = v(profile.retryRate);
  const pass = v(profile.qualityPassRate);
  const goodput: Sourced =
    i.goodput !== undefined
      ? { value: i.goodput, evidence: 'measured', source: '--goodput' }
      : {
          value: estimatedGoodputPerHour({ throughputTokensPerSecond: v(gpu.throughputTokensPerSecond), outputTokens: v(profile.outputTokens), inputTokens: v(profile.inputTokens), prefillEfficiency: v(gpu.prefillEfficiency), retryRate: retry, qualityPassRate: pass }),
          evidence: 'estimated',
          source: 'throughput × 3,600 ÷ (tokens per attempt × (1 + retry)) × pass rate — measure it (Inference Economics Playbook, ch. 18)',
        };
  let pattern: TrafficPattern;
  if (i.pattern) pattern = i.pattern;
  else if (i.hourlyRequests) {
    const n = i.hourlyRequests.values.length;
    if (n !== HOURS_PER_WEEK && n !== 24) throw new RoutefitError('invalid_input', `hourly requests: ${n} values; allowed 168 (a week) or 24 (a day)`, { field: 'hourly', allowed: '168 or 24 values' });
    pattern = patternFromHourly(i.hourlyRequests.label, i.hourlyRequests.values.map((r) => r * pass), goodput.value);
  } else {
    const perHour = (v(profile.requestsPerMonth) * pass) / HOURS_PER_MONTH;
    pattern = { label: `flat: ${Math.round(v(profile.requestsPerMonth)).toLocaleString('en-US')} requests/month spread evenly (give --pattern or --pattern-csv for the real shape)`, replicaLoad: Array(HOURS_PER_WEEK).fill(perHour / goodput.value) };
  }
  const acceptedPerMonth = (pattern.replicaLoad.reduce((a, b) => a + b, 0) * HOURS_PER_MONTH * goodput.value) / pattern.replicaLoad.length;
  const requestsPerMonth = acceptedPerMonth / pass;
  // C_serverless: the serverless route's cost per accepted output at the pattern's volume, without the
  // fixed monthly overheads a bare GPU side does not carry either (or measured from traces).
  const variable = requestsPerMonth > 0 ? variableCostPerAccepted({ ...profile, requestsPerMonth }, serverless) : undefined;
  const cs: Sourced | undefined =
    i.serverlessCost !== undefined
      ? { value: i.serverlessCost, evidence: 'measured', source: '--serverless-cost' }
      : variable
        ? { value: variable.perAccepted, evidence: 'derived', source: `${serverless.id}'s tokens, retries and repair per accepted output at ${Math.round(requestsPerMonth).toLocaleString('en-US')} requests/month, fixed monthly overheads left out` }
        : undefined;
  if (!cs) throw new RoutefitError('invalid_input', 'the traffic pattern carries no requests: nothing to compare', { field: 'pattern' });
  const result = evaluateShape(
    {
      gpuHourly: gpu.gpuHourly,
      opsPerHour: { value: i.opsPerHour ?? 0, evidence: i.opsPerHour !== undefined ? 'estimated' : 'assumed', source: i.opsPerHour !== undefined ? '--ops-per-hour' : 'default 0: pass --ops-per-hour (Inference Economics Playbook, ch. 18 uses $0.50/h)' },
      minReplicas: i.minReplicas ?? 1,
      goodputPerHour: goodput,
      serverlessCostPerAccepted: cs,
    },
    pattern,
    { maxUtilization: i.maxUtilization ?? 1, coldStartMinutes: i.coldStartMinutes ?? 0, minBillingMinutes: i.minBillingMinutes ?? 0, gpusPerReplica: i.gpusPerReplica ?? 1 },
  );
  return { ...result, requestsPerMonth, replicaLoad: pattern.replicaLoad, goodputPerHour: goodput, serverlessCostPerAccepted: cs, ...(variable && i.serverlessCost === undefined ? { serverlessVariable: variable } : {}) };
}
