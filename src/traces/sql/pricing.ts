import type { Catalog } from '../../catalog/types.js';
import { type PricingContext, pricingData } from '../price-points.js';
import { COLUMNS } from '../schema.js';
import { attemptCost } from './cost.js';
import type { SqlSource } from './source.js';

/**
 * Price lookup by date, once per (route, provider, model, UTC day): the session table `day_prices`
 * holds, for every such combination the store holds, its catalog price key and the price point in
 * force that day (eff_from ≤ day < eff_to), or why it has none. Each attempt joins it on equality
 * (ClickHouse 18.16 joins on equality only; on DuckDB an equality hash join on a few hundred rows
 * is also cheaper than a range join per row). NULL keys match through (value-or-'', is-null) pairs.
 */

/** The price point's columns, each with the PricePointRow field it comes from ($ per 1M tokens). */
export const PRICE_COLUMNS = [
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
/** The columns the cost formula reads. */
const COST_INPUTS = ['input_tokens', 'output_tokens', 'cached_input_tokens', 'cache_write_tokens', 'cache_write_1h_tokens', 'batch', 'service_tier_served'];
/** The columns an attempt (or a pre-aggregated row of attempts) joins `day_prices` on. */
export const JOIN_KEYS = [...KEYS.flatMap((k) => [`k_${k}`, `n_${k}`]), 'row_day'];

/** Every normalized column of an attempt, as the store names it (the timestamp is the dialect's `ts`). */
export const attemptColumns = (src: SqlSource): string[] => COLUMNS.map((c) => (c.name === 'timestamp' ? src.dialect.ts : c.name));

/** At most this many (route, provider, model, day) rows are spanned from first to last day; past it, only the days held. */
const MAX_SPANNED_DAYS = 200_000;
const DAY_MS = 86_400_000;

/**
 * The (route, provider, model, day) combinations to price: each (route, provider, model) with every
 * UTC day from its first to its last attempt (a day without attempts is a row no attempt joins). One
 * grouping by three columns with min/max of the timestamp, instead of a DISTINCT over a day computed
 * for every row; a store whose span would make more than MAX_SPANNED_DAYS rows lists the held days.
 */
export async function dayCombos(src: SqlSource, maxSpannedDays = MAX_SPANNED_DAYS): Promise<Record<string, unknown>[]> {
  const d = src.dialect;
  const spans = await src.query(
    `SELECT route, provider, model, ${d.dateText(d.date(`min(${d.ts})`))} AS first_day, ${d.dateText(d.date(`max(${d.ts})`))} AS last_day FROM ${src.attempts} GROUP BY route, provider, model`,
  );
  const days = (r: Record<string, unknown>) => (Date.parse(String(r.last_day)) - Date.parse(String(r.first_day))) / DAY_MS + 1;
  if (spans.reduce((n, r) => n + days(r), 0) > maxSpannedDays) {
    return src.query(`SELECT DISTINCT route, provider, model, ${d.dateText(d.date(d.ts))} AS day FROM ${src.attempts}`);
  }
  return spans.flatMap((r) =>
    Array.from({ length: days(r) }, (_, i) => ({ route: r.route, provider: r.provider, model: r.model, day: new Date(Date.parse(String(r.first_day)) + i * DAY_MS).toISOString().slice(0, 10) })),
  );
}

/** Fills `day_prices` for the (route, provider, model, day) combinations the store holds. */
export async function prepareDayPrices(src: SqlSource, catalog: Catalog): Promise<PricingContext> {
  const d = src.dialect;
  const combos = await dayCombos(src);
  const keyOf = (r: Record<string, unknown>) => JSON.stringify([r.route ?? null, r.provider ?? null, r.model ?? null]);
  const keys = new Map<string, { route: string | null; provider: string | null; model: string | null }>();
  for (const c of combos) keys.set(keyOf(c), { route: (c.route as string | null) ?? null, provider: (c.provider as string | null) ?? null, model: (c.model as string | null) ?? null });
  const data = pricingData(catalog, [...keys.values()]);
  const mapOf = new Map(data.routeMap.map((m) => [keyOf({ ...m }), m]));
  // One number per (route as written, price key) pair: the summary collects these per group (an integer
  // per attempt, not a two-element list) and `routePairs` reads them back.
  const pairs = new Map<string, number>();
  const rows = combos.map((c) => {
    const m = mapOf.get(keyOf(c))!;
    const day = String(c.day);
    // The point in force on the row's day: eff_from ≤ day < eff_to, open ends open.
    const point = m.priceKey ? data.pricePoints.find((p) => p.priceKey === m.priceKey && (p.effFrom === null || p.effFrom <= day) && (p.effTo === null || day < p.effTo)) : undefined;
    const row: Record<string, unknown> = {
      row_day: day,
      price_key: m.priceKey,
      has_point: !!point,
      unpriced_reason: m.unpricedReason ?? (point ? null : `no price for ${m.priceKey} effective on ${day}`),
    };
    const pair = JSON.stringify([c.route ?? null, m.priceKey]);
    if (!pairs.has(pair)) pairs.set(pair, pairs.size);
    row.route_pair = pairs.get(pair);
    for (const k of KEYS) {
      const v = c[k] as string | null;
      row[`k_${k}`] = v ?? '';
      row[`n_${k}`] = v === null;
    }
    for (const [col, field] of PRICE_COLUMNS) row[col] = point ? point[field] : null;
    return row;
  });
  // Each long-context threshold's rank among the distinct thresholds of these rows (how many are
  // below it): an input past threshold T is past more than rank(T) of them (./summary.ts groups rows
  // by that count before pricing them; `longContextThresholds` lists the same set).
  const thresholds = [...new Set(rows.map((r) => r.lc_threshold).filter((t): t is number => typeof t === 'number'))].sort((a, b) => a - b);
  for (const r of rows) r.lc_rank = typeof r.lc_threshold === 'number' ? thresholds.indexOf(r.lc_threshold) : null;
  const t = d.types;
  await src.tempTable('day_prices', [
    ...KEYS.flatMap((k): [string, string][] => [[`k_${k}`, t.text], [`n_${k}`, t.bool]]),
    ['row_day', t.date],
    ['price_key', t.nullable(t.text)],
    ['unpriced_reason', t.nullable(t.text)],
    ['has_point', t.bool],
    ['route_pair', t.int],
    ...PRICE_COLUMNS.map(([col]): [string, string] => [col, t.nullable(t.float)]),
    ['lc_rank', t.nullable(t.int)],
  ], rows);
  return { unresolved: data.unresolved, resolved: data.resolved };
}

/** The (route as written, price key) pair of each `route_pair` number in `day_prices`. */
export async function routePairs(src: SqlSource): Promise<Map<number, [string | null, string | null]>> {
  const rows = await src.query(`SELECT DISTINCT route_pair, k_route, n_route, price_key FROM day_prices`);
  const none = (v: unknown) => v === true || Number(v) === 1;
  return new Map(rows.map((r) => [Number(r.route_pair), [none(r.n_route) ? null : String(r.k_route), (r.price_key as string | null) ?? null]]));
}

/**
 * Attempts (`columns` of the attempts relation, filtered by `preds`) with `price_key`, `route_pair`,
 * `unpriced_reason`, `cost` (NULL when unpriced), `cached_at_input_rate` (a cache read billed at
 * the input rate: the route has no cached price) and `batch_at_standard_rate` (a batch row on a
 * route without both batch prices). Needs `prepareDayPrices`.
 */
export function pricedSql(src: SqlSource, columns: readonly string[], preds: readonly string[]): string {
  const d = src.dialect;
  const has = d.cond(d.isTrue('has_point'));
  const { cost, batchRow, batch } = attemptCost(d, (col) => col);
  return `
    SELECT ${columns.join(', ')}, price_key, route_pair, unpriced_reason,
      ${d.iff(has, cost, 'NULL')} AS cost,
      ${has} AND ${d.cond('cached_input_tokens > 0')} AND ${d.isNull('p_cached')} AS cached_at_input_rate,
      ${has} AND ${batchRow} AND NOT ${batch} AS batch_at_standard_rate
    FROM (${keyedSql(src, [...new Set([...columns, ...COST_INPUTS])], preds)}) AS keyed
    ${d.leftJoinOne} day_prices USING (${JOIN_KEYS.join(', ')})`;
}

/** Attempts (`columns`, filtered by `preds`) with the columns they join `day_prices` on (JOIN_KEYS), not yet joined. */
export function keyedSql(src: SqlSource, columns: readonly string[], preds: readonly string[]): string {
  const d = src.dialect;
  const keyCols = KEYS.flatMap((k) => [`coalesce(${k}, '') AS k_${k}`, `${d.isNull(k)} AS n_${k}`]);
  return `SELECT ${columns.join(', ')}, ${d.date(d.ts)} AS row_day, ${keyCols.join(', ')} FROM ${src.attempts} ${preds.length ? `WHERE ${preds.join(' AND ')}` : ''}`;
}

/** The distinct long-context thresholds of `day_prices`, ascending (their ranks are `lc_rank`). */
export async function longContextThresholds(src: SqlSource): Promise<number[]> {
  const rows = await src.query(`SELECT DISTINCT lc_threshold AS t FROM day_prices WHERE ${src.dialect.notNull('lc_threshold')}`);
  return rows.map((r) => Number(r.t)).sort((a, b) => a - b);
}
