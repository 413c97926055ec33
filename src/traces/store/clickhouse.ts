import type { Catalog } from '../../catalog/types.js';
import { RoutefitError } from '../../engine/errors.js';
import { checkStore, incidentsIn, routesInUse, traceSeries } from '../checks.js';
import type { StoreExtras } from '../checks.js';
import type { ChStore } from '../clickhouse/connection.js';
import { gpuRoutes } from '../gpu.js';
import { summarize } from '../metrics.js';
import { preparePricing } from '../pricing.js';
import { reconcileStore } from '../reconcile.js';
import { chSource, ledgerHasRows } from '../sql/index.js';
import { addPeriodMargins, invoicePeriods } from '../trace-to-margin.js';
import type { ReadSource } from './open.js';
import type { StoreCapabilities, TraceStore } from './types.js';

/** Why a ClickHouse store without the ledger tables cannot supply these signals (shown as the "not checked" detail). */
export const CLICKHOUSE_UNAVAILABLE: NonNullable<StoreExtras['unavailable']> = {
  invoiceVariance: 'not on the ClickHouse store: it holds trace rows only; invoices are reconciled in a DuckDB store (traces import INVOICE --db PATH, traces check --db PATH)',
  incidents: 'not on the ClickHouse store: it holds trace rows only; incidents are imported into a DuckDB store (traces import FILE --format incidents --db PATH)',
};

/**
 * The ClickHouse adapter of `TraceStore` (ClickHouse 18.16 and later). The reads are the queries of
 * ../sql/ in the server's dialect; they run on the ledger tables (invoices, incidents) as soon as
 * the store holds them. Reads take attempts from
 * `ch.attempts()` (routefit's `requests`, or a read source's relation); `ch.cluster` names the
 * cluster when the tables are Distributed.
 */
export function clickHouseCapabilities(): StoreCapabilities {
  const ledgers = 'the ClickHouse store holds trace rows only; import ledgers into a DuckDB store (--db)';
  return {
    replace: true,
    invoices: false,
    incidents: false,
    gpuHours: false,
    routeSummaries: false,
    otelMetrics: false,
    imports: true,
    why: {
      invoices: CLICKHOUSE_UNAVAILABLE.invoiceVariance ?? ledgers,
      incidents: CLICKHOUSE_UNAVAILABLE.incidents ?? ledgers,
      gpuHours: '--gpu-hours and --gpu-throughput need the DuckDB store (--db); GPU routes are summarized from the DuckDB store only',
      routeSummaries: ledgers,
      otelMetrics: ledgers,
    },
  };
}

/** `url`: the store URL as given, credentials included (a cluster's nodes are reached with them). */
export function clickHouseTraceStore(ch: ChStore, source?: ReadSource, url: string = ch.url): TraceStore {
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
      if (!capabilities.imports) refuse('imports', 'source');
      const { importFileToClickHouse } = await import('../clickhouse/import.js');
      return importFileToClickHouse(ch, file, { ...opts, url });
    },
    async preparePricing(catalog) {
      const ctx = await preparePricing(src, catalog);
      pricedFor = catalog;
      return ctx;
    },
    summarize: (opts) => (requirePriced(), summarize(src, opts)),
    traceSeries: (window, catalog) => (requirePriced(), traceSeries(src, window, catalog)),
    routeUse: (window, catalog) => (requirePriced(), routesInUse(src, window, catalog)),
    check: (opts) => (requirePriced(), checkStore(src, opts, CLICKHOUSE_UNAVAILABLE)),
    hasInvoices: () => ledgerHasRows(src, 'invoice_lines'),
    invoicePeriods: () => invoicePeriods(src),
    async reconcile(opts = {}, margin) {
      requirePriced();
      if (!(await src.hasTable('invoice_lines'))) refuse('invoices', 'invoice');
      const r = await reconcileStore(src, opts);
      if (margin) await addPeriodMargins(src, r.providers, margin);
      return r;
    },
    incidents: (uses, catalog) => incidentsIn(src, uses, catalog),
    gpuRoutes: async (catalog, hours, opts) => {
      if (!hours.size) return [];
      // The read is the DuckDB store's query (../sql/ledgers.ts gpuRouteRow); the CLI offers it once the capability is on.
      if (!capabilities.gpuHours) refuse('gpuHours', 'gpu-hours');
      requirePriced();
      return gpuRoutes(src, catalog, hours, opts);
    },
    routeSummaries: async () => [],
    otelMetrics: async () => [],
    sourceReport: async (window) => source?.report(ch, window),
    focus: async (window) => {
      await source?.focus?.(ch, window);
    },
    memoryNote: async () => undefined,
    close: () => ch.close(),
  };
}
