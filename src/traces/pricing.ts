import type { Catalog } from '../catalog/types.js';
import type { ChStore } from './clickhouse/connection.js';
import type { Store } from './db.js';
import type { PricingContext } from './price-points.js';
import { type SqlSource, attemptColumns, prepareDayPrices, pricedSql, sourceOf } from './sql/index.js';

/** The catalog side of query-time pricing (route resolution, dated price points) lives in price-points.ts. */
export { type PricePointRow, type PricingContext, type PricingData, type RouteMapRow, type UnpricedRoute, pricingData } from './price-points.js';

/**
 * Query-time pricing on any store: fills the session table `day_prices` (./sql/pricing.ts: the
 * price point of every (route, provider, model, day) the store holds). On a DuckDB store the
 * view `priced` (every attempt with its cost) is also made, for SQL typed by hand against the store.
 */
export async function preparePricing(store: Store | ChStore | SqlSource, catalog: Catalog): Promise<PricingContext> {
  const src = sourceOf(store);
  const ctx = await prepareDayPrices(src, catalog);
  if (src.dialect.engine === 'duckdb') await src.run(`CREATE OR REPLACE TEMP VIEW priced AS ${pricedSql(src, attemptColumns(src), [])}`);
  return ctx;
}
