import { type Quantity, type Sourced, sourced } from '../evidence.js';
import { RoutefitError, requireInRange } from '../errors.js';
import type { Step } from '../cost/lcpr.js';
import type { TrafficPattern } from './traffic.js';
import { HOURS_PER_MONTH } from '../units.js';
import { sig6 } from '../units.js';

/** Inputs of Inference Economics Playbook, ch. 18, Derivation 4 (symbols as the seed names them). */
export interface GateInput {
  /** C_hw: USD per hour for one replica. */
  gpuHourly: Quantity;
  /** C_ops: amortized operational overhead, USD per hour. */
  opsPerHour: Quantity;
  /** R_min: replicas that cannot scale to zero. */
  minReplicas: number;
  /** G_slo: accepted outputs per replica-hour under SLO. */
  goodputPerHour: Quantity;
  /** C_serverless: serverless cost per accepted output (its LCPR). */
  serverlessCostPerAccepted: Quantity;
}

export interface UtilizationGate {
  uRequired: number;
  /** (C_hw × R_min + C_ops) × 720. */
  dedicatedMonthly: number;
  inputs: Record<string, Sourced>;
  steps: Step[];
}

function resolveGate(g: GateInput) {
  const hw = sourced(g.gpuHourly);
  const ops = sourced(g.opsPerHour);
  const goodput = sourced(g.goodputPerHour);
  const cs = sourced(g.serverlessCostPerAccepted);
  requireInRange('gpuHourly', hw.value, { min: 0 });
  requireInRange('opsPerHour', ops.value, { min: 0 });
  requireInRange('minReplicas', g.minReplicas, { min: 0, max: 10_000 });
  if (!Number.isInteger(g.minReplicas)) throw new RoutefitError('invalid_input', `minReplicas is ${g.minReplicas}; allowed a whole number ≥ 0`, { field: 'minReplicas', allowed: 'whole number ≥ 0' });
  requireInRange('goodputPerHour', goodput.value, { min: 0, minExclusive: true });
  requireInRange('serverlessCostPerAccepted', cs.value, { min: 0, minExclusive: true });
  return { hw, ops, goodput, cs, inputs: { gpuHourly: hw, opsPerHour: ops, goodputPerHour: goodput, serverlessCostPerAccepted: cs } as Record<string, Sourced> };
}

/** u_required = ((C_hw × R_min) + C_ops) / (G_slo × C_serverless) — Inference Economics Playbook, ch. 18, Derivation 4. */
export function utilizationGate(g: GateInput): UtilizationGate {
  const { hw, ops, goodput, cs, inputs } = resolveGate(g);
  const replicas = Math.max(1, g.minReplicas);
  const fixedPerHour = hw.value * replicas + ops.value;
  const uRequired = fixedPerHour / (goodput.value * cs.value);
  const dedicatedMonthly = fixedPerHour * HOURS_PER_MONTH;
  return {
    uRequired,
    dedicatedMonthly,
    inputs,
    steps: [
      {
        id: 'u-required',
        label: 'Break-even utilization',
        formula: '((C_hw × R_min) + C_ops) ÷ (G_slo × C_serverless)',
        expression: `(${sig6(hw.value)} × ${replicas} + ${sig6(ops.value)}) ÷ (${sig6(goodput.value)} × ${sig6(cs.value)})`,
        value: uRequired,
        unit: 'fraction',
        cite: 'Inference Economics Playbook, ch. 18, Derivation 4',
      },
      {
        id: 'dedicated-monthly',
        label: 'Dedicated cost per month',
        formula: '((C_hw × R_min) + C_ops) × 720 h',
        expression: `(${sig6(hw.value)} × ${replicas} + ${sig6(ops.value)}) × 720`,
        value: dedicatedMonthly,
        unit: 'USD/month',
        cite: 'Inference Economics Playbook, ch. 18, worked example',
      },
    ],
  };
}

export interface ShapeOptions {
  /** Highest load one replica may carry, for p99 headroom (Inference Economics Playbook, ch. 18). 1 = the seed's arithmetic. */
  maxUtilization?: number;
  /** Minutes a new replica spends warming up, billed and producing nothing (Inference Economics Playbook, ch. 18, cold start). */
  coldStartMinutes?: number;
  /** Minimum billing window in minutes (e.g. 5 for Bedrock custom model units): a start bills at least this. */
  minBillingMinutes?: number;
  /** GPUs per replica, to report GPUs as well as replicas. */
  gpusPerReplica?: number;
}

export interface ShapeOption {
  id: 'serverless' | 'dedicated' | 'autoscaled' | 'hybrid';
  label: string;
  monthlyCost: number;
  /** Dedicated replicas running (peak for autoscaled); 0 for serverless. */
  replicas: number;
  gpus: number;
  /** Accepted outputs per month served by serverless. */
  serverlessVolume: number;
  /** Average utilization of the dedicated replicas (null without replicas). */
  averageUtilization: number | null;
  /** Lowest hourly utilization of the dedicated replicas. */
  troughUtilization: number | null;
  parts: { dedicated: number; ops: number; serverless: number; warmup: number };
}

export interface ShapeResult {
  pattern: string;
  gate: UtilizationGate;
  volumePerMonth: number;
  activeHoursPerMonth: number;
  peakLoad: number;
  averageLoad: number;
  troughLoad: number;
  options: ShapeOption[];
  /** Monthly cost of a hybrid with 0…N base replicas (serverless for the rest); index = replicas. */
  hybridCurve: { replicas: number; monthlyCost: number }[];
  winner: ShapeOption['id'];
  cheapest: ShapeOption;
  steps: Step[];
  notes: string[];
}

const usd = (v: number) => `$${v.toLocaleString('en-US', { maximumFractionDigits: 2 })}`;

/**
 * Dedicated vs serverless vs hybrid for a traffic shape (Inference Economics Playbook, ch. 18): the fixed fleet sized to the peak,
 * an autoscaled fleet paying warm-up and billing windows, and the base-plus-burst hybrid whose replica count
 * minimizes monthly cost.
 */
export function evaluateShape(g: GateInput, pattern: TrafficPattern, opts: ShapeOptions = {}): ShapeResult {
  const gate = utilizationGate(g);
  const { hw, ops, goodput, cs } = resolveGate(g);
  const maxU = requireInRange('maxUtilization', opts.maxUtilization ?? 1, { min: 0, minExclusive: true, max: 1 });
  const coldStart = requireInRange('coldStartMinutes', opts.coldStartMinutes ?? 0, { min: 0, max: 24 * 60 });
  const window = requireInRange('minBillingMinutes', opts.minBillingMinutes ?? 0, { min: 0, max: 24 * 60 });
  const gpusPerReplica = requireInRange('gpusPerReplica', opts.gpusPerReplica ?? 1, { min: 1 });
  const load = pattern.replicaLoad;
  if (load.length === 0) throw new RoutefitError('invalid_input', 'the traffic pattern is empty', { field: 'pattern' });
  load.forEach((v, i) => requireInRange(`pattern hour ${i}`, v, { min: 0, max: 1e6 }));
  // Each profile hour stands for 720 / length hours of the billing month (a week → ×4.29).
  const weight = HOURS_PER_MONTH / load.length;
  const sum = load.reduce((a, b) => a + b, 0);
  const volumePerMonth = sum * weight * goodput.value;
  const activeHoursPerMonth = load.filter((v) => v > 0).length * weight;
  const peakLoad = Math.max(...load);
  const troughLoad = Math.min(...load);
  const averageLoad = sum / load.length;
  const notes: string[] = [];
  const steps: Step[] = [...gate.steps];

  const serverlessFor = (overflowReplicaHours: number) => overflowReplicaHours * weight * goodput.value * cs.value;
  // Inference Economics Playbook, ch. 18: volume/month = goodput × utilization × active hours; serverless = volume × C_serverless.
  const serverlessMonthly = volumePerMonth * cs.value;
  steps.push({ id: 'volume', label: 'Accepted outputs per month', formula: 'Σ hourly load × G_slo × (720 ÷ profile hours)', expression: `${sig6(sum)} × ${sig6(goodput.value)} × ${sig6(weight)}`, value: volumePerMonth, unit: 'accepted/month', cite: 'Inference Economics Playbook, ch. 18, worked example' });
  steps.push({ id: 'serverless', label: 'All-serverless cost per month', formula: 'volume × C_serverless', expression: `${volumePerMonth.toFixed(0)} × ${sig6(cs.value)}`, value: serverlessMonthly, unit: 'USD/month', cite: 'Inference Economics Playbook, ch. 18, worked example' });

  const opsMonthly = ops.value * HOURS_PER_MONTH;
  const replicasFor = (l: number) => Math.ceil(l / maxU - 1e-9);
  const peakReplicas = Math.max(g.minReplicas, replicasFor(peakLoad), 1);
  const fixed = (k: number): ShapeOption => {
    const overflow = load.reduce((a, l) => a + Math.max(0, l - k * maxU), 0);
    const served = load.map((l) => Math.min(l, k * maxU));
    const dedicated = k * hw.value * HOURS_PER_MONTH;
    const serverless = serverlessFor(overflow);
    return {
      id: 'hybrid',
      label: '',
      monthlyCost: dedicated + opsMonthly + serverless,
      replicas: k,
      gpus: k * gpusPerReplica,
      serverlessVolume: overflow * weight * goodput.value,
      averageUtilization: served.reduce((a, b) => a + b, 0) / served.length / k,
      troughUtilization: Math.min(...served) / k,
      parts: { dedicated, ops: opsMonthly, serverless, warmup: 0 },
    };
  };

  const serverless: ShapeOption = {
    id: 'serverless',
    label: 'all serverless',
    monthlyCost: serverlessMonthly,
    replicas: 0,
    gpus: 0,
    serverlessVolume: volumePerMonth,
    averageUtilization: null,
    troughUtilization: null,
    parts: { dedicated: 0, ops: 0, serverless: serverlessMonthly, warmup: 0 },
  };
  const dedicated: ShapeOption = { ...fixed(peakReplicas), id: 'dedicated', label: `all dedicated, ${peakReplicas} replica(s) 24/7 sized to the peak` };
  steps.push({
    id: 'replicas',
    label: 'Replicas for the peak hour',
    formula: 'max(R_min, ceil(peak load ÷ max utilization))',
    expression: `max(${g.minReplicas}, ceil(${peakLoad.toFixed(4)} ÷ ${maxU}))`,
    value: peakReplicas,
    unit: 'replicas',
    cite: 'Inference Field Guide, Part 1 (GPU count is a step function)',
  });

  // Autoscaled: replicas follow the load hour by hour; every start pays its warm-up, rounded up to the billing window.
  const perHour = load.map((l) => Math.max(g.minReplicas, replicasFor(l)));
  let starts = 0;
  perHour.forEach((k, i) => {
    const prev = perHour[(i - 1 + perHour.length) % perHour.length]!;
    if (k > prev) starts += k - prev;
  });
  const billedWarmupMinutes = window > 0 ? Math.ceil(coldStart / window - 1e-9) * window : coldStart;
  const warmup = starts * weight * hw.value * (billedWarmupMinutes / 60);
  const replicaHours = perHour.reduce((a, b) => a + b, 0) * weight;
  const autoOverflow = load.reduce((a, l, i) => a + Math.max(0, l - perHour[i]! * maxU), 0);
  const autoServed = load.map((l, i) => (perHour[i]! > 0 ? Math.min(l, perHour[i]! * maxU) / perHour[i]! : null)).filter((x): x is number => x !== null);
  const autoDedicated = replicaHours * hw.value;
  const autoscaled: ShapeOption = {
    id: 'autoscaled',
    label: `autoscaled dedicated, ${Math.min(...perHour)}-${Math.max(...perHour)} replicas by hour`,
    monthlyCost: autoDedicated + opsMonthly + warmup + serverlessFor(autoOverflow),
    replicas: Math.max(...perHour),
    gpus: Math.max(...perHour) * gpusPerReplica,
    serverlessVolume: autoOverflow * weight * goodput.value,
    averageUtilization: replicaHours > 0 ? (volumePerMonth - autoOverflow * weight * goodput.value) / (replicaHours * goodput.value) : null,
    troughUtilization: autoServed.length ? Math.min(...autoServed) : null,
    parts: { dedicated: autoDedicated, ops: opsMonthly, serverless: serverlessFor(autoOverflow), warmup },
  };
  if (starts > 0) {
    steps.push({
      id: 'warmup',
      label: 'Warm-up cost of autoscaling',
      formula: 'replica starts per month × hourly × billed warm-up minutes ÷ 60',
      expression: `${(starts * weight).toFixed(1)} × ${sig6(hw.value)} × ${sig6(billedWarmupMinutes)} ÷ 60`,
      value: warmup,
      unit: 'USD/month',
      cite: 'Inference Economics Playbook, ch. 18 (cold start and minimum billing windows are costs)',
    });
  }

  // Hybrid: k base replicas 24/7 (k = 0 or ≥ R_min), serverless for the overflow; pick the cheapest k.
  const hybridCurve: { replicas: number; monthlyCost: number }[] = [{ replicas: 0, monthlyCost: serverlessMonthly }];
  let best: ShapeOption = { ...serverless, id: 'hybrid', label: 'hybrid with 0 replicas (= all serverless)' };
  for (let k = Math.max(1, g.minReplicas); k <= peakReplicas; k++) {
    const o = fixed(k);
    hybridCurve.push({ replicas: k, monthlyCost: o.monthlyCost });
    if (o.monthlyCost < best.monthlyCost - 1e-9) best = o;
  }
  const hybrid: ShapeOption = { ...best, id: 'hybrid', label: `hybrid: ${best.replicas} base replica(s) for the floor, serverless for the rest` };
  steps.push({
    id: 'hybrid',
    label: 'Cheapest hybrid split',
    formula: 'min over k of (k × C_hw + C_ops) × 720 + Σ overflow above k replicas × G_slo × C_serverless',
    expression: `k = ${hybrid.replicas}: ${usd(hybrid.parts.dedicated)} + ${usd(hybrid.parts.ops)} + ${usd(hybrid.parts.serverless)}`,
    value: hybrid.monthlyCost,
    unit: 'USD/month',
    cite: 'Inference Economics Playbook, ch. 18, "The better model" (base dedicated for the floor, serverless burst for peaks)',
  });

  const options = [serverless, dedicated, autoscaled, hybrid];
  // Ties go to the simpler shape: serverless, then a fixed fleet, then autoscaling, then the hybrid.
  const cheapest = options.reduce((a, b) => (b.monthlyCost < a.monthlyCost - 1e-9 ? b : a));
  const troughU = dedicated.troughUtilization ?? 0;
  if (troughU < gate.uRequired) {
    notes.push(`trough utilization ${(troughU * 100).toFixed(0)}% is below u_required ${(gate.uRequired * 100).toFixed(0)}%: pure dedicated pays for idle hours (Inference Economics Playbook, ch. 18)`);
  }
  if (gate.uRequired > maxU) notes.push(`u_required ${(gate.uRequired * 100).toFixed(0)}% exceeds the ${(maxU * 100).toFixed(0)}% a replica may carry: dedicated cannot break even at these prices`);
  // Inference Economics Playbook, ch. 18: dedicated pays only "with headroom for p99 latency"; flag a plan that runs replicas near 100%.
  if (maxU === 1 && cheapest.replicas > 0) {
    const busiest = cheapest.id === 'autoscaled' ? Math.max(...load.map((l, i) => (perHour[i]! > 0 ? Math.min(l, perHour[i]!) / perHour[i]! : 0))) : Math.min(peakLoad, cheapest.replicas) / cheapest.replicas;
    if (busiest > 0.85) notes.push(`the cheapest plan runs replicas at ${(busiest * 100).toFixed(0)}% in the busiest hour: set a max utilization (e.g. 0.8) to keep headroom for p99 latency`);
  }
  if (coldStart > 60) notes.push(`cold start of ${coldStart} min is longer than an hour-long traffic step: autoscaling arrives after the spike (Inference Economics Playbook, ch. 18); price always-on capacity instead`);
  return {
    pattern: pattern.label,
    gate,
    volumePerMonth,
    activeHoursPerMonth,
    peakLoad,
    averageLoad,
    troughLoad,
    options,
    hybridCurve,
    winner: cheapest.id,
    cheapest,
    steps,
    notes,
  };
}

/**
 * Accepted outputs per replica-hour from a throughput figure (Inference Economics Playbook, ch. 18's G_slo, estimated):
 * throughput × 3,600 ÷ (GPU tokens per attempt × (1 + retry rate)) × pass rate. Measure it where you can:
 * provider benchmarks run synthetic prompts at optimal batch sizes.
 */
export function estimatedGoodputPerHour(w: {
  throughputTokensPerSecond: number;
  outputTokens: number;
  inputTokens: number;
  prefillEfficiency: number;
  retryRate: number;
  qualityPassRate: number;
}): number {
  requireInRange('throughputTokensPerSecond', w.throughputTokensPerSecond, { min: 0, minExclusive: true });
  requireInRange('retryRate', w.retryRate, { min: 0, max: 1 });
  requireInRange('qualityPassRate', w.qualityPassRate, { min: 0, minExclusive: true, max: 1 });
  const tokensPerAttempt = w.outputTokens + w.prefillEfficiency * w.inputTokens;
  requireInRange('tokens per attempt', tokensPerAttempt, { min: 0, minExclusive: true });
  return ((w.throughputTokensPerSecond * 3600) / (tokensPerAttempt * (1 + w.retryRate))) * w.qualityPassRate;
}
