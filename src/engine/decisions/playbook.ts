import { type Quantity, sourced } from '../evidence.js';
import { requireInRange } from '../errors.js';
import { type Flag, type Verdict, flag, flagFact, numberFact, verdict } from './verdict.js';

const PART5 = 'Inference Field Guide, Part 5, The staged playbook';

export type Stage = 0 | 1 | 2 | 3;

/** Inference Field Guide, Part 5: stage by monthly inference spend (configurable defaults, not laws). */
export const STAGES = [
  { stage: 0, name: 'Prototype', spend: [0, 10_000], architecture: 'single closed API; no gateway, no fallback, no dedicated GPU' },
  { stage: 1, name: 'Scale', spend: [10_000, 100_000], architecture: 'primary closed API + AI gateway + one or two serverless open-weights providers' },
  { stage: 2, name: 'Production at Scale', spend: [100_000, 1_000_000], architecture: 'multi-source with one or two dedicated deployments for the highest-volume workloads' },
  { stage: 3, name: 'Build-Side', spend: [1_000_000, Infinity], architecture: 'dedicated inference on neo-cloud with custom optimizations and a serverless overflow path' },
] as const;

export interface StageFacts {
  monthlySpend: Quantity;
  /** Exit 0 → 1. */
  outageCostRevenue?: Flag;
  residencyAsked?: Flag;
  /** Exit 1 → 2. */
  maxWorkloadOutputTokensPerDay?: Quantity;
  steadyTraffic?: Flag;
  needsFineTune?: Flag;
  p99SloMsUnder500?: Flag;
  /** Exit 2 → 3. */
  strategicKernelControl?: Flag;
}

export interface StageResult {
  stage: Stage;
  name: string;
  architecture: string;
  /** Exit conditions of the current stage, each pass (met) / fail (not met) / unknown. */
  exits: Verdict[];
  /** An exit condition is met: graduate. */
  graduate: boolean;
  cite: string;
}

/** Stage 0-3 from spend (Inference Field Guide, Part 5), with the current stage's exit thresholds checked against the facts. */
export function playbookStage(f: StageFacts): StageResult {
  const spend = sourced(f.monthlySpend);
  requireInRange('monthlySpend', spend.value, { min: 0 });
  const s = STAGES.find((x) => spend.value >= x.spend[0] && spend.value < x.spend[1])!;
  const cond = (rule: string, title: string, met: boolean | undefined, compared: Verdict['compared'], measure: string) =>
    verdict({ rule, title, status: met === undefined ? 'unknown' : met ? 'pass' : 'fail', reason: met === undefined ? `unknown — measure ${measure}` : met ? 'met: graduate' : 'not met', cite: PART5, compared, measureNext: met === undefined ? [measure] : [] });
  const fl = (x: Flag | undefined) => (x === undefined ? undefined : flag(x).value);
  const exits: Verdict[] = [];
  const spendFact = (threshold: string) => numberFact('monthly inference spend (USD)', f.monthlySpend, threshold);
  if (s.stage === 0) {
    exits.push(cond('exit-0-spend', 'Spend exceeds $10,000/month', spend.value > 10_000, [spendFact('> $10,000')], 'monthly spend'));
    exits.push(cond('exit-0-outage', 'A provider outage has cost revenue', fl(f.outageCostRevenue), f.outageCostRevenue === undefined ? [] : [flagFact('outage cost revenue', f.outageCostRevenue)], 'revenue lost to provider outages'));
    exits.push(cond('exit-0-residency', 'A customer asks about data residency', fl(f.residencyAsked), f.residencyAsked === undefined ? [] : [flagFact('residency asked', f.residencyAsked)], 'customer residency requirements'));
  } else if (s.stage === 1) {
    const tok = f.maxWorkloadOutputTokensPerDay === undefined ? undefined : sourced(f.maxWorkloadOutputTokensPerDay).value;
    const steady = fl(f.steadyTraffic);
    const big = tok === undefined ? undefined : tok > 50_000_000 && steady !== false ? (steady === undefined ? undefined : true) : false;
    exits.push(cond('exit-1-volume', 'A single workload exceeds ~50M output tokens/day with steady traffic', big, tok === undefined ? [] : [numberFact('largest workload output tokens/day', f.maxWorkloadOutputTokensPerDay!, '> 50,000,000 and steady')], 'output tokens/day of the largest workload and whether its traffic is steady'));
    exits.push(cond('exit-1-finetune', 'A fine-tuned model is needed', fl(f.needsFineTune), f.needsFineTune === undefined ? [] : [flagFact('needs fine-tune', f.needsFineTune)], 'whether a fine-tuned model is needed'));
    exits.push(cond('exit-1-latency', 'A hard latency SLO under 500 ms shared APIs cannot meet', fl(f.p99SloMsUnder500), f.p99SloMsUnder500 === undefined ? [] : [flagFact('SLO under 500 ms', f.p99SloMsUnder500)], 'the latency SLO'));
  } else if (s.stage === 2) {
    exits.push(cond('exit-2-spend', 'Spend exceeds $1,000,000/month', spend.value > 1_000_000, [spendFact('> $1,000,000')], 'monthly spend'));
    exits.push(cond('exit-2-control', 'A strategic reason to control kernels and models end-to-end', fl(f.strategicKernelControl), f.strategicKernelControl === undefined ? [] : [flagFact('strategic kernel control', f.strategicKernelControl)], 'whether kernel-level control is strategic'));
  }
  return { stage: s.stage as Stage, name: s.name, architecture: s.architecture, exits, graduate: exits.some((e) => e.status === 'pass'), cite: PART5 };
}

export interface RevertFacts {
  /** Stage 1 → 0: multi-source overhead and the savings it buys. */
  multiSourceOverheadPerMonth?: Quantity;
  inferenceSavingsPerMonth?: Quantity;
  /** Stage 2 → 1: dedicated utilization for each of the last months, newest last. */
  dedicatedUtilizationByMonth?: number[];
  /** Stage 3 → 2: share of inference engineering time on operational issues. */
  opsTimeShare?: Quantity;
}

/** Inference Field Guide, Part 5 "The revert signals": fail = the signal fires. */
export function revertSignals(f: RevertFacts): Verdict[] {
  const cite = `${PART5}, The revert signals`;
  const out: Verdict[] = [];
  if (f.multiSourceOverheadPerMonth !== undefined && f.inferenceSavingsPerMonth !== undefined) {
    const o = sourced(f.multiSourceOverheadPerMonth).value;
    const s = sourced(f.inferenceSavingsPerMonth).value;
    const fires = s <= 0 || o / s > 0.2;
    out.push(verdict({ rule: 'revert-1-0', title: 'Stage 1 → 0: multi-source overhead > 20% of savings', status: fires ? 'fail' : 'pass', reason: fires ? 'simplify back to a single provider' : 'overhead within 20% of savings', cite, compared: [numberFact('multi-source overhead (USD/month)', f.multiSourceOverheadPerMonth), numberFact('inference savings (USD/month)', f.inferenceSavingsPerMonth), { label: 'overhead ÷ savings', value: s > 0 ? o / s : 'n/a', threshold: '≤ 0.20' }] }));
  }
  if (f.dedicatedUtilizationByMonth?.length) {
    const last2 = f.dedicatedUtilizationByMonth.slice(-2);
    last2.forEach((u, i) => requireInRange(`dedicatedUtilizationByMonth[${i}]`, u, { min: 0, max: 1 }));
    const fires = last2.length === 2 && last2.every((u) => u < 0.4);
    out.push(verdict({ rule: 'revert-2-1', title: 'Stage 2 → 1: dedicated utilization < 40% two months running', status: fires ? 'fail' : 'pass', reason: fires ? 'move that workload back to serverless' : 'utilization holds', cite, compared: last2.map((u, i) => ({ label: `utilization, month −${last2.length - 1 - i}`, value: u, threshold: '≥ 0.40' })) }));
  }
  if (f.opsTimeShare !== undefined) {
    const share = sourced(f.opsTimeShare).value;
    requireInRange('opsTimeShare', share, { min: 0, max: 1 });
    out.push(verdict({ rule: 'revert-3-2', title: 'Stage 3 → 2: > 50% of inference engineering time on operations', status: share > 0.5 ? 'fail' : 'pass', reason: share > 0.5 ? 'not the operational maturity for build-side yet' : 'operational load acceptable', cite, compared: [numberFact('share of time on operational issues', f.opsTimeShare, '≤ 0.50')] }));
  }
  return out;
}
