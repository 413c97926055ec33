import { RoutefitError } from '../errors.js';
import { type Evidence, type Quantity, isAssumption, sourced } from '../evidence.js';
import { type ComplexityResult, complexityScore } from './complexity.js';
import { type DoNothingResult, doNothing } from './do-nothing.js';
import { type FunnelResult, type FunnelWorkload, type MatrixCell, runFunnel } from './funnel.js';
import { type RouteResult, computeLcpr } from '../cost/lcpr.js';
import { type LeadTimeSchedule, type LeaveApiDecision, type OwnershipGateInput, type SpecializationGateInput, deploymentStepGate, leadTimeSchedule, leaveApiDecision, ownershipGate, specializationGate, volumeGate } from './migration-gates.js';
import { migrationCost as engineerWeeksCost } from './migration.js';
import { type RevertFacts, type StageFacts, type StageResult, playbookStage, revertSignals } from './playbook.js';
import { type ChecklistResult, type MigrationGateId, RAMP_STAGES, STOP_CRITERIA, type ReversionMetrics, migrationChecklist, reversionSignals } from './migration-checklist.js';
import { ENGINEERING_HOURS, type HoursBand } from '../cost/engineering-hours.js';
import { type NegotiationTier, negotiationTier } from './vendor-scorecard.js';
import { type Flag, type Verdict, flag, fmtMonths } from './verdict.js';
import { DAYS_PER_MONTH } from '../units.js';

/** Inference Field Guide, Part 1: 8 engineer-weeks at $150/h is the worked migration; used when a fleet file says nothing better. */
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
  /** Ch. 22 gate facts the file states; the rest are derived from the funnel or left unknown. */
  migrationGates?: Partial<Record<MigrationGateId, Flag>>;
  /** Post-migration monitoring, when the workload is already ramping (ch. 22 reversion signals). */
  reversion?: ReversionMetrics;
  /** Team fact for the self-managed step (Inference Field Guide, Part 1). */
  inferenceEngineers?: number;
  /** Traffic is steady (for the Stage 1 exit on 50M output tokens/day). */
  steadyTraffic?: Flag;
}

export interface FleetFacts {
  /** Part 5 revert-signal facts for the fleet as a whole. */
  revert?: RevertFacts;
  /** Part 5 exit facts the workloads cannot tell. */
  outageCostRevenue?: Flag;
  residencyAsked?: Flag;
  strategicKernelControl?: Flag;
}

export interface WorkloadBrief {
  workload: string;
  action: 'migrate' | 'stay' | 'measure_first' | 'no_feasible_route';
  headline: string;
  stage: StageResult;
  current: { route: string; mode: string; lcpr: number; monthlyCost: number; spendEvidence: string };
  /** The three Part 1 gates in flowchart order (only when leaving a closed API). */
  leaveApi: LeaveApiDecision | null;
  /** Inference Field Guide, Part 1: is the recommended route's deployment mode a step the team should take now? */
  deploymentStep: Verdict | null;
  funnel: FunnelResult;
  recommended: (MatrixCell & { monthlyCost: number }) | null;
  migration: { cost: number; evidence: string; basis: string; complexity: ComplexityResult | null } | null;
  savings: { monthly: number; yearly: number; paybackFromCutoverMonths: number | null; paybackFromDecisionMonths: number | null } | null;
  leadTime: LeadTimeSchedule | null;
  doNothing: DoNothingResult | null;
  negotiation: NegotiationTier;
  /** Inference Field Guide, Part 1 engineering hours for the recommended route's deployment mode (setup and monthly). */
  engineeringHours: (HoursBand & { mode: string }) | null;
  /** Inference Economics Playbook, ch. 22: migration gates as a checklist, the staged ramp and its stop criteria (when moving). */
  migrationGates: ChecklistResult | null;
  ramp: { stages: typeof RAMP_STAGES; stopCriteria: string } | null;
  reversion: ReturnType<typeof reversionSignals> | null;
  /** Every input or fact the brief rests on that is assumed or estimated. */
  assumptions: string[];
  measureNext: string[];
}

export interface FleetBrief {
  workloads: WorkloadBrief[];
  totalCurrentMonthly: number;
  fleetStage: StageResult;
  totalMonthlySavings: number;
  /** Inference Field Guide, Part 5 revert signals for the fleet (only those with facts). */
  revertSignals: Verdict[];
  cite: string;
}

const acceptedOf = (r: RouteResult) => r.acceptedRequestsPerMonth;
/** A matrix cell's label as an evidence label: only a trace-measured cell counts as measured. */
const cellLabel = (e: 'measured' | 'modeled' | 'estimated'): Evidence => (e === 'measured' ? 'measured' : 'estimated');
const months = fmtMonths;

/**
 * The decision brief for a fleet (issue 4): per workload the stage, the three gates, the funnel's
 * recommended route with savings and payback from decision and from cutover, the Do Nothing check,
 * the evidence, and what to measure next. Every number comes from the engine functions it cites.
 */
export function decisionBrief(workloads: readonly BriefWorkload[], fleet: FleetFacts = {}): FleetBrief {
  const briefs = workloads.map(workloadBrief);
  const total = briefs.reduce((a, b) => a + b.current.monthlyCost, 0);
  // Part 5 stage facts the workloads do tell: the largest output volume, fine-tune parity, sub-500 ms SLOs.
  let biggest: { tokens: number; steady: Flag | undefined } | undefined;
  for (const w of workloads) {
    const tokens = (sourced(w.profile.requestsPerMonth).value * (1 + sourced(w.profile.retryRate).value) * sourced(w.profile.outputTokens).value) / DAYS_PER_MONTH;
    if (!biggest || tokens > biggest.tokens) biggest = { tokens, steady: w.steadyTraffic };
  }
  const anyFlag = (get: (w: BriefWorkload) => Flag | undefined): Flag | undefined => {
    const known = workloads.map(get).filter((f): f is Flag => f !== undefined);
    if (known.some((f) => flag(f).value)) return known.find((f) => flag(f).value);
    return known.length === workloads.length && known.length ? false : undefined;
  };
  const stageFacts: StageFacts = {
    monthlySpend: { value: total, evidence: 'estimated', source: 'sum of workload spend' },
    ...(biggest ? { maxWorkloadOutputTokensPerDay: { value: biggest.tokens, evidence: 'estimated', source: 'requests × (1 + retry) × output tokens ÷ 30' } } : {}),
    ...(biggest?.steady !== undefined ? { steadyTraffic: biggest.steady } : {}),
    ...(anyFlag((w) => w.specialization?.fineTuneParity) !== undefined ? { needsFineTune: anyFlag((w) => w.specialization?.fineTuneParity)! } : {}),
    ...(workloads.some((w) => w.specialization?.p99SloMs !== undefined)
      ? { p99SloMsUnder500: workloads.some((w) => w.specialization?.p99SloMs !== undefined && sourced(w.specialization.p99SloMs).value < 500) }
      : {}),
    ...(fleet.outageCostRevenue !== undefined ? { outageCostRevenue: fleet.outageCostRevenue } : {}),
    ...(fleet.residencyAsked !== undefined ? { residencyAsked: fleet.residencyAsked } : {}),
    ...(fleet.strategicKernelControl !== undefined ? { strategicKernelControl: fleet.strategicKernelControl } : {}),
  };
  return {
    workloads: briefs,
    totalCurrentMonthly: total,
    fleetStage: playbookStage(stageFacts),
    revertSignals: fleet.revert ? revertSignals(fleet.revert) : [],
    totalMonthlySavings: briefs.reduce((a, b) => a + (b.action === 'migrate' && b.savings ? b.savings.monthly : 0), 0),
    cite: 'Inference Field Guide, Parts 1, 4, 5; Inference Economics Playbook, ch. 15-16, 22',
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
    weeks = { value: DEFAULT_MIGRATION.engineerWeeks, evidence: 'assumed', basis: 'no complexity factors: the seed’s 8 engineer-weeks (Inference Field Guide, Part 1)' };
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
        ...(moving ? { targetMonthly: { value: recMonthly, evidence: cellLabel(rec!.evidence!), source: `routefit matrix (${rec!.evidence})` }, migrationCost: { value: cost, evidence: migration.evidence as Evidence } } : {}),
        ...(w.planningHorizonMonths !== undefined ? { paybackHorizonMonths: w.planningHorizonMonths } : {}),
        ...(w.teamHasMigratedBefore !== undefined ? { teamHasMigratedBefore: w.teamHasMigratedBefore } : {}),
      }),
    );
    if (moving) for (const g of leaveApi.gates) if (g.status !== 'pass') g.measureNext.forEach((m) => measureNext.add(m));
  }

  const volumeLabels = [currentResult.inputs.requestsPerMonth?.evidence ?? 'assumed', currentResult.inputs.qualityPassRate?.evidence ?? 'assumed'];
  const acceptedEvidence: Evidence = volumeLabels.some(isAssumption) ? 'estimated' : 'measured';
  let savings: WorkloadBrief['savings'] = null;
  let leadTime: LeadTimeSchedule | null = null;
  let dn: DoNothingResult | null = null;
  if (moving) {
    leadTime = leadTimeSchedule({ currentMonthly: spend.value, targetMonthly: recMonthly, migrationCost: cost });
    const monthly = spend.value - recMonthly;
    savings = { monthly, yearly: monthly * 12, paybackFromCutoverMonths: leadTime.paybackFromCutoverMonths, paybackFromDecisionMonths: leadTime.paybackFromDecisionMonths };
    dn = doNothing({
      currentLcpr,
      targetLcpr: { value: rec!.lcpr!, evidence: cellLabel(rec!.evidence!), source: `routefit matrix (${rec!.evidence})` },
      acceptedPerMonth: { value: acceptedOf(currentResult), evidence: acceptedEvidence, source: 'requests × quality pass rate' },
      migrationCost: { value: cost, evidence: migration.evidence as Evidence },
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
  let step: Verdict | null = null;
  if (moving) {
    const recSpec = w.candidates.find((c) => c.route.id === rec!.route)!.route;
    // Output tokens per minute, retries included: requests × (1 + retry) × output tokens ÷ minutes in a 30-day month.
    const outPerMinute = (sourced(w.profile.requestsPerMonth).value * (1 + sourced(w.profile.retryRate).value) * sourced(w.profile.outputTokens).value) / (DAYS_PER_MONTH * 24 * 60);
    step = deploymentStepGate({
      mode: rec!.mode,
      ...(recSpec.billing === 'gpu' ? { gpuSpendPerMonth: recMonthly } : {}),
      ...(w.inferenceEngineers !== undefined ? { inferenceEngineers: w.inferenceEngineers } : {}),
      outputTokensPerMinute: outPerMinute,
    });
    step.measureNext.forEach((m) => measureNext.add(m));
  }
  let checklist: ChecklistResult | null = null;
  if (moving) {
    const recFacts = w.candidates.find((c) => c.route.id === rec!.route)!.facts;
    const floor = w.constraints.qualityFloor;
    const pass = recFacts.passRate !== undefined ? sourced(recFacts.passRate) : undefined;
    const derived: Partial<Record<MigrationGateId, Flag>> = {
      ...(w.evalSuite !== undefined ? { eval_readiness: w.evalSuite } : {}),
      ...(pass && floor !== undefined ? { quality_floor: { value: pass.value >= floor, evidence: pass.evidence, source: `pass rate ${pass.value} vs floor ${floor}` } } : {}),
      lcpr_measurement: { value: rec!.evidence === 'measured', evidence: 'measured', source: `matrix cell is ${rec!.evidence}` },
      ...(rec!.unknowns.length === 0 && rec!.checks.length ? { compliance_clearance: { value: true, evidence: 'estimated', source: 'funnel stage 1 constraints all pass' } } : {}),
    };
    checklist = migrationChecklist({ ...derived, ...(w.migrationGates ?? {}) });
    checklist.gates.forEach((g) => g.measureNext.forEach((m) => measureNext.add(`${g.title}: ${m}`)));
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
    const currentCell = funnel.cells.find((c) => c.route === w.currentRoute);
    if (currentCell && currentCell.status !== 'priced') {
      // The funnel eliminated the route the workload runs on: staying is not an option (Inference Economics Playbook, ch. 15-16).
      action = 'migrate';
      const delta = savings!.monthly;
      headline = `move to ${rec.route}: the current route fails the funnel (${currentCell.reasons.join('; ')}); the move ${delta >= 0 ? `saves ${fmt(delta)}` : `costs ${fmt(-delta)} more`}/month`;
    } else if (gateSays === 'stay') {
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
    } else if (step && step.status === 'fail') {
      action = 'measure_first';
      const alt = funnel.cells.filter((c) => c.status === 'priced' && c.route !== rec.route && c.route !== w.currentRoute && (c.mode === 'serverless' || c.mode === 'managed_dedicated') && c.lcpr! < currentLcpr.value).sort((a, b) => a.lcpr! - b.lcpr!)[0];
      headline = `not yet: ${rec.route} is cheapest, but ${step.reason}${alt ? `; ${alt.route} ($${alt.lcpr!.toFixed(4)} per accepted output, ${alt.evidence}) is the next step` : ''}`;
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
    deploymentStep: step,
    funnel,
    recommended,
    migration,
    savings,
    leadTime,
    doNothing: dn,
    negotiation: negotiationTier(spend.value),
    engineeringHours: rec && ENGINEERING_HOURS[rec.mode] ? { mode: rec.mode, ...ENGINEERING_HOURS[rec.mode]! } : null,
    migrationGates: checklist,
    ramp: moving ? { stages: RAMP_STAGES, stopCriteria: STOP_CRITERIA } : null,
    reversion: w.reversion ? reversionSignals(w.reversion) : null,
    assumptions: [...assumptions],
    measureNext: [...measureNext],
  };
}

