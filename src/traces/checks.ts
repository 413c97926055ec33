import { findRoute } from '../catalog/lookup.js';
import { historyChanges } from '../catalog/price-diff.js';
import type { Catalog } from '../catalog/types.js';
import { resolveRoute } from '../catalog/resolve.js';
import { DEFAULTS } from '../workload/defaults.js';
import { type CachePrice, type DailyPoint, type HourlyLatency, type Incident, type PriceChange, type RedFlagInput, type RouteUse, type Signal, type WeeklyLatency, detectRedFlags } from '../engine/measured/red-flags.js';
import type { Row } from './db.js';
import type { Readable } from './metrics.js';
import { reconcileStore } from './reconcile.js';
import { dailyRows, hourlyRows, incidentRows, ledgerHasRows, routeUseRows, sourceOf, weeklyRows } from './sql/index.js';

export type CheckOptions = Pick<RedFlagInput, 'slo' | 'qualityFloor' | 'incidentSloMinutes'> & { from?: string; to?: string; catalog?: Catalog };

/**
 * The trace-derived series the detectors read (Inference Field Guide, Part 5, Red-flag triggers; Inference Economics Playbook, ch. 22,
 * Reversion signals), computed by the queries of ./sql/series.ts on any store; everything after that
 * is `redFlagInput` + `detectRedFlags`.
 */
export interface TraceSeries {
  daily: DailyPoint[];
  hourly: HourlyLatency[];
  weeklyLatency: WeeklyLatency[];
  /** Route ids canonical (catalog aliases resolved, see `routeUses`). */
  routeUse: RouteUse[];
}

/** What only some stores hold: invoice variance and incidents, or why the store cannot hold them. */
export interface StoreExtras {
  invoiceVariance?: RedFlagInput['invoiceVariance'];
  incidents?: Incident[];
  unavailable?: RedFlagInput['unavailable'];
}

/** The --from/--to window of a check. */
export const checkWindow = (opts: { from?: string; to?: string }): { from?: string; to?: string } => ({ ...(opts.from ? { from: opts.from } : {}), ...(opts.to ? { to: opts.to } : {}) });

/**
 * The latency-variance signal (Inference Economics Playbook, ch. 22, Reversion signals: e2e p99/p50 up more than 50%)
 * compares the LATENCY_WEEK_DAYS days up to the latest trace with the LATENCY_WEEK_DAYS before them.
 */
export const LATENCY_WEEK_DAYS = 7;

/** One daily row of either store as numbers (DuckDB sums are HUGEINT, ClickHouse's Int64: both arrive as numbers or bigints). */
export function dailyPoint(r: Row): DailyPoint {
  const n = (k: string) => Number(r[k] ?? 0);
  return {
    workload: String(r.workload),
    day: String(r.day),
    requests: n('requests'),
    attempts: n('attempts'),
    labelled: n('labelled'),
    passed: n('passed'),
    escalated: n('escalated'),
    inputTokens: n('inputTokens'),
    cachedTokens: n('cachedTokens'),
    fallbackAttempts: n('fallbackAttempts'),
    cacheWriteTokens: n('cacheWriteTokens'),
    cacheWrite1hTokens: n('cacheWrite1hTokens'),
  };
}

/** The series of a store (needs the day prices, `preparePricing`). */
export async function traceSeries(store: Readable, window: { from?: string; to?: string }, catalog: Catalog | undefined): Promise<TraceSeries> {
  const src = sourceOf(store);
  // Per workload and day (of the request's first attempt): the counts the week-over-week rates are
  // built from in detectRedFlags (Inference Field Guide, Part 5, Red-flag triggers).
  const daily = (await dailyRows(src, window)).map((r) => dailyPoint({ ...r, workload: r.d_workload, day: r.d_day }));
  // Hourly p99s of successful attempts (Inference Field Guide, Part 5 "P99 latency breach sustained 4+ hours").
  const hourly: HourlyLatency[] = await hourlyRows(src, window);
  // e2e p99 ÷ p50 in the last week and the week before (Inference Economics Playbook, ch. 22, latency variance).
  const weeklyLatency: WeeklyLatency[] = await weeklyRows(src, window, LATENCY_WEEK_DAYS);
  const routeUse = await routesInUse(src, window, catalog);
  return { daily, hourly, weeklyLatency, routeUse };
}

/**
 * Red flags on a store (needs the day prices): the trace series, invoice variance and incidents.
 * A store without the ledger tables (`unavailable` says why) checks the trace signals only.
 */
export async function checkStore(store: Readable, opts: CheckOptions, unavailable: StoreExtras['unavailable'] = {}): Promise<Signal[]> {
  const src = sourceOf(store);
  const series = await traceSeries(src, checkWindow(opts), opts.catalog);
  const why: NonNullable<StoreExtras['unavailable']> = {};
  let invoiceVariance: StoreExtras['invoiceVariance'];
  if (await src.hasTable('invoice_lines')) {
    if (await ledgerHasRows(src, 'invoice_lines')) {
      invoiceVariance = (await reconcileStore(src)).providers.map((l) => ({ provider: l.provider, period: `${l.periodStart.slice(0, 10)}–${l.periodEnd.slice(0, 10)}`, deltaPct: l.deltaPct }));
    }
  } else if (unavailable.invoiceVariance) why.invoiceVariance = unavailable.invoiceVariance;
  let incidents: Incident[] | undefined;
  if (await src.hasTable('incidents')) incidents = await incidentsIn(src, series.routeUse, opts.catalog);
  else if (unavailable.incidents) why.incidents = unavailable.incidents;
  return detectRedFlags(
    redFlagInput(series, { ...(invoiceVariance ? { invoiceVariance } : {}), ...(incidents ? { incidents } : {}), ...(Object.keys(why).length ? { unavailable: why } : {}) }, opts),
  );
}

/**
 * The detectors' input from a store's series and extras, the same for every store: the catalog's
 * price changes of the traced routes (`priceChangesNear`) and the thresholds the user gave.
 */
export function redFlagInput(series: TraceSeries, extras: StoreExtras, opts: CheckOptions): RedFlagInput {
  const priceChanges = opts.catalog ? priceChangesNear(opts.catalog, series.routeUse) : undefined;
  const cachePrices = opts.catalog ? cachePricesOf(opts.catalog, series.routeUse) : undefined;
  return {
    daily: series.daily,
    hourly: series.hourly,
    weeklyLatency: series.weeklyLatency,
    routeUse: series.routeUse,
    ...(priceChanges ? { priceChanges } : {}),
    ...(cachePrices ? { cachePrices } : {}),
    ...(extras.incidents ? { incidents: extras.incidents } : {}),
    ...(extras.invoiceVariance ? { invoiceVariance: extras.invoiceVariance } : {}),
    ...(extras.unavailable ? { unavailable: extras.unavailable } : {}),
    ...(opts.slo ? { slo: opts.slo } : {}),
    ...(opts.qualityFloor !== undefined ? { qualityFloor: opts.qualityFloor } : {}),
    ...(opts.incidentSloMinutes !== undefined ? { incidentSloMinutes: opts.incidentSloMinutes } : {}),
  };
}

/** A route id as the catalog names it (aliases resolved), or as written when the catalog does not know it. */
export function canonical(catalog: Catalog | undefined, route: string): string {
  if (!catalog) return route;
  try {
    return findRoute(catalog, route).id;
  } catch {
    return route;
  }
}

/** Each workload's routes with the first and last day the traces saw them (needs the day prices). */
export async function routesInUse(store: Readable, window: { from?: string; to?: string }, catalog: Catalog | undefined): Promise<RouteUse[]> {
  const rows = await routeUseRows(sourceOf(store), window);
  return routeUses(rows.map((r) => ({ workload: r.u_workload, route: r.u_route, provider: r.u_provider, firstDay: r.u_first, lastDay: r.u_last })), catalog);
}

/** Route-use rows of either store (route = price key, or the route as written when unpriced) with route ids made canonical. */
export function routeUses(rows: Row[], catalog: Catalog | undefined): RouteUse[] {
  return rows.map((r) => ({ workload: String(r.workload), route: canonical(catalog, String(r.route)), provider: (r.provider as string | null) ?? null, firstDay: String(r.firstDay), lastDay: String(r.lastDay) }));
}

/** Each workload's latest route (the one seen last) with its token prices in force on its last traced day. */
export function cachePricesOf(catalog: Catalog, uses: RouteUse[]): CachePrice[] {
  const out: CachePrice[] = [];
  for (const w of [...new Set(uses.map((u) => u.workload))].sort()) {
    const latest = uses.filter((u) => u.workload === w).sort((a, b) => a.lastDay.localeCompare(b.lastDay) || a.route.localeCompare(b.route)).at(-1)!;
    let spec;
    try {
      spec = resolveRoute(catalog, { id: latest.route, asOf: latest.lastDay }, { utilization: DEFAULTS.utilization });
    } catch {
      continue;
    }
    if (spec.billing !== 'tokens' || !spec.price.input) continue;
    const p = spec.price;
    out.push({ workload: w, route: spec.id, input: p.input!.value, cachedInput: p.cachedInput?.value ?? null, cacheWrite5m: p.cacheWrite5m?.value ?? null, cacheWrite1h: p.cacheWrite1h?.value ?? null });
  }
  return out;
}

/** Days before the traced window whose price changes still count as "near" it: one comparison week. */
export const PRICE_CHANGE_LOOKBACK_DAYS = 7;

/**
 * Catalog price points of the traced routes that replaced an earlier point, effective from a week
 * before the traces begin on (later, scheduled changes included: projections need them too).
 */
export function priceChangesNear(catalog: Catalog, uses: RouteUse[]): PriceChange[] {
  if (!uses.length) return [];
  const start = uses.map((u) => u.firstDay).sort()[0]!;
  const near = new Date(Date.parse(`${start}T00:00:00Z`) - PRICE_CHANGE_LOOKBACK_DAYS * 86_400_000).toISOString().slice(0, 10);
  const out: PriceChange[] = [];
  for (const route of [...new Set(uses.map((u) => u.route))].sort()) {
    let entry;
    try {
      entry = findRoute(catalog, route);
    } catch {
      continue;
    }
    // The same diff as `routefit catalog diff` (src/catalog/price-diff.ts).
    out.push(...historyChanges(entry, near));
  }
  return out;
}

/** Imported incidents within the traced days; undefined when the store holds none at all. */
export async function incidentsIn(store: Readable, uses: RouteUse[], catalog: Catalog | undefined): Promise<Incident[] | undefined> {
  const src = sourceOf(store);
  if (!(await ledgerHasRows(src, 'incidents'))) return undefined;
  if (!uses.length) return [];
  const from = uses.map((u) => u.firstDay).sort()[0]!;
  const to = uses.map((u) => u.lastDay).sort().at(-1)!;
  const rows = await incidentRows(src, from, to);
  return rows.map((r) => ({
    date: String(r.i_date),
    provider: (r.provider as string | null) ?? null,
    route: r.route === null || r.route === undefined ? null : canonical(catalog, String(r.route)),
    severity: (r.severity as string | null) ?? null,
    minutes: r.minutes === null || r.minutes === undefined ? null : Number(r.minutes),
    description: (r.description as string | null) ?? null,
  }));
}
