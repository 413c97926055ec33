import type { Catalog } from '../../catalog/types.js';
import type { Problem } from '../../io/yaml-file.js';
import type { Edit } from '../pricing.js';
import { type CatalogWire, catalogFromWire } from '../../catalog/wire.js';

export interface Session {
  today: string;
  file: string | null;
  files: string[];
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
  const res = await fetch(url, { ...init, headers: { 'Content-Type': 'application/json', ...(init?.headers ?? {}) } });
  const body = (await res.json()) as T & { error?: string; problems?: Problem[] };
  if (!res.ok) throw new ApiError(body.error ?? `HTTP ${res.status}`, res.status, body.problems ?? []);
  return body;
}

export const getSession = () => call<Session>('api/session');
export const getCatalog = async (): Promise<Catalog> => catalogFromWire(await call<CatalogWire>('api/catalog'));
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
