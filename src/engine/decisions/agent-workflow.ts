import { RoutefitError, requireInRange } from '../errors.js';

const CARD = 'Inference Field Guide, workload reference cards, Agent workflows';
const CH21 = 'the playbook, ch. 21, Background agents and memory-hierarchy routing';

/** Workflow failure = 1 − (1 − p)^calls (Inference Field Guide reference card: 5% across 6 calls → 26%). */
export function workflowFailureRate(perCallFailure: number, calls: number): number {
  requireInRange('perCallFailure', perCallFailure, { min: 0, max: 1 });
  requireInRange('callsPerWorkflow', calls, { min: 1 });
  return 1 - (1 - perCallFailure) ** calls;
}

/** Worst-case latency of chained calls = P99 × calls (Inference Field Guide, Part 1: 2 s across 5 calls is 10 s). */
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

/** Per-call → per-workflow cost and failure, with the retry cascade (Inference Field Guide reference card "Agent workflows"). */
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

/** Inference Economics Playbook, ch. 21: serving surfaces by latency requirement, with their price relative to standard per-token. */
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
 * Inference Economics Playbook, ch. 21: route human-facing steps to real-time and machine-facing steps to batch (50% off)
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

/** One phase of an agent task (plan, tool calls, reflection, final answer …), priced per call. */
export interface AgentPhase {
  name: string;
  callsPerTask: number;
  inputTokensPerCall: number;
  outputTokensPerCall: number;
  /** Share of the phase's input tokens read from the prompt cache. */
  cacheHitRate?: number;
  /** USD per million tokens on the phase's route. */
  price: { input: number; output: number; cachedInput?: number };
  facing: 'human' | 'machine';
  tier?: LatencyTier;
  latencyToleranceSeconds?: number;
}

export interface AgentPhaseCost {
  name: string;
  calls: number;
  costPerCall: number;
  costPerTask: number;
  /** Share of the task's cost this phase carries. */
  costShare: number;
  inputTokens: number;
  uncachedInputTokens: number;
  outputTokens: number;
}

export interface AgentPhases {
  phases: AgentPhaseCost[];
  callsPerTask: number;
  /** calls per task ÷ task success rate: the calls an accepted task really takes. */
  callsPerAcceptedTask: number;
  /** Σ (input + output) tokens over every call ÷ the user's prompt tokens. */
  tokenFanout: number;
  /** Uncached input tokens ÷ all input tokens. */
  uncachedShare: number;
  costPerTask: number;
  /** cost per task ÷ task success rate. */
  costPerAcceptedTask: number;
  /** The playbook's step routing (ch. 21) over the phases: which can move to batch or async. */
  routing: StepRouting;
  costPerAcceptedTaskAfterRouting: number;
  cite: string;
}

/**
 * Agent workflow economics per phase (Inference Field Guide, workload reference cards, "Agent workflows":
 * total LCPR per workflow = Σ per-call LCPR × calls; the playbook, ch. 21: step routing by latency tier).
 * Per call: uncached input × input rate + cached input × cached rate + output × output rate.
 */
export function agentPhases(input: { phases: readonly AgentPhase[]; userPromptTokens: number; taskSuccessRate: number }): AgentPhases {
  if (!input.phases.length) throw new RoutefitError('invalid_input', 'an agent workflow needs at least one phase', { field: 'phases', allowed: '1 or more phases' });
  requireInRange('userPromptTokens', input.userPromptTokens, { min: 0, minExclusive: true });
  const success = requireInRange('taskSuccessRate', input.taskSuccessRate, { min: 0, minExclusive: true, max: 1 });
  const rows = input.phases.map((p) => {
    const f = `phases.${p.name}`;
    requireInRange(`${f}.callsPerTask`, p.callsPerTask, { min: 0 });
    requireInRange(`${f}.inputTokensPerCall`, p.inputTokensPerCall, { min: 0 });
    requireInRange(`${f}.outputTokensPerCall`, p.outputTokensPerCall, { min: 0 });
    const hit = requireInRange(`${f}.cacheHitRate`, p.cacheHitRate ?? 0, { min: 0, max: 1 });
    requireInRange(`${f}.price.input`, p.price.input, { min: 0 });
    requireInRange(`${f}.price.output`, p.price.output, { min: 0 });
    if (hit > 0 && p.price.cachedInput === undefined) throw new RoutefitError('missing_price', `${f} reads ${hit} of its input from cache but has no cached-input price`, { field: `${f}.price.cachedInput` });
    const cachedRate = requireInRange(`${f}.price.cachedInput`, p.price.cachedInput ?? p.price.input, { min: 0 });
    const uncached = p.inputTokensPerCall * (1 - hit);
    const perCall = (uncached * p.price.input + p.inputTokensPerCall * hit * cachedRate + p.outputTokensPerCall * p.price.output) / 1e6;
    return { p, perCall, uncached };
  });
  const costPerTask = rows.reduce((a, r) => a + r.perCall * r.p.callsPerTask, 0);
  const calls = rows.reduce((a, r) => a + r.p.callsPerTask, 0);
  const inTok = rows.reduce((a, r) => a + r.p.callsPerTask * r.p.inputTokensPerCall, 0);
  const unc = rows.reduce((a, r) => a + r.p.callsPerTask * r.uncached, 0);
  const outTok = rows.reduce((a, r) => a + r.p.callsPerTask * r.p.outputTokensPerCall, 0);
  const routing = routeAgentSteps(
    rows.map((r) => ({ name: r.p.name, calls: r.p.callsPerTask, costPerCall: r.perCall, facing: r.p.facing, ...(r.p.tier ? { tier: r.p.tier } : {}), ...(r.p.latencyToleranceSeconds !== undefined ? { latencyToleranceSeconds: r.p.latencyToleranceSeconds } : {}) })),
  );
  return {
    phases: rows.map((r) => ({
      name: r.p.name,
      calls: r.p.callsPerTask,
      costPerCall: r.perCall,
      costPerTask: r.perCall * r.p.callsPerTask,
      costShare: costPerTask > 0 ? (r.perCall * r.p.callsPerTask) / costPerTask : 0,
      inputTokens: r.p.callsPerTask * r.p.inputTokensPerCall,
      uncachedInputTokens: r.p.callsPerTask * r.uncached,
      outputTokens: r.p.callsPerTask * r.p.outputTokensPerCall,
    })),
    callsPerTask: calls,
    callsPerAcceptedTask: calls / success,
    tokenFanout: (inTok + outTok) / input.userPromptTokens,
    uncachedShare: inTok > 0 ? unc / inTok : 0,
    costPerTask,
    costPerAcceptedTask: costPerTask / success,
    routing,
    costPerAcceptedTaskAfterRouting: routing.costAfter / success,
    cite: `${CARD}; ${CH21}`,
  };
}
