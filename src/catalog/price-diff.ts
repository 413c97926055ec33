import type { PriceChange } from '../engine/measured/red-flags.js';
import type { TokenPriceSheet } from '../engine/cost/token-pricing.js';
import { findRoute, pointAt } from './lookup.js';
import type { Catalog, CatalogEntry, GpuSheet, PricePoint } from './types.js';

export type { PriceChange };

/** The per-token fields a price change is read on, named as in the catalog files. */
const TOKEN_FIELDS: [string, (s: TokenPriceSheet) => number | undefined][] = [
  ['input', (s) => s.input?.value],
  ['output', (s) => s.output?.value],
  ['cached_input', (s) => s.cachedInput?.value],
  ['cache_write_5m', (s) => s.cacheWrite5m?.value],
  ['cache_write_1h', (s) => s.cacheWrite1h?.value],
  ['batch_input', (s) => s.batchInput?.value],
  ['batch_output', (s) => s.batchOutput?.value],
];
const GPU_FIELDS: [string, (s: GpuSheet) => number | undefined][] = [
  ['hourly', (s) => s.onDemand?.value],
  ['spot', (s) => s.spot?.value],
];

/** Field-by-field differences between two price sheets of one route (a field only one side sets counts). */
export function sheetChanges(entry: CatalogEntry, a: PricePoint<unknown>['sheet'], b: PricePoint<unknown>['sheet']): PriceChange['changes'] {
  const fields = (entry.kind === 'tokens' ? TOKEN_FIELDS : GPU_FIELDS) as [string, (s: unknown) => number | undefined][];
  return fields
    .map(([field, get]) => ({ field, before: get(a) ?? null, after: get(b) ?? null }))
    .filter((c) => c.before !== c.after && !(c.before === null && c.after === null));
}

/** Points of a route's history that replaced an earlier point and took effect on or after `onOrAfter`. */
export function historyChanges(entry: CatalogEntry, onOrAfter: string): PriceChange[] {
  const history = (entry.history as PricePoint<unknown>[]).filter((p) => p.effective !== null).sort((a, b) => a.effective!.localeCompare(b.effective!));
  const out: PriceChange[] = [];
  for (let i = 1; i < history.length; i++) {
    const [a, b] = [history[i - 1]!, history[i]!];
    if (b.effective! < onOrAfter) continue;
    const changes = sheetChanges(entry, a.sheet, b.sheet);
    if (changes.length) out.push({ route: entry.id, effective: b.effective!, changes });
  }
  return out;
}

const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** Price changes of the given routes (default: every catalog route) that took effect after `since`. */
export function changesSince(catalog: Catalog, since: string, routes?: readonly string[]): PriceChange[] {
  const entries = routes ? routes.map((r) => tryFind(catalog, r)).filter((e): e is CatalogEntry => e !== undefined) : [...catalog.tokenRoutes.values(), ...catalog.gpuSkus.values()];
  const seen = new Set<string>();
  return entries
    .filter((e) => (seen.has(e.id) ? false : (seen.add(e.id), true)))
    .flatMap((e) => historyChanges(e, nextDay(since)))
    .sort((a, b) => a.route.localeCompare(b.route) || a.effective.localeCompare(b.effective));
}

function tryFind(catalog: Catalog, route: string): CatalogEntry | undefined {
  try {
    return findRoute(catalog, route);
  } catch {
    return undefined;
  }
}

export interface SourceComparison {
  route: string;
  /** null: the route is new in the other source. */
  before: { effective: string | null; source: string } | null;
  after: { effective: string | null; source: string };
  changes: PriceChange['changes'];
}

/** Each route of `other` against `base` on `asOf`: what the other source would change (routes absent from `other` are not compared). */
export function compareSources(base: Catalog, other: Catalog, asOf: string): SourceComparison[] {
  const out: SourceComparison[] = [];
  for (const e of [...other.tokenRoutes.values(), ...other.gpuSkus.values()]) {
    let after: PricePoint<unknown>;
    try {
      after = pointAt(e as { id: string; history: PricePoint<unknown>[] }, asOf);
    } catch {
      continue;
    }
    const b = tryFind(base, e.id);
    let before: PricePoint<unknown> | undefined;
    try {
      before = b ? pointAt(b as { id: string; history: PricePoint<unknown>[] }, asOf) : undefined;
    } catch {
      before = undefined;
    }
    const changes = before ? sheetChanges(e, before.sheet, after.sheet) : sheetChanges(e, {} as never, after.sheet);
    if (before && (!changes.length || before.source === after.source)) continue;
    out.push({ route: e.id, before: before ? { effective: before.effective, source: before.source } : null, after: { effective: after.effective, source: after.source }, changes });
  }
  return out.sort((a, b) => a.route.localeCompare(b.route));
}

export interface WorkloadPriceFlag {
  workload: string;
  asOf: string;
  change: PriceChange;
}

/** Inference Field Guide Part 5: "Provider pricing page update. Re-run the LCPR calculator" — a route whose price changed after the workload's as_of. */
export function workloadPriceFlags(catalog: Catalog, workloads: readonly { name: string; asOf: string; routes: readonly string[] }[]): WorkloadPriceFlag[] {
  return workloads.flatMap((w) => changesSince(catalog, w.asOf, w.routes).map((change) => ({ workload: w.name, asOf: w.asOf, change })));
}
