import { type Quantity, isAssumption, sourced } from '../evidence.js';
import { requireInRange } from '../errors.js';
import { type RouteResult, type RouteSpec, type WorkloadProfile, computeLcpr } from '../cost/lcpr.js';
import { type Compared, numberFact } from './verdict.js';

const CH17 = 'Inference Economics Playbook, ch. 17, Move Workloads To Serverless Open Models';

/** What a canary measures on one route (Inference Economics Playbook, ch. 17 worked example). */
export interface CanaryMetrics {
  cacheHitRate?: Quantity;
  qualityPassRate?: Quantity;
  repairRate?: Quantity;
  repairSuccessRate?: Quantity;
  escalationRate?: Quantity;
}

const METRIC_LABELS: Record<keyof CanaryMetrics, { label: string; higherIsBetter: boolean }> = {
  cacheHitRate: { label: 'cache hit rate', higherIsBetter: true },
  qualityPassRate: { label: 'quality pass rate', higherIsBetter: true },
  repairRate: { label: 'repair rate', higherIsBetter: false },
  repairSuccessRate: { label: 'repair success rate', higherIsBetter: true },
  escalationRate: { label: 'escalation rate', higherIsBetter: false },
};

/**
 * A workload profile with a canary's measured rates in place of the planning ones, so computeLcpr
 * prices the route as the canary saw it: cache hit → cache_hit_rate, pass → quality_pass_rate,
 * escalation → human_escalation_rate (Inference Economics Playbook, ch. 17). Repair rates are reported, not priced:
 * the engine charges repair on failed requests (Inference Field Guide, Part 0).
 */
export function canaryProfile(profile: WorkloadProfile, m: CanaryMetrics): WorkloadProfile {
  for (const [k, q] of Object.entries(m)) if (q !== undefined) requireInRange(k, sourced(q).value, { min: 0, max: 1 });
  return {
    ...profile,
    ...(m.cacheHitRate !== undefined ? { cacheHitRate: m.cacheHitRate } : {}),
    ...(m.qualityPassRate !== undefined ? { qualityPassRate: m.qualityPassRate } : {}),
    ...(m.escalationRate !== undefined ? { humanEscalationRate: m.escalationRate } : {}),
  };
}

export interface ServerlessMigrationInput {
  baselineLcpr: Quantity;
  candidateLcpr: Quantity;
  /** Accepted outputs per month at full ramp. */
  acceptedPerMonth: Quantity;
  /** Prompt rewrite and other one-time migration cost. */
  migrationCost: Quantity;
  /** Months before savings reach steady state; the seed adds 0.5-1 month. Default [0.5, 1]. */
  rampMonths?: [number, number];
  /** Token-price gap the pricing page suggested (fraction), to set against the LCPR gap. */
  tokenPriceGap?: number;
  baseline?: CanaryMetrics;
  candidate?: CanaryMetrics;
  /** Months the savings must repay within; default 12. */
  paybackHorizonMonths?: number;
}

export interface ServerlessMigration {
  lcprGap: number;
  /** (baseline − candidate) ÷ baseline: the headline savings per accepted output. */
  headlineSavings: number;
  tokenPriceGap?: number;
  monthlySavings: number;
  paybackMonths: number | null;
  /** Payback with ramp-up added: [low, high] months. */
  paybackWithRampMonths: [number, number] | null;
  economic: boolean;
  metricDeltas: { metric: string; baseline: number; candidate: number; delta: number; better: boolean }[];
  compared: Compared[];
  reason: string;
  cite: string;
}

/** Inference Economics Playbook, ch. 17: economic when (LCPR_current − LCPR_serverless) × volume × horizon > migration cost; payback = cost ÷ monthly savings, plus ramp-up. */
export function serverlessMigration(input: ServerlessMigrationInput): ServerlessMigration {
  const base = sourced(input.baselineLcpr);
  const cand = sourced(input.candidateLcpr);
  requireInRange('baselineLcpr', base.value, { min: 0, minExclusive: true });
  requireInRange('candidateLcpr', cand.value, { min: 0 });
  const volume = requireInRange('acceptedPerMonth', sourced(input.acceptedPerMonth).value, { min: 0 });
  const cost = requireInRange('migrationCost', sourced(input.migrationCost).value, { min: 0 });
  const ramp = input.rampMonths ?? [0.5, 1];
  requireInRange('rampMonths.low', ramp[0], { min: 0 });
  requireInRange('rampMonths.high', ramp[1], { min: ramp[0] });
  const horizon = requireInRange('paybackHorizonMonths', input.paybackHorizonMonths ?? 12, { min: 0, minExclusive: true });
  const gap = base.value - cand.value;
  const monthlySavings = gap * volume;
  const paybackMonths = monthlySavings > 0 ? cost / monthlySavings : null;
  const metricDeltas: ServerlessMigration['metricDeltas'] = [];
  if (input.baseline && input.candidate) {
    for (const key of Object.keys(METRIC_LABELS) as (keyof CanaryMetrics)[]) {
      const b = input.baseline[key];
      const c = input.candidate[key];
      if (b === undefined || c === undefined) continue;
      const bv = sourced(b).value;
      const cv = sourced(c).value;
      const { label, higherIsBetter } = METRIC_LABELS[key];
      metricDeltas.push({ metric: label, baseline: bv, candidate: cv, delta: cv - bv, better: higherIsBetter ? cv > bv : cv < bv });
    }
  }
  const economic = monthlySavings * horizon > cost;
  const headline = gap / base.value;
  return {
    lcprGap: gap,
    headlineSavings: headline,
    ...(input.tokenPriceGap !== undefined ? { tokenPriceGap: input.tokenPriceGap } : {}),
    monthlySavings,
    paybackMonths,
    paybackWithRampMonths: paybackMonths === null ? null : [paybackMonths + ramp[0], paybackMonths + ramp[1]],
    economic,
    metricDeltas,
    compared: [
      numberFact('baseline LCPR (USD)', input.baselineLcpr),
      numberFact('candidate LCPR (USD)', input.candidateLcpr),
      numberFact('accepted outputs per month', input.acceptedPerMonth),
      numberFact('migration cost (USD)', input.migrationCost),
    ],
    reason: economic
      ? `savings of $${Math.round(monthlySavings).toLocaleString('en-US')}/month over ${horizon} months exceed the $${Math.round(cost).toLocaleString('en-US')} migration cost (payback ${paybackMonths!.toFixed(1)} months + ${ramp[0]}-${ramp[1]} months ramp-up)`
      : `savings over ${horizon} months do not cover the migration cost`,
    cite: CH17,
  };
}

export interface CanaryComparisonInput {
  profile: WorkloadProfile;
  baselineRoute: RouteSpec;
  candidateRoute: RouteSpec;
  baseline: CanaryMetrics;
  candidate: CanaryMetrics;
  migrationCost: Quantity;
  rampMonths?: [number, number];
  paybackHorizonMonths?: number;
}

/**
 * Inference Economics Playbook, ch. 17 end to end: each route priced by computeLcpr with the rates its canary measured,
 * then savings and payback on the accepted volume the workload needs.
 */
export function canaryComparison(input: CanaryComparisonInput): ServerlessMigration & { baselineResult: RouteResult; candidateResult: RouteResult } {
  const baselineResult = computeLcpr(canaryProfile(input.profile, input.baseline), input.baselineRoute);
  const candidateResult = computeLcpr(canaryProfile(input.profile, input.candidate), input.candidateRoute);
  const measured = (m: CanaryMetrics) => Object.values(m).every((q) => q === undefined || !isAssumption(sourced(q).evidence));
  const label = (m: CanaryMetrics) => (measured(m) ? 'measured' : 'estimated') as 'measured' | 'estimated';
  const result = serverlessMigration({
    baselineLcpr: { value: baselineResult.lcpr, evidence: label(input.baseline), source: `computeLcpr on the baseline canary rates (${input.baselineRoute.id})` },
    candidateLcpr: { value: candidateResult.lcpr, evidence: label(input.candidate), source: `computeLcpr on the candidate canary rates (${input.candidateRoute.id})` },
    // The workload's accepted outputs stay what they are; the candidate must deliver them.
    acceptedPerMonth: { value: baselineResult.acceptedRequestsPerMonth, evidence: 'estimated', source: 'baseline accepted outputs' },
    migrationCost: input.migrationCost,
    baseline: input.baseline,
    candidate: input.candidate,
    ...(input.rampMonths ? { rampMonths: input.rampMonths } : {}),
    ...(input.paybackHorizonMonths !== undefined ? { paybackHorizonMonths: input.paybackHorizonMonths } : {}),
  });
  return { ...result, baselineResult, candidateResult };
}
