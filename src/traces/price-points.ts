import { findRoute } from '../catalog/lookup.js';
import type { Catalog, TokenRouteEntry } from '../catalog/types.js';
import { RoutefitError } from '../engine/errors.js';
import { batchCacheFactor } from '../engine/cost/token-pricing.js';

/**
 * Query-time pricing (issue 5, "Store"): the store keeps tokens; this resolves, for the routes the
 * store mentions, the catalog's dated price points, and the store's reads cost every attempt at the
 * price in force on its day (./sql/cost.ts). A corrected catalog price re-prices history.
 */

export interface UnpricedRoute {
  route: string | null;
  provider: string | null;
  model: string | null;
  reason: string;
}

export interface PricingContext {
  /** Route keys the catalog could not resolve, or resolves to GPU-billed SKUs. */
  unresolved: UnpricedRoute[];
  /** route as written in the traces → canonical catalog id. */
  resolved: Map<string, string>;
}

function resolveEntry(catalog: Catalog, route: string | null, provider: string | null, model: string | null): TokenRouteEntry | string {
  const candidates = [route, provider && model ? `${provider}/${model}` : null, model].filter((c): c is string => !!c);
  let gpu: string | undefined;
  for (const c of candidates) {
    try {
      const e = findRoute(catalog, c);
      if (e.kind === 'tokens') return e;
      gpu = e.id;
    } catch (err) {
      if (!(err instanceof RoutefitError)) throw err;
    }
  }
  if (gpu) return `${gpu} is billed by the GPU-hour, not per token: its cost comes from GPU hours, not from these rows`;
  return `no price for ${candidates.map((c) => `"${c}"`).join(' / ') || 'a row without model or route'} in the catalog or @pydantic/genai-prices`;
}

/** One distinct (route, provider, model) of the traces and what the catalog makes of it. */
export interface RouteMapRow {
  route: string | null;
  provider: string | null;
  model: string | null;
  /** Canonical catalog id whose price points apply, or null when unpriced. */
  priceKey: string | null;
  unpricedReason: string | null;
}

/** One dated price of a route: in force on days `effFrom` ≤ day < `effTo` (null = open). $ per 1M tokens. */
export interface PricePointRow {
  priceKey: string;
  effFrom: string | null;
  effTo: string | null;
  input: number | null;
  output: number | null;
  cachedInput: number | null;
  cacheWrite5m: number | null;
  cacheWrite1h: number | null;
  batchInput: number | null;
  batchOutput: number | null;
  lcThreshold: number | null;
  lcInput: number | null;
  lcOutput: number | null;
  lcCached: number | null;
  /** Multiplier on cache reads and writes of batch rows (engine batchCacheFactor: 1 unless the provider stacks). */
  batchCacheFactor: number;
  source: string | null;
}

export interface PricingData extends PricingContext {
  routeMap: RouteMapRow[];
  pricePoints: PricePointRow[];
}

/**
 * The catalog side of query-time pricing, as data, for the route keys a store holds: which catalog
 * entry prices each key (or why none does) and every dated price point of those entries, which
 * ./sql/pricing.ts turns into the day prices of the store's session.
 */
export function pricingData(catalog: Catalog, keys: { route: string | null; provider: string | null; model: string | null }[]): PricingData {
  const unresolved: UnpricedRoute[] = [];
  const resolved = new Map<string, string>();
  const routeMap: RouteMapRow[] = [];
  const pricePoints: PricePointRow[] = [];
  const entries = new Map<string, TokenRouteEntry>();
  for (const { route, provider, model } of keys) {
    const hit = resolveEntry(catalog, route, provider, model);
    if (typeof hit === 'string') {
      unresolved.push({ route, provider, model, reason: hit });
      routeMap.push({ route, provider, model, priceKey: null, unpricedReason: hit });
    } else {
      entries.set(hit.id, hit);
      if (route) resolved.set(route, hit.id);
      routeMap.push({ route, provider, model, priceKey: hit.id, unpricedReason: null });
    }
  }
  for (const e of entries.values()) {
    const history = [...e.history].sort((a, b) => (a.effective ?? '').localeCompare(b.effective ?? ''));
    history.forEach((p, i) => {
      const lc = p.sheet.longContext;
      pricePoints.push({
        priceKey: e.id,
        effFrom: p.effective ?? null,
        effTo: history[i + 1]?.effective ?? null,
        input: p.sheet.input?.value ?? null,
        output: p.sheet.output?.value ?? null,
        cachedInput: p.sheet.cachedInput?.value ?? null,
        cacheWrite5m: p.sheet.cacheWrite5m?.value ?? null,
        cacheWrite1h: p.sheet.cacheWrite1h?.value ?? null,
        batchInput: p.sheet.batchInput?.value ?? null,
        batchOutput: p.sheet.batchOutput?.value ?? null,
        lcThreshold: lc?.thresholdTokens ?? null,
        lcInput: lc?.input.value ?? null,
        lcOutput: lc?.output.value ?? null,
        lcCached: lc?.cachedInput?.value ?? null,
        batchCacheFactor: batchCacheFactor(p.sheet),
        source: p.source ?? null,
      });
    });
  }
  // A set, listed in one order whatever order the store returned its keys in (DuckDB and ClickHouse differ).
  const text = (v: string | null) => v ?? '';
  unresolved.sort((a, b) => text(a.route).localeCompare(text(b.route)) || text(a.provider).localeCompare(text(b.provider)) || text(a.model).localeCompare(text(b.model)));
  return { unresolved, resolved, routeMap, pricePoints };
}

