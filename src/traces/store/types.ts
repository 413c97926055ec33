import type { Catalog } from '../../catalog/types.js';
import type { Incident, RouteUse, Signal } from '../../engine/measured/red-flags.js';
import type { RouteSummary, TraceKitMetrics } from '../../engine/measured/trace-kit.js';
import type { CheckOptions, TraceSeries } from '../checks.js';
import type { Store } from '../db.js';
import type { GpuRouteSummary } from '../gpu.js';
import type { ImportOptions, ImportSummary } from '../import.js';
import type { GroupSummary, SummaryOptions } from '../metrics.js';
import type { OtelMetricSummary } from '../otel-metrics.js';
import type { PricingContext } from '../pricing.js';
import type { ReconcileLine, ReconcileOptions } from '../reconcile.js';

/**
 * The trace store (issue 14, "One store interface"): what every surface asks of the store its traces
 * live in, whatever the store is. The CLI, the report and the Studio hold a `TraceStore` and never
 * ask which kind it is; what a store cannot do is in `capabilities`, with the reason to show.
 */

/** Which store a command names: a DuckDB file, or a ClickHouse server (one node, or a cluster; a table it reads as attempts). */
export type StoreChoice =
  | { kind: 'duckdb'; db: string }
  | {
      kind: 'clickhouse';
      url: string;
      /** `--cluster NAME`: tables are Distributed over this `<remote_servers>` cluster (issue 14, "A real cluster"). */
      cluster?: string;
      /** `--source NAME`: a read source that presents an existing table as routefit's attempts (e.g. `otel`); default routefit's own `requests`. */
      source?: string;
    };

/** A time window, --from inclusive, --to exclusive (UTC). */
export interface Window {
  from?: string;
  to?: string;
}

/** What a store can do; `false` carries no reason, `why` says it. */
export interface StoreCapabilities {
  /** A corrected row can replace the stored one in one transaction (`--replace`). */
  replace: boolean;
  /** Invoices and usage exports (reconcile, invoice variance). */
  invoices: boolean;
  /** Incidents (the incident signals of `check`). */
  incidents: boolean;
  /** `--gpu-hours`: GPU routes summarized from their traced rows. */
  gpuHours: boolean;
  /** Inference Trace Kit route summaries (aggregates as imported). */
  routeSummaries: boolean;
  /** OTel GenAI metric points (histograms). */
  otelMetrics: boolean;
  /** Imports are accepted (a read-only source such as `otel_traces` refuses them). */
  imports: boolean;
  /** Why each `false` above is false, for messages. */
  why: Partial<Record<Exclude<keyof StoreCapabilities, 'why'>, string>>;
}

export interface StoreImportOptions extends ImportOptions {
  /**
   * Runs the row check of a file (the long part) with the DuckDB connection doing it: the CLI wraps
   * it in its progress bar. Every store checks rows with the same importer.
   */
  whileChecking?: <T>(checker: Store, check: () => Promise<T>) => Promise<T>;
}

export interface Reconciled {
  providers: ReconcileLine[];
  skus: ReconcileLine[];
}

export type RouteSummaryRow = RouteSummary & { metrics: TraceKitMetrics };

export interface TraceStore {
  /** The store as shown to people (a URL without its password, or the file path). */
  readonly label: string;
  /** The store as `--json` outputs name it: `{ db: PATH }` or `{ clickhouse: URL }`. */
  readonly json: Readonly<Record<string, string>>;
  readonly capabilities: StoreCapabilities;
  /** Notes from opening (e.g. space reclaimed from interrupted imports), to print on stderr. */
  readonly notes: readonly string[];

  /** Refuses (exit 2, with how to fix) a store that was never imported into. */
  requireTraces(): Promise<void>;

  /** Imports one file (trace rows or a ledger: invoices, usage, incidents …), checked row by row; a failed import leaves the store as it was. */
  importFile(file: string, opts: StoreImportOptions): Promise<ImportSummary>;

  /** Query-time pricing from the catalog (the store keeps tokens): call once before the reads that cost attempts. */
  preparePricing(catalog: Catalog): Promise<PricingContext>;

  /** `traces summarize`: one GroupSummary per group. */
  summarize(opts: SummaryOptions): Promise<GroupSummary[]>;

  /** The series `check` reads (daily counts, hourly p99s, weekly p99/p50, route use). */
  traceSeries(window: Window, catalog: Catalog | undefined): Promise<TraceSeries>;

  /** Each workload's routes with the first and last day the traces saw them. */
  routeUse(window: Window, catalog: Catalog | undefined): Promise<RouteUse[]>;

  /** `traces check`: every signal, "not checked" with a reason where the store lacks the data. */
  check(opts: CheckOptions): Promise<Signal[]>;

  /** True when invoice lines are stored (reconcile refuses a store without). */
  hasInvoices(): Promise<boolean>;

  /** `traces reconcile`: traces vs invoices per provider × period and per SKU. */
  reconcile(opts?: ReconcileOptions): Promise<Reconciled>;

  /** Stored incidents within the route-use days; undefined when the store holds none. */
  incidents(uses: RouteUse[], catalog: Catalog | undefined): Promise<Incident[] | undefined>;

  /** `--gpu-hours`: GPU-billed routes with their GPU-hours → cost, utilization, headroom. */
  gpuRoutes(catalog: Catalog, hours: Map<string, number>, opts: Window & { asOf: string; throughput?: Map<string, number> }): Promise<GpuRouteSummary[]>;

  /** Imported Trace Kit route summaries with their metrics ([] where the store keeps none). */
  routeSummaries(catalog: Catalog, asOf: string): Promise<RouteSummaryRow[]>;

  /** OTel GenAI metric summaries ([] where the store keeps none). */
  otelMetrics(window: Window): Promise<OtelMetricSummary[]>;

  /** A note when a summary needs more memory than the store is allowed (undefined when fine or not measured). */
  memoryNote(window: Window): Promise<string | undefined>;

  close(): Promise<void>;
}

export interface OpenOptions {
  /** Create the store when missing (imports); every other command refuses a missing store. */
  create?: boolean;
}
