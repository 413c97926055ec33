import type { Catalog } from '../../catalog/types.js';
import { RoutefitError } from '../../engine/errors.js';
import { checkStore, incidentsIn, routesInUse, traceSeries } from '../checks.js';
import type { ChStore } from '../clickhouse/connection.js';
import { gpuRoutes } from '../gpu.js';
import { summarize } from '../metrics.js';
import { preparePricing } from '../pricing.js';
import { reconcileStore } from '../reconcile.js';
import { chSource, ledgerHasRows } from '../sql/index.js';
import { hasMetricPoints, otelMetricSummaries } from '../otel-metrics.js';
import { routeSummaries } from '../route-summaries.js';
import { addPeriodMargins, invoicePeriods } from '../trace-to-margin.js';
import type { ReadSource } from './open.js';
import type { StoreCapabilities, TraceStore } from './types.js';

/**
 * The ClickHouse adapter of `TraceStore` (ClickHouse 18.16 and later). The reads are the queries of
 * ../sql/ in the server's dialect, over routefit's tables; ledgers (invoices, usage, incidents, route
 * summaries, OTel metrics) live in the store's own tables beside the traces (clickhouse/ledger-schema.ts).
 * Reads take attempts from `ch.attempts()` (routefit's `requests`, or a read source's relation);
 * `ch.cluster` names the cluster when the tables are Distributed.
 */
export function clickHouseCapabilities(): StoreCapabilities {
  return { replace: true, invoices: true, incidents: true, gpuHours: true, routeSummaries: true, otelMetrics: true, imports: true, why: {} };
}

export function clickHouseTraceStore(ch: ChStore, source?: ReadSource): TraceStore {
  let pricedFor: Catalog | undefined;
  const requirePriced = () => {
    if (!pricedFor) throw new Error('TraceStore: call preparePricing(catalog) before reading costs');
  };
  const capabilities = clickHouseCapabilities();
  const src = chSource(ch);
  if (source?.readOnly) {
    capabilities.imports = false;
    capabilities.why.imports = source.readOnly;
  }
  const refuse = (what: keyof StoreCapabilities['why'], field: string): never => {
    throw new RoutefitError('invalid_input', capabilities.why[what] ?? `not on the ClickHouse store`, { field });
  };
  return {
    label: ch.url,
    json: source ? { clickhouse: ch.url, source: source.name } : { clickhouse: ch.url },
    capabilities,
    notes: [],
    async requireTraces() {
      if (source) return source.require(ch);
      if (!(await src.hasTable('requests'))) {
        throw new RoutefitError('invalid_input', `no trace store at ${ch.url} (database ${ch.database} has no requests table); run \`routefit traces import FILE --clickhouse ${ch.url}\` first`, { field: 'clickhouse' });
      }
    },
    async importFile(file, opts) {
      const { importFileToClickHouse } = await import('../clickhouse/import.js');
      // A read source (--source otel) is read-only for traces; ledgers still go into routefit's own tables of the URL's database.
      if (!capabilities.imports) {
        const [{ detectFormat }, { LEDGER_FORMATS }] = await Promise.all([import('../import.js'), import('../ledgers.js')]);
        if (!(LEDGER_FORMATS as readonly string[]).includes(opts.format ?? detectFormat(file))) refuse('imports', 'source');
      }
      return importFileToClickHouse(ch, file, opts);
    },
    async preparePricing(catalog) {
      const ctx = await preparePricing(src, catalog);
      pricedFor = catalog;
      return ctx;
    },
    summarize: (opts) => (requirePriced(), summarize(src, opts)),
    traceSeries: (window, catalog) => (requirePriced(), traceSeries(src, window, catalog)),
    routeUse: (window, catalog) => (requirePriced(), routesInUse(src, window, catalog)),
    check: (opts) => (requirePriced(), checkStore(src, opts)),
    hasInvoices: () => ledgerHasRows(src, 'invoice_lines'),
    invoicePeriods: () => invoicePeriods(src),
    async reconcile(opts = {}, margin) {
      requirePriced();
      const r = await reconcileStore(src, opts);
      if (margin) await addPeriodMargins(src, r.providers, margin);
      return r;
    },
    incidents: (uses, catalog) => incidentsIn(src, uses, catalog),
    gpuRoutes: async (catalog, hours, opts) => {
      if (!hours.size) return [];
      // The DuckDB store's query (../sql/ledgers.ts gpuRouteRow), in the server's dialect.
      requirePriced();
      return gpuRoutes(src, catalog, hours, opts);
    },
    routeSummaries: (catalog, asOf) => routeSummaries(src, catalog, asOf),
    otelMetrics: async (window) => ((await hasMetricPoints(src)) ? otelMetricSummaries(src, window) : []),
    sourceReport: async (window) => source?.report(ch, window),
    focus: async (window) => {
      await source?.focus?.(ch, window);
    },
    memoryNote: async () => undefined,
    close: () => ch.close(),
  };
}
