import type { Catalog } from '../../catalog/types.js';
import { RoutefitError } from '../../engine/errors.js';
import { chTraceSeries } from '../clickhouse/checks.js';
import { chCheck, chGpuAggregate, chHasInvoices, chIncidentsIn, chInvoicePeriods, chOtelMetrics, chReconcile, chRows, prepareRouteKeys } from '../clickhouse/ledger-reads.js';
import { gpuRoutes } from '../gpu.js';
import { routeSummaries } from '../route-summaries.js';
import { addPeriodMargins } from '../trace-to-margin.js';
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
  // Ledgers live in the store's own tables (clickhouse/ledger-schema.ts), beside the traces.
  return { replace: true, invoices: true, incidents: true, gpuHours: true, routeSummaries: true, otelMetrics: true, imports: true, why: {} };
}

/** `url`: the store URL as given, credentials included (a cluster's nodes are reached with them). */
export function clickHouseTraceStore(ch: ChStore, source?: ReadSource, url: string = ch.url): TraceStore {
  let pricedFor: Catalog | undefined;
  const requirePriced = () => {
    if (!pricedFor) throw new Error('TraceStore: call preparePricing(catalog) before reading costs');
  };
  // The price keys of reconcile and --gpu-hours, made once per catalog when first needed.
  let keysFor: Catalog | undefined;
  const routeKeys = async () => {
    if (keysFor !== pricedFor) await prepareRouteKeys(ch, pricedFor!);
    keysFor = pricedFor;
  };
  const capabilities = clickHouseCapabilities();
  // A read source (--source otel) is read-only for traces; ledgers still go into routefit's own tables of the URL's database.
  const readOnlyTraces = source?.readOnly;
  if (readOnlyTraces) {
    capabilities.imports = false;
    capabilities.why.imports = readOnlyTraces;
  }
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
      const { importFileToClickHouse } = await import('../clickhouse/import.js');
      if (readOnlyTraces) {
        const [{ detectFormat }, { LEDGER_FORMATS }] = await Promise.all([import('../import.js'), import('../ledgers.js')]);
        if (!(LEDGER_FORMATS as readonly string[]).includes(opts.format ?? detectFormat(file))) throw new RoutefitError('invalid_input', readOnlyTraces, { field: 'source' });
      }
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
    check: (opts) => (requirePriced(), chCheck(ch, opts, routeKeys)),
    hasInvoices: () => chHasInvoices(ch),
    invoicePeriods: () => chInvoicePeriods(ch),
    async reconcile(opts = {}, margin) {
      requirePriced();
      if (!(await chHasInvoices(ch))) {
        throw new RoutefitError('invalid_input', `the store holds no invoice lines: import a FOCUS CSV or an invoice CSV (period, provider, sku or model, quantity, unit, amount) first (traces import FILE --clickhouse ${ch.url})`, { field: 'invoice' });
      }
      await routeKeys();
      const r = await chReconcile(ch, opts);
      if (margin) await addPeriodMargins((o) => summarizeClickHouse(ch, o), r.providers, margin);
      return r;
    },
    incidents: (uses, catalog) => chIncidentsIn(ch, uses, catalog),
    async gpuRoutes(catalog, hours, opts) {
      requirePriced();
      if (hours.size) await routeKeys();
      return gpuRoutes(chGpuAggregate(ch, opts), catalog, hours, opts);
    },
    routeSummaries: (catalog, asOf) => routeSummaries(chRows(ch), catalog, asOf),
    otelMetrics: (window) => chOtelMetrics(ch, window),
    sourceReport: async (window) => source?.report(ch, window),
    focus: async (window) => {
      await source?.focus?.(ch, window);
    },
    memoryNote: async () => undefined,
    close: () => ch.close(),
  };
}
