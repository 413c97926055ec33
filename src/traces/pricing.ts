import { findRoute } from '../catalog/lookup.js';
import type { Catalog, TokenRouteEntry } from '../catalog/types.js';
import { RoutefitError } from '../engine/errors.js';
import { TOKENS_PER_MILLION } from '../engine/units.js';
import { batchCacheFactor } from '../engine/cost/token-pricing.js';
import { type Store, insertRows, query } from './db.js';

/**
 * Query-time pricing (issue 5, "Store"): the store keeps tokens; this builds, for the routes the
 * store mentions, the catalog's dated price points as a temp table and a `priced` view that costs
 * every attempt at the price in force on its day. A corrected catalog price re-prices history.
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

const PRICE_FIELDS = ['input', 'output', 'cachedInput', 'cacheWrite5m', 'cacheWrite1h', 'batchInput', 'batchOutput'] as const;
const COL: Record<(typeof PRICE_FIELDS)[number], string> = {
  input: 'p_input',
  output: 'p_output',
  cachedInput: 'p_cached',
  cacheWrite5m: 'p_write_5m',
  cacheWrite1h: 'p_write_1h',
  batchInput: 'p_batch_input',
  batchOutput: 'p_batch_output',
};

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
 * entry prices each key (or why none does) and every dated price point of those entries. Each
 * backend (DuckDB here, ClickHouse in clickhouse/pricing.ts) loads these rows into its own tables.
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
  return { unresolved, resolved, routeMap, pricePoints };
}

/** Creates temp tables `route_map` and `price_points` and the view `priced`. */
export async function preparePricing(store: Store, catalog: Catalog): Promise<PricingContext> {
  const { conn } = store;
  const keys = await query(conn, 'SELECT DISTINCT route, provider, model FROM requests');
  const data = pricingData(
    catalog,
    keys.map((k) => ({ route: (k.route as string | null) ?? null, provider: (k.provider as string | null) ?? null, model: (k.model as string | null) ?? null })),
  );
  // Route, provider and model come from the store: bound, never spliced (a NUL or quote in a model name is data).
  const mapRows = data.routeMap.map((m) => [m.route, m.provider, m.model, m.priceKey, m.unpricedReason]);
  const pointRows = data.pricePoints.map((p) => [p.priceKey, p.effFrom, p.effTo, p.input, p.output, p.cachedInput, p.cacheWrite5m, p.cacheWrite1h, p.batchInput, p.batchOutput, p.lcThreshold, p.lcInput, p.lcOutput, p.lcCached, p.batchCacheFactor, p.source]);
  await conn.run(`CREATE OR REPLACE TEMP TABLE route_map (route VARCHAR, provider VARCHAR, model VARCHAR, price_key VARCHAR, unpriced_reason VARCHAR)`);
  await insertRows(conn, 'route_map', 5, mapRows);
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE price_points (price_key VARCHAR, eff_from DATE, eff_to DATE, ${PRICE_FIELDS.map((f) => `${COL[f]} DOUBLE`).join(', ')},
       lc_threshold DOUBLE, lc_input DOUBLE, lc_output DOUBLE, lc_cached DOUBLE, p_batch_cache DOUBLE, price_source VARCHAR)`,
  );
  await insertRows(conn, 'price_points', 16, pointRows);
  await conn.run(`CREATE OR REPLACE TEMP VIEW priced AS ${pricedSql()}`);
  return { unresolved: data.unresolved, resolved: data.resolved };
}

/**
 * The cost of one attempt in SQL, the same arithmetic as engine `attemptCost` (Inference Field Guide, Part 0:
 * input × input rate + output × output rate) per row: uncached input, cache reads at the cached
 * rate, 5-minute and 1-hour cache writes at their premiums, batch-tier rows at batch rates, and the
 * long-context cliff (past the threshold the whole request pays the tier). Billing follows the tier
 * SERVED. A missing cached or write price falls back to the input rate, as `attemptCost` does for writes.
 */
export function pricedSql(): string {
  const lc = `(p.lc_threshold IS NOT NULL AND r.input_tokens > p.lc_threshold)`;
  const batch = `((r.batch OR r.service_tier_served = 'batch') AND p.p_batch_input IS NOT NULL AND p.p_batch_output IS NOT NULL AND NOT ${lc})`;
  const inRate = `CASE WHEN ${lc} THEN p.lc_input ELSE p.p_input END`;
  const outRate = `CASE WHEN ${lc} THEN p.lc_output ELSE p.p_output END`;
  const cachedRate = `coalesce(CASE WHEN ${lc} THEN p.lc_cached END, p.p_cached, ${inRate})`;
  const w1h = `coalesce(r.cache_write_1h_tokens, 0)`;
  const w5m = `(coalesce(r.cache_write_tokens, 0) - ${w1h})`;
  const uncached = `(r.input_tokens - coalesce(r.cached_input_tokens, 0) - coalesce(r.cache_write_tokens, 0))`;
  // Batch rows' cache reads and writes, times the batch discount where the provider stacks the two.
  const cacheScale = `CASE WHEN ${batch} THEN p.p_batch_cache ELSE 1 END`;
  const cost = `(
      ${uncached} * CASE WHEN ${batch} THEN p.p_batch_input ELSE ${inRate} END
    + coalesce(r.cached_input_tokens, 0) * ${cachedRate} * ${cacheScale}
    + ${w5m} * coalesce(p.p_write_5m, ${inRate}) * ${cacheScale}
    + ${w1h} * coalesce(p.p_write_1h, ${inRate}) * ${cacheScale}
    + r.output_tokens * CASE WHEN ${batch} THEN p.p_batch_output ELSE ${outRate} END
  ) / ${TOKENS_PER_MILLION}`;
  return `
    SELECT r.*, m.price_key,
      CASE WHEN p.price_key IS NOT NULL THEN ${cost} END AS cost,
      CASE WHEN m.unpriced_reason IS NOT NULL THEN m.unpriced_reason
           WHEN p.price_key IS NULL THEN 'no price for ' || m.price_key || ' effective on ' || CAST(CAST(r.ts AS DATE) AS VARCHAR) END AS unpriced_reason,
      (p.price_key IS NOT NULL AND r.cached_input_tokens > 0 AND p.p_cached IS NULL) AS cached_at_input_rate,
      (p.price_key IS NOT NULL AND (r.batch OR r.service_tier_served = 'batch') AND NOT ${batch}) AS batch_at_standard_rate
    FROM requests r
    LEFT JOIN route_map m ON m.route IS NOT DISTINCT FROM r.route AND m.provider IS NOT DISTINCT FROM r.provider AND m.model IS NOT DISTINCT FROM r.model
    LEFT JOIN price_points p ON p.price_key = m.price_key
      AND CAST(r.ts AS DATE) >= coalesce(p.eff_from, DATE '0001-01-01') AND CAST(r.ts AS DATE) < coalesce(p.eff_to, DATE '9999-12-31')`;
}
