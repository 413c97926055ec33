import { RoutefitError, requireInRange } from '../errors.js';
import type { Step } from '../cost/lcpr.js';
import { HOURS_PER_MONTH } from '../units.js';

/** Inference Economics Playbook, ch. 20: an on-call rotation needs at least two engineers; the realistic floor is 2-3 loaded FTE. */
export const ON_CALL_FLOOR_FTE = { min: 2, max: 3 } as const;
/** Inference Economics Playbook, ch. 20: 2-3 loaded FTE ≈ $60,000-$90,000/month, i.e. $30,000 per FTE-month. */
export const LOADED_FTE_MONTHLY = 30_000;
/** Inference Economics Playbook, ch. 20: "the fleet scale at which self-managed economics work is around 50 GPUs sustained". */
export const SELF_MANAGED_MIN_GPUS = 50;

/** Engineering overhead: loaded FTE × monthly cost, or hours × rate (Inference Field Guide, Part 0's engineering term). */
export type Overhead = { fte: number; monthlyPerFte?: number } | { hoursPerMonth: number; hourlyRate: number };

function overheadMonthly(o: Overhead): { monthly: number; fte: number | null; expression: string } {
  if ('fte' in o) {
    requireInRange('fte', o.fte, { min: 0, max: 1000 });
    const per = requireInRange('monthlyPerFte', o.monthlyPerFte ?? LOADED_FTE_MONTHLY, { min: 0 });
    return { monthly: o.fte * per, fte: o.fte, expression: `${o.fte} FTE × $${per.toLocaleString('en-US')}` };
  }
  requireInRange('hoursPerMonth', o.hoursPerMonth, { min: 0 });
  requireInRange('hourlyRate', o.hourlyRate, { min: 0 });
  return { monthly: o.hoursPerMonth * o.hourlyRate, fte: null, expression: `${o.hoursPerMonth} h × $${o.hourlyRate}` };
}

export interface OperationalTax {
  gpuMonthly: number;
  overheadMonthly: number;
  /** Overhead ÷ GPU spend. */
  tax: number;
  /** Fleet size at which the overhead falls to `targetTax` of GPU spend at this hourly rate. */
  gpusForTargetTax: number;
  targetTax: number;
  steps: Step[];
}

/** Operational tax = engineering overhead ÷ GPU spend (Inference Economics Playbook, ch. 20, "The better model"). */
export function operationalTax(gpus: number, gpuHourly: number, overhead: Overhead, targetTax = 0.1): OperationalTax {
  requireInRange('gpus', gpus, { min: 0, minExclusive: true });
  requireInRange('gpuHourly', gpuHourly, { min: 0, minExclusive: true });
  requireInRange('targetTax', targetTax, { min: 0, minExclusive: true });
  const o = overheadMonthly(overhead);
  const gpuMonthly = gpus * gpuHourly * HOURS_PER_MONTH;
  const tax = o.monthly / gpuMonthly;
  const gpusForTargetTax = o.monthly / (targetTax * gpuHourly * HOURS_PER_MONTH);
  return {
    gpuMonthly,
    overheadMonthly: o.monthly,
    tax,
    gpusForTargetTax,
    targetTax,
    steps: [
      { id: 'overhead', label: 'Engineering overhead', formula: 'loaded FTE × monthly cost (or hours × rate)', expression: o.expression, value: o.monthly, unit: 'USD/month', cite: 'Inference Economics Playbook, ch. 20' },
      { id: 'gpu', label: 'GPU spend', formula: 'GPUs × hourly × 720 h', expression: `${gpus} × $${gpuHourly} × 720`, value: gpuMonthly, unit: 'USD/month', cite: 'Inference Economics Playbook, ch. 20' },
      { id: 'tax', label: 'Operational tax', formula: 'overhead ÷ GPU spend', expression: `$${o.monthly.toFixed(0)} ÷ $${gpuMonthly.toFixed(0)}`, value: tax, unit: 'fraction', cite: 'Inference Economics Playbook, ch. 20' },
    ],
  };
}

export interface ManagedVsSelf {
  managedMonthly: number;
  managedGpuMonthly: number;
  managedOverheadMonthly: number;
  selfManagedMonthly: number;
  tax: OperationalTax;
  winner: 'managed_dedicated' | 'self_managed';
  savings: number;
  notes: string[];
  steps: Step[];
}

/**
 * Managed dedicated vs self-managed for the same fleet (Inference Economics Playbook, ch. 20; Inference Field Guide, Part 1 "The middle path"):
 * managed = GPUs × managed hourly × 720 + its (smaller) ops; self = GPUs × raw hourly × 720 + engineering overhead.
 */
export function managedVsSelfManaged(input: {
  gpus: number;
  managedHourly: number;
  selfManagedHourly: number;
  selfManagedOverhead: Overhead;
  managedOverhead?: Overhead;
  /** Tax share at which to report the fleet size (default 10%). */
  targetTax?: number;
}): ManagedVsSelf {
  requireInRange('managedHourly', input.managedHourly, { min: 0, minExclusive: true });
  const tax = operationalTax(input.gpus, input.selfManagedHourly, input.selfManagedOverhead, input.targetTax);
  const managedOps = input.managedOverhead ? overheadMonthly(input.managedOverhead).monthly : 0;
  const managedGpuMonthly = input.gpus * input.managedHourly * HOURS_PER_MONTH;
  const managedMonthly = managedGpuMonthly + managedOps;
  const selfManagedMonthly = tax.gpuMonthly + tax.overheadMonthly;
  const notes: string[] = [];
  const o = overheadMonthly(input.selfManagedOverhead);
  if (o.fte !== null && o.fte < ON_CALL_FLOOR_FTE.min) {
    notes.push(`${o.fte} FTE is below the on-call floor of ${ON_CALL_FLOOR_FTE.min}-${ON_CALL_FLOOR_FTE.max} loaded FTE (Inference Economics Playbook, ch. 20): the overhead is understated`);
  }
  if (input.gpus < SELF_MANAGED_MIN_GPUS) {
    notes.push(`${input.gpus} GPUs is below the ~${SELF_MANAGED_MIN_GPUS}-GPU sustained fleet at which Inference Economics Playbook, ch. 20 says self-managed economics work`);
  }
  const winner = selfManagedMonthly < managedMonthly ? 'self_managed' : 'managed_dedicated';
  return {
    managedMonthly,
    managedGpuMonthly,
    managedOverheadMonthly: managedOps,
    selfManagedMonthly,
    tax,
    winner,
    savings: Math.abs(managedMonthly - selfManagedMonthly),
    notes,
    steps: [
      ...tax.steps,
      { id: 'managed', label: 'Managed dedicated per month', formula: 'GPUs × managed hourly × 720 h + managed ops', expression: `${input.gpus} × $${input.managedHourly} × 720 + $${managedOps.toFixed(0)}`, value: managedMonthly, unit: 'USD/month', cite: 'Inference Economics Playbook, ch. 20' },
      { id: 'self', label: 'Self-managed per month', formula: 'GPU spend + engineering overhead', expression: `$${tax.gpuMonthly.toFixed(0)} + $${tax.overheadMonthly.toFixed(0)}`, value: selfManagedMonthly, unit: 'USD/month', cite: 'Inference Economics Playbook, ch. 20' },
    ],
  };
}

/** The devolution signals of Inference Economics Playbook, ch. 20, "When self-managed stops earning its keep". */
export interface FleetHealth {
  /** Fleet size in each of the last quarters, oldest first. */
  fleetGpusByQuarter?: number[];
  onCallEngineers?: number;
  /** Quarters a serving-engine, scheduler or quantization specialist seat has been open. */
  specialistSeatOpenQuarters?: number;
  /** Major releases the deployed serving engine is behind upstream. */
  servingEngineMajorsBehind?: number;
  /** Days between quality-regression reviews (continuous = 1). */
  qualityReviewCadenceDays?: number;
}

export interface DevolutionSignal {
  id: 'small-fleet' | 'on-call' | 'specialist-seat' | 'engine-drift' | 'quality-cadence';
  fired: boolean;
  reason: string;
}

export function devolutionSignals(h: FleetHealth): { signals: DevolutionSignal[]; fired: number; recommendGate: boolean } {
  const signals: DevolutionSignal[] = [];
  const q = h.fleetGpusByQuarter;
  if (q !== undefined) {
    q.forEach((g, i) => requireInRange(`fleetGpusByQuarter[${i}]`, g, { min: 0 }));
    const lastTwo = q.slice(-2);
    const fired = lastTwo.length === 2 && lastTwo.every((g) => g < SELF_MANAGED_MIN_GPUS);
    signals.push({ id: 'small-fleet', fired, reason: `fleet below ~${SELF_MANAGED_MIN_GPUS} GPUs for two consecutive quarters (last: ${lastTwo.join(', ')})` });
  }
  if (h.onCallEngineers !== undefined) {
    requireInRange('onCallEngineers', h.onCallEngineers, { min: 0 });
    signals.push({ id: 'on-call', fired: h.onCallEngineers < ON_CALL_FLOOR_FTE.min, reason: `on-call rotation of ${h.onCallEngineers} (needs at least ${ON_CALL_FLOOR_FTE.min})` });
  }
  if (h.specialistSeatOpenQuarters !== undefined) {
    requireInRange('specialistSeatOpenQuarters', h.specialistSeatOpenQuarters, { min: 0 });
    signals.push({ id: 'specialist-seat', fired: h.specialistSeatOpenQuarters > 1, reason: `specialist seat open ${h.specialistSeatOpenQuarters} quarter(s) (signal: more than one)` });
  }
  if (h.servingEngineMajorsBehind !== undefined) {
    requireInRange('servingEngineMajorsBehind', h.servingEngineMajorsBehind, { min: 0 });
    signals.push({ id: 'engine-drift', fired: h.servingEngineMajorsBehind >= 2, reason: `serving engine ${h.servingEngineMajorsBehind} major release(s) behind (signal: two)` });
  }
  if (h.qualityReviewCadenceDays !== undefined) {
    requireInRange('qualityReviewCadenceDays', h.qualityReviewCadenceDays, { min: 0, minExclusive: true });
    signals.push({ id: 'quality-cadence', fired: h.qualityReviewCadenceDays >= 7, reason: `quality-regression review every ${h.qualityReviewCadenceDays} day(s) (signal: weekly or slower)` });
  }
  if (signals.length === 0) throw new RoutefitError('invalid_input', 'no fleet health facts given: nothing to check', { field: 'fleetHealth' });
  const fired = signals.filter((s) => s.fired).length;
  // Inference Economics Playbook, ch. 20: "When two or more of these fire, run the dedicated utilization gate … against managed dedicated pricing".
  return { signals, fired, recommendGate: fired >= 2 };
}
