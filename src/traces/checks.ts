import { type DailyPoint, type HourlyLatency, type RedFlagInput, type Signal, type WeeklyLatency, detectRedFlags } from '../engine/red-flags.js';
import { type Store, query } from './db.js';
import { attemptsSql } from './metrics.js';
import { reconcileStore } from './reconcile.js';

/** Series for the red-flag detectors, aggregated in SQL (needs the `priced` view). */
export async function checkStore(store: Store, opts: Pick<RedFlagInput, 'slo' | 'qualityFloor'> & { from?: string; to?: string }): Promise<Signal[]> {
  const window = { ...(opts.from ? { from: opts.from } : {}), ...(opts.to ? { to: opts.to } : {}) };
  const a = attemptsSql(window);
  const daily = (
    await query(
      store.conn,
      `WITH a AS (${a})
       SELECT coalesce(req_workload, '(none)') AS workload, strftime(req_ts, '%Y-%m-%d') AS day,
         count(*) FILTER (WHERE is_final) AS requests, count(*) AS attempts,
         count(*) FILTER (WHERE is_final AND quality IN ('pass', 'fail', 'repaired')) AS labelled,
         count(*) FILTER (WHERE is_final AND quality = 'pass') AS passed,
         count(*) FILTER (WHERE is_final AND req_escalated) AS escalated,
         sum(input_tokens) AS "inputTokens", sum(coalesce(cached_input_tokens, 0)) AS "cachedTokens",
         count(*) FILTER (WHERE fallback) AS "fallbackAttempts"
       FROM a GROUP BY 1, 2 ORDER BY 1, 2`,
    )
  ).map((r) => r as unknown as DailyPoint);
  const hourly = (
    await query(
      store.conn,
      `SELECT coalesce(workload, '(none)') AS workload, strftime(ts, '%Y-%m-%dT%H') AS hour,
         quantile_cont(e2e_ms, 0.99) FILTER (WHERE status = 'ok') AS "e2eP99Ms",
         quantile_cont(ttft_ms, 0.99) FILTER (WHERE status = 'ok') AS "ttftP99Ms",
         quantile_cont((e2e_ms - ttft_ms) / (output_tokens - 1), 0.99) FILTER (WHERE status = 'ok' AND output_tokens > 1) AS "tpotP99Ms"
       FROM (${a}) GROUP BY 1, 2 ORDER BY 1, 2`,
    )
  ).map((r) => r as unknown as HourlyLatency);
  const weeklyLatency = (
    await query(
      store.conn,
      `WITH a AS (${a}), m AS (SELECT max(ts) AS t FROM a)
       SELECT coalesce(workload, '(none)') AS workload,
         quantile_cont(e2e_ms, 0.99) FILTER (WHERE ts > m.t - INTERVAL 7 DAY) / nullif(quantile_cont(e2e_ms, 0.5) FILTER (WHERE ts > m.t - INTERVAL 7 DAY), 0) AS "currentRatio",
         quantile_cont(e2e_ms, 0.99) FILTER (WHERE ts <= m.t - INTERVAL 7 DAY AND ts > m.t - INTERVAL 14 DAY)
           / nullif(quantile_cont(e2e_ms, 0.5) FILTER (WHERE ts <= m.t - INTERVAL 7 DAY AND ts > m.t - INTERVAL 14 DAY), 0) AS "baselineRatio"
       FROM a, m WHERE status = 'ok' GROUP BY 1`,
    )
  ).map((r) => r as unknown as WeeklyLatency);
  const [{ lines }] = (await query(store.conn, 'SELECT count(*) AS lines FROM invoice_lines')) as [{ lines: number }];
  const invoiceVariance = lines ? (await reconcileStore(store)).providers.map((l) => ({ provider: l.provider, period: `${l.periodStart.slice(0, 10)}–${l.periodEnd.slice(0, 10)}`, deltaPct: l.deltaPct })) : undefined;
  return detectRedFlags({ daily, hourly, weeklyLatency, ...(invoiceVariance ? { invoiceVariance } : {}), ...(opts.slo ? { slo: opts.slo } : {}), ...(opts.qualityFloor !== undefined ? { qualityFloor: opts.qualityFloor } : {}) });
}
