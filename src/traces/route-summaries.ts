import type { Catalog } from '../catalog/types.js';
import { type RouteSummary, type TraceKitMetrics, traceKitMetrics } from '../engine/measured/trace-kit.js';
import type { Readable } from './metrics.js';
import { ledgerHasRows, sourceOf } from './sql/index.js';
import { SUMMARY_FIELDS } from './ledgers.js';
import { priceRatios } from './trace-kit.js';

/** Imported route summaries with the Trace Kit's five derived metrics; price ratios from the catalog when it knows the route. */
export async function routeSummaries(store: Readable, catalog: Catalog, asOf: string): Promise<(RouteSummary & { metrics: TraceKitMetrics })[]> {
  const src = sourceOf(store);
  if (!(await ledgerHasRows(src, 'route_summaries'))) return [];
  // The same SQL on DuckDB and ClickHouse (double-quoted names, NULLs last on both).
  const rows = (await src.query(`SELECT ${SUMMARY_FIELDS.map((f) => `"${f}"`).join(', ')} FROM ${src.table('route_summaries')} ORDER BY workload, route`)) as unknown as RouteSummary[];
  return rows.map((r) => {
    // A route the catalog cannot price keeps the price-free readings (uncached tokens, no batch share).
    const hit = priceRatios(catalog, r.route, asOf);
    return { ...r, metrics: traceKitMetrics(r, typeof hit === 'string' ? {} : hit) };
  });
}
