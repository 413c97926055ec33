import type { Catalog } from '../../catalog/types.js';
import { RoutefitError } from '../../engine/errors.js';
import { CLICKHOUSE_UNAVAILABLE, chTraceSeries, checkClickHouse } from '../clickhouse/checks.js';
import { type ChStore, chLit } from '../clickhouse/connection.js';
import { summarizeClickHouse } from '../clickhouse/metrics.js';
import { prepareChPricing } from '../clickhouse/pricing.js';
import type { ReadSource } from './open.js';
import type { StoreCapabilities, TraceStore } from './types.js';

/**
 * The ClickHouse adapter of `TraceStore` (ClickHouse 18.16 and later). Reads take attempts from
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
      const rows = await ch.query(`SELECT count() AS n FROM system.tables WHERE database = ${chLit(ch.database)} AND name = 'requests'`);
      if (Number(rows[0]?.n ?? 0) === 0) {
        throw new RoutefitError('invalid_input', `no trace store at ${ch.url} (database ${ch.database} has no requests table); run \`routefit traces import FILE --clickhouse ${ch.url}\` first`, { field: 'clickhouse' });
      }
    },
    async importFile(file, opts) {
      if (!capabilities.imports) refuse('imports', 'source');
      const { importFileToClickHouse } = await import('../clickhouse/import.js');
      return importFileToClickHouse(ch, file, { ...opts, url });
    },
    async preparePricing(catalog) {
      const ctx = await prepareChPricing(ch, catalog);
      pricedFor = catalog;
      return ctx;
    },
    summarize: (opts) => (requirePriced(), summarizeClickHouse(ch, opts)),
    traceSeries: (window, catalog) => (requirePriced(), chTraceSeries(ch, window, catalog)),
    routeUse: async (window, catalog) => (requirePriced(), (await chTraceSeries(ch, window, catalog)).routeUse),
    check: (opts) => (requirePriced(), checkClickHouse(ch, opts)),
    hasInvoices: async () => false,
    invoicePeriods: async () => [],
    reconcile: async () => refuse('invoices', 'invoice'),
    incidents: async () => undefined,
    gpuRoutes: async (_catalog, hours) => (hours.size ? refuse('gpuHours', 'gpu-hours') : []),
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
