import { findRoute, pointAt } from '../catalog/lookup.js';
import type { Catalog } from '../catalog/types.js';
import { RoutefitError } from '../engine/errors.js';
import { type MeasuredTraceKitMetrics, measuredTraceKitMetrics } from '../engine/measured/trace-kit.js';

/**
 * The Trace Kit's five derived metrics (Inference Economics Playbook overview) for a `summarize` group, computed in TS from the
 * group's summary (no SQL of its own beyond the routes per group), so any store that produces a
 * `GroupSummary` gets them. Price ratios come from the catalog for the group's one route.
 */

/**
 * The parts of a summarize group (metrics.ts `GroupSummary`) the five metrics read, declared here
 * so this module imports neither metrics.ts nor gpu.ts, which import it (issue 10: no cycle).
 * Any `GroupSummary` is one.
 */
export interface TraceKitGroup {
  requests: number;
  window: { end: string };
  cost: { unpricedAttempts: number };
  lcpr: { totalCostUsd: number; missing?: string };
  rates: { pass: number | null; cacheHitTokens: number; batchShare: number };
  latency: { e2eMs: { p50: number | null; p95: number | null }; meanConcurrency: number };
  tokens: { input: { mean: number } };
}

/** The parts of a GPU route summary (gpu.ts `GpuRouteSummary`) headroom reads. */
export interface TraceKitGpuRoute {
  route: string;
  result: { utilization: number; headroom: number };
}

export interface PriceRatios {
  /** Cached ÷ input price; 1 when the route has no cached price (the pricing bills cache reads at the input rate). */
  cachedOverInput: number;
  /** Batch ÷ standard input price; undefined without a batch tier (input and output). */
  batchOverStandard?: number;
}

/** The catalog's cached/input and batch/standard price ratios of a token route on a day; a string says why there are none. */
export function priceRatios(catalog: Catalog, route: string, asOf: string): PriceRatios | string {
  try {
    const e = findRoute(catalog, route);
    if (e.kind !== 'tokens') return `${e.id} is billed by the GPU-hour: no per-token price ratio`;
    const sheet = pointAt(e, asOf).sheet;
    const input = sheet.input?.value;
    if (!input) return `${e.id} has no input price on ${asOf}`;
    return {
      // Same fallback as the per-attempt cost (sql/cost.ts): no cached price → cache reads billed at the input rate.
      cachedOverInput: sheet.cachedInput ? sheet.cachedInput.value / input : 1,
      // Same condition as sql/cost.ts: the batch tier needs both batch prices.
      ...(sheet.batchInput && sheet.batchOutput ? { batchOverStandard: sheet.batchInput.value / input } : {}),
    };
  } catch (err) {
    if (!(err instanceof RoutefitError)) throw err;
    return err.message;
  }
}

/** One (route as written, catalog price key) a group's attempts ran on. */
export interface GroupRoute {
  route: string | null;
  priceKey: string | null;
}

export interface TraceKitContext {
  catalog: Catalog;
  /** GPU routes given GPU-hours (traces/gpu.ts `gpuRoutes`), for throughput headroom. */
  gpu?: TraceKitGpuRoute[];
}

/** Canonical route id of a row's route: the price key, else the catalog id (GPU SKUs), else as written. */
function canonical(catalog: Catalog, r: GroupRoute): string {
  if (r.priceKey) return r.priceKey;
  if (!r.route) return '(no route)';
  try {
    return findRoute(catalog, r.route).id;
  } catch {
    return r.route;
  }
}

function isGpuRoute(catalog: Catalog, id: string): boolean {
  try {
    return findRoute(catalog, id).kind === 'gpu';
  } catch {
    return false;
  }
}

export function traceKitFor(g: TraceKitGroup, routes: GroupRoute[], ctx: TraceKitContext): MeasuredTraceKitMetrics {
  const ids = [...new Set(routes.map((r) => canonical(ctx.catalog, r)))].sort();
  const asOf = g.window.end.slice(0, 10);
  let ratios: PriceRatios | undefined;
  let priceReason: string | undefined;
  if (ids.length !== 1) priceReason = `mixed routes (${ids.join(', ')}): no single catalog price ratio`;
  else if (routes.some((r) => !r.priceKey)) {
    const hit = priceRatios(ctx.catalog, ids[0]!, asOf);
    priceReason = typeof hit === 'string' ? hit : `${ids[0]} is unpriced in the traces`;
  } else {
    const hit = priceRatios(ctx.catalog, ids[0]!, asOf);
    if (typeof hit === 'string') priceReason = hit;
    else {
      ratios = hit;
      if (hit.batchOverStandard === undefined) priceReason = `${ids[0]} has no batch tier in the catalog`;
    }
  }
  const gpu = ids.length === 1 ? ctx.gpu?.find((x) => x.route === ids[0]) : undefined;
  let headroomReason: string | undefined;
  if (!gpu) {
    if (ids.length !== 1) headroomReason = `mixed routes (${ids.join(', ')}): headroom is a property of one GPU route`;
    else if (routes.every((r) => r.priceKey)) headroomReason = `${ids[0]} is billed per token: the provider holds the capacity, there are no GPU-hours to measure against`;
    else if (isGpuRoute(ctx.catalog, ids[0]!)) headroomReason = `no --gpu-hours given for ${ids[0]}`;
    else headroomReason = `${ids[0]} is not a GPU route the catalog knows: no capacity to measure against`;
  }
  const unpriced = g.cost.unpricedAttempts > 0;
  return measuredTraceKitMetrics({
    costPerRequest: unpriced || g.requests === 0 ? null : g.lcpr.totalCostUsd / g.requests,
    ...(unpriced ? { costReason: g.lcpr.missing ?? `${g.cost.unpricedAttempts} attempts have no catalog price` } : {}),
    acceptedRate: g.rates.pass,
    e2eP50Ms: g.latency.e2eMs.p50,
    e2eP95Ms: g.latency.e2eMs.p95,
    meanConcurrency: g.latency.meanConcurrency,
    meanInputTokens: g.tokens.input.mean,
    cacheHitRate: g.rates.cacheHitTokens,
    batchShare: g.rates.batchShare,
    cachedOverInput: ratios?.cachedOverInput ?? null,
    batchOverStandard: ratios?.batchOverStandard ?? null,
    ...(priceReason ? { priceReason } : {}),
    ...(gpu ? { gpu: { route: gpu.route, utilization: gpu.result.utilization, headroom: gpu.result.headroom } } : {}),
    ...(headroomReason ? { headroomReason } : {}),
  });
}
