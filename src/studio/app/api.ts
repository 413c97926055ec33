import type { Catalog } from '../../catalog/types.js';
import type { Problem } from '../../io/yaml-file.js';
import type { Edit } from '../pricing.js';
import type { Signal } from '../../engine/measured/red-flags.js';
import { type CatalogWire, catalogFromWire } from '../../catalog/wire.js';
import type { GenaiSubset } from '../genai-subset.js';

export interface Session {
  today: string;
  file: string | null;
  files: string[];
  /** Files of the folder holding an agent workflow (an `agent:` block). */
  agentFiles: string[];
  store: { kind: 'duckdb' | 'clickhouse'; name?: string } | null;
  presets: { name: string; title: string; card: string; text: string }[];
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly problems: Problem[] = [],
  ) {
    super(message);
  }
}

async function call<T>(url: string, init?: RequestInit): Promise<T> {
  // No header on a GET: the request then matches the page's <link rel=preload> and reuses its response.
  const res = await fetch(url, init?.body === undefined ? init : { ...init, headers: { 'Content-Type': 'application/json', ...(init.headers ?? {}) } });
  const body = (await res.json()) as T & { error?: string; problems?: Problem[] };
  if (!res.ok) throw new ApiError(body.error ?? `HTTP ${res.status}`, res.status, body.problems ?? []);
  return body;
}

export const getSession = () => call<Session>('api/session');
export const getCatalog = async (): Promise<Catalog> => catalogFromWire(await call<CatalogWire>('api/catalog'));
/** The bundled genai-prices data of the catalog's providers (what the route lookup reads). */
export const getGenaiPrices = () => call<GenaiSubset>('api/genai-prices');
export const getFile = (path: string) => call<{ path: string; text: string }>(`api/file?path=${encodeURIComponent(path)}`);
export const saveEdits = (path: string, edits: Edit[]) => call<{ path: string; text: string }>('api/file', { method: 'PUT', body: JSON.stringify({ path, edits }) });
export const saveText = (path: string, text: string, overwrite = false) =>
  call<{ path: string; text: string }>('api/file', { method: 'PUT', body: JSON.stringify({ path, text, overwrite }) });
export const tracesSummary = (q: { by?: string; from?: string; to?: string }) => {
  const p = new URLSearchParams(Object.entries(q).filter(([, v]) => v) as [string, string][]);
  return call<TracesSummary>(`api/traces/summarize?${p}`);
};

/** `routefit traces summarize --json`, as the CLI prints it. */
export interface TracesSummary {
  by: string[];
  groups: Record<string, unknown>[];
  unpriced: unknown[];
  routeSummaries: unknown[];
  gpuRoutes: unknown[];
  otelMetrics: unknown[];
}

const query = (q: Record<string, string | undefined>) => new URLSearchParams(Object.entries(q).filter(([, v]) => v) as [string, string][]);
/** `routefit traces check --json`: red flags and reversion signals (exit 1 when one fires is not an error). */
export const tracesCheck = (q: { from?: string; to?: string; 'slo-p99-ms'?: string; 'slo-ttft-p99-ms'?: string; 'slo-tpot-p99-ms'?: string; 'quality-floor'?: string }) => call<TracesCheck>(`api/traces/check?${query(q)}`);
/** `routefit traces reconcile --json`: trace cost vs invoice per provider × period (and SKU), with causes. */
export const tracesReconcile = (q: { 'assumed-cache-hit-rate'?: string; 'revenue-per-accepted'?: string } = {}) => call<TracesReconcile>(`api/traces/reconcile?${query(q)}`);

/** A signal as `traces check --json` gives it: the engine's type (engine/measured/red-flags.ts). */
export type TraceSignal = Signal;
export interface TracesCheck {
  fired: number;
  signals: TraceSignal[];
}
export interface ReconcileLineWire {
  provider: string;
  periodStart: string;
  periodEnd: string;
  sku?: string;
  invoiceUsd: number;
  traceCostUsd: number | null;
  pricedTraceCostUsd: number;
  deltaUsd: number;
  deltaPct: number | null;
  flag: 'ok' | 'over_5pct' | 'over_10pct';
  causes: { id: string; verdict: string; finding: string; impactUsd?: number }[];
  otherChargesUsd: number;
  unpricedAttempts: number;
  margin?: { accepted: number; loadedCostPerAccepted: number | null; naiveCostPerAccepted: number | null; marginPerAccepted: number | null; marginPct: number | null };
}
export interface TracesReconcile {
  providers: ReconcileLineWire[];
  skus: ReconcileLineWire[];
  unpriced: unknown[];
  /** The store holds no invoice yet (the CLI's message). */
  noInvoice?: string;
}
