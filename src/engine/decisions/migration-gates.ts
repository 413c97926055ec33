import { type Quantity, sourced, valueOf } from '../evidence.js';
import { requireInRange } from '../errors.js';
import { payback } from './migration.js';
import { type Compared, type Flag, type Verdict, flag, flagFact, fmtMonths, numberFact, verdict } from './verdict.js';

const PART1 = 'Inference Field Guide, Part 1';

/** Inference Field Guide, Part 1, Gate 1: closed-API spend bands. */
export const VOLUME_BANDS = { marginalBelow: 10_000, absorbsFrictionAbove: 50_000 } as const;

export type VolumeBand = 'marginal' | 'execution_risk' | 'absorbs_friction';

export interface VolumeGateInput {
  /** Monthly closed-API spend (the current route's monthly cost, or the invoice). */
  closedApiSpendPerMonth: Quantity;
  /** Monthly cost of the target route, when one has been priced. */
  targetMonthly?: Quantity;
  migrationCost?: Quantity;
  /** Longest acceptable payback after cutover; default 12 months (Inference Field Guide, Part 1: past a year is a failed migration). */
  paybackHorizonMonths?: number;
  /** Has the team done a migration like this before? Matters in the $10K-$50K band. */
  teamHasMigratedBefore?: Flag;
}

export interface VolumeGate extends Verdict {
  band: VolumeBand;
  monthlySavings?: number;
  paybackMonths?: number | null;
  /** Payback if the migration overruns by half again (8 → 12 weeks), Inference Field Guide, Part 1's sensitivity. */
  paybackIfOverrun?: number | null;
}

/**
 * Inference Field Guide, Part 1, Gate 1: spend below $10K is marginal, $10K-$50K works with execution risk, above
 * $50K absorbs friction; and the savings must repay the amortized migration cost.
 */
export function volumeGate(input: VolumeGateInput): VolumeGate {
  const spend = sourced(input.closedApiSpendPerMonth);
  requireInRange('closedApiSpendPerMonth', spend.value, { min: 0 });
  const horizon = input.paybackHorizonMonths ?? 12;
  requireInRange('paybackHorizonMonths', horizon, { min: 0, minExclusive: true });
  const band: VolumeBand = spend.value < VOLUME_BANDS.marginalBelow ? 'marginal' : spend.value <= VOLUME_BANDS.absorbsFrictionAbove ? 'execution_risk' : 'absorbs_friction';
  const compared = [numberFact('monthly closed-API spend (USD)', input.closedApiSpendPerMonth, '≥ $10,000 to pass; > $50,000 absorbs friction')];
  const measureNext: string[] = [];
  let savings: number | undefined;
  let pb: number | null | undefined;
  let pbOverrun: number | null | undefined;
  if (input.targetMonthly !== undefined && input.migrationCost !== undefined) {
    const cost = valueOf(input.migrationCost);
    const p = payback(spend.value, valueOf(input.targetMonthly), cost);
    savings = p.monthlySavings;
    pb = p.paybackMonths;
    pbOverrun = payback(spend.value, valueOf(input.targetMonthly), cost * 1.5).paybackMonths;
    compared.push(numberFact('target route monthly cost (USD)', input.targetMonthly));
    compared.push(numberFact('migration cost (USD)', input.migrationCost));
    compared.push({ label: 'monthly savings (USD)', value: savings });
    compared.push({ label: 'payback after cutover (months)', value: pb ?? 'never', threshold: `≤ ${horizon} months` });
  } else {
    measureNext.push('price a target route and estimate the migration cost (engineer-weeks × rate) to test savings against it');
  }
  const fmt = (n: number) => `$${Math.round(n).toLocaleString('en-US')}`;
  let status: VolumeGate['status'];
  let reason: string;
  if (savings !== undefined && (pb === null || pb === undefined)) {
    status = 'fail';
    reason = `the target route saves nothing (${fmt(savings ?? 0)}/month): no payback`;
  } else if (band === 'marginal') {
    status = 'fail';
    reason = `closed-API spend ${fmt(spend.value)}/month is under $10,000: migration economics are marginal${pb != null ? ` (payback ${fmtMonths(pb)}, ${fmtMonths(pbOverrun ?? null)} if the migration overruns by half)` : ''}`;
  } else if (pb != null && pb > horizon) {
    status = 'fail';
    reason = `savings of ${fmt(savings!)}/month repay the migration in ${fmtMonths(pb)}, past the ${horizon}-month horizon`;
  } else if (savings === undefined) {
    status = 'conditional';
    reason = `spend ${fmt(spend.value)}/month clears the $10,000 band, but no target route and migration cost were given to test the savings`;
  } else if (band === 'execution_risk') {
    // Inference Field Guide, Part 1: $10K-$50K passes ("the economics work") but execution risk matters.
    const experienced = input.teamHasMigratedBefore === undefined ? undefined : flag(input.teamHasMigratedBefore);
    if (experienced) compared.push(flagFact('team has done this migration before', input.teamHasMigratedBefore!));
    status = experienced?.value === false ? 'conditional' : 'pass';
    reason = `spend ${fmt(spend.value)}/month is in the $10,000-$50,000 band: the economics work (payback ${fmtMonths(pb ?? null)}) but execution risk matters${experienced?.value ? '; the team has done this before' : experienced ? '; the team has not done this before: get one that has' : ''}`;
    if (!experienced) measureNext.push('whether the team has run a migration like this before (execution risk in the $10K-$50K band)');
  } else {
    status = 'pass';
    reason = `spend ${fmt(spend.value)}/month is above $50,000: savings of ${fmt(savings!)}/month repay the migration in ${fmtMonths(pb ?? null)} and absorb friction`;
  }
  return {
    ...verdict({ rule: 'volume-gate', title: 'Volume gate', status, reason, cite: `${PART1}, Gate 1: The Volume Gate`, compared, measureNext }),
    band,
    ...(savings !== undefined ? { monthlySavings: savings, paybackMonths: pb ?? null, paybackIfOverrun: pbOverrun ?? null } : {}),
  };
}

export interface SpecializationGateInput {
  /** (a) a fine-tuned model matches frontier quality for the task (on your eval suite). */
  fineTuneParity?: Flag;
  /** (b) hard P99 latency SLO in ms … */
  p99SloMs?: Quantity;
  /** … on this many chained calls per user action. */
  chainedCalls?: number;
  /** (c) model-level modifications needed: constrained decoding, custom sampling, tokenizers, steering. */
  modelModifications?: Flag;
  /** Passing needs eval infrastructure (Inference Field Guide, Part 1, "Quality degradation risk"). */
  evalSuite?: Flag;
}

/** Inference Field Guide, Part 1, Gate 2: any of (a) fine-tune parity, (b) P99 SLO under 500 ms on chained calls, (c) model-level modifications passes, regardless of volume. */
export function specializationGate(input: SpecializationGateInput): Verdict {
  const compared = [];
  const unknowns: string[] = [];
  const hits: string[] = [];
  if (input.fineTuneParity !== undefined) {
    compared.push(flagFact('(a) fine-tuned model matches frontier quality', input.fineTuneParity));
    if (flag(input.fineTuneParity).value) hits.push('a fine-tuned model matches frontier quality');
  } else unknowns.push('fine-tuned model vs frontier pass rate on your eval suite');
  if (input.p99SloMs !== undefined) {
    const slo = sourced(input.p99SloMs);
    requireInRange('p99SloMs', slo.value, { min: 0, minExclusive: true });
    const calls = input.chainedCalls ?? 1;
    requireInRange('chainedCalls', calls, { min: 1 });
    compared.push(numberFact('(b) hard P99 latency SLO (ms)', input.p99SloMs, '< 500 ms on chained calls'));
    compared.push({ label: 'chained calls per action', value: calls, threshold: '≥ 2' });
    if (slo.value < 500 && calls >= 2) hits.push(`a hard P99 SLO of ${slo.value} ms on ${calls} chained calls`);
  } else unknowns.push('the P99 latency SLO and chained calls per user action');
  if (input.modelModifications !== undefined) {
    compared.push(flagFact('(c) model-level modifications needed', input.modelModifications));
    if (flag(input.modelModifications).value) hits.push('model-level modifications');
  } else unknowns.push('whether the workload needs model-level modifications (constrained decoding, custom sampling, steering)');
  const measureNext = hits.length ? [] : unknowns;
  if (hits.length && input.evalSuite !== undefined && !flag(input.evalSuite).value) {
    measureNext.push('build a production eval suite first: budget 2-4 weeks before the migration clock starts');
  }
  const status = hits.length ? 'pass' : unknowns.length ? 'unknown' : 'fail';
  const reason = hits.length
    ? `passes regardless of volume: ${hits.join('; ')}`
    : unknowns.length
      ? `no condition met among the facts given; unknown: ${unknowns.join('; ')}`
      : 'no fine-tune parity, no sub-500 ms P99 SLO on chained calls, no model-level modifications';
  return verdict({ rule: 'specialization-gate', title: 'Specialization gate', status, reason, cite: `${PART1}, Gate 2: The Specialization Gate`, compared, measureNext });
}

export interface OwnershipGateInput {
  /** Regulation forces a data region the current route cannot guarantee (e.g. EU PII under Schrems II). */
  residencyRequired?: Flag;
  currentRouteMeetsResidency?: Flag;
  /** Contractual zero retention by default is required. */
  zeroRetentionRequired?: Flag;
  currentRouteZeroRetention?: Flag;
  /** Revenue lost in one outage of the current provider. */
  outageCost?: Quantity;
  monthlyRevenue?: Quantity;
}

/** Inference Field Guide, Part 1, Gate 3: regulatory data handling, or a single-provider outage costing more than 1% of monthly revenue, passes regardless of volume. */
export function ownershipGate(input: OwnershipGateInput): Verdict {
  const compared = [];
  const unknowns: string[] = [];
  const hits: string[] = [];
  const forced = (req: Flag | undefined, meets: Flag | undefined, what: string, label: string) => {
    if (req === undefined) {
      unknowns.push(`whether regulation requires ${what}`);
      return;
    }
    compared.push(flagFact(`${what} required`, req));
    if (!flag(req).value) return;
    if (meets === undefined) {
      unknowns.push(`whether the current route guarantees ${what} in its contract`);
      return;
    }
    compared.push(flagFact(`current route guarantees ${what}`, meets));
    if (!flag(meets).value) hits.push(label);
  };
  forced(input.residencyRequired, input.currentRouteMeetsResidency, 'data residency', 'data residency the current route cannot guarantee');
  forced(input.zeroRetentionRequired, input.currentRouteZeroRetention, 'zero data retention', 'zero retention the current route does not provide by default');
  if (input.outageCost !== undefined && input.monthlyRevenue !== undefined) {
    const cost = sourced(input.outageCost).value;
    const revenue = sourced(input.monthlyRevenue).value;
    requireInRange('outageCost', cost, { min: 0 });
    requireInRange('monthlyRevenue', revenue, { min: 0, minExclusive: true });
    compared.push(numberFact('cost of one provider outage (USD)', input.outageCost));
    compared.push(numberFact('monthly revenue (USD)', input.monthlyRevenue));
    compared.push({ label: 'outage cost ÷ monthly revenue', value: cost / revenue, threshold: '> 0.01 (1%)' });
    if (cost / revenue > 0.01) hits.push(`one outage costs ${((cost / revenue) * 100).toFixed(1)}% of monthly revenue (> 1%): underinvested in multi-sourcing`);
  } else unknowns.push('revenue lost in one provider outage, and monthly revenue');
  const status = hits.length ? 'pass' : unknowns.length ? 'unknown' : 'fail';
  const reason = hits.length ? `passes regardless of volume: ${hits.join('; ')}` : unknowns.length ? `nothing forces a move among the facts given; unknown: ${unknowns.join('; ')}` : 'no regulatory requirement forces the move and vendor concentration is within tolerance';
  return verdict({ rule: 'ownership-gate', title: 'Ownership gate', status, reason, cite: `${PART1}, Gate 3: The Ownership Gate`, compared, measureNext: hits.length ? [] : unknowns });
}

export interface LeaveApiDecision {
  decision: 'migrate' | 'stay' | 'stay_and_measure';
  /** The gate that decided, in the flowchart's order; null when none passed. */
  decidedBy: string | null;
  reason: string;
  gates: Verdict[];
  cite: string;
}

/** Inference Field Guide, Part 1 "The decision flowchart": Specialization, then Ownership, then Volume; none passing means stay. */
export function leaveApiDecision(specialization: Verdict, ownership: Verdict, volume: Verdict): LeaveApiDecision {
  const gates = [specialization, ownership, volume];
  const first = gates.find((g) => g.status === 'pass');
  const cite = `${PART1}, The decision flowchart`;
  if (first) {
    return { decision: 'migrate', decidedBy: first.rule, reason: `${first.title} passes: ${first.reason}`, gates, cite };
  }
  const open = gates.filter((g) => g.status === 'unknown' || g.status === 'conditional');
  if (open.length) {
    return {
      decision: 'stay_and_measure',
      decidedBy: null,
      reason: `no gate passes yet: ${open.map((g) => `${g.title} is ${g.status} (${g.reason})`).join('; ')}`,
      gates,
      cite,
    };
  }
  return { decision: 'stay', decidedBy: null, reason: 'none of the three gates passes: stay on the closed API for this workload', gates, cite };
}

/** Inference Field Guide, Part 1 "The lead time reality": the four phases of a standard migration. */
export const LEAD_TIME_PHASES = [
  { phase: 'prepare', weeks: [1, 4], what: 'eval suite, model selection, prompt adaptation: no savings yet' },
  { phase: 'shadow', weeks: [5, 8], what: 'both providers in parallel: cost increases' },
  { phase: 'cutover', weeks: [9, 12], what: 'traffic 10% → 50% → 100%: savings begin ramping' },
  { phase: 'full', weeks: [13, 16], what: 'old provider deprecated: full savings' },
] as const;

/** Share of traffic on the new route in each cutover week (Inference Field Guide, Part 1: 10% → 50% → 100% over 3-4 weeks). */
const CUTOVER_SHARES = [0.1, 0.5, 1, 1];
const WEEKS_PER_MONTH = 52 / 12;

export interface LeadTimeInput {
  currentMonthly: number;
  targetMonthly: number;
  migrationCost: number;
  /** Share of traffic mirrored to the target route during shadow weeks; default 1 (both providers in full, Inference Field Guide, Part 1). */
  shadowShare?: number;
  /** Weeks before anything runs on the new route; default 4. */
  prepareWeeks?: number;
}

export interface LeadTimeSchedule {
  weeks: { week: number; phase: string; newRouteShare: number; cashFlow: number; cumulative: number }[];
  /** Months after cutover completes (the seed's Volume Gate figure). */
  paybackFromCutoverMonths: number | null;
  /** Months from the decision date, with prepare, shadow and ramp weeks counted. */
  paybackFromDecisionMonths: number | null;
  shadowCost: number;
  cite: string;
}

/**
 * Cash flow week by week from the decision (Inference Field Guide, Part 1, lead time): migration cost paid up front,
 * shadow weeks pay for both routes, cutover ramps the savings. Simulates up to 10 years.
 */
export function leadTimeSchedule(input: LeadTimeInput): LeadTimeSchedule {
  requireInRange('currentMonthly', input.currentMonthly, { min: 0 });
  requireInRange('targetMonthly', input.targetMonthly, { min: 0 });
  requireInRange('migrationCost', input.migrationCost, { min: 0 });
  const shadowShare = requireInRange('shadowShare', input.shadowShare ?? 1, { min: 0, max: 1 });
  const prepareWeeks = requireInRange('prepareWeeks', input.prepareWeeks ?? 4, { min: 0, max: 52 });
  const weeklySaving = (input.currentMonthly - input.targetMonthly) / WEEKS_PER_MONTH;
  const weeklyTarget = input.targetMonthly / WEEKS_PER_MONTH;
  const weeks: LeadTimeSchedule['weeks'] = [];
  let cumulative = -input.migrationCost;
  let shadowCost = 0;
  let paybackWeek: number | null = null;
  for (let w = 1; w <= 520; w++) {
    let phase: string;
    let share = 0;
    let flow = 0;
    if (w <= prepareWeeks) phase = 'prepare';
    else if (w <= prepareWeeks + 4) {
      phase = 'shadow';
      flow = -weeklyTarget * shadowShare;
      shadowCost -= flow;
    } else if (w <= prepareWeeks + 8) {
      phase = 'cutover';
      share = CUTOVER_SHARES[w - prepareWeeks - 5]!;
      flow = weeklySaving * share;
    } else {
      phase = 'full';
      share = 1;
      flow = weeklySaving;
    }
    const before = cumulative;
    cumulative += flow;
    if (w <= prepareWeeks + 12 || paybackWeek === null) weeks.push({ week: w, phase, newRouteShare: share, cashFlow: flow, cumulative });
    if (paybackWeek === null && cumulative >= 0 && flow > 0) {
      paybackWeek = w - 1 + -before / flow;
      if (w >= prepareWeeks + 12) break;
    }
    if ((weeklySaving <= 0 || paybackWeek !== null) && w >= prepareWeeks + 12) break;
  }
  const pb = payback(input.currentMonthly, input.targetMonthly, input.migrationCost);
  return {
    weeks,
    paybackFromCutoverMonths: pb.paybackMonths,
    paybackFromDecisionMonths: paybackWeek === null ? null : paybackWeek / WEEKS_PER_MONTH,
    shadowCost,
    cite: `${PART1}, The lead time reality`,
  };
}

export interface DeploymentStepInput {
  mode: 'closed_api' | 'serverless' | 'managed_dedicated' | 'self_managed';
  /** Monthly GPU spend the route would carry (its monthly cost for GPU-billed routes). */
  gpuSpendPerMonth?: number;
  inferenceEngineers?: number;
  /** Sustained output tokens per minute of the workload. */
  outputTokensPerMinute?: number;
}

/**
 * Inference Field Guide, Part 1, last step of the flowchart: start with serverless; managed dedicated past ~130K
 * output tokens/minute sustained; self-managed only when GPU spend exceeds $50K/month AND the team
 * has inference engineers.
 */
export function deploymentStepGate(input: DeploymentStepInput): Verdict {
  const cite = `${PART1}, The decision flowchart (after the gates)`;
  const base = { rule: 'deployment-step', title: 'Deployment step (serverless → managed → self-managed)', cite };
  if (input.mode === 'closed_api' || input.mode === 'serverless') {
    return verdict({ ...base, status: 'pass', reason: input.mode === 'serverless' ? 'serverless open-weights is the right default after the gates' : 'no infrastructure step', compared: [] });
  }
  if (input.mode === 'managed_dedicated') {
    const t = input.outputTokensPerMinute;
    if (t === undefined) return verdict({ ...base, status: 'unknown', reason: 'unknown — measure sustained output tokens per minute', compared: [], measureNext: ['sustained output tokens per minute'] });
    requireInRange('outputTokensPerMinute', t, { min: 0 });
    return verdict({
      ...base,
      status: t >= 130_000 ? 'pass' : 'conditional',
      reason: t >= 130_000 ? `${Math.round(t).toLocaleString('en-US')} output tokens/min sustained clears the ~130K crossover` : `${Math.round(t).toLocaleString('en-US')} output tokens/min is under the ~130K crossover: serverless is usually cheaper; keep it only if the measured LCPR says otherwise`,
      compared: [{ label: 'output tokens per minute', value: t, evidence: 'estimated', threshold: '≥ 130,000' }],
    });
  }
  const compared: Compared[] = [];
  const missing: string[] = [];
  if (input.gpuSpendPerMonth !== undefined) compared.push({ label: 'GPU spend (USD/month)', value: input.gpuSpendPerMonth, evidence: 'estimated', threshold: '> $50,000' });
  else missing.push('GPU spend on the route');
  if (input.inferenceEngineers !== undefined) compared.push({ label: 'inference engineers on staff', value: input.inferenceEngineers, threshold: '≥ 1' });
  else missing.push('inference engineers on staff (team.inference_engineers)');
  const spendOk = input.gpuSpendPerMonth === undefined ? undefined : input.gpuSpendPerMonth > 50_000;
  const teamOk = input.inferenceEngineers === undefined ? undefined : input.inferenceEngineers >= 1;
  if (spendOk === false || teamOk === false) {
    return verdict({ ...base, status: 'fail', reason: `self-managed needs GPU spend above $50,000/month AND inference engineers on staff: ${[spendOk === false ? 'GPU spend is below $50,000' : '', teamOk === false ? 'no inference engineers' : ''].filter(Boolean).join('; ')}`, compared });
  }
  if (missing.length) return verdict({ ...base, status: 'unknown', reason: `unknown — measure ${missing.join(' and ')}`, compared, measureNext: missing });
  return verdict({ ...base, status: 'pass', reason: 'GPU spend above $50,000/month with inference engineers on staff', compared });
}
