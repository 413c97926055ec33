import { RoutefitError, requireInRange } from '../errors.js';

const CARD = 'seed 000 Workload reference cards, Agent workflows';
const CH21 = 'seed 001 ch. 21, Background agents and memory-hierarchy routing';

/** Workflow failure = 1 − (1 − p)^calls (seed 000 reference card: 5% across 6 calls → 26%). */
export function workflowFailureRate(perCallFailure: number, calls: number): number {
  requireInRange('perCallFailure', perCallFailure, { min: 0, max: 1 });
  requireInRange('callsPerWorkflow', calls, { min: 1 });
  return 1 - (1 - perCallFailure) ** calls;
}

/** Worst-case latency of chained calls = P99 × calls (seed 000 Part 1: 2 s across 5 calls is 10 s). */
export function chainedWorstCaseMs(p99Ms: number, calls: number): number {
  requireInRange('p99Ms', p99Ms, { min: 0 });
  requireInRange('chainedCalls', calls, { min: 1 });
  return p99Ms * calls;
}

export interface WorkflowCost {
  calls: number;
  perCallLcpr: number;
  /** Σ per-call LCPR × calls (the reference card's "total LCPR per workflow"). */
  perWorkflow: number;
  workflowFailureRate: number;
  /** Expected calls per successful workflow when a failed call is retried in place. */
  callsIfRetryCall: number;
  /** Expected calls per successful workflow when a failure restarts the chain: the retry cascade. */
  callsIfRestartChain: number;
  /** Per successful workflow, each retry policy. */
  costIfRetryCall: number;
  costIfRestartChain: number;
  cite: string;
}

/** Per-call → per-workflow cost and failure, with the retry cascade (seed 000 reference card "Agent workflows"). */
export function agentWorkflowCost(perCallLcpr: number, calls: number, perCallFailure: number): WorkflowCost {
  requireInRange('perCallLcpr', perCallLcpr, { min: 0 });
  const fail = workflowFailureRate(perCallFailure, calls);
  if (perCallFailure >= 1) throw new RoutefitError('invalid_input', 'perCallFailure is 1; allowed 0 ≤ value < 1 (no workflow would ever succeed)', { field: 'perCallFailure', allowed: '0 ≤ value < 1' });
  const retryCall = calls / (1 - perCallFailure);
  // Restarting on any failure: the expected calls of a chain that stops at the first failure, repeated until a full success.
  const q = 1 - perCallFailure;
  const callsPerTry = perCallFailure === 0 ? calls : (1 - q ** calls) / perCallFailure;
  const restart = callsPerTry / q ** calls;
  return {
    calls,
    perCallLcpr,
    perWorkflow: perCallLcpr * calls,
    workflowFailureRate: fail,
    callsIfRetryCall: retryCall,
    callsIfRestartChain: restart,
    costIfRetryCall: perCallLcpr * retryCall,
    costIfRestartChain: perCallLcpr * restart,
    cite: CARD,
  };
}

/** Seed 001 ch. 21: serving surfaces by latency requirement, with their price relative to standard per-token. */
export const LATENCY_TIERS = {
  realtime: { label: 'Real-time streaming', latency: 'TTFT < 500ms', priceFactor: 1 },
  async: { label: 'Standard async', latency: 'E2E < 60s', priceFactor: 1 },
  batch: { label: 'Batch', latency: 'completion within 24hr', priceFactor: 0.5 },
  background: { label: 'Background queue', latency: 'best-effort, priority-based', priceFactor: 1 },
} as const;
export type LatencyTier = keyof typeof LATENCY_TIERS;

export interface AgentStep {
  name: string;
  /** Model calls of this step per task. */
  calls: number;
  costPerCall: number;
  /** Human-facing steps stay real-time; machine-facing ones can wait. */
  facing: 'human' | 'machine';
  tier?: LatencyTier;
  /** Longest wait the step tolerates, in seconds; decides which cheaper tier it can move to. */
  latencyToleranceSeconds?: number;
}

export interface StepRouting {
  steps: { name: string; facing: string; from: LatencyTier; to: LatencyTier; costBefore: number; costAfter: number }[];
  costBefore: number;
  costAfter: number;
  savings: number;
  savingsShare: number;
  cite: string;
}

/**
 * Seed 001 ch. 21: route human-facing steps to real-time and machine-facing steps to batch (50% off)
 * where their latency tolerance allows (a day), else async.
 */
export function routeAgentSteps(steps: readonly AgentStep[]): StepRouting {
  const out = steps.map((s) => {
    requireInRange(`steps.${s.name}.calls`, s.calls, { min: 0 });
    requireInRange(`steps.${s.name}.costPerCall`, s.costPerCall, { min: 0 });
    const from = s.tier ?? 'realtime';
    const tolerance = s.latencyToleranceSeconds ?? (s.facing === 'machine' ? 86_400 : 0.5);
    const to: LatencyTier = s.facing === 'human' ? from : tolerance >= 86_400 ? 'batch' : tolerance >= 60 ? 'async' : from;
    const base = s.calls * s.costPerCall / LATENCY_TIERS[from].priceFactor;
    return { name: s.name, facing: s.facing, from, to, costBefore: base * LATENCY_TIERS[from].priceFactor, costAfter: base * LATENCY_TIERS[to].priceFactor };
  });
  const before = out.reduce((a, s) => a + s.costBefore, 0);
  const after = out.reduce((a, s) => a + s.costAfter, 0);
  return { steps: out, costBefore: before, costAfter: after, savings: before - after, savingsShare: before > 0 ? (before - after) / before : 0, cite: CH21 };
}
