import type { Catalog } from '../../catalog/types.js';
import { TOKENS_PER_MILLION } from '../../engine/units.js';
import { type PricingContext, pricingData } from '../pricing.js';
import type { ChStore } from './connection.js';

/**
 * Query-time pricing on ClickHouse: the same catalog resolution as the DuckDB store (`pricingData`)
 * and the same per-attempt arithmetic as `pricedSql` in ../pricing.ts (engine `attemptCost`, Inference Field Guide
 * Part 0: tokens × rate per class, cache reads and 5-minute/1-hour writes, batch tier served, the
 * long-context cliff), written for ClickHouse 18.16.
 *
 * 18.16 joins on equality only, so a row's price point cannot be found with a date-range join as in
 * DuckDB. Instead the session table `day_prices` holds, for every (route, provider, model, UTC day)
 * the store holds, the price point in force that day (eff_from ≤ day < eff_to, as the DuckDB join
 * reads it), and each attempt joins it on equality. NULL keys are matched through (value-or-'',
 * is-null) pairs. (Arrays of points picked with arrayFirstIndex were tried first: 18.16 drops a
 * column read only inside a lambda when it prunes a joined subquery.)
 */

const PRICES = [
  ['p_input', 'input'],
  ['p_output', 'output'],
  ['p_cached', 'cachedInput'],
  ['p_write_5m', 'cacheWrite5m'],
  ['p_write_1h', 'cacheWrite1h'],
  ['p_batch_input', 'batchInput'],
  ['p_batch_output', 'batchOutput'],
  ['lc_threshold', 'lcThreshold'],
  ['lc_input', 'lcInput'],
  ['lc_output', 'lcOutput'],
  ['lc_cached', 'lcCached'],
  ['p_batch_cache', 'batchCacheFactor'],
] as const;

const KEYS = ['route', 'provider', 'model'] as const;
const JOIN_KEYS = [...KEYS.flatMap((k) => [`k_${k}`, `n_${k}`]), 'row_day'];
const ROW_DAY = `toDate(toDateTime(intDiv(ts_us, 1000000), 'UTC'), 'UTC')`;

/** Creates the session table `day_prices` for the (route, provider, model, day) the store holds. */
export async function prepareChPricing(ch: ChStore, catalog: Catalog): Promise<PricingContext> {
  const combos = await ch.query(`SELECT DISTINCT route, provider, model, toString(${ROW_DAY}) AS day FROM ${ch.attempts()}`);
  const keyOf = (r: Record<string, unknown>) => JSON.stringify([r.route ?? null, r.provider ?? null, r.model ?? null]);
  const keys = new Map<string, { route: string | null; provider: string | null; model: string | null }>();
  for (const c of combos) keys.set(keyOf(c), { route: (c.route as string | null) ?? null, provider: (c.provider as string | null) ?? null, model: (c.model as string | null) ?? null });
  const data = pricingData(catalog, [...keys.values()]);
  const priceKeyOf = new Map(data.routeMap.map((m) => [keyOf({ ...m }), m.priceKey]));
  await ch.command('DROP TEMPORARY TABLE IF EXISTS day_prices');
  await ch.command(
    `CREATE TEMPORARY TABLE day_prices (
       ${KEYS.map((k) => `k_${k} String, n_${k} UInt8`).join(', ')}, row_day Date, has_point UInt8,
       ${PRICES.map(([col]) => `${col} Nullable(Float64)`).join(', ')})`,
  );
  const rows = combos.flatMap((c) => {
    const priceKey = priceKeyOf.get(keyOf(c));
    const day = String(c.day);
    // The point in force on the row's day, as the DuckDB join reads it: eff_from ≤ day < eff_to, open ends open.
    const point = priceKey ? data.pricePoints.find((p) => p.priceKey === priceKey && (p.effFrom === null || p.effFrom <= day) && (p.effTo === null || day < p.effTo)) : undefined;
    if (!point) return [];
    const row: Record<string, unknown> = { row_day: day, has_point: 1 };
    for (const k of KEYS) {
      const v = c[k] as string | null;
      row[`k_${k}`] = v ?? '';
      row[`n_${k}`] = v === null ? 1 : 0;
    }
    for (const [col, field] of PRICES) row[col] = point[field];
    return [row];
  });
  // JSONEachRow through the client: the values travel as JSON, not spliced into SQL.
  if (rows.length) await ch.client.insert({ table: 'day_prices', values: rows, format: 'JSONEachRow' });
  return { unresolved: data.unresolved, resolved: data.resolved };
}

/**
 * Attempts with `cost` (NULL when unpriced), `cached_at_input_rate` and `batch_at_standard_rate`,
 * as `priced` in ../pricing.ts. `columns` are the request columns to carry; `where` filters requests.
 */
export function chPricedSql(ch: ChStore, columns: readonly string[], where: string): string {
  const at = (col: string) => `if(has_point = 1, ${col}, NULL)`;
  // 18.16's AND/OR/NOT and if() return NULL when any argument is NULL (no three-valued logic): every
  // condition below is made non-NULL first, so a missing tier reads as "no", as in DuckDB.
  const lc = `ifNull(input_tokens > ${at('lc_threshold')}, 0)`;
  const batchRow = `(batch OR ifNull(service_tier_served = 'batch', 0))`;
  const batch = `(${batchRow} AND isNotNull(${at('p_batch_input')}) AND isNotNull(${at('p_batch_output')}) AND NOT ${lc})`;
  const inRate = `if(${lc}, ${at('lc_input')}, ${at('p_input')})`;
  const outRate = `if(${lc}, ${at('lc_output')}, ${at('p_output')})`;
  const cachedRate = `coalesce(if(${lc}, ${at('lc_cached')}, NULL), ${at('p_cached')}, ${inRate})`;
  const w1h = `ifNull(cache_write_1h_tokens, 0)`;
  const w5m = `(ifNull(cache_write_tokens, 0) - ${w1h})`;
  const uncached = `(input_tokens - ifNull(cached_input_tokens, 0) - ifNull(cache_write_tokens, 0))`;
  const cacheScale = `if(${batch}, ifNull(${at('p_batch_cache')}, 1), 1)`;
  // Same terms in the same order as the DuckDB SQL, so each row's double is the same.
  const cost = `(
        ${uncached} * if(${batch}, ${at('p_batch_input')}, ${inRate})
      + ifNull(cached_input_tokens, 0) * ${cachedRate} * ${cacheScale}
      + ${w5m} * coalesce(${at('p_write_5m')}, ${inRate}) * ${cacheScale}
      + ${w1h} * coalesce(${at('p_write_1h')}, ${inRate}) * ${cacheScale}
      + output_tokens * if(${batch}, ${at('p_batch_output')}, ${outRate})
    ) / ${TOKENS_PER_MILLION}`;
  const carry = [...new Set([...columns, 'input_tokens', 'output_tokens', 'cached_input_tokens', 'cache_write_tokens', 'cache_write_1h_tokens', 'batch', 'service_tier_served'])];
  const keyCols = KEYS.flatMap((k) => [`ifNull(${k}, '') AS k_${k}`, `isNull(${k}) AS n_${k}`]);
  return `
    SELECT ${columns.join(', ')},
      if(has_point = 1, ${cost}, NULL) AS cost,
      has_point = 1 AND ifNull(cached_input_tokens, 0) > 0 AND isNull(p_cached) AS cached_at_input_rate,
      has_point = 1 AND ${batchRow} AND NOT ${batch} AS batch_at_standard_rate
    FROM (SELECT ${carry.join(', ')}, ${ROW_DAY} AS row_day, ${keyCols.join(', ')} FROM ${ch.attempts()} ${where})
    ANY LEFT JOIN day_prices USING (${JOIN_KEYS.join(', ')})`;
}
