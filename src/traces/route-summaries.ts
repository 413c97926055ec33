import { findRoute, pointAt } from '../catalog/lookup.js';
import type { Catalog } from '../catalog/types.js';
import { RoutefitError } from '../engine/errors.js';
import { type RouteSummary, type TraceKitMetrics, traceKitMetrics } from '../engine/trace-kit.js';
import { type Store, query } from './db.js';
import { SUMMARY_FIELDS } from './ledgers.js';

/** Imported route summaries with the Trace Kit's five derived metrics; price ratios from the catalog when it knows the route. */
export async function routeSummaries(store: Store, catalog: Catalog, asOf: string): Promise<(RouteSummary & { metrics: TraceKitMetrics })[]> {
  const rows = (await query(store.conn, `SELECT ${SUMMARY_FIELDS.map((f) => `"${f}"`).join(', ')} FROM route_summaries ORDER BY workload, route`)) as unknown as RouteSummary[];
  return rows.map((r) => {
    let prices: { cachedOverInput?: number; batchOverStandard?: number } = {};
    try {
      const e = findRoute(catalog, r.route);
      if (e.kind === 'tokens') {
        const sheet = pointAt(e, asOf).sheet;
        const input = sheet.input?.value;
        if (input) {
          prices = {
            ...(sheet.cachedInput ? { cachedOverInput: sheet.cachedInput.value / input } : {}),
            ...(sheet.batchInput ? { batchOverStandard: sheet.batchInput.value / input } : {}),
          };
        }
      }
    } catch (err) {
      // A route the catalog cannot price keeps the price-free readings (uncached tokens, no batch share).
      if (!(err instanceof RoutefitError)) throw err;
    }
    return { ...r, metrics: traceKitMetrics(r, prices) };
  });
}
