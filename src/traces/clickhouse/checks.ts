import type { Catalog } from '../../catalog/types.js';
import { type HourlyLatency, type Signal, type WeeklyLatency, detectRedFlags } from '../../engine/measured/red-flags.js';
import { type CheckOptions, LATENCY_WEEK_DAYS, type StoreExtras, type TraceSeries, checkWindow, dailyPoint, redFlagInput, routeUses } from '../checks.js';
import type { Row } from '../db.js';
import { pricingData } from '../pricing.js';
import { type ChStore, chLit } from './connection.js';
import { chAttemptsSql, chTimeFilter, interpolated } from './metrics.js';
import { TPOT } from '../metrics.js';

/**
 * `traces check` on ClickHouse 18.16: the trace series of ../checks.ts `traceSeries` (daily counts,
 * hourly latency p99s, weekly p99/p50, route use) in ClickHouse SQL, fed to the same `redFlagInput`
 * and `detectRedFlags`. Needs `prepareChPricing` first (`chAttemptsSql` reads the priced attempts),
 * as `checkStore` needs the `priced` view.
 *
 * The store holds trace rows only: invoice variance and the incident signals say "not checked" with
 * the reason (they read invoices and incidents, which only a DuckDB store holds; see docs/traces.md).
 * The catalog price-change signal needs only the traced routes and days, so it runs here too.
 */

/** Why the ClickHouse store cannot supply these signals (shown as the "not checked" detail). */
export const CLICKHOUSE_UNAVAILABLE: NonNullable<StoreExtras['unavailable']> = {
  invoiceVariance: 'not on the ClickHouse store: it holds trace rows only; invoices are reconciled in a DuckDB store (traces import INVOICE --db PATH, traces check --db PATH)',
  incidents: 'not on the ClickHouse store: it holds trace rows only; incidents are imported into a DuckDB store (traces import FILE --format incidents --db PATH)',
};

const US_PER_DAY = 86_400_000_000;
const DAY = (us: string) => `formatDateTime(toDateTime(intDiv(${us}, 1000000), 'UTC'), '%Y-%m-%d', 'UTC')`;
const HOUR = (us: string) => `formatDateTime(toDateTime(intDiv(${us}, 1000000), 'UTC'), '%Y-%m-%dT%H', 'UTC')`;

/** A quantile array from `interpolated` (empty when no value) → its first value, or null as DuckDB's quantile_cont over no row. */
const first = (v: unknown): number | null => (Array.isArray(v) && v.length ? Number(v[0]) : null);

/** The series of the ClickHouse store, as ../checks.ts `traceSeries` computes them on DuckDB. */
export async function chTraceSeries(ch: ChStore, window: { from?: string; to?: string }, catalog: Catalog | undefined): Promise<TraceSeries> {
  const requests = ch.attempts();
  const where = chTimeFilter(window);
  const and = where ? `${where} AND` : 'WHERE';

  // Per workload and day of the request's first attempt: the counts the week-over-week rates are built
  // from in detectRedFlags (Inference Field Guide, Part 5, Red-flag triggers). Aliases differ from every column
  // name: a ClickHouse alias is visible to the whole SELECT.
  const daily = (
    await ch.query(
      `SELECT ifNull(req_workload, '(none)') AS d_workload, ${DAY('req_ts_us')} AS d_day,
         countIf(is_final = 1) AS requests, count() AS attempts,
         countIf(is_final = 1 AND quality IN ('pass', 'fail', 'repaired')) AS labelled,
         countIf(is_final = 1 AND quality = 'pass') AS passed,
         countIf(is_final = 1 AND req_escalated = 1) AS escalated,
         sum(input_tokens) AS inputTokens, sum(ifNull(cached_input_tokens, 0)) AS cachedTokens,
         sum(ifNull(cache_write_tokens, 0)) AS cacheWriteTokens, sum(ifNull(cache_write_1h_tokens, 0)) AS cacheWrite1hTokens,
         countIf(fallback = 1) AS fallbackAttempts
       FROM (${chAttemptsSql(ch, window)})
       GROUP BY d_workload, d_day ORDER BY d_workload, d_day`,
    )
  ).map((r) => dailyPoint({ ...r, workload: r.d_workload, day: r.d_day }));

  // Hourly p99s of successful attempts (Inference Field Guide, Part 5 "P99 latency breach sustained 4+ hours";
  // Inference Economics Playbook, ch. 22 TTFT/TPOT p99 over SLO), by the attempt's own workload and hour as on DuckDB.
  // They read only the attempt's own columns, so `requests` directly (the same rows as the priced
  // attempts in the window: the price join adds no row). Exact quantiles: DuckDB's quantile_cont
  // over arraySort(groupArray(x)); a NULL latency is skipped by groupArray as by quantile_cont.
  const hourly = (
    await ch.query(
      `SELECT h_workload, h_hour, ${interpolated('s_e2e', [0.99])} AS e2e, ${interpolated('s_ttft', [0.99])} AS ttft, ${interpolated('s_tpot', [0.99])} AS tpot
       FROM (
         SELECT ifNull(workload, '(none)') AS h_workload, ${HOUR('ts_us')} AS h_hour,
           arraySort(groupArrayIf(e2e_ms, status = 'ok')) AS s_e2e,
           arraySort(groupArrayIf(ttft_ms, status = 'ok')) AS s_ttft,
           arraySort(groupArrayIf(${TPOT}, status = 'ok' AND output_tokens > 1 AND isNotNull(e2e_ms) AND isNotNull(ttft_ms))) AS s_tpot
         FROM ${requests} ${where}
         GROUP BY h_workload, h_hour)
       ORDER BY h_workload, h_hour`,
    )
  ).map((r): HourlyLatency => ({ workload: String(r.h_workload), hour: String(r.h_hour), e2eP99Ms: first(r.e2e), ttftP99Ms: first(r.ttft), tpotP99Ms: first(r.tpot) }));

  // e2e p99 ÷ p50 in the LATENCY_WEEK_DAYS up to the latest attempt of the window and the ones before
  // (Inference Economics Playbook, ch. 22, latency variance). The latest attempt is looked up first (18.16 has no CTE);
  // `ts_us > t − week` is DuckDB's `ts > max(ts) − INTERVAL 7 DAY` in microseconds.
  const [m] = await ch.query(`SELECT count() AS n, max(ts_us) AS t FROM ${requests} ${where}`);
  let weeklyLatency: WeeklyLatency[] = [];
  if (Number(m?.n ?? 0) > 0) {
    const t = Number(m!.t);
    const week = LATENCY_WEEK_DAYS * US_PER_DAY;
    const cur = `ts_us > ${chLit(t - week)}`;
    const base = `ts_us <= ${chLit(t - week)} AND ts_us > ${chLit(t - 2 * week)}`;
    const ratio = (v: unknown): number | null => {
      // [p50, p99]; p99 ÷ nullif(p50, 0) as on DuckDB.
      const q = Array.isArray(v) ? (v as number[]).map(Number) : [];
      return q.length === 2 && q[0] !== 0 ? q[1]! / q[0]! : null;
    };
    weeklyLatency = (
      await ch.query(
        `SELECT w_workload, ${interpolated('s_cur', [0.5, 0.99])} AS cur, ${interpolated('s_base', [0.5, 0.99])} AS base
         FROM (
           SELECT ifNull(workload, '(none)') AS w_workload,
             arraySort(groupArrayIf(e2e_ms, ${cur})) AS s_cur,
             arraySort(groupArrayIf(e2e_ms, ${base})) AS s_base
           FROM ${requests} ${and} status = 'ok'
           GROUP BY w_workload)
         ORDER BY w_workload`,
      )
    ).map((r) => ({ workload: String(r.w_workload), currentRatio: ratio(r.cur), baselineRatio: ratio(r.base) }));
  }

  return { daily, hourly, weeklyLatency, routeUse: await chRoutesInUse(ch, where, catalog) };
}

/**
 * Each workload's routes with the first and last day the traces saw them, as ../checks.ts
 * `routesInUse`: keyed by the catalog price key of (route, provider, model) (the same `pricingData`
 * resolution the DuckDB store's `route_map` holds), or the route as written when unpriced; the
 * provider is that of the earliest attempt with a provider (DuckDB's arg_min skips NULLs).
 */
async function chRoutesInUse(ch: ChStore, where: string, catalog: Catalog | undefined): Promise<ReturnType<typeof routeUses>> {
  const rows = await ch.query(
    `SELECT ifNull(workload, '(none)') AS r_workload, route, provider, model, min(ts_us) AS lo, max(ts_us) AS hi
     FROM ${ch.attempts()} ${where}
     GROUP BY r_workload, route, provider, model`,
  );
  const keyOf = (r: Row) => JSON.stringify([r.route ?? null, r.provider ?? null, r.model ?? null]);
  const keys = new Map(rows.map((r) => [keyOf(r), { route: (r.route as string | null) ?? null, provider: (r.provider as string | null) ?? null, model: (r.model as string | null) ?? null }]));
  const priceKey = catalog ? new Map(pricingData(catalog, [...keys.values()]).routeMap.map((m) => [keyOf({ ...m }), m.priceKey])) : new Map<string, string | null>();
  const merged = new Map<string, { workload: string; route: string | null; lo: number; hi: number; provider: string | null; providerAt: number }>();
  for (const r of rows) {
    const route = priceKey.get(keyOf(r)) ?? ((r.route as string | null) ?? null);
    const k = JSON.stringify([r.r_workload, route]);
    const [lo, hi] = [Number(r.lo), Number(r.hi)];
    const provider = (r.provider as string | null) ?? null;
    const g = merged.get(k) ?? { workload: String(r.r_workload), route, lo, hi, provider: null, providerAt: Infinity };
    g.lo = Math.min(g.lo, lo);
    g.hi = Math.max(g.hi, hi);
    if (provider !== null && lo < g.providerAt) [g.provider, g.providerAt] = [provider, lo];
    merged.set(k, g);
  }
  const day = (us: number) => new Date(Math.floor(us / 1000)).toISOString().slice(0, 10);
  // Ordered by workload, route as the DuckDB query orders them (byte order).
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const sorted = [...merged.values()].sort((a, b) => cmp(a.workload, b.workload) || cmp(String(a.route), String(b.route)));
  return routeUses(
    sorted.map((g) => ({ workload: g.workload, route: g.route, provider: g.provider, firstDay: day(g.lo), lastDay: day(g.hi) })),
    catalog,
  );
}

/** Red flags on the ClickHouse store (needs `prepareChPricing`): every signal, the ledger ones read from the store (ledger-reads.ts chCheck). */
export async function checkClickHouse(ch: ChStore, opts: CheckOptions): Promise<Signal[]> {
  return (await import('./ledger-reads.js')).chCheck(ch, opts); // every signal: the ledgers live in the store too (ledger-reads.ts)
}
