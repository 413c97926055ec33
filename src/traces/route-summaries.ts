import type { Catalog } from '../catalog/types.js';
import { type RouteSummary, type TraceKitMetrics, traceKitMetrics } from '../engine/measured/trace-kit.js';
import { type Row, type Store, query } from './db.js';
import { SUMMARY_FIELDS } from './ledgers.js';
import { priceRatios } from './trace-kit.js';

/** Imported route summaries with the Trace Kit's five derived metrics; price ratios from the catalog when it knows the route. */
export async function routeSummaries(store: Store | ((sql: string) => Promise<Row[]>), catalog: Catalog, asOf: string): Promise<(RouteSummary & { metrics: TraceKitMetrics })[]> {
  const run = typeof store === 'function' ? store : (sql: string) => query(store.conn, sql);
  // The same SQL on DuckDB and ClickHouse (double-quoted names, NULLs last on both).
  const rows = (await run(`SELECT ${SUMMARY_FIELDS.map((f) => `"${f}"`).join(', ')} FROM route_summaries ORDER BY workload, route`)) as unknown as RouteSummary[];
  return rows.map((r) => {
    // A route the catalog cannot price keeps the price-free readings (uncached tokens, no batch share).
    const hit = priceRatios(catalog, r.route, asOf);
    return { ...r, metrics: traceKitMetrics(r, typeof hit === 'string' ? {} : hit) };
  });
}
