import { requireInRange } from './errors.js';

/**
 * The published Inference Trace Kit route-summary contract (seed 002, "Inference Trace Kit":
 * 16 trace fields, 5 derived metrics). Rows are already aggregates per route × workload and are
 * kept as such. The seed names the five metrics without formulas; the readings used are stated
 * on each field below and in docs/traces.md.
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
  /** costUsd ÷ acceptedOutputRate (seed 002: "cost per accepted output"). */
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

export function traceKitMetrics(s: RouteSummary, prices: { cachedOverInput?: number; batchOverStandard?: number } = {}): TraceKitMetrics {
  for (const k of ['inputTokens', 'outputTokens', 'concurrency', 'ttftMs', 'latencyP50Ms', 'latencyP95Ms', 'outputTokensPerSecond', 'costUsd', 'reviewMinutes'] as const) {
    requireInRange(k, s[k], { min: 0 });
  }
  for (const k of ['cacheHitRate', 'batchEligible', 'acceptedOutputRate'] as const) requireInRange(k, s[k], { min: 0, max: 1 });
  const cachedRatio = prices.cachedOverInput ?? 0;
  // Demand: each of `concurrency` streams emits outputTokens over one p50 latency.
  const demand = s.latencyP50Ms > 0 ? (s.concurrency * s.outputTokens) / (s.latencyP50Ms / 1000) : 0;
  return {
    costPerAcceptedOutput: s.acceptedOutputRate > 0 ? s.costUsd / s.acceptedOutputRate : null,
    p95LatencyAtConcurrency: { p95Ms: s.latencyP95Ms, concurrency: s.concurrency, p95OverP50: s.latencyP50Ms > 0 ? s.latencyP95Ms / s.latencyP50Ms : null },
    cacheAdjustedInputBurden: s.inputTokens * (1 - s.cacheHitRate * (1 - cachedRatio)),
    batchDisplacementShare: prices.batchOverStandard === undefined ? null : s.batchEligible * (1 - prices.batchOverStandard),
    throughputHeadroom: demand > 0 ? s.outputTokensPerSecond / demand - 1 : null,
  };
}
