import type { Catalog } from '../../catalog/types.js';
import { TOKENS_PER_MILLION } from '../../engine/units.js';
import { type PricingContext, pricingData } from '../pricing.js';
import type { ChStore } from './connection.js';

/**
 * Query-time pricing on ClickHouse: the same catalog resolution as the DuckDB store (`pricingData`)
 * and the same per-attempt arithmetic as `pricedSql` in ../pricing.ts (engine `attemptCost`, seed 000
 * Part 0: tokens × rate per class, cache reads and 5-minute/1-hour writes, batch tier served, the
 * long-context cliff), written for ClickHouse 18.16.
 *
 * 18.16 joins on equality only, so a row's price point cannot be found with a date-range join.
 * Instead the session table `route_prices` holds one row per (route, provider, model) with that
 * route's price points as parallel arrays; each attempt picks its point with `arrayFirstIndex` over
 * [eff_from, eff_to). NULL keys are matched through (value-or-'', is-null) pairs.
 */

const ARRAYS = [
  ['pp_input', 'input'],
  ['pp_output', 'output'],
  ['pp_cached', 'cachedInput'],
  ['pp_write_5m', 'cacheWrite5m'],
  ['pp_write_1h', 'cacheWrite1h'],
  ['pp_batch_input', 'batchInput'],
  ['pp_batch_output', 'batchOutput'],
  ['pp_lc_threshold', 'lcThreshold'],
  ['pp_lc_input', 'lcInput'],
  ['pp_lc_output', 'lcOutput'],
  ['pp_lc_cached', 'lcCached'],
] as const;

/** Open ends of a price's validity, inside 18.16's Date range (1970-01-01 … 2105-12-31; the import refuses timestamps outside it). */
const OPEN_FROM = '1970-01-01';
const OPEN_TO = '2105-12-31';

const KEYS = ['route', 'provider', 'model'] as const;

/** Creates the session table `route_prices` for the keys the store holds. */
export async function prepareChPricing(ch: ChStore, catalog: Catalog): Promise<PricingContext> {
  const keys = await ch.query(`SELECT DISTINCT route, provider, model FROM ${ch.table('requests')}`);
  const data = pricingData(
    catalog,
    keys.map((k) => ({ route: (k.route as string | null) ?? null, provider: (k.provider as string | null) ?? null, model: (k.model as string | null) ?? null })),
  );
  await ch.command('DROP TEMPORARY TABLE IF EXISTS route_prices');
  await ch.command(
    `CREATE TEMPORARY TABLE route_prices (
       ${KEYS.map((k) => `k_${k} String, n_${k} UInt8`).join(', ')},
       price_key Nullable(String), unpriced_reason Nullable(String),
       pp_from Array(Date), pp_to Array(Date),
       ${ARRAYS.map(([col]) => `${col} Array(Nullable(Float64))`).join(', ')})`,
  );
  const rows = data.routeMap.map((m) => {
    const points = data.pricePoints.filter((p) => p.priceKey === m.priceKey);
    const row: Record<string, unknown> = {};
    for (const k of KEYS) {
      row[`k_${k}`] = m[k] ?? '';
      row[`n_${k}`] = m[k] === null ? 1 : 0;
    }
    row.price_key = m.priceKey;
    row.unpriced_reason = m.unpricedReason;
    row.pp_from = points.map((p) => (p.effFrom === null || p.effFrom < OPEN_FROM ? OPEN_FROM : p.effFrom));
    row.pp_to = points.map((p) => (p.effTo === null || p.effTo > OPEN_TO ? OPEN_TO : p.effTo));
    for (const [col, field] of ARRAYS) row[col] = points.map((p) => p[field]);
    return row;
  });
  // JSONEachRow through the client: the values travel as JSON, not spliced into SQL.
  if (rows.length) await ch.client.insert({ table: 'route_prices', values: rows, format: 'JSONEachRow' });
  return { unresolved: data.unresolved, resolved: data.resolved };
}

/**
 * Attempts with `cost` (NULL when unpriced), `cached_at_input_rate` and `batch_at_standard_rate`,
 * as `priced` in ../pricing.ts. `columns` are the request columns to carry; `where` filters requests.
 */
export function chPricedSql(ch: ChStore, columns: readonly string[], where: string): string {
  const day = `toDate(toDateTime(intDiv(ts_us, 1000000), 'UTC'), 'UTC')`;
  const at = (col: string) => `if(pi = 0, NULL, ${col}[pi])`;
  // The price point in force on the row's day: eff_from ≤ day < eff_to.
  const point = `arrayFirstIndex((f, t) -> ${day} >= f AND ${day} < t, pp_from, pp_to)`;
  // 18.16's AND/OR/NOT return NULL when any argument is NULL (no three-valued logic): every
  // condition below is made non-NULL first, so a missing tier reads as "no", as in DuckDB.
  const lc = `ifNull(input_tokens > ${at('pp_lc_threshold')}, 0)`;
  const batchRow = `(batch OR ifNull(service_tier_served = 'batch', 0))`;
  const batch = `(${batchRow} AND isNotNull(${at('pp_batch_input')}) AND isNotNull(${at('pp_batch_output')}) AND NOT ${lc})`;
  const inRate = `if(${lc}, ${at('pp_lc_input')}, ${at('pp_input')})`;
  const outRate = `if(${lc}, ${at('pp_lc_output')}, ${at('pp_output')})`;
  const cachedRate = `coalesce(if(${lc}, ${at('pp_lc_cached')}, NULL), ${at('pp_cached')}, ${inRate})`;
  const w1h = `ifNull(cache_write_1h_tokens, 0)`;
  const w5m = `(ifNull(cache_write_tokens, 0) - ${w1h})`;
  const uncached = `(input_tokens - ifNull(cached_input_tokens, 0) - ifNull(cache_write_tokens, 0))`;
  // Same terms in the same order as the DuckDB SQL, so each row's double is the same.
  const cost = `(
        ${uncached} * if(${batch}, ${at('pp_batch_input')}, ${inRate})
      + ifNull(cached_input_tokens, 0) * ${cachedRate}
      + ${w5m} * coalesce(${at('pp_write_5m')}, ${inRate})
      + ${w1h} * coalesce(${at('pp_write_1h')}, ${inRate})
      + output_tokens * if(${batch}, ${at('pp_batch_output')}, ${outRate})
    ) / ${TOKENS_PER_MILLION}`;
  const carry = [...new Set([...columns, 'ts_us', 'input_tokens', 'output_tokens', 'cached_input_tokens', 'cache_write_tokens', 'cache_write_1h_tokens', 'batch', 'service_tier_served'])];
  const keyCols = KEYS.flatMap((k) => [`ifNull(${k}, '') AS k_${k}`, `isNull(${k}) AS n_${k}`]);
  return `
    SELECT ${columns.join(', ')},
      if(pi = 0, NULL, ${cost}) AS cost,
      pi > 0 AND ifNull(cached_input_tokens, 0) > 0 AND isNull(${at('pp_cached')}) AS cached_at_input_rate,
      pi > 0 AND ${batchRow} AND NOT ${batch} AS batch_at_standard_rate
    FROM (
      SELECT ${[...carry, ...ARRAYS.map(([col]) => col)].join(', ')}, ${point} AS pi
      FROM (SELECT ${carry.join(', ')}, ${keyCols.join(', ')} FROM ${ch.table('requests')} ${where})
      ANY LEFT JOIN route_prices USING (${KEYS.flatMap((k) => [`k_${k}`, `n_${k}`]).join(', ')})
    )`;
}
