import { type Flag, type Verdict, flag, flagFact, verdict } from './verdict.js';
import { requireInRange } from '../errors.js';

const CH22 = 'Inference Economics Playbook, ch. 22, Migration Gates And Reversion Signals';

/** Inference Economics Playbook, ch. 22: the seven migration gates and the evidence each requires. */
export const MIGRATION_GATES = [
  { id: 'eval_readiness', title: 'Eval readiness', evidence: 'eval set with coverage analysis' },
  { id: 'quality_floor', title: 'Quality floor', evidence: 'eval results on the candidate route' },
  { id: 'lcpr_measurement', title: 'LCPR measurement', evidence: 'trace-derived LCPR with evidence label' },
  { id: 'compliance_clearance', title: 'Compliance clearance', evidence: 'compliance checklist with owner sign-off' },
  { id: 'operational_readiness', title: 'Operational readiness', evidence: 'runbook, alerting, and on-call coverage' },
  { id: 'rollback_path', title: 'Rollback path', evidence: 'tested rollback procedure' },
  { id: 'traffic_ramp_plan', title: 'Traffic ramp plan', evidence: 'ramp plan with stop criteria' },
] as const;
export type MigrationGateId = (typeof MIGRATION_GATES)[number]['id'];

export interface ChecklistResult {
  gates: Verdict[];
  /** Missing gates do not prohibit migration; they raise risk and need compensating monitoring (ch. 22). */
  risk: 'low' | 'elevated' | 'high';
  missing: string[];
  cite: string;
}

/** Inference Economics Playbook, ch. 22 migration gates as a checklist: each met / not met / unknown with the evidence it needs. */
export function migrationChecklist(facts: Partial<Record<MigrationGateId, Flag>>): ChecklistResult {
  const gates = MIGRATION_GATES.map((g) => {
    const f = facts[g.id];
    return verdict({
      rule: `migration-${g.id}`,
      title: g.title,
      status: f === undefined ? 'unknown' : flag(f).value ? 'pass' : 'fail',
      reason: f === undefined ? `unknown — produce: ${g.evidence}` : flag(f).value ? `evidence: ${g.evidence}` : `missing: ${g.evidence}; decide explicitly to skip it and what monitoring compensates`,
      cite: CH22,
      compared: f === undefined ? [] : [flagFact(g.title, f)],
      measureNext: f === undefined || !flag(f).value ? [g.evidence] : [],
    });
  });
  const missing = gates.filter((g) => g.status !== 'pass').map((g) => g.title);
  return { gates, risk: missing.length === 0 ? 'low' : missing.length <= 2 ? 'elevated' : 'high', missing, cite: CH22 };
}

/** Inference Economics Playbook, ch. 22 "The better model": the staged ramp with traffic shares and durations. */
export const RAMP_STAGES = [
  { stage: 'shadow', traffic: [0.05, 0.1], weeks: [1, 2], note: 'compare quality, latency and LCPR; not exposed to users' },
  { stage: 'canary', traffic: [0.1, 0.25], weeks: [2, 4], note: 'a controlled share of users; watch quality signals and feedback' },
  { stage: 'majority', traffic: [0.5, 0.9], weeks: [4, 8], note: 'old route stays as fallback; monitor all reversion signals' },
  { stage: 'full', traffic: [1, 1], weeks: [0, 0], note: 'decommission the old route only after a clean majority stage; keep rollback tested one more quarter' },
] as const;

export const STOP_CRITERIA = 'If any reversion signal fires during a stage, hold the ramp; if it persists, revert to the previous stage and document why (Inference Economics Playbook, ch. 22).';

export interface ReversionMetrics {
  /** Eval pass rate per measurement window on the new route, newest last. */
  passRateWindows?: number[];
  qualityFloor?: number;
  escalationRateBefore?: number;
  escalationRateAfter?: number;
  /** LCPR on new vs old route per week, newest last. */
  weeklyLcprNew?: number[];
  weeklyLcprOld?: number[];
  cacheHitRate?: number;
  cacheHitBreakEven?: number;
  utilization?: number;
  uRequired?: number;
  incidentsNew?: number;
  incidentsOld?: number;
  /** Share of measurement windows where p99 TTFT/TPOT broke the SLO. */
  sloBreachShare?: number;
  p99OverP50Before?: number;
  p99OverP50After?: number;
}

/** Inference Economics Playbook, ch. 22 reversion signals; fail = the signal fires. Signals without data are left out, and listed as unmeasured. */
export function reversionSignals(m: ReversionMetrics): { signals: Verdict[]; unmeasured: string[]; action: 'continue' | 'hold' ; cite: string } {
  const out: Verdict[] = [];
  const unmeasured: string[] = [];
  const sig = (rule: string, title: string, fires: boolean, compared: Verdict['compared']) =>
    out.push(verdict({ rule, title, status: fires ? 'fail' : 'pass', reason: fires ? 'fires: hold the ramp; revert if it persists' : 'quiet', cite: CH22, compared }));
  if (m.passRateWindows?.length && m.qualityFloor !== undefined) {
    const last = m.passRateWindows.slice(-2);
    last.forEach((p, i) => requireInRange(`passRateWindows[${i}]`, p, { min: 0, max: 1 }));
    sig('revert-quality-floor', 'Eval pass rate below the floor 2 windows running', last.length === 2 && last.every((p) => p < m.qualityFloor!), last.map((p) => ({ label: 'pass rate', value: p, threshold: `≥ ${m.qualityFloor}` })));
  } else unmeasured.push('eval pass rate per window vs the quality floor');
  if (m.escalationRateBefore !== undefined && m.escalationRateAfter !== undefined) {
    sig('revert-escalation', 'Human escalation up more than 5 points', m.escalationRateAfter - m.escalationRateBefore > 0.05, [{ label: 'escalation before', value: m.escalationRateBefore }, { label: 'escalation after', value: m.escalationRateAfter, threshold: '≤ before + 0.05' }]);
  } else unmeasured.push('human escalation rate before and after');
  if (m.weeklyLcprNew?.length && m.weeklyLcprOld?.length) {
    const n = m.weeklyLcprNew.slice(-2);
    const o = m.weeklyLcprOld.slice(-2);
    sig('revert-lcpr', 'New-route LCPR above old-route LCPR 2 weeks running', n.length === 2 && o.length === 2 && n.every((x, i) => x > o[i]!), n.map((x, i) => ({ label: `LCPR new vs old, week −${n.length - 1 - i}`, value: x, threshold: `≤ ${o[i]}` })));
  } else unmeasured.push('weekly LCPR on both routes');
  if (m.cacheHitRate !== undefined && m.cacheHitBreakEven !== undefined) sig('revert-cache', 'Cache hit rate below break-even', m.cacheHitRate < m.cacheHitBreakEven, [{ label: 'cache hit rate', value: m.cacheHitRate, threshold: `≥ ${m.cacheHitBreakEven}` }]);
  if (m.utilization !== undefined && m.uRequired !== undefined) sig('revert-utilization', 'Dedicated utilization below u_required', m.utilization < m.uRequired, [{ label: 'utilization', value: m.utilization, threshold: `≥ ${m.uRequired}` }]);
  if (m.incidentsNew !== undefined && m.incidentsOld !== undefined) sig('revert-incidents', 'Incidents on the new route over 2x the old', m.incidentsNew > 2 * m.incidentsOld, [{ label: 'incidents new', value: m.incidentsNew, threshold: `≤ ${2 * m.incidentsOld}` }]);
  else unmeasured.push('incident counts on both routes');
  if (m.sloBreachShare !== undefined) sig('revert-latency-slo', 'p99 over SLO in more than 1% of windows', m.sloBreachShare > 0.01, [{ label: 'share of windows breaching SLO', value: m.sloBreachShare, threshold: '≤ 0.01' }]);
  else unmeasured.push('p99 TTFT/TPOT vs SLO per window');
  if (m.p99OverP50Before !== undefined && m.p99OverP50After !== undefined) sig('revert-latency-variance', 'p99/p50 up more than 50%', m.p99OverP50After > 1.5 * m.p99OverP50Before, [{ label: 'p99/p50 after', value: m.p99OverP50After, threshold: `≤ ${1.5 * m.p99OverP50Before}` }]);
  return { signals: out, unmeasured, action: out.some((s) => s.status === 'fail') ? 'hold' : 'continue', cite: CH22 };
}
