import { requireInRange } from '../errors.js';

/**
 * The published Inference Trace Kit route-summary contract (Inference Economics Playbook overview, "Inference Trace Kit":
 * 16 trace fields, 5 derived metrics). Rows are already aggregates per route × workload and are
 * kept as such. The seed names the five metrics without formulas; the readings used are stated
 * on each field below and in docs/traces.md. The same five formulas serve imported route summaries
 * (`traceKitMetrics`) and summaries measured from per-request rows (`measuredTraceKitMetrics`).
 */
export interface RouteSummary {
  route: string;
  provider: string;
  model: string;
  workload: string;
  /** Mean input tokens per request. */
  inputTokens: number;
  /** Mean output tokens per request. */
  outputTokens: number;
  cacheHitRate: number;
  /** Share of the workload that could run on a batch tier. */
  batchEligible: number;
  /** Concurrent requests at which the latency figures were measured. */
  concurrency: number;
  ttftMs: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  /** Output tokens per second the route delivered (all streams). */
  outputTokensPerSecond: number;
  acceptedOutputRate: number;
  /** Cost per request (USD). */
  costUsd: number;
  /** Human review minutes per request. */
  reviewMinutes: number;
}

export interface TraceKitMetrics {
  /** costUsd ÷ acceptedOutputRate (Inference Economics Playbook overview: "cost per accepted output"). */
  costPerAcceptedOutput: number | null;
  /** p95 latency with the concurrency it was measured at, and the p95/p50 tail ratio. */
  p95LatencyAtConcurrency: { p95Ms: number; concurrency: number; p95OverP50: number | null };
  /** Full-price-equivalent input tokens per request: input × (1 − hit × (1 − cached/input price)); null ratio = uncached tokens. */
  cacheAdjustedInputBurden: number;
  /** Share of token cost a batch tier removes: batchEligible × (1 − batch/standard price); null without batch prices. */
  batchDisplacementShare: number | null;
  /** Delivered output tokens/s ÷ tokens/s demanded by `concurrency` streams finishing in p50 latency, minus 1. */
  throughputHeadroom: number | null;
}

// Inference Economics Playbook overview "Quality-adjusted cost": cost per request ÷ accepted share = cost ÷ accepted outputs.
export const costPerAccepted = (costPerRequest: number, acceptedRate: number): number | null => (acceptedRate > 0 ? costPerRequest / acceptedRate : null);
// Inference Economics Playbook overview "Queueing and tail latency": the p95/p50 tail ratio.
export const tailRatio = (p95: number | null, p50: number | null): number | null => (p50 && p95 !== null ? p95 / p50 : null);
// Inference Economics Playbook overview "Prompt cache shape": cached tokens weigh cached/input price; a null ratio counts them as free (uncached tokens only).
export const cacheAdjustedInputBurden = (inputTokens: number, cacheHitRate: number, cachedOverInput: number | null): number => inputTokens * (1 - cacheHitRate * (1 - (cachedOverInput ?? 0)));
// Inference Economics Playbook overview "Batch eligibility": the batch share × the discount the batch tier gives; null without a batch price.
export const batchDisplacementShare = (batchShare: number, batchOverStandard: number | null): number | null => (batchOverStandard === null ? null : batchShare * (1 - batchOverStandard));

export function traceKitMetrics(s: RouteSummary, prices: { cachedOverInput?: number; batchOverStandard?: number } = {}): TraceKitMetrics {
  for (const k of ['inputTokens', 'outputTokens', 'concurrency', 'ttftMs', 'latencyP50Ms', 'latencyP95Ms', 'outputTokensPerSecond', 'costUsd', 'reviewMinutes'] as const) {
    requireInRange(k, s[k], { min: 0 });
  }
  for (const k of ['cacheHitRate', 'batchEligible', 'acceptedOutputRate'] as const) requireInRange(k, s[k], { min: 0, max: 1 });
  // Inference Economics Playbook overview "Throughput and utilization": demand = each of `concurrency` streams emits outputTokens over one p50 latency.
  const demand = s.latencyP50Ms > 0 ? (s.concurrency * s.outputTokens) / (s.latencyP50Ms / 1000) : 0;
  return {
    costPerAcceptedOutput: costPerAccepted(s.costUsd, s.acceptedOutputRate),
    p95LatencyAtConcurrency: { p95Ms: s.latencyP95Ms, concurrency: s.concurrency, p95OverP50: tailRatio(s.latencyP95Ms, s.latencyP50Ms) },
    cacheAdjustedInputBurden: cacheAdjustedInputBurden(s.inputTokens, s.cacheHitRate, prices.cachedOverInput ?? null),
    batchDisplacementShare: batchDisplacementShare(s.batchEligible, prices.batchOverStandard ?? null),
    throughputHeadroom: demand > 0 ? s.outputTokensPerSecond / demand - 1 : null,
  };
}

/** What a summarize group measured, in the units the five metrics take (per attempt, fractions, ms). */
export interface MeasuredTraceKitInputs {
  /** Window cost (tokens + the overheads given) ÷ requests, USD; null when the group cannot be costed. */
  costPerRequest: number | null;
  /** Final passes ÷ labelled requests; null without quality labels. */
  acceptedRate: number | null;
  e2eP50Ms: number | null;
  e2eP95Ms: number | null;
  /** Little's law: requests in flight on average over the window. */
  meanConcurrency: number;
  meanInputTokens: number;
  /** Cached input tokens ÷ input tokens. */
  cacheHitRate: number;
  /** Attempts that ran on a batch tier ÷ attempts. */
  batchShare: number;
  /** Catalog price ratios of the group's one route; null (with `priceReason`) when mixed or unpriced. */
  cachedOverInput: number | null;
  batchOverStandard: number | null;
  priceReason?: string;
  /** Why there is no cost per request, when there is none. */
  costReason?: string;
  /** Measured GPU utilization of the group's GPU route, when GPU-hours were given (traces/gpu.ts). */
  gpu?: { route: string; utilization: number; headroom: number };
  /** Why there is no headroom, when `gpu` is absent. */
  headroomReason?: string;
}

export type TraceKitMetricName = 'costPerAcceptedOutput' | 'p95LatencyAtConcurrency' | 'cacheAdjustedInputBurden' | 'batchDisplacementShare' | 'throughputHeadroom';

export interface MeasuredTraceKitMetrics {
  /** Measured LCPR: (token cost + overheads given) ÷ (requests × pass rate). */
  costPerAcceptedOutput: number | null;
  /** e2e p95 at the mean concurrency (Little's law) the group ran at, and p95/p50. */
  p95LatencyAtConcurrency: { p95Ms: number | null; concurrency: number; p95OverP50: number | null };
  /** Full-price-equivalent input tokens per attempt; with a null ratio, uncached tokens only (a lower bound). */
  cacheAdjustedInputBurden: number;
  /** Measured batch share × (1 − batch/standard price); null without one batch price. */
  batchDisplacementShare: number | null;
  /** 1 − measured utilization of the GPU route (traces/gpu.ts); null for token-billed or mixed groups. */
  throughputHeadroom: number | null;
  prices: { cachedOverInput: number | null; batchOverStandard: number | null };
  /** Why a metric is null or a bound, by metric. */
  reasons: Partial<Record<TraceKitMetricName, string>>;
}

/**
 * The five Trace Kit metrics for a group of per-request rows, through the formulas above. Readings
 * (docs/traces.md): cost per accepted output is the measured LCPR, because Inference Economics Playbook overview counts "rejected
 * outputs or review fallout" against a cheap model, which the LCPR's retries, repair and human cost
 * carry and a token-cost-only ratio drops; latency is e2e p95 at the Little's-law mean concurrency;
 * the batch share is the share that ran on batch (not what could have); headroom is the GPU route's.
 */
export function measuredTraceKitMetrics(m: MeasuredTraceKitInputs): MeasuredTraceKitMetrics {
  for (const k of ['meanConcurrency', 'meanInputTokens'] as const) requireInRange(k, m[k], { min: 0 });
  for (const k of ['cacheHitRate', 'batchShare'] as const) requireInRange(k, m[k], { min: 0, max: 1 });
  if (m.acceptedRate !== null) requireInRange('acceptedRate', m.acceptedRate, { min: 0, max: 1 });
  if (m.costPerRequest !== null) requireInRange('costPerRequest', m.costPerRequest, { min: 0 });
  for (const k of ['cachedOverInput', 'batchOverStandard'] as const) if (m[k] !== null) requireInRange(k, m[k]!, { min: 0 });
  const reasons: MeasuredTraceKitMetrics['reasons'] = {};
  let cost: number | null = null;
  if (m.costPerRequest === null) reasons.costPerAcceptedOutput = m.costReason ?? 'the group has no cost';
  else if (m.acceptedRate === null) reasons.costPerAcceptedOutput = 'no request has a quality label: accepted outputs are unknown';
  else {
    cost = costPerAccepted(m.costPerRequest, m.acceptedRate);
    if (cost === null) reasons.costPerAcceptedOutput = 'no request was accepted in the window';
  }
  if (m.e2eP95Ms === null) reasons.p95LatencyAtConcurrency = 'no successful attempt logged e2e latency';
  if (m.cachedOverInput === null && m.cacheHitRate > 0) reasons.cacheAdjustedInputBurden = `${m.priceReason ?? 'no cached price'}: cached tokens counted as free, so the burden is a lower bound`;
  if (m.batchOverStandard === null) reasons.batchDisplacementShare = m.priceReason ?? 'the route has no batch tier in the catalog';
  if (!m.gpu) reasons.throughputHeadroom = m.headroomReason ?? 'no GPU-hours given';
  return {
    costPerAcceptedOutput: cost,
    p95LatencyAtConcurrency: { p95Ms: m.e2eP95Ms, concurrency: m.meanConcurrency, p95OverP50: tailRatio(m.e2eP95Ms, m.e2eP50Ms) },
    cacheAdjustedInputBurden: cacheAdjustedInputBurden(m.meanInputTokens, m.cacheHitRate, m.cachedOverInput),
    batchDisplacementShare: batchDisplacementShare(m.batchShare, m.batchOverStandard),
    // Inference Field Guide, Part 0/1 via traces/gpu.ts `measuredGpu`: headroom = 1 − tokens served ÷ GPU capacity paid for.
    throughputHeadroom: m.gpu ? m.gpu.headroom : null,
    prices: { cachedOverInput: m.cachedOverInput, batchOverStandard: m.batchOverStandard },
    reasons,
  };
}
