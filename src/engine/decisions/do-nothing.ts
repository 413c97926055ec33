import { type Quantity, isAssumption, sourced } from '../evidence.js';
import { requireInRange } from '../errors.js';
import { type Flag, type Verdict, flag, flagFact, fmtMonths, numberFact, verdict } from './verdict.js';

const CH16 = 'Inference Economics Playbook, ch. 16, Do Nothing Is A Decision';

export interface DoNothingInput {
  currentLcpr: Quantity;
  targetLcpr: Quantity;
  /** Accepted outputs per month on the workload. */
  acceptedPerMonth: Quantity;
  migrationCost: Quantity;
  /** Months the product, workload and team are expected to stay as they are; default 12. */
  planningHorizonMonths?: number;
  /** Monthly inference spend on the workload (for the "workload is small" condition). */
  monthlySpend?: Quantity;
  evalSuite?: Flag;
  /** Compliance or contracts eliminate the target route. */
  targetBlockedByCompliance?: Flag;
  /** The current provider's price, quality or caching is improving. */
  currentProviderImproving?: Flag;
}

export interface DoNothingResult {
  decision: 'migrate' | 'stay' | 'stay_and_measure';
  monthlySavings: number;
  paybackMonths: number | null;
  /** The five conditions under which staying is right, each with its evidence. */
  conditions: Verdict[];
  payback: Verdict;
  reason: string;
  cite: string;
}

/** Inference Economics Playbook, ch. 16: payback = migration cost ÷ ((current LCPR − target LCPR) × monthly accepted volume). */
export function doNothingPayback(currentLcpr: number, targetLcpr: number, acceptedPerMonth: number, migrationCost: number): { monthlySavings: number; paybackMonths: number | null } {
  requireInRange('currentLcpr', currentLcpr, { min: 0 });
  requireInRange('targetLcpr', targetLcpr, { min: 0 });
  requireInRange('acceptedPerMonth', acceptedPerMonth, { min: 0 });
  requireInRange('migrationCost', migrationCost, { min: 0 });
  const monthlySavings = (currentLcpr - targetLcpr) * acceptedPerMonth;
  return { monthlySavings, paybackMonths: monthlySavings > 0 ? migrationCost / monthlySavings : null };
}

/**
 * Inference Economics Playbook, ch. 16: stay when payback exceeds the planning horizon, when it exceeds 6 months on an
 * unmeasured target LCPR, or when any of the five conditions holds.
 */
export function doNothing(input: DoNothingInput): DoNothingResult {
  const horizon = requireInRange('planningHorizonMonths', input.planningHorizonMonths ?? 12, { min: 0, minExclusive: true });
  const cur = sourced(input.currentLcpr);
  const tgt = sourced(input.targetLcpr);
  const { monthlySavings, paybackMonths } = doNothingPayback(cur.value, tgt.value, sourced(input.acceptedPerMonth).value, sourced(input.migrationCost).value);
  const uncertain = isAssumption(tgt.evidence) || isAssumption(cur.evidence);
  const compared = [
    numberFact('current LCPR (USD)', input.currentLcpr),
    numberFact('target LCPR (USD)', input.targetLcpr),
    numberFact('accepted outputs per month', input.acceptedPerMonth),
    numberFact('migration cost (USD)', input.migrationCost),
    { label: 'payback (months)', value: paybackMonths ?? 'never', threshold: `≤ ${horizon} months${uncertain ? ', ≤ 6 while LCPR is estimated' : ''}` },
  ];
  let pbStatus: Verdict['status'];
  let pbReason: string;
  if (paybackMonths === null) {
    pbStatus = 'fail';
    pbReason = 'the target LCPR is not lower: migration never pays back';
  } else if (paybackMonths > horizon) {
    pbStatus = 'fail';
    pbReason = `payback ${fmtMonths(paybackMonths)} exceeds the ${horizon}-month planning horizon`;
  } else if (uncertain && paybackMonths > 6) {
    pbStatus = 'fail';
    pbReason = `payback ${fmtMonths(paybackMonths)} exceeds 6 months on estimated LCPRs: stay and invest in measurement`;
  } else {
    pbStatus = uncertain ? 'conditional' : 'pass';
    pbReason = `payback ${fmtMonths(paybackMonths)} is inside the ${horizon}-month horizon${uncertain ? ', but the LCPRs are estimates: measure the target route before committing' : ''}`;
  }
  const paybackVerdict = verdict({
    rule: 'do-nothing-payback',
    title: 'Migration payback vs planning horizon',
    status: pbStatus,
    reason: pbReason,
    cite: CH16,
    compared,
    measureNext: uncertain ? ['LCPR on the target route from traces (not pricing-page arithmetic)'] : [],
  });

  // The five conditions: each "fail" means the condition holds and staying is right.
  const cond = (rule: string, title: string, holds: boolean | undefined, why: string, c: Verdict['compared'], measure: string) =>
    verdict({
      rule,
      title,
      status: holds === undefined ? 'unknown' : holds ? 'fail' : 'pass',
      reason: holds === undefined ? `unknown — measure ${measure}` : holds ? why : `does not hold`,
      cite: CH16,
      compared: c,
      measureNext: holds === undefined ? [measure] : [],
    });
  const spend = input.monthlySpend === undefined ? undefined : sourced(input.monthlySpend);
  const conditions = [
    cond('do-nothing-small', 'The workload is small (< $5,000/month)', spend ? spend.value < 5000 : undefined, 'under about $5,000/month, migration engineering may never pay back: optimize prompts and caching instead', spend ? [numberFact('monthly inference spend (USD)', input.monthlySpend!, '< $5,000')] : [], 'monthly inference spend on the workload'),
    cond('do-nothing-no-evals', 'The eval suite does not exist yet', input.evalSuite === undefined ? undefined : !flag(input.evalSuite).value, 'without task-specific evals, migrating is moving blind: build the eval first', input.evalSuite === undefined ? [] : [flagFact('eval suite exists', input.evalSuite)], 'whether a task-specific eval suite exists'),
    cond('do-nothing-compliance', 'Compliance or contracts eliminate the target route', input.targetBlockedByCompliance === undefined ? undefined : flag(input.targetBlockedByCompliance).value, 'the target route is infeasible regardless of price', input.targetBlockedByCompliance === undefined ? [] : [flagFact('target route blocked by compliance/contract', input.targetBlockedByCompliance)], 'the target route against residency, model rights, BAA and customer contracts'),
    cond('do-nothing-short-horizon', 'The planning horizon is short (< 6 months)', input.planningHorizonMonths === undefined ? undefined : horizon < 6, 'a pivot or reshuffle within six months turns migration work into sunk cost', input.planningHorizonMonths === undefined ? [] : [{ label: 'planning horizon (months)', value: horizon, threshold: '< 6' }], 'the planning horizon for the product and team'),
    cond('do-nothing-improving', 'The current provider is improving', input.currentProviderImproving === undefined ? undefined : flag(input.currentProviderImproving).value, 'the gap measured today may narrow before migration completes', input.currentProviderImproving === undefined ? [] : [flagFact('current provider improving', input.currentProviderImproving)], 'the current provider’s price and quality trend'),
  ];
  const holding = conditions.filter((c) => c.status === 'fail');
  let decision: DoNothingResult['decision'];
  let reason: string;
  if (holding.length) {
    decision = 'stay';
    reason = `stay: ${holding.map((c) => c.title.toLowerCase()).join('; ')}`;
  } else if (pbStatus === 'fail') {
    decision = uncertain && paybackMonths !== null ? 'stay_and_measure' : 'stay';
    reason = `stay: ${pbReason}`;
  } else if (pbStatus === 'conditional' || conditions.some((c) => c.status === 'unknown')) {
    decision = 'stay_and_measure';
    const open = conditions.filter((c) => c.status === 'unknown').map((c) => c.title.toLowerCase());
    reason = `payback ${fmtMonths(paybackMonths)} is inside the horizon, but ${pbStatus === 'conditional' ? 'the LCPRs are estimates: measure the target route from traces' : `it is unknown whether ${open.join('; ')}`} before migrating`;
  } else {
    decision = 'migrate';
    reason = `migrate: payback ${fmtMonths(paybackMonths)} on measured LCPRs and none of the stay-conditions holds`;
  }
  return { decision, monthlySavings, paybackMonths, conditions, payback: paybackVerdict, reason, cite: CH16 };
}

export interface StayPermanentlyInput {
  /** Frontier pass rate minus best open-weights pass rate on your eval suite (fraction: 0.15 = 15 points). */
  qualityGap?: Quantity;
  /** Months between model switches. */
  modelRotationMonths?: number;
  mlEngineers?: number;
  monthlySpend?: Quantity;
}

/** Inference Field Guide, Part 1 "When to stay on closed APIs permanently": a 15+ point quality gap, rotation every 2-3 months, or no ML engineers under $50K/month. */
export function stayOnClosedApi(input: StayPermanentlyInput): Verdict[] {
  const cite = 'Inference Field Guide, Part 1, When to stay on closed APIs permanently';
  const out: Verdict[] = [];
  if (input.qualityGap !== undefined) {
    const g = sourced(input.qualityGap);
    requireInRange('qualityGap', g.value, { min: -1, max: 1 });
    const holds = g.value >= 0.15;
    out.push(verdict({ rule: 'stay-quality-gap', title: 'Frontier quality gap of 15+ points', status: holds ? 'fail' : 'pass', reason: holds ? 'the best open model is 15+ points below frontier: stay and optimize with caching and prompts' : 'the quality gap is under 15 points', cite, compared: [numberFact('frontier − open pass rate', input.qualityGap, '≥ 0.15 means stay')] }));
  }
  if (input.modelRotationMonths !== undefined) {
    const m = requireInRange('modelRotationMonths', input.modelRotationMonths, { min: 0, minExclusive: true });
    const holds = m <= 3;
    out.push(verdict({ rule: 'stay-rotation', title: 'Rapid model rotation', status: holds ? 'fail' : 'pass', reason: holds ? `switching models every ${m} months: migration engineering amortizes poorly` : 'model choice is stable', cite, compared: [{ label: 'months between model switches', value: m, threshold: '≤ 3 means stay' }] }));
  }
  if (input.mlEngineers !== undefined && input.monthlySpend !== undefined) {
    const spend = sourced(input.monthlySpend).value;
    const holds = input.mlEngineers === 0 && spend < 50_000;
    out.push(verdict({ rule: 'stay-no-ml-capacity', title: 'No ML engineering capacity', status: holds ? 'fail' : 'pass', reason: holds ? 'no ML engineers and under $50K/month: the operational overhead exceeds the savings' : 'the team has ML capacity or the spend justifies hiring', cite, compared: [{ label: 'ML engineers', value: input.mlEngineers, threshold: '0 and spend < $50,000 means stay' }, numberFact('monthly spend (USD)', input.monthlySpend)] }));
  }
  return out;
}
