import type { Row } from '../db.js';
import { attemptsSql } from './attempts.js';
import type { Dialect } from './dialect.js';
import { pricedSql, attemptColumns } from './pricing.js';
import type { SqlSource } from './source.js';
import { TPOT, dayBucket, okLatency } from './summary.js';
import { type Window, where, windowPredicates } from './window.js';

/**
 * The series `traces check` reads (Inference Field Guide, Part 5, Red-flag triggers; Inference Economics Playbook, ch. 22,
 * Reversion signals), one query each for every store: daily counts, hourly p99s, weekly p99/p50,
 * and route use. ../checks.ts turns them into the detectors' input.
 */

const US_PER_DAY = 86_400_000_000;

/** A quantile array (empty or NULL when no value) → its first value, or null as quantile_cont over no row. */
export const firstQuantile = (v: unknown): number | null => (Array.isArray(v) && v.length && v[0] !== null ? Number(v[0]) : null);

/**
 * Per workload and day of the request's first attempt: the counts the week-over-week rates are
 * built from. Aliases differ from every column name (a ClickHouse alias is visible to the whole SELECT).
 */
export async function dailyRows(src: SqlSource, w: Window): Promise<Row[]> {
  const d = src.dialect;
  const p = src.params();
  const fin = d.isTrue('is_final');
  return src.query(
    `SELECT coalesce(req_workload, '(none)') AS d_workload, ${dayBucket(d, 'req_ts')} AS d_day,
       ${d.countIf(fin)} AS requests, count(*) AS attempts,
       ${d.countIf(`${fin} AND quality IN ('pass', 'fail', 'repaired')`)} AS labelled,
       ${d.countIf(`${fin} AND quality = 'pass'`)} AS passed,
       ${d.countIf(`${fin} AND ${d.isTrue('req_escalated')}`)} AS escalated,
       sum(input_tokens) AS ${d.ident('inputTokens')}, sum(coalesce(cached_input_tokens, 0)) AS ${d.ident('cachedTokens')},
       sum(coalesce(cache_write_tokens, 0)) AS ${d.ident('cacheWriteTokens')}, sum(coalesce(cache_write_1h_tokens, 0)) AS ${d.ident('cacheWrite1hTokens')},
       ${d.countIf(d.cond(d.isTrue('fallback')))} AS ${d.ident('fallbackAttempts')}
     FROM (${attemptsSql(src, p, w)}) AS a
     GROUP BY d_workload, d_day ORDER BY d_workload, d_day`,
    p,
  );
}

/**
 * Hourly p99s of successful attempts (Inference Field Guide, Part 5 "P99 latency breach sustained 4+ hours";
 * Inference Economics Playbook, ch. 22 TTFT/TPOT p99 over SLO), by the attempt's own workload and hour:
 * they read only the attempt's own columns, so the attempts relation directly.
 */
export async function hourlyRows(src: SqlSource, w: Window): Promise<{ workload: string; hour: string; e2eP99Ms: number | null; ttftP99Ms: number | null; tpotP99Ms: number | null }[]> {
  const d = src.dialect;
  const p = src.params();
  const q = (x: string, c: string) => d.quantiles(x, [0.99], c);
  const [e2e, ttft, tpot] = [q('e2e_ms', okLatency.e2e), q('ttft_ms', okLatency.ttft), q(TPOT, okLatency.tpot(d))];
  const rows = await src.query(
    `SELECT h_workload, h_hour, ${e2e.outer('s_e2e')} AS e2e, ${ttft.outer('s_ttft')} AS ttft, ${tpot.outer('s_tpot')} AS tpot
     FROM (
       SELECT coalesce(workload, '(none)') AS h_workload, ${d.format(d.ts, '%Y-%m-%dT%H')} AS h_hour,
         ${e2e.inner} AS s_e2e, ${ttft.inner} AS s_ttft, ${tpot.inner} AS s_tpot
       FROM ${src.attempts} ${where(windowPredicates(d, p, w))}
       GROUP BY h_workload, h_hour) AS h
     ORDER BY h_workload, h_hour`,
    p,
  );
  return rows.map((r) => ({ workload: String(r.h_workload), hour: String(r.h_hour), e2eP99Ms: firstQuantile(r.e2e), ttftP99Ms: firstQuantile(r.ttft), tpotP99Ms: firstQuantile(r.tpot) }));
}

/**
 * e2e p99 ÷ p50 per workload in the `weekDays` up to the latest attempt of the window and the ones
 * before (Inference Economics Playbook, ch. 22, latency variance). The latest attempt is looked up
 * first and the week bounds bound as microseconds (18.16 has no CTE).
 */
export async function weeklyRows(src: SqlSource, w: Window, weekDays: number): Promise<{ workload: string; currentRatio: number | null; baselineRatio: number | null }[]> {
  const d = src.dialect;
  const p0 = src.params();
  const preds0 = windowPredicates(d, p0, w);
  const [m] = await src.query(`SELECT count(*) AS n, ${d.micros(`max(${d.ts})`)} AS t FROM ${src.attempts} ${where(preds0)}`, p0);
  if (!Number(m?.n ?? 0)) return [];
  const p = src.params();
  const preds = windowPredicates(d, p, w);
  const t = Number(m!.t);
  const week = weekDays * US_PER_DAY;
  const [cut, cut2] = [d.fromMicros(p.bind('Int64', t - week)), d.fromMicros(p.bind('Int64', t - 2 * week))];
  const cur = d.quantiles('e2e_ms', [0.5, 0.99], `${d.ts} > ${cut}`);
  const base = d.quantiles('e2e_ms', [0.5, 0.99], `${d.ts} <= ${cut} AND ${d.ts} > ${cut2}`);
  const ratio = (v: unknown): number | null => {
    // [p50, p99]; p99 ÷ p50, none when p50 is 0.
    const q = Array.isArray(v) ? (v as number[]).map(Number) : [];
    return q.length === 2 && q[0] !== 0 ? q[1]! / q[0]! : null;
  };
  const rows = await src.query(
    `SELECT w_workload, ${cur.outer('s_cur')} AS cur, ${base.outer('s_base')} AS base
     FROM (
       SELECT coalesce(workload, '(none)') AS w_workload, ${cur.inner} AS s_cur, ${base.inner} AS s_base
       FROM ${src.attempts} ${where([...preds, "status = 'ok'"])}
       GROUP BY w_workload) AS x
     ORDER BY w_workload`,
    p,
  );
  return rows.map((r) => ({ workload: String(r.w_workload), currentRatio: ratio(r.cur), baselineRatio: ratio(r.base) }));
}

/**
 * Each workload's routes with the first and last day the traces saw them: keyed by the catalog
 * price key of (route, provider, model), or the route as written when unpriced; the provider is
 * that of the earliest attempt that names one. Its own small query over the priced attempts
 * (needs the day prices for the price key), not the whole series.
 */
export async function routeUseRows(src: SqlSource, w: Window): Promise<Row[]> {
  const d: Dialect = src.dialect;
  const p = src.params();
  const cols = ['workload', 'route', 'provider', 'model', d.ts];
  return src.query(
    `SELECT coalesce(workload, '(none)') AS u_workload, coalesce(price_key, route) AS u_route,
       ${d.argMinIf('provider', d.ts, d.notNull('provider'))} AS u_provider,
       ${dayBucket(d, `min(${d.ts})`)} AS u_first, ${dayBucket(d, `max(${d.ts})`)} AS u_last
     FROM (${pricedSql(src, cols, windowPredicates(d, p, w))}) AS r
     GROUP BY u_workload, u_route ORDER BY u_workload, u_route`,
    p,
  );
}


