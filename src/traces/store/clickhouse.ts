import type { Catalog } from '../../catalog/types.js';
import { RoutefitError } from '../../engine/errors.js';
import { CLICKHOUSE_UNAVAILABLE, chTraceSeries, checkClickHouse } from '../clickhouse/checks.js';
import { type ChStore, chLit } from '../clickhouse/connection.js';
import { summarizeClickHouse } from '../clickhouse/metrics.js';
import { prepareChPricing } from '../clickhouse/pricing.js';
import type { StoreCapabilities, TraceStore } from './types.js';

/**
 * The ClickHouse adapter of `TraceStore` (ClickHouse 18.16 and later). Reads take attempts from
 * `ch.attempts()` (routefit's `requests`, or a read source's relation); `ch.cluster` names the
 * cluster when the tables are Distributed.
 */
export function clickHouseCapabilities(): StoreCapabilities {
  const ledgers = 'the ClickHouse store holds trace rows only; import ledgers into a DuckDB store (--db)';
  return {
    replace: false,
    invoices: false,
    incidents: false,
    gpuHours: false,
    routeSummaries: false,
    otelMetrics: false,
    imports: true,
    why: {
      replace: 'ClickHouse has no transaction to replace stored rows atomically: --replace is refused there',
      invoices: CLICKHOUSE_UNAVAILABLE.invoiceVariance ?? ledgers,
      incidents: CLICKHOUSE_UNAVAILABLE.incidents ?? ledgers,
      gpuHours: '--gpu-hours and --gpu-throughput need the DuckDB store (--db); GPU routes are summarized from the DuckDB store only',
      routeSummaries: ledgers,
      otelMetrics: ledgers,
    },
  };
}

export function clickHouseTraceStore(ch: ChStore): TraceStore {
  let pricedFor: Catalog | undefined;
  const requirePriced = () => {
    if (!pricedFor) throw new Error('TraceStore: call preparePricing(catalog) before reading costs');
  };
  const capabilities = clickHouseCapabilities();
  const refuse = (what: keyof StoreCapabilities['why'], field: string): never => {
    throw new RoutefitError('invalid_input', capabilities.why[what] ?? `not on the ClickHouse store`, { field });
  };
  return {
    label: ch.url,
    json: { clickhouse: ch.url },
    capabilities,
    notes: [],
    async requireTraces() {
      const rows = await ch.query(`SELECT count() AS n FROM system.tables WHERE database = ${chLit(ch.database)} AND name = 'requests'`);
      if (Number(rows[0]?.n ?? 0) === 0) {
        throw new RoutefitError('invalid_input', `no trace store at ${ch.url} (database ${ch.database} has no requests table); run \`routefit traces import FILE --clickhouse ${ch.url}\` first`, { field: 'clickhouse' });
      }
    },
    async importFile(file, opts) {
      const { importFileToClickHouse } = await import('../clickhouse/import.js');
      return importFileToClickHouse(ch, file, opts);
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
    reconcile: async () => refuse('invoices', 'invoice'),
    incidents: async () => undefined,
    gpuRoutes: async (_catalog, hours) => (hours.size ? refuse('gpuHours', 'gpu-hours') : []),
    routeSummaries: async () => [],
    otelMetrics: async () => [],
    memoryNote: async () => undefined,
    close: () => ch.close(),
  };
}
