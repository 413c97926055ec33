import { RoutefitError } from './errors.js';
import { type Quantity, isAssumption, sourced } from './evidence.js';
import { type ComplexityResult, complexityScore } from './complexity.js';
import { type DoNothingResult, doNothing } from './do-nothing.js';
import { type FunnelResult, type FunnelWorkload, type MatrixCell, runFunnel } from './funnel.js';
import { type RouteResult, computeLcpr } from './lcpr.js';
import { type LeadTimeSchedule, type LeaveApiDecision, type OwnershipGateInput, type SpecializationGateInput, leadTimeSchedule, leaveApiDecision, ownershipGate, specializationGate, volumeGate } from './migration-gates.js';
import { migrationCost as engineerWeeksCost } from './migration.js';
import { type StageResult, playbookStage } from './playbook.js';
import { type NegotiationTier, negotiationTier } from './vendor-scorecard.js';
import { type Flag, fmtMonths } from './verdict.js';

/** Seed 000 Part 1: 8 engineer-weeks at $150/h is the worked migration; used when a fleet file says nothing better. */
export const DEFAULT_MIGRATION = { engineerWeeks: 8, hourlyRate: 150 } as const;

/** One workload of a fleet with what the decisions need. */
export interface BriefWorkload extends FunnelWorkload {
  /** Id of the route the workload runs on today; must be one of the candidates. */
  currentRoute: string;
  /** Invoice spend on the current route, when known (wins over the modeled monthly cost). */
  currentSpendPerMonth?: Quantity;
  specialization?: SpecializationGateInput;
  ownership?: OwnershipGateInput;
  evalSuite?: Flag;
  complexityFactors?: number[];
  /** One-time migration cost when known directly (a quoted rewrite); wins over engineer-weeks. */
  migrationCost?: Quantity;
  migrationEngineerWeeks?: Quantity;
  migrationHourlyRate?: Quantity;
  planningHorizonMonths?: number;
  currentProviderImproving?: Flag;
  teamHasMigratedBefore?: Flag;
}

export interface WorkloadBrief {
  workload: string;
  action: 'migrate' | 'stay' | 'measure_first' | 'no_feasible_route';
  headline: string;
  stage: StageResult;
  current: { route: string; mode: string; lcpr: number; monthlyCost: number; spendEvidence: string };
  /** The three Part 1 gates in flowchart order (only when leaving a closed API). */
  leaveApi: LeaveApiDecision | null;
  funnel: FunnelResult;
  recommended: (MatrixCell & { monthlyCost: number }) | null;
  migration: { cost: number; evidence: string; basis: string; complexity: ComplexityResult | null } | null;
  savings: { monthly: number; yearly: number; paybackFromCutoverMonths: number | null; paybackFromDecisionMonths: number | null } | null;
  leadTime: LeadTimeSchedule | null;
  doNothing: DoNothingResult | null;
  negotiation: NegotiationTier;
  /** Every input or fact the brief rests on that is assumed or estimated. */
  assumptions: string[];
  measureNext: string[];
}

export interface FleetBrief {
  workloads: WorkloadBrief[];
  totalCurrentMonthly: number;
  fleetStage: StageResult;
  totalMonthlySavings: number;
  cite: string;
}

const acceptedOf = (r: RouteResult) => r.acceptedRequestsPerMonth;
const months = fmtMonths;

/**
 * The decision brief for a fleet (issue 4): per workload the stage, the three gates, the funnel's
 * recommended route with savings and payback from decision and from cutover, the Do Nothing check,
 * the evidence, and what to measure next. Every number comes from the engine functions it cites.
 */
export function decisionBrief(workloads: readonly BriefWorkload[]): FleetBrief {
  const briefs = workloads.map(workloadBrief);
  const total = briefs.reduce((a, b) => a + b.current.monthlyCost, 0);
  return {
    workloads: briefs,
    totalCurrentMonthly: total,
    fleetStage: playbookStage({ monthlySpend: { value: total, evidence: 'estimated', source: 'sum of workload spend' } }),
    totalMonthlySavings: briefs.reduce((a, b) => a + (b.action === 'migrate' && b.savings ? b.savings.monthly : 0), 0),
    cite: 'seed 000 Parts 1, 4, 5; seed 001 ch. 15-16, 22',
  };
}

function workloadBrief(w: BriefWorkload): WorkloadBrief {
  const funnel = runFunnel(w);
  const currentCand = w.candidates.find((c) => c.route.id === w.currentRoute);
  if (!currentCand) throw new RoutefitError('invalid_input', `current route ${w.currentRoute} is not among the candidates of ${w.name}`, { field: 'currentRoute', allowed: 'one of the workload routes' });
  // The current route is priced as it runs today, whatever the funnel thinks of it.
  const currentResult = computeLcpr(w.profile, currentCand.route);
  const currentLcpr = currentCand.facts.lcpr !== undefined ? sourced(currentCand.facts.lcpr) : { value: currentResult.lcpr, evidence: 'estimated' as const };
  const spend = w.currentSpendPerMonth !== undefined ? sourced(w.currentSpendPerMonth) : { value: currentCand.facts.lcpr !== undefined ? currentLcpr.value * acceptedOf(currentResult) : currentResult.monthlyCost, evidence: currentLcpr.evidence, source: 'modeled by routefit' };
  const stage = playbookStage({ monthlySpend: spend });
  const assumptions = new Set<string>();
  const measureNext = new Set<string>(funnel.recommended?.unknowns ?? []);
  // With a trace-measured current LCPR only the volume inputs still matter; otherwise every modeled input does.
  const relevant = currentCand.facts.lcpr !== undefined ? ['requestsPerMonth', 'qualityPassRate'] : Object.keys(currentResult.inputs);
  for (const [k, v] of Object.entries(currentResult.inputs)) if (relevant.includes(k) && isAssumption(v.evidence)) assumptions.add(`${k} = ${v.value} (${v.evidence})`);
  if (isAssumption(currentLcpr.evidence)) assumptions.add(`current LCPR $${currentLcpr.value.toFixed(4)} (${currentLcpr.evidence}: modeled, not from traces)`);

  const rec = funnel.recommended;
  // A trace-measured cell delivers the same accepted work: its monthly cost is LCPR × the workload's accepted outputs.
  const recMonthly = rec ? (rec.monthlyCost ?? rec.lcpr! * acceptedOf(currentResult)) : 0;
  const recommended = rec ? { ...rec, monthlyCost: recMonthly } : null;

  // Migration cost: stated engineer-weeks, else the complexity tier's midpoint, else the seed's 8 weeks.
  const rate = w.migrationHourlyRate !== undefined ? sourced(w.migrationHourlyRate) : { value: DEFAULT_MIGRATION.hourlyRate, evidence: 'assumed' as const };
  const complexity = w.complexityFactors ? complexityScore(w.complexityFactors) : null;
  let weeks: { value: number; evidence: string; basis: string };
  if (w.migrationCost !== undefined) {
    weeks = { value: 0, evidence: sourced(w.migrationCost).evidence, basis: 'stated cost' };
  } else if (w.migrationEngineerWeeks !== undefined) {
    const s = sourced(w.migrationEngineerWeeks);
    weeks = { value: s.value, evidence: s.evidence, basis: 'engineer-weeks stated in the fleet file' };
  } else if (complexity) {
    const [lo, hi] = complexity.spec.engineerWeeks;
    weeks = { value: (lo + hi) / 2, evidence: 'estimated', basis: `${complexity.tier} migration (score ${complexity.score}): ${lo}-${hi} engineer-weeks, midpoint` };
  } else {
    weeks = { value: DEFAULT_MIGRATION.engineerWeeks, evidence: 'assumed', basis: 'no complexity factors: the seed’s 8 engineer-weeks (seed 000 Part 1)' };
  }
  const direct = w.migrationCost !== undefined ? sourced(w.migrationCost) : undefined;
  const cost = direct ? direct.value : engineerWeeksCost(weeks.value, rate.value);
  const migration = direct
    ? { cost, evidence: direct.evidence as string, basis: `stated migration cost${direct.source ? ` (${direct.source})` : ''}`, complexity }
    : { cost, evidence: weeks.evidence === 'assumed' || rate.evidence === 'assumed' ? 'assumed' : weeks.evidence, basis: `${weeks.basis} × 40 h × $${rate.value}/h`, complexity };
  if (!['measured', 'contracted', 'invoice_reconciled'].includes(migration.evidence)) assumptions.add(`migration cost $${Math.round(cost).toLocaleString('en-US')} (${migration.evidence}: ${migration.basis})`);

  const isClosed = currentCand.route.mode === 'closed_api';
  const moving = rec !== null && rec.route !== w.currentRoute;
  let leaveApi: LeaveApiDecision | null = null;
  if (isClosed) {
    leaveApi = leaveApiDecision(
      specializationGate({ ...(w.specialization ?? {}), ...(w.evalSuite !== undefined ? { evalSuite: w.evalSuite } : {}) }),
      ownershipGate(w.ownership ?? {}),
      volumeGate({
        closedApiSpendPerMonth: spend,
        ...(moving ? { targetMonthly: recMonthly, migrationCost: cost } : {}),
        ...(w.planningHorizonMonths !== undefined ? { paybackHorizonMonths: w.planningHorizonMonths } : {}),
        ...(w.teamHasMigratedBefore !== undefined ? { teamHasMigratedBefore: w.teamHasMigratedBefore } : {}),
      }),
    );
    if (moving) for (const g of leaveApi.gates) if (g.status !== 'pass') g.measureNext.forEach((m) => measureNext.add(m));
  }

  let savings: WorkloadBrief['savings'] = null;
  let leadTime: LeadTimeSchedule | null = null;
  let dn: DoNothingResult | null = null;
  if (moving) {
    leadTime = leadTimeSchedule({ currentMonthly: spend.value, targetMonthly: recMonthly, migrationCost: cost });
    const monthly = spend.value - recMonthly;
    savings = { monthly, yearly: monthly * 12, paybackFromCutoverMonths: leadTime.paybackFromCutoverMonths, paybackFromDecisionMonths: leadTime.paybackFromDecisionMonths };
    dn = doNothing({
      currentLcpr,
      targetLcpr: { value: rec!.lcpr!, evidence: rec!.evidence === 'measured' ? 'measured' : 'estimated', source: `routefit matrix (${rec!.evidence})` },
      acceptedPerMonth: acceptedOf(currentResult),
      migrationCost: { value: cost, evidence: migration.evidence === 'assumed' ? 'assumed' : 'estimated' },
      monthlySpend: spend,
      ...(w.planningHorizonMonths !== undefined ? { planningHorizonMonths: w.planningHorizonMonths } : {}),
      ...(w.evalSuite !== undefined ? { evalSuite: w.evalSuite } : {}),
      // The funnel cleared the target's hard constraints; that clearance is only as good as the facts behind it.
      targetBlockedByCompliance: { value: false, evidence: rec!.unknowns.length ? 'assumed' : 'estimated', source: 'funnel stage 1 (hard constraints)' },
      ...(w.currentProviderImproving !== undefined ? { currentProviderImproving: w.currentProviderImproving } : {}),
    });
    for (const c of [dn.payback, ...dn.conditions]) c.measureNext.forEach((m) => measureNext.add(m));
    if (!w.complexityFactors && w.migrationEngineerWeeks === undefined && w.migrationCost === undefined) measureNext.add('score the six migration-complexity factors (routefit readiness) to replace the assumed 8 engineer-weeks');
  }
  for (const f of funnel.flags) if (f.startsWith('the recommended')) measureNext.add('LCPR on the recommended route from traces (the matrix cell is estimated)');

  const fmt = (n: number) => `$${Math.round(n).toLocaleString('en-US')}`;
  let action: WorkloadBrief['action'];
  let headline: string;
  if (!rec) {
    action = 'no_feasible_route';
    headline = 'every candidate was eliminated by the funnel: relax a constraint or add candidates';
  } else if (!moving) {
    action = 'stay';
    headline = `stay on ${w.currentRoute}: it is already the cheapest feasible route (${rec.evidence} LCPR)`;
  } else {
    const overridden = leaveApi?.decision === 'migrate' && leaveApi.decidedBy !== 'volume-gate';
    const gateSays = leaveApi ? leaveApi.decision : 'migrate';
    const blockers = dn!.conditions.filter((c) => c.status === 'fail');
    if (gateSays === 'stay') {
      action = 'stay';
      headline = `stay on ${w.currentRoute}: ${leaveApi!.reason}`;
    } else if (blockers.length && !(overridden && blockers.every((b) => b.rule === 'do-nothing-small' || b.rule === 'do-nothing-improving'))) {
      action = blockers.some((b) => b.rule === 'do-nothing-no-evals') ? 'measure_first' : 'stay';
      headline = `${action === 'stay' ? 'stay' : 'build evals first'}: ${dn!.reason}`;
    } else if (gateSays === 'stay_and_measure' || (!overridden && dn!.decision !== 'migrate')) {
      action = dn!.decision === 'stay' ? 'stay' : 'measure_first';
      const would = `${rec.route} would save ${fmt(savings!.monthly)}/month (payback ${months(savings!.paybackFromCutoverMonths)} after cutover)`;
      const alt = funnel.cheapestMeasured && funnel.cheapestMeasured.route !== w.currentRoute ? `; the cheapest measured route is ${funnel.cheapestMeasured.route} at $${funnel.cheapestMeasured.lcpr!.toFixed(4)} per accepted output` : '';
      headline = `${action === 'stay' ? 'stay' : 'measure first'}: ${would}; ${gateSays === 'stay_and_measure' ? leaveApi!.reason : dn!.reason}${alt}`;
    } else {
      action = 'migrate';
      headline = `move to ${rec.route}: saves ${fmt(savings!.monthly)}/month; payback ${months(savings!.paybackFromCutoverMonths)} after cutover, ${months(savings!.paybackFromDecisionMonths)} from the decision${overridden ? ` (${leaveApi!.reason})` : ''}`;
    }
  }
  return {
    workload: w.name,
    action,
    headline,
    stage,
    current: { route: w.currentRoute, mode: currentCand.route.mode, lcpr: currentLcpr.value, monthlyCost: spend.value, spendEvidence: spend.evidence },
    leaveApi,
    funnel,
    recommended,
    migration,
    savings,
    leadTime,
    doNothing: dn,
    negotiation: negotiationTier(spend.value),
    assumptions: [...assumptions],
    measureNext: [...measureNext],
  };
}

