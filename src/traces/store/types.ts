import type { MeasuredOverheads } from '../../engine/measured/measured.js';
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
import type { ClickHouseConnector } from '../clickhouse/connection.js';

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
      /** `--otel-table [DATABASE.]TABLE`: the table the read source reads (default: the source's, e.g. otel_traces in the URL's database). */
      sourceTable?: string;
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
  /** Trace imports are accepted (a read-only source such as `otel_traces` refuses them; ledgers still go into the store's own tables). */
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
  /** ClickHouse, rows checked on the server: called as the file is read (the long part there; the checks run chunk by chunk as it arrives). */
  onReadProgress?: (p: { bytesRead: number; totalBytes: number }) => void;
  /** ClickHouse: which engine checks trace rows (default: ClickHouse SQL where the format allows, else DuckDB). */
  check?: 'duckdb' | 'clickhouse';
  /** Called while another importer holds a shared store's import lock (ClickHouse), with the holder's token. */
  onLockWait?: (holder: string) => void;
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
  /** The invoice periods the store holds (ISO, UTC), for the proration window rule (engine/measured/proration.ts). */
  invoicePeriods(): Promise<{ start: string; end: string }[]>;

  /**
   * `traces reconcile`: traces vs invoices per provider × period and per SKU; with `margin`, each
   * provider line carries its trace-to-margin (summarize's aggregates over the invoice period).
   */
  reconcile(opts?: ReconcileOptions, margin?: { overheads: MeasuredOverheads; revenuePerAccepted?: number | undefined }): Promise<Reconciled>;

  /** Stored incidents within the route-use days; undefined when the store holds none. */
  incidents(uses: RouteUse[], catalog: Catalog | undefined): Promise<Incident[] | undefined>;

  /** `--gpu-hours`: GPU-billed routes with their GPU-hours → cost, utilization, headroom. */
  gpuRoutes(catalog: Catalog, hours: Map<string, number>, opts: Window & { asOf: string; throughput?: Map<string, number> }): Promise<GpuRouteSummary[]>;

  /** Imported Trace Kit route summaries with their metrics ([] where the store keeps none). */
  routeSummaries(catalog: Catalog, asOf: string): Promise<RouteSummaryRow[]>;

  /** OTel GenAI metric summaries ([] where the store keeps none). */
  otelMetrics(window: Window): Promise<OtelMetricSummary[]>;

  /** What a read source (`--source`) read for the window; undefined when the store reads its own tables. */
  sourceReport(window: Window): Promise<SourceReport | undefined>;

  /**
   * The window a command's reads will cover, said once before them: a read source may read the
   * window once for all of them (the otel source extracts the window's spans into a session table).
   * Reads outside the window then see none of it. A no-op for routefit's own tables.
   */
  focus(window: Window): Promise<void>;

  /** A note when a summary needs more memory than the store is allowed (undefined when fine or not measured). */
  memoryNote(window: Window): Promise<string | undefined>;

  close(): Promise<void>;
}

export interface OpenOptions {
  /** Create the store when missing (imports); every other command refuses a missing store. */
  create?: boolean;
  /** How a ClickHouse store is reached (default HTTP to the URL; chdb's in-process ClickHouse in tests). */
  connector?: ClickHouseConnector;
}

/**
 * What a read source read for a window (`--source otel`): rows read as attempts, rows skipped as
 * not model calls, rows excluded because they break a trace-row rule (by the import's rule names,
 * with examples to look up). Shown by every command that reads the source, and in its --json.
 */
export interface SourceReport {
  source: string;
  table: string;
  spans: number;
  /** Spans that are not GenAI model calls (HTTP, DB, tool, agent spans): skipped. */
  skipped: number;
  /** GenAI spans read as attempts. */
  attempts: number;
  /** GenAI spans excluded, by the import's rule name, with the first few (trace id, span id). */
  excluded: { rule: string; spans: number; meaning: string; examples: { traceId: string; spanId: string }[] }[];
  notes: string[];
  /** Lines to print on stderr (empty when nothing was excluded). */
  warnings: string[];
}
