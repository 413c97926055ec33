import type { Catalog } from '../../catalog/types.js';
import { checkStore, incidentsIn, routesInUse, traceSeries } from '../checks.js';
import { type Store, query } from '../db.js';
import { gpuRoutes } from '../gpu.js';
import { importFile } from '../import.js';
import { memoryNote, summarizeMemoryNeed } from '../memory-estimate.js';
import { summarize, timeFilter } from '../metrics.js';
import { hasMetricPoints, otelMetricSummaries } from '../otel-metrics.js';
import { preparePricing } from '../pricing.js';
import { reconcileStore } from '../reconcile.js';
import { routeSummaries } from '../route-summaries.js';
import type { StoreCapabilities, TraceStore } from './types.js';

/** Everything the DuckDB store holds: it is the store of record for one machine. */
export const DUCKDB_CAPABILITIES: StoreCapabilities = {
  replace: true,
  invoices: true,
  incidents: true,
  gpuHours: true,
  routeSummaries: true,
  otelMetrics: true,
  imports: true,
  why: {},
};

/** The DuckDB adapter of `TraceStore` over an open DuckDB store file. */
export function duckDbTraceStore(store: Store, notes: readonly string[] = []): TraceStore {
  let pricedFor: Catalog | undefined;
  const requirePriced = () => {
    if (!pricedFor) throw new Error('TraceStore: call preparePricing(catalog) before reading costs');
  };
  return {
    label: store.path,
    json: { db: store.path },
    capabilities: DUCKDB_CAPABILITIES,
    notes,
    // openStore already refuses a missing file; an existing file always has its tables.
    requireTraces: async () => undefined,
    importFile: (file, opts) => {
      const { whileChecking, ...rest } = opts;
      const run = () => importFile(store, file, rest);
      return whileChecking ? whileChecking(store, run) : run();
    },
    async preparePricing(catalog) {
      const ctx = await preparePricing(store, catalog);
      pricedFor = catalog;
      return ctx;
    },
    summarize: (opts) => (requirePriced(), summarize(store, opts)),
    traceSeries: (window, catalog) => (requirePriced(), traceSeries(store, window, catalog)),
    routeUse: (window, catalog) => (requirePriced(), routesInUse(store, window, catalog)),
    check: (opts) => (requirePriced(), checkStore(store, opts)),
    async hasInvoices() {
      const [row] = await query(store.conn, 'SELECT count(*) AS lines FROM invoice_lines');
      return Number(row?.lines ?? 0) > 0;
    },
    reconcile: (opts = {}) => (requirePriced(), reconcileStore(store, opts)),
    incidents: (uses, catalog) => incidentsIn(store, uses, catalog),
    gpuRoutes: (catalog, hours, opts) => (requirePriced(), gpuRoutes(store, catalog, hours, opts)),
    routeSummaries: (catalog, asOf) => routeSummaries(store, catalog, asOf),
    otelMetrics: async (window) => ((await hasMetricPoints(store)) ? otelMetricSummaries(store, window) : []),
    async memoryNote(window) {
      const need = await summarizeMemoryNeed(store, timeFilter(window));
      return (need && memoryNote(need)) || undefined;
    },
    close: async () => store.close(),
  };
}
